//! Hostile test plugin: reports a million findings, one of them with a
//! 100 MB message, to check the host's caps on what it lifts.
use bulkhead_sdk::{File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Flooder;

impl Plugin for Flooder {
    fn info() -> PluginInfo {
        PluginInfo::new("flooder", "0.1.0", "Floods the host.")
            .rule(Rule::new("flood", "One of very many", Severity::Low))
            .interests(Interests::files(["**/flood-here.txt"]))
    }

    fn analyze_file(_file: &File, out: &mut Reporter) -> Result<(), String> {
        let huge = "A".repeat(100 << 20);
        out.finding(Finding::new("flood", huge).line(1));
        // Ignores the host's "no more" answer on purpose.
        for index in 0..1_000_000u32 {
            let _ = out.finding(Finding::new("flood", format!("finding {index}")).line(index + 1));
        }
        Ok(())
    }
}

export_plugin!(Flooder);
