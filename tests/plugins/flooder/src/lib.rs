//! Hostile test plugin: reports a million findings, one of them with a
//! 100 MB message, to check the host's caps on what it lifts. It calls the
//! raw `report` import, ignoring the host's "no more" answer, instead of
//! the SDK's `Reporter`, which would stop politely at the cap.
use bulkhead_sdk::bindings::bulkhead::plugin::{host, types};
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Flooder;

fn finding(message: String, line: u32) -> types::Finding {
    types::Finding {
        rule_id: "flood".to_string(),
        message,
        lines: Some(types::LineRange {
            start: line,
            end: line,
        }),
        field_path: None,
        secret: None,
        severity: None,
        affected_package: None,
        fixed_versions: Vec::new(),
        aliases: Vec::new(),
        references: Vec::new(),
        properties: Vec::new(),
        path: None,
    }
}

impl Plugin for Flooder {
    fn info() -> PluginInfo {
        PluginInfo::new("flooder", "0.1.0", "Floods the host.")
            .rule(Rule::new("flood", "One of very many", Severity::Low))
            .interests(Interests::files(["**/flood-here.txt"]))
    }

    fn analyze_file(_file: &File, _out: &mut Reporter) -> Result<(), String> {
        host::report(&finding("A".repeat(100 << 20), 1));
        for index in 0..1_000_000u32 {
            let _ = host::report(&finding(format!("finding {index}"), index + 2));
        }
        Ok(())
    }
}

export_plugin!(Flooder);
