//! Curated plugin `dockerfile`: checks Dockerfiles (any file named
//! `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`) for what
//! Trivy's DS checks and hadolint's security and reproducibility rules
//! cover, with exact lines. On images it runs the rules that make sense on
//! the Dockerfile reconstructed from the history (the way Trivy does).

mod check;
mod history;
mod parse;
mod rules;

use bulkhead_sdk::{File, Finding, Interests, Plugin, PluginInfo, Reporter, export_plugin};

use check::Source;

/// Largest Dockerfile read.
const MAX_SIZE: u64 = 4 << 20;

struct Dockerfile;

impl Plugin for Dockerfile {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "dockerfile",
            env!("CARGO_PKG_VERSION"),
            "Checks Dockerfiles and image build history: base image tags, root user, ports, ADD/COPY, package-manager hygiene and pinning, secrets in ARG/ENV and copied files, curl|sh, permissions, pipefail.",
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
        for (line, message) in &parsed.errors {
            out.finding(Finding::new("DF-040", message.clone()).line(*line));
        }
        for hit in check::check(&parsed, Source::File) {
            let instruction = &parsed.instructions[hit.at];
            let mut finding = Finding::new(hit.rule, hit.message)
                .lines(instruction.start_line, instruction.end_line);
            if let Some(secret) = hit.secret {
                finding = finding.secret(secret);
            }
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }

    fn analyze_config(config_json: &str, out: &mut Reporter) -> Result<(), String> {
        let (parsed, steps) = history::reconstruct(config_json)?;
        for hit in check::check(&parsed, Source::History) {
            let applies = rules::SPECS
                .iter()
                .any(|spec| spec.id == hit.rule && spec.on_history);
            if !applies {
                continue;
            }
            let step = steps.get(hit.at).copied().unwrap_or(0);
            let mut finding = Finding::new(
                hit.rule,
                format!("{} (image history step {step})", hit.message),
            )
            .field_path(format!("history[{step}].created_by"));
            if let Some(secret) = hit.secret {
                finding = finding.secret(secret);
            }
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }
}

export_plugin!(Dockerfile);
