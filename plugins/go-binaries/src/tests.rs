//! The build-info parser over a real Go binary (tests/fixtures/go-binary)
//! and over hostile bytes.

use super::*;

/// Built by tests/fixtures/go-binary/build.sh with the Go of go-version.txt.
const SERVER: &[u8] = include_bytes!("../../../tests/fixtures/go-binary/server");
const GO_VERSION: &str = include_str!("../../../tests/fixtures/go-binary/go-version.txt");

/// Name, version, purl, source name and source version.
type Summary<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

/// A build-info header at offset 0 followed by the two strings.
fn header(go_version: &[u8], info: &[u8]) -> Vec<u8> {
    let mut data = MAGIC.to_vec();
    data.push(8); // pointer size
    data.push(0x2); // inline strings
    data.resize(32, 0);
    for text in [go_version, info] {
        let mut length = text.len() as u64;
        loop {
            let byte = (length & 0x7f) as u8;
            length >>= 7;
            data.push(if length == 0 { byte } else { byte | 0x80 });
            if length == 0 {
                break;
            }
        }
        data.extend_from_slice(text);
    }
    data
}

/// Module information between the 16-byte sentinels.
fn sentinels(lines: &str) -> Vec<u8> {
    let mut info = vec![0x30; INFO_START];
    info.extend_from_slice(lines.as_bytes());
    info.extend_from_slice(&[0x31; INFO_START]);
    info
}

#[test]
fn reads_the_modules_and_go_version_of_a_real_binary() {
    let found = modules(SERVER);
    let stdlib = format!("v{}", GO_VERSION.trim().trim_start_matches("go"));
    let summary: Vec<Summary> = found
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.purl.as_str(),
                p.source_name.as_deref(),
                p.source_version.as_deref(),
            )
        })
        .collect();
    let stdlib_purl = format!("pkg:golang/stdlib@{stdlib}");
    assert_eq!(
        summary,
        vec![
            ("stdlib", stdlib.as_str(), stdlib_purl.as_str(), None, None),
            (
                "example.com/greeting",
                "v1.2.3",
                "pkg:golang/example.com/greeting@v1.2.3",
                Some("../greeting"),
                Some("(devel)"),
            ),
        ],
        "the main module (devel) is not a package"
    );
    assert!(found.iter().all(|p| p.ecosystem == "Go"));
}

#[test]
fn purls_encode_module_paths_and_versions() {
    let data = header(
        b"go1.22.1",
        &sentinels(
            "path\tx\nmod\tx\t(devel)\t\ndep\tgithub.com/a/b/v2\tv2.0.0+incompatible\th1:x=\n",
        ),
    );
    let found = modules(&data);
    assert_eq!(found[0].purl, "pkg:golang/stdlib@v1.22.1");
    assert_eq!(
        found[1].purl,
        "pkg:golang/github.com/a/b/v2@v2.0.0%2Bincompatible"
    );
}

#[test]
fn a_replaced_module_that_is_skipped_does_not_lend_its_replacement() {
    let data = header(
        b"go1.21.0",
        &sentinels("dep\ta.example/one\tv1.0.0\t\ndep\tb.example/two\t(devel)\t\n=>\t../two\t\t\n"),
    );
    let found = modules(&data);
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].name, "a.example/one");
    assert_eq!(found[1].source_name, None);
}

#[test]
fn hostile_build_info_yields_nothing_or_what_is_there() {
    // Every truncation of the real binary: no panic.
    for cut in (0..SERVER.len()).step_by(4093) {
        let _ = modules(&SERVER[..cut]);
    }
    // No magic, a magic too close to the end, pre-1.18 (pointer) headers.
    assert!(modules(b"").is_empty());
    assert!(modules(&[0u8; 4096]).is_empty());
    assert!(modules(MAGIC).is_empty());
    let mut old = header(b"go1.17", &sentinels("dep\tx\tv1\t\n"));
    old[15] = 0;
    assert!(modules(&old).is_empty());
    // A length of 2^63 and a length past the end: read nothing.
    let mut huge = MAGIC.to_vec();
    huge.extend_from_slice(&[8, 2]);
    huge.resize(32, 0);
    huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    huge.resize(64, b'a');
    assert!(modules(&huge).is_empty());
    let mut unterminated = huge[..32].to_vec();
    unterminated.extend_from_slice(&[0x80; 20]);
    assert!(modules(&unterminated).is_empty());
    // Module information without sentinels, without tabs, of lone `=>`.
    let odd = header(b"go1.20", b"dep\tx\tv1");
    assert_eq!(
        modules(&odd).len(),
        2,
        "info shorter than its sentinels is read whole"
    );
    let lines = "=>\tx\tv1\n".repeat(10_000) + &"dep\n".repeat(10_000);
    assert_eq!(modules(&header(b"go", &sentinels(&lines))).len(), 1);
    assert!(modules(&header(b"not go", &sentinels("dep\ta\tv1\t\n")))[0].name == "a");
}
