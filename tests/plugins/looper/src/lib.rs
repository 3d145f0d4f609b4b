//! Hostile test plugin: never returns from `analyze-file`.
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Looper;

impl Plugin for Looper {
    fn info() -> PluginInfo {
        PluginInfo::new("looper", "0.1.0", "Loops forever.")
            .rule(Rule::new("never", "Never reported", Severity::Low))
            .interests(Interests::files(["**"]))
    }

    fn analyze_file(file: &File, _out: &mut Reporter) -> Result<(), String> {
        let mut counter: u64 = file.size();
        loop {
            counter =
                std::hint::black_box(counter.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}

export_plugin!(Looper);
