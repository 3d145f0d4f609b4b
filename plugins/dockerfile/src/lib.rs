//! Curated plugin `dockerfile`: checks Dockerfiles (any file named
//! `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`) for what
//! Trivy's DS checks and hadolint's security and reproducibility rules
//! cover, with exact lines. On images it runs the rules that make sense on
//! the Dockerfile reconstructed from the history (the way Trivy does).
//!
//! Modules in the order a file goes through them: `parse` (instructions),
//! `check` (the rules over instructions and stages), `run` and `shell`
//! (RUN scripts read as the shell reads them), `packages` (package-manager
//! hygiene), `rules` (the catalogue), `history` (the Dockerfile rebuilt
//! from an image config).

mod check;
mod history;
mod packages;
pub mod parse;
mod rules;
mod run;
mod shell;

use bulkhead_sdk::doc::{Hit, Hits};
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter};

use check::Source;

/// Largest Dockerfile read.
const MAX_SIZE: u64 = 4 << 20;

/// The plugin (public so the crate's native rlib, used by the fuzz targets,
/// keeps every check alive).
pub struct Dockerfile;

impl Plugin for Dockerfile {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "dockerfile",
            env!("CARGO_PKG_VERSION"),
            "Checks Dockerfiles and image build history: base image tags, root user, ports, ADD/COPY, package-manager hygiene, pinning and upgrades, secrets in ARG/ENV, copied files and passwords set in RUN, curl|sh, permissions, pipefail, shell-form ENTRYPOINT/CMD.",
        )
        .rules(rules::plugin_rules())
        .interests(
            Interests::files([
                "**/Dockerfile",
                "**/*.Dockerfile",
                "**/*.dockerfile",
                "**/Dockerfile.*",
                "**/Containerfile",
                "**/Containerfile.*",
                "Dockerfile",
                "*.Dockerfile",
                "Dockerfile.*",
                "Containerfile",
            ])
            .max_file_size(MAX_SIZE)
            .image_config(),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let text = file.read_text(MAX_SIZE)?;
        let parsed = parse::parse(&text);
        let mut hits = Hits::new();
        for (line, message) in &parsed.errors {
            hits.add(Hit::new(rules::id::PARSE_ERROR, message.clone()).at_line(*line));
        }
        for hit in check::check(&parsed, Source::File).into_vec() {
            hits.add(hit);
        }
        hits.report(out);
        Ok(())
    }

    fn analyze_config(config_json: &str, out: &mut Reporter) -> Result<(), String> {
        let (parsed, steps) = history::reconstruct(config_json)?;
        let mut hits = Hits::new();
        for hit in check::check(&parsed, Source::History).into_vec() {
            if let Some(hit) = history::locate(hit, &steps) {
                hits.add(hit);
            }
        }
        hits.report(out);
        Ok(())
    }
}

#[cfg(target_arch = "wasm32")]
bulkhead_sdk::export_plugin!(Dockerfile);
