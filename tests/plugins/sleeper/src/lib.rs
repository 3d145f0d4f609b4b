//! Hostile test plugin: sleeps in a WASI call (`monotonic-clock` and
//! `poll`), which an epoch deadline alone never interrupts.
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Sleeper;

impl Plugin for Sleeper {
    fn info() -> PluginInfo {
        PluginInfo::new("sleeper", "0.1.0", "Sleeps for ten minutes per file.")
            .rule(Rule::new("never", "Never reported", Severity::Low))
            .interests(Interests::files(["**/*.txt"]))
    }

    fn analyze_file(_file: &File, _out: &mut Reporter) -> Result<(), String> {
        std::thread::sleep(std::time::Duration::from_secs(600));
        Ok(())
    }
}

export_plugin!(Sleeper);
