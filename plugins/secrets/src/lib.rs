//! Curated plugin `secrets`: finds credentials in file contents.
//!
//! The rules live in `bulkhead_sdk::secrets` so that other plugins (image
//! config, ECS task definitions) check values with exactly the same rules.
//! The host prefilters files by the rules' keywords; this plugin reads each
//! file it is given once and reports every match with its line range.

use bulkhead_sdk::secrets::{self, Detector};
use bulkhead_sdk::{
    File, Finding, Interests, LineIndex, Plugin, PluginInfo, Reporter, export_plugin,
};

/// Largest file scanned, in bytes.
const MAX_FILE_SIZE: u64 = 10 << 20;

struct Secrets;

impl Plugin for Secrets {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "secrets",
            env!("CARGO_PKG_VERSION"),
            "Finds cloud keys, API tokens, private keys, passwords in URLs and high-entropy \
             secrets assigned to credential-like names in file contents.",
        )
        .rules(secrets::plugin_rules())
        .interests(
            Interests::files(["**"])
                .keywords(secrets::keywords())
                .max_file_size(MAX_FILE_SIZE)
                // Deleting a secret in a later layer does not remove it
                // from the image: scan every version.
                .include_deleted(),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let data = file.read_all(MAX_FILE_SIZE)?;
        let lines = LineIndex::new(&data);
        let keywords = file.matched_keywords();
        let found = if keywords.is_empty() {
            Detector::shared().scan(&data)
        } else {
            Detector::shared().scan_with_keywords(&data, &keywords)
        };
        for found in found {
            let start = lines.line_of(found.start);
            let end = lines.line_of(found.end.saturating_sub(1).max(found.start));
            let finding = Finding::new(
                found.rule.id,
                format!("{} found in {}", found.rule.title, file.path()),
            )
            .lines(start, end)
            .secret(found.secret);
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }
}

export_plugin!(Secrets);
