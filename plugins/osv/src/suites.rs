//! The version orders against osv-scanner's version comparison suites
//! (`internal/semantic/fixtures/*-versions*.txt`, Apache-2.0; see
//! tests/data/README.md for where they come from and how to get them).
//! Every line `A op B` must hold both ways round, as osv-scanner's own test
//! checks it.

use std::cmp::Ordering;
use std::path::PathBuf;

use super::version::{compare, order_name};

/// Each suite file, its number of comparison lines (osv-scanner commit
/// 5058d47, tests/data/osv-scanner-versions.sha256) and the ecosystems whose
/// order it checks.
pub const SUITES: &[(&str, usize, &[&str])] = &[
    ("alpine-versions.txt", 768, &["Alpine"]),
    ("alpine-versions-generated.txt", 13979, &["Alpine"]),
    ("cran-versions.txt", 21, &["CRAN"]),
    ("cran-versions-generated.txt", 57, &["CRAN"]),
    ("debian-versions.txt", 30, &["Debian"]),
    ("debian-versions-generated.txt", 14442, &["Debian"]),
    ("maven-versions.txt", 102, &["Maven"]),
    ("maven-versions-generated.txt", 14752, &["Maven"]),
    ("nuget-versions.txt", 35, &["NuGet"]),
    ("packagist-versions.txt", 95, &["Packagist"]),
    ("packagist-versions-generated.txt", 10630, &["Packagist"]),
    ("pypi-versions.txt", 37, &["PyPI"]),
    ("pypi-versions-generated.txt", 12375, &["PyPI"]),
    ("redhat-versions.txt", 153, &["Red Hat"]),
    ("rubygems-versions.txt", 25, &["RubyGems"]),
    ("rubygems-versions-generated.txt", 4098, &["RubyGems"]),
    (
        "semver-versions.txt",
        86,
        &["npm", "crates.io", "Go", "Hex"],
    ),
];

/// Where the suites are: `$BULKHEAD_UPSTREAM/osv-scanner-versions`
/// (default `target/upstream`), where scripts/upstream-suites fetches them at
/// the commit pinned in tests/upstream-suites.txt.
pub fn suite_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::var_os("BULKHEAD_UPSTREAM")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/upstream"))
        .join("osv-scanner-versions");
    assert!(
        dir.join("debian-versions.txt").is_file(),
        "osv-scanner's version suites are missing from {}: run scripts/upstream-suites",
        dir.display()
    );
    dir
}

/// One comparison line of a suite.
pub struct Line {
    /// The left version.
    pub a: String,
    /// The expected order of `a` against `b`.
    pub expected: Ordering,
    /// The right version.
    pub b: String,
}

/// The comparison lines of a suite file (blank lines and `# `/`// `
/// comments skipped, as osv-scanner's test reads them).
pub fn lines(text: &str) -> Vec<Line> {
    text.lines()
        .filter(|l| !(l.is_empty() || l.starts_with("# ") || l.starts_with("// ")))
        .map(|line| {
            let pieces: Vec<&str> = line.split(' ').collect();
            let [a, op, b] = pieces.as_slice() else {
                panic!("not `A op B`: {line:?}");
            };
            let expected = match *op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                other => panic!("unknown operator {other:?} in {line:?}"),
            };
            Line {
                a: a.to_string(),
                expected,
                b: b.to_string(),
            }
        })
        .collect()
}

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn every_order_agrees_with_osv_scanners_version_suites() {
    let dir = suite_dir();
    let mut table = String::from("ecosystem | order | lines | agree\n");
    let mut disagreements = Vec::new();
    for (file, count, ecosystems) in SUITES {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|err| panic!("{}: {err}", dir.join(file).display()));
        let lines = lines(&text);
        assert_eq!(lines.len(), *count, "{file} is not the recorded suite");
        for ecosystem in *ecosystems {
            let mut agree = 0;
            for line in &lines {
                let forward = compare(ecosystem, &line.a, &line.b);
                let backward = compare(ecosystem, &line.b, &line.a);
                if forward == line.expected && backward == line.expected.reverse() {
                    agree += 1;
                } else if disagreements.len() < 200 {
                    disagreements.push(format!(
                        "{ecosystem} ({file}): {} {:?} {} expected, got {forward:?} / reversed {backward:?}",
                        line.a, line.expected, line.b
                    ));
                }
            }
            table.push_str(&format!(
                "{ecosystem} | {} | {file} | {agree} of {}\n",
                order_name(ecosystem),
                lines.len()
            ));
        }
    }
    eprintln!("{table}");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
