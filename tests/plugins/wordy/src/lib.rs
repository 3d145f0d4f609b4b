//! Hostile test plugin: declares 5,000 keywords and 5,000 globs, so that a
//! host without caps would build huge automata for every scan.
use bulkhead_sdk::{Interests, Plugin, PluginInfo, Rule, Severity, export_plugin};

struct Wordy;

impl Plugin for Wordy {
    fn info() -> PluginInfo {
        PluginInfo::new("wordy", "0.1.0", "Declares too much.")
            .rule(Rule::new("never", "Never reported", Severity::Low))
            .interests(
                Interests::files((0..5_000).map(|i| format!("**/dir{i}/**/*.txt")))
                    .keywords((0..5_000).map(|i| format!("keyword-{i}-{}", "k".repeat(100)))),
            )
    }
}

export_plugin!(Wordy);
