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

/// Reads `etc/os-release` (or `usr/lib/os-release`) of the snapshot; images
/// without one are told by `etc/alpine-release` or `etc/debian_version`.
pub fn identify() -> Os {
    let text = |path: &str| {
        File::open(path)
            .and_then(|f| f.read_text(1 << 20).ok())
            .unwrap_or_default()
    };
    let release = text("etc/os-release");
    let release = if release.is_empty() {
        text("usr/lib/os-release")
    } else {
        release
    };
    let os = parse_os_release(&release);
    if !os.id.is_empty() {
        return os;
    }
    let alpine = text("etc/alpine-release");
    if !alpine.trim().is_empty() {
        return Os {
            id: "alpine".into(),
            version_id: alpine.trim().to_string(),
        };
    }
    let debian = text("etc/debian_version");
    if !debian.trim().is_empty() {
        // `12.5` is Debian 12; `trixie/sid` names no release.
        let major = debian.trim().split('.').next().unwrap_or_default();
        return Os {
            id: "debian".into(),
            version_id: if major.chars().all(|c| c.is_ascii_digit()) {
                major.to_string()
            } else {
                String::new()
            },
        };
    }
    os
}

/// `ID` and `VERSION_ID` of an os-release file.
pub fn parse_os_release(text: &str) -> Os {
    let mut os = Os::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        match key.trim() {
            "ID" => os.id = value,
            "VERSION_ID" => os.version_id = value,
            _ => {}
        }
    }
    os
}
