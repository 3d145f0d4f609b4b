//! Test plugin: asks for the `vulnerability-db` data directory, reads a
//! record from it, and tries to leave it or write to it.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

struct Reader;

impl Plugin for Reader {
    fn info() -> PluginInfo {
        PluginInfo::new("reader", "0.1.0", "Reads its data directory.")
            .rule(Rule::new("read", "What it read", Severity::Info))
            .rule(Rule::new(
                "escaped",
                "Reached past its grant",
                Severity::Critical,
            ))
            .interests(Interests::files(["**/read-here.txt"]).data_directory("vulnerability-db"))
    }

    fn analyze_file(_file: &File, out: &mut Reporter) -> Result<(), String> {
        match std::fs::read_to_string("/data/records/one.json") {
            Ok(text) => out.finding(Finding::new(
                "read",
                format!("read {} bytes from /data/records/one.json", text.len()),
            )),
            Err(_) => out.finding(Finding::new("read", "no data directory")),
        };
        for path in [
            "/data/../outside.txt",
            "/outside.txt",
            "/etc/passwd",
            "/data/records/../../outside.txt",
        ] {
            if std::fs::read_to_string(path).is_ok_and(|t| t.contains("root:")) {
                out.finding(Finding::new("escaped", format!("read {path}")));
            }
        }
        if std::fs::write("/data/planted.txt", "x").is_ok() {
            out.finding(Finding::new("escaped", "wrote /data/planted.txt"));
        }
        // A FIFO in the granted directory and one in the scanned tree: the
        // host must refuse both without blocking.
        if std::fs::metadata("/data/pipe").is_ok() {
            let fifo = match std::fs::read("/data/pipe") {
                Ok(_) => "opened".to_string(),
                Err(err) => format!("refused ({:?})", err.kind()),
            };
            out.finding(Finding::new("read", format!("/data/pipe: {fifo}")));
        }
        if File::list_dir("")
            .iter()
            .any(|name| name == "pipe-in-target")
        {
            let opened = File::open("pipe-in-target").is_some();
            out.finding(Finding::new(
                "read",
                format!(
                    "pipe-in-target: {}",
                    if opened { "opened" } else { "refused" }
                ),
            ));
        }
        Ok(())
    }
}

export_plugin!(Reader);
