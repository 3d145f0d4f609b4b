//! Hostile test plugin: asks for files of any size (`max-file-size` of
//! 2^64-1) and reports the size of each file it is handed.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

struct Greedy;

impl Plugin for Greedy {
    fn info() -> PluginInfo {
        PluginInfo::new("greedy", "0.1.0", "Wants every byte.")
            .rule(Rule::new("got", "A file it got", Severity::Info))
            .interests(Interests::files(["**/*.bin"]).max_file_size(u64::MAX))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        out.finding(Finding::new("got", format!("{} bytes", file.size())));
        Ok(())
    }
}

export_plugin!(Greedy);
