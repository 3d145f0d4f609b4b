//! Curated plugin `ecs`: checks AWS ECS task definitions in JSON, the
//! `aws ecs register-task-definition` input shape and the
//! `describe-task-definition` output shape (with its `taskDefinition`
//! wrapper), with lines and field paths. Covers the task-definition
//! controls of AWS Security Hub (ECS.1-ECS.9 and related), which neither
//! Trivy nor Checkov fully check on task-definition JSON.

mod check;
mod rules;

use bulkhead_sdk::doc::{self, Hits};
use bulkhead_sdk::{File, Finding, Interests, Plugin, PluginInfo, Reporter, export_plugin};

/// Largest task definition read.
const MAX_SIZE: u64 = 16 << 20;

struct Ecs;

impl Plugin for Ecs {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "ecs",
            env!("CARGO_PKG_VERSION"),
            "Checks AWS ECS task definitions: privileged and root containers, writable root filesystems, host namespaces and networking, secrets in environment, logging, memory, capabilities, EFS transit encryption, role separation.",
        )
        .rules(rules::plugin_rules())
        .interests(
            Interests::files(["**/*.json", "*.json"])
                .keywords(["containerdefinitions"])
                .max_file_size(MAX_SIZE),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let text = file.read_text(MAX_SIZE)?;
        let documents = match doc::parse(&text, doc::Limits::default()) {
            Ok(documents) => documents,
            Err(error) => {
                out.finding(
                    Finding::new(
                        rules::id::PARSE_ERROR,
                        format!("cannot parse the task definition: {}", error.message),
                    )
                    .line(error.line.max(1)),
                );
                return Ok(());
            }
        };
        let mut hits = Hits::new();
        for document in &documents {
            let (task, prefix) = match document.get("taskDefinition") {
                Some(inner) => (inner, "taskDefinition."),
                None => (document.as_ref(), ""),
            };
            if task.get("containerDefinitions").is_some() {
                check::check_task(task, prefix, &mut hits);
            }
        }
        hits.report(out);
        Ok(())
    }
}

export_plugin!(Ecs);
