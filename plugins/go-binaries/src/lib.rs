//! Curated plugin `go-binaries`: the Go modules compiled into a binary,
//! from the build information the Go toolchain (1.18+) embeds: the main
//! module, every dependency (with `replace` directives noted), and the
//! standard library as `stdlib`. The host's keyword prefilter hands over
//! only files that carry the build-info magic, wherever they are.

use bulkhead_sdk::{
    File, InstalledPackage, Interests, Plugin, PluginInfo, Reporter, export_plugin,
};

/// Largest binary read.
const MAX_SIZE: u64 = 256 << 20;
/// `\xff Go buildinf:`, the start of the build-info header.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// The sentinels around the module information string.
const INFO_START: usize = 16;

struct GoBinaries;

impl Plugin for GoBinaries {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "go-binaries",
            env!("CARGO_PKG_VERSION"),
            "Lists the Go modules (and the Go standard library version) compiled into Go binaries, from their embedded build information.",
        )
        // Executables only (any execute bit), and of those only the ones
        // the host's keyword pass finds the marker in.
        .interests(Interests::default().mode_mask(0o111).keywords([" go buildinf:"]).max_file_size(MAX_SIZE))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let bytes = file.read_all(MAX_SIZE)?;
        for package in modules(&bytes) {
            if !out.package(package) {
                break;
            }
        }
        Ok(())
    }
}

/// Reads a uvarint-prefixed string at `at`; returns it and the next offset.
fn varint_string(data: &[u8], mut at: usize) -> Option<(&[u8], usize)> {
    let mut length: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(at)?;
        at += 1;
        length |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let end = at.checked_add(usize::try_from(length).ok()?)?;
            return Some((data.get(at..end)?, end));
        }
    }
    None
}

fn golang(path: &str, version: &str) -> InstalledPackage {
    InstalledPackage {
        ecosystem: "Go".into(),
        name: path.to_string(),
        version: version.to_string(),
        purl: format!("pkg:golang/{path}@{version}"),
        source_name: None,
        source_version: None,
    }
}

/// The packages of a Go binary, or none if it has no inline build info.
pub fn modules(data: &[u8]) -> Vec<InstalledPackage> {
    // The header is 32 bytes, 16-byte aligned; flag 0x2 means the strings
    // follow inline (Go 1.18 and later).
    let Some(start) = (0..data.len().saturating_sub(32))
        .step_by(16)
        .find(|at| data[*at..].starts_with(MAGIC))
    else {
        return Vec::new();
    };
    let flags = data[start + 15];
    if flags & 0x2 == 0 {
        return Vec::new();
    }
    let Some((go_version, next)) = varint_string(data, start + 32) else {
        return Vec::new();
    };
    let Some((info, _)) = varint_string(data, next) else {
        return Vec::new();
    };
    let info = if info.len() >= 2 * INFO_START {
        &info[INFO_START..info.len() - INFO_START]
    } else {
        info
    };
    let mut found = Vec::new();
    let go_version = String::from_utf8_lossy(go_version);
    if let Some(version) = go_version.strip_prefix("go") {
        let version = version.split(' ').next().unwrap_or(version);
        found.push(golang("stdlib", &format!("v{version}")));
    }
    for line in String::from_utf8_lossy(info).lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["mod", path, version, ..] | ["dep", path, version, ..] if *version != "(devel)" => {
                found.push(golang(path, version));
            }
            ["=>", replacement, version, ..] => {
                // A replace directive: say so on the module it replaces.
                if let Some(last) = found.last_mut() {
                    last.source_name = Some(replacement.to_string());
                    last.source_version = Some(version.to_string());
                }
            }
            _ => {}
        }
    }
    found
}

export_plugin!(GoBinaries);
