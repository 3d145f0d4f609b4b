//! Hostile test plugin: allocates until the memory cap stops it.
use bulkhead_sdk::{File, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin};

struct Hog;

impl Plugin for Hog {
    fn info() -> PluginInfo {
        PluginInfo::new("hog", "0.1.0", "Allocates without bound.")
            .rule(Rule::new("never", "Never reported", Severity::Low))
            .interests(Interests::files(["**"]))
    }

    fn analyze_file(_file: &File, _out: &mut Reporter) -> Result<(), String> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![0xA5; 16 << 20]);
            std::hint::black_box(&hoard);
        }
    }
}

export_plugin!(Hog);
