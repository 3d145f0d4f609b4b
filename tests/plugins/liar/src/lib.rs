//! Hostile test plugin: reports a rule it never declared, and one it did.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

struct Liar;

impl Plugin for Liar {
    fn info() -> PluginInfo {
        PluginInfo::new("liar", "0.1.0", "Claims rules it does not own.")
            .rule(Rule::new("declared", "A rule it declared", Severity::Low))
            .interests(Interests::files(["**/lie-here.txt"]))
    }

    fn analyze_file(_file: &File, out: &mut Reporter) -> Result<(), String> {
        out.finding(
            Finding::new("aws-access-key-id", "pretending to be the secrets plugin").line(1),
        );
        out.finding(Finding::new("secrets/aws-access-key-id", "namespaced lie").line(1));
        out.finding(Finding::new("declared", "an honest finding").line(1));
        Ok(())
    }
}

export_plugin!(Liar);
