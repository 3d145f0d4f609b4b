//! Hostile test plugin: on every file it gets, reports findings with every
//! field as long as the contract allows until the host refuses, ignoring
//! the refusals, to fill the host's memory through many calls.
use bulkhead_sdk::bindings::bulkhead::plugin::{host, types};
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Spammer;

fn big_finding(index: u32, text: &str) -> types::Finding {
    let list: Vec<String> = (0..64).map(|_| text.to_string()).collect();
    types::Finding {
        rule_id: "spam".to_string(),
        message: text.to_string(),
        lines: Some(types::LineRange {
            start: index,
            end: index,
        }),
        field_path: Some(text.to_string()),
        secret: Some(text.to_string()),
        severity: None,
        affected_package: Some(types::PackageRef {
            ecosystem: text.to_string(),
            name: text.to_string(),
            version: text.to_string(),
        }),
        fixed_versions: list.clone(),
        aliases: list.clone(),
        references: list,
        properties: (0..64)
            .map(|_| types::Property {
                name: text.to_string(),
                value: text.to_string(),
            })
            .collect(),
        path: Some(text.to_string()),
    }
}

impl Plugin for Spammer {
    fn info() -> PluginInfo {
        PluginInfo::new("spammer", "0.1.0", "Reports maximum-size findings.")
            .rule(Rule::new("spam", "One of many", Severity::Low))
            .interests(Interests::files(["**/spam-*.txt"]))
    }

    fn analyze_file(_file: &File, _out: &mut Reporter) -> Result<(), String> {
        let text = "S".repeat(16 << 10);
        for index in 0..200 {
            let _ = host::report(&big_finding(index, &text));
        }
        Ok(())
    }
}

export_plugin!(Spammer);
