//! Curated plugin `rust-binaries`: the crates compiled into Rust binaries
//! built with `cargo auditable`, which stores the dependency tree as
//! zlib-compressed JSON in an ELF section named `.dep-v0`. The host's
//! keyword prefilter on the section name hands over only such binaries.
//!
//! [`crates`] is the parser (and [`elf_section`] its first step): pure
//! functions over a binary's bytes, public so that fuzz targets can call
//! them natively (the crate is also an rlib).

use std::io::Read;

use bulkhead_sdk::{
    File, InstalledPackage, Interests, Package, Plugin, PluginInfo, Purl, Reporter,
};
use serde::Deserialize;

/// Largest binary read.
const MAX_SIZE: u64 = 256 << 20;
/// Largest decompressed dependency list.
const MAX_JSON: u64 = 16 << 20;
/// Most section headers looked at.
const MAX_SECTIONS: usize = 4096;

#[derive(Deserialize)]
struct Audit {
    packages: Vec<Crate>,
}

#[derive(Deserialize)]
struct Crate {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
}

/// The plugin.
pub struct RustBinaries;

impl Plugin for RustBinaries {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "rust-binaries",
            env!("CARGO_PKG_VERSION"),
            "Lists the crates compiled into Rust binaries built with cargo auditable (the .dep-v0 section).",
        )
        // Executables only (any execute bit), and of those only the ones
        // the host's keyword pass finds the marker in.
        .interests(Interests::default().mode_mask(0o111).keywords([".dep-v0"]).max_file_size(MAX_SIZE))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let bytes = file.read_all(MAX_SIZE)?;
        let found = crates(&bytes).map_err(|err| format!("{}: {err}", file.path()))?;
        for package in found {
            if !out.package(package) {
                break;
            }
        }
        Ok(())
    }
}

/// The crates.io packages recorded in a binary's `.dep-v0` section (none
/// when it has no such section), or what is wrong with the record.
pub fn crates(binary: &[u8]) -> Result<Vec<InstalledPackage>, String> {
    let Some(section) = elf_section(binary, b".dep-v0") else {
        return Ok(Vec::new());
    };
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_JSON)
        .read_to_end(&mut json)
        .map_err(|err| format!(".dep-v0 is not zlib data: {err}"))?;
    let audit: Audit = serde_json::from_slice(&json)
        .map_err(|err| format!(".dep-v0 is not an audit record: {err}"))?;
    Ok(audit
        .packages
        .into_iter()
        .filter(|c| c.source == "crates.io" || c.source == "CratesIo")
        .map(|krate| {
            let purl = Purl::new("cargo", &krate.name).version(&krate.version);
            Package::new("crates.io", &krate.name, &krate.version)
                .purl(&purl)
                .build()
        })
        .collect())
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// The contents of the section called `wanted` in a little-endian ELF64
/// file, every offset bounds-checked.
pub fn elf_section<'a>(data: &'a [u8], wanted: &[u8]) -> Option<&'a [u8]> {
    if !data.starts_with(b"\x7fELF") || data.get(4) != Some(&2) || data.get(5) != Some(&1) {
        return None;
    }
    let shoff = usize::try_from(u64_at(data, 0x28)?).ok()?;
    let shentsize = usize::from(u16_at(data, 0x3a)?);
    let shnum = usize::from(u16_at(data, 0x3c)?).min(MAX_SECTIONS);
    let shstrndx = usize::from(u16_at(data, 0x3e)?);
    let header = |index: usize| shoff.checked_add(index.checked_mul(shentsize)?);
    let strings = header(shstrndx)?;
    let strings_offset = usize::try_from(u64_at(data, strings + 0x18)?).ok()?;
    for index in 0..shnum {
        let at = header(index)?;
        let name_offset = strings_offset.checked_add(usize::try_from(u32_at(data, at)?).ok()?)?;
        let name = data.get(name_offset..)?;
        if !(name.starts_with(wanted) && name.get(wanted.len()) == Some(&0)) {
            continue;
        }
        let offset = usize::try_from(u64_at(data, at + 0x18)?).ok()?;
        let size = usize::try_from(u64_at(data, at + 0x20)?).ok()?;
        return data.get(offset..offset.checked_add(size)?);
    }
    None
}

// Exported only in the wasm build: a native build (unit tests, fuzz
// targets) links the parser without the component exports.
#[cfg(target_arch = "wasm32")]
bulkhead_sdk::export_plugin!(RustBinaries);

#[cfg(test)]
mod tests;
