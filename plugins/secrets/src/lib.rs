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
            "Finds the credentials of every provider Trivy or gitleaks knows (cloud keys, API \
             tokens, checksums verified where the format has one), private keys, passwords in \
             URLs and command lines, and literal secrets assigned to credential-like names in \
             file contents.",
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
        let found = Detector::shared().scan_file(file, &file.matched_keywords(), MAX_FILE_SIZE)?;
        // Lines come from the host when it searched; a fallback scan in
        // the plugin (no keyword hits given) computes them here.
        let mut lines: Option<LineIndex> = None;
        for found in found {
            let (start, end) = match found.lines {
                Some(range) => range,
                None => {
                    let index = match &lines {
                        Some(index) => index,
                        None => lines.insert(LineIndex::new(&file.read_all(MAX_FILE_SIZE)?)),
                    };
                    let end = found.end.saturating_sub(1).max(found.start);
                    (index.line_of(found.start), index.line_of(end))
                }
            };
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
