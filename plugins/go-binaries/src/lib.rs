//! Curated plugin `go-binaries`: the Go modules compiled into a binary,
//! from the build information the Go toolchain (1.18+) embeds: the main
//! module, every dependency (with `replace` directives noted), and the
//! standard library as `stdlib`. The host's keyword prefilter hands over
//! only files that carry the build-info magic, wherever they are.
//!
//! [`modules`] is the parser: a pure function over a binary's bytes,
//! public so that fuzz targets can call it natively (the crate is also an
//! rlib).

use bulkhead_sdk::{
    File, InstalledPackage, Interests, Package, Plugin, PluginInfo, Purl, Reporter,
};

/// Largest binary read.
const MAX_SIZE: u64 = 256 << 20;
/// `\xff Go buildinf:`, the start of the build-info header.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// The sentinels around the module information string.
const INFO_START: usize = 16;

/// The plugin.
pub struct GoBinaries;

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

/// A Go module at a version, with a replacement if `replace`d.
fn module(path: &str, version: &str, replaced_by: Option<(&str, &str)>) -> InstalledPackage {
    let purl = match path.rsplit_once('/') {
        Some((namespace, name)) => Purl::new("golang", name).namespace(namespace),
        None => Purl::new("golang", path),
    };
    let mut package = Package::new("Go", path, version).purl(&purl.version(version));
    if let Some((replacement, replacement_version)) = replaced_by {
        package = package.source(replacement, Some(replacement_version));
    }
    package.build()
}

/// The packages of a Go binary, or none if it has no inline build info
/// (Go 1.18 and later): `stdlib` at the Go version, then every `mod` and
/// `dep` line of the module information, a `=>` line noting the
/// replacement of the module before it.
pub fn modules(data: &[u8]) -> Vec<InstalledPackage> {
    let Some((go_version, info)) = build_info(data) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let go_version = String::from_utf8_lossy(go_version);
    if let Some(version) = go_version.strip_prefix("go") {
        let version = version.split(' ').next().unwrap_or(version);
        found.push(module("stdlib", &format!("v{version}"), None));
    }
    let info = String::from_utf8_lossy(info);
    let mut lines = info.lines().peekable();
    while let Some(line) = lines.next() {
        let fields: Vec<&str> = line.split('\t').collect();
        let (["mod", path, version, ..] | ["dep", path, version, ..]) = fields.as_slice() else {
            continue;
        };
        // A replace directive follows the module it replaces.
        let replaced: Option<Vec<&str>> = lines
            .next_if(|next| next.starts_with("=>\t"))
            .map(|next| next.split('\t').collect());
        let replaced_by = match replaced.as_deref() {
            Some(["=>", replacement, version, ..]) => Some((*replacement, *version)),
            _ => None,
        };
        if *version != "(devel)" {
            found.push(module(path, version, replaced_by));
        }
    }
    found
}

/// The Go version and module information strings of the build-info
/// header: 32 bytes, 16-byte aligned, flag 0x2 saying the strings follow
/// inline; the module information sits between 16-byte sentinels.
fn build_info(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = (0..data.len().saturating_sub(32))
        .step_by(16)
        .find(|at| data[*at..].starts_with(MAGIC))?;
    let flags = *data.get(start + 15)?;
    if flags & 0x2 == 0 {
        return None;
    }
    let (go_version, next) = varint_string(data, start + 32)?;
    let (info, _) = varint_string(data, next)?;
    let info = if info.len() >= 2 * INFO_START {
        &info[INFO_START..info.len() - INFO_START]
    } else {
        info
    };
    Some((go_version, info))
}

// Exported only in the wasm build: a native build (unit tests, fuzz
// targets) links the parser without the component exports.
#[cfg(target_arch = "wasm32")]
bulkhead_sdk::export_plugin!(GoBinaries);

#[cfg(test)]
mod tests;
