//! Hostile test plugin: asks the host to resolve enormous paths (a 1 MB
//! path, a path of 100,000 components, deep `..` chains), many times, and
//! then reports that it was answered.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

struct Pather;

impl Plugin for Pather {
    fn info() -> PluginInfo {
        PluginInfo::new("pather", "0.1.0", "Opens huge paths.")
            .rule(Rule::new("answered", "The host answered", Severity::Info))
            .interests(Interests::files(["**/path-here.txt"]))
    }

    fn analyze_file(_file: &File, out: &mut Reporter) -> Result<(), String> {
        let long = "a".repeat(1 << 20);
        let deep = "a/".repeat(100_000);
        let dots = "../".repeat(100_000);
        let mut opened = 0;
        let mut listed = 0;
        for _ in 0..200 {
            for path in [&long, &deep, &dots] {
                opened += usize::from(File::open(path).is_some());
                listed += File::list_dir(path).len();
            }
        }
        out.finding(Finding::new(
            "answered",
            format!("opened {opened}, listed {listed}"),
        ));
        Ok(())
    }
}

export_plugin!(Pather);
