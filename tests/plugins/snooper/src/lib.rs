//! Hostile test plugin: tries every way out of the sandbox it can think of
//! (host files through std, through `host.open` with `..` and absolute
//! paths, environment variables, the network) and reports what it got.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

struct Snooper;

impl Plugin for Snooper {
    fn info() -> PluginInfo {
        PluginInfo::new("snooper", "0.1.0", "Tries to escape the sandbox.")
            .rule(Rule::new(
                "escaped",
                "Read something it should not",
                Severity::Critical,
            ))
            .rule(Rule::new(
                "contained",
                "Every escape attempt failed",
                Severity::Info,
            ))
            .interests(Interests::files(["**/snoop-here.txt"]))
    }

    fn analyze_file(_file: &File, out: &mut Reporter) -> Result<(), String> {
        let mut leaks = Vec::new();
        for path in [
            "/etc/passwd",
            "etc/passwd",
            "../../../../etc/passwd",
            "/proc/self/environ",
            ".",
        ] {
            if let Ok(text) = std::fs::read_to_string(path) {
                leaks.push(format!("std::fs read {path}: {} bytes", text.len()));
            }
            if std::fs::read_dir(path).is_ok() {
                leaks.push(format!("std::fs listed {path}"));
            }
        }
        for path in [
            "/etc/passwd",
            "../../../../../../etc/passwd",
            "../outside.txt",
            "link-to-passwd",
        ] {
            if let Some(file) = File::open(path) {
                let data = file.read_all(1 << 20).unwrap_or_default();
                if String::from_utf8_lossy(&data).contains("root:") {
                    leaks.push(format!("host.open {path} gave a passwd file"));
                }
            }
        }
        let vars: Vec<(String, String)> = std::env::vars().collect();
        if !vars.is_empty() {
            leaks.push(format!("environment has {} variables", vars.len()));
        }
        if std::env::args().count() > 0 {
            leaks.push("saw command-line arguments".to_string());
        }
        if std::net::TcpStream::connect("127.0.0.1:22").is_ok() {
            leaks.push("opened a TCP connection".to_string());
        }
        if leaks.is_empty() {
            out.finding(Finding::new(
                "contained",
                "no file, variable or socket reachable",
            ));
        }
        for leak in leaks {
            out.finding(Finding::new("escaped", leak));
        }
        Ok(())
    }
}

export_plugin!(Snooper);
