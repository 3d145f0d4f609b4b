//! The `.dep-v0` reader over ELF files built here and hostile bytes.

use std::io::Write;

use super::*;

/// A little-endian ELF64 file with these sections (after the null one)
/// and a section-name table.
fn elf(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut names = vec![0u8];
    let mut name_offsets = Vec::new();
    for (name, _) in sections {
        name_offsets.push(names.len() as u32);
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    }
    let shstrtab_name = names.len() as u32;
    names.extend_from_slice(b".shstrtab\0");
    let mut data = vec![0u8; 64];
    data[..4].copy_from_slice(b"\x7fELF");
    data[4] = 2; // 64-bit
    data[5] = 1; // little-endian
    let mut placed = Vec::new();
    for (_, bytes) in sections {
        placed.push((data.len() as u64, bytes.len() as u64));
        data.extend_from_slice(bytes);
    }
    let names_at = data.len() as u64;
    data.extend_from_slice(&names);
    let shoff = data.len() as u64;
    let mut header = |name: u32, offset: u64, size: u64| {
        let mut entry = [0u8; 64];
        entry[..4].copy_from_slice(&name.to_le_bytes());
        entry[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
        entry[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        data.extend_from_slice(&entry);
    };
    header(0, 0, 0);
    for (name, (offset, size)) in name_offsets.iter().zip(&placed) {
        header(*name, *offset, *size);
    }
    header(shstrtab_name, names_at, names.len() as u64);
    let count = sections.len() as u16 + 2;
    data[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    data[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    data[0x3c..0x3e].copy_from_slice(&count.to_le_bytes());
    data[0x3e..0x40].copy_from_slice(&(count - 1).to_le_bytes());
    data
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

const AUDIT: &[u8] = br#"{"packages":[
    {"name":"server","version":"0.3.0","source":"local","root":true,"dependencies":[1,2]},
    {"name":"smallvec","version":"1.6.0","source":"crates.io","dependencies":[]},
    {"name":"build-dep","version":"1.0.0+build.5","source":"CratesIo","kind":"build"}]}"#;

#[test]
fn reads_the_crates_io_packages_of_a_dep_v0_section() {
    let binary = elf(&[(".text", b"\x90\x90"), (".dep-v0", &zlib(AUDIT))]);
    let found = crates(&binary).expect("audit record");
    let summary: Vec<(&str, &str, &str, &str)> = found
        .iter()
        .map(|p| {
            (
                p.ecosystem.as_str(),
                p.name.as_str(),
                p.version.as_str(),
                p.purl.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("crates.io", "smallvec", "1.6.0", "pkg:cargo/smallvec@1.6.0"),
            (
                "crates.io",
                "build-dep",
                "1.0.0+build.5",
                "pkg:cargo/build-dep@1.0.0%2Bbuild.5"
            ),
        ],
        "local crates are left out; versions are purl-encoded"
    );
    // A section whose name only starts with `.dep-v0` is another section.
    let other = elf(&[(".dep-v0-not", &zlib(AUDIT))]);
    assert!(crates(&other).is_ok_and(|found| found.is_empty()));
}

#[test]
fn damaged_records_are_errors_and_damaged_elf_files_are_nothing() {
    let not_zlib = elf(&[(".dep-v0", b"plain text")]);
    assert!(crates(&not_zlib).is_err_and(|e| e.contains("zlib")));
    let not_json = elf(&[(".dep-v0", &zlib(b"[1, 2"))]);
    assert!(crates(&not_json).is_err_and(|e| e.contains("audit record")));
    // Nesting deeper than serde_json's recursion limit is an error.
    let deep = "[".repeat(100_000);
    let nested = elf(&[(".dep-v0", &zlib(deep.as_bytes()))]);
    assert!(crates(&nested).is_err());
    // A zlib bomb: 64 MiB of zeros, read to 16 MiB at most, then not JSON.
    let bomb = elf(&[(".dep-v0", &zlib(&vec![0u8; 64 << 20]))]);
    assert!(crates(&bomb).is_err());

    let good = elf(&[(".dep-v0", &zlib(AUDIT))]);
    for cut in 0..good.len() {
        let _ = crates(&good[..cut]);
    }
    // Offsets and sizes pointing anywhere: the section header table, the
    // name table index, a section's offset and size.
    let shoff = u64::from_le_bytes(good[0x28..0x30].try_into().expect("8 bytes")) as usize;
    for (at, value) in [
        (0x28, u64::MAX),
        (0x28, good.len() as u64),
        (0x3e, 0xffff),
        (shoff + 64 + 0x18, u64::MAX - 3),
        (shoff + 64 + 0x20, u64::MAX),
        (shoff + 64 + 0x20, 1 << 40),
        (shoff + 128 + 0x18, u64::MAX),
    ] {
        let mut bad = good.clone();
        let width = if at == 0x3e { 2 } else { 8 };
        bad[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
        assert!(
            crates(&bad).is_ok_and(|found| found.is_empty()),
            "patched at {at:#x}"
        );
    }
    // 65,535 section headers of size 0 all naming the same bytes: bounded.
    let mut many = good.clone();
    many[0x3a..0x3c].copy_from_slice(&0u16.to_le_bytes());
    many[0x3c..0x3e].copy_from_slice(&0xffffu16.to_le_bytes());
    let _ = crates(&many);
    assert!(crates(b"\x7fELF").is_ok_and(|found| found.is_empty()));
    assert!(crates(b"MZ not an elf").is_ok_and(|found| found.is_empty()));
}
