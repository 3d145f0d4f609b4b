//! The OS of the target, from `etc/os-release`, for OS package ecosystems.

use bulkhead_sdk::File;

/// `ID` and `VERSION_ID`.
#[derive(Default)]
pub struct Os {
    /// e.g. `debian`.
    pub id: String,
    /// e.g. `12`.
    pub version_id: String,
}

/// Reads `etc/os-release` (or `usr/lib/os-release`) of the snapshot.
pub fn identify() -> Os {
    let file = File::open("etc/os-release").or_else(|| File::open("usr/lib/os-release"));
    let text = file
        .and_then(|f| f.read_text(1 << 20).ok())
        .unwrap_or_default();
    let mut os = Os::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_string();
        match key {
            "ID" => os.id = value,
            "VERSION_ID" => os.version_id = value,
            _ => {}
        }
    }
    os
}
