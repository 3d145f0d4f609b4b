//! Hostile test plugin: panics on every file.
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Panicker;

impl Plugin for Panicker {
    fn info() -> PluginInfo {
        PluginInfo::new("panicker", "0.1.0", "Panics.")
            .rule(Rule::new("never", "Never reported", Severity::Low))
            .interests(Interests::files(["**"]))
    }

    fn analyze_file(file: &File, _out: &mut Reporter) -> Result<(), String> {
        panic!("panicker refuses {}", file.path());
    }
}

export_plugin!(Panicker);
