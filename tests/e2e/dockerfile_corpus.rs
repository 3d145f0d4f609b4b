//! The dockerfile plugin on real Dockerfiles: the 42 of the official Python
//! images (docker-library/python at the commit pinned in
//! tests/upstream-suites.txt, fetched by scripts/upstream-suites, which runs
//! this test; it is ignored in the default suite).
//!
//! Every finding is listed in `tests/expected/docker-library-python.txt`, each
//! kind reviewed in `docs/dockerfile-corpus.md` (and compared with hadolint
//! there, by `bench/dockerfile-corpus-vs-hadolint.sh`). The test fails on
//! any difference, so a new false alarm (or a lost finding) shows up as a
//! line to review.

use std::collections::BTreeSet;

use crate::support::{findings_of, plugin, root, scan_json, upstream_suite};

/// The reviewed findings.
const EXPECTED: &str = "tests/expected/docker-library-python.txt";

/// The fetched Dockerfiles.
fn corpus() -> std::path::PathBuf {
    upstream_suite("docker-library-python")
}

/// `path:line rule` of every dockerfile finding on the corpus.
fn reported() -> BTreeSet<String> {
    let run = scan_json(&corpus(), &["--severity-threshold", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    assert_eq!(
        plugin(&result, "dockerfile")["status"],
        "ok",
        "{:#}",
        plugin(&result, "dockerfile")
    );
    findings_of(&result, "dockerfile")
        .into_iter()
        .map(|(rule, path, line)| {
            let rule = rule.trim_start_matches("dockerfile/");
            format!("{path}:{} {rule}", line.unwrap_or(0))
        })
        .collect()
}

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn the_official_python_dockerfiles_give_exactly_the_reviewed_findings() {
    let dockerfiles = walk_dockerfiles();
    assert_eq!(
        dockerfiles.len(),
        42,
        "{} should hold docker-library/python's 42 Dockerfiles; fetch them with scripts/upstream-suites",
        corpus().display()
    );
    let found = reported();

    // The false alarms this corpus was vendored for: `apt-get dist-clean`
    // (apt 2.7+) removes the lists, PowerShell pipes need no pipefail,
    // quoted pip specifiers (`'wheel<0.46'`) pin.
    for wrong in [
        "apt-lists-not-removed",
        "pip-package-unpinned",
        "parse-error",
    ] {
        let hits: Vec<&String> = found.iter().filter(|f| f.ends_with(wrong)).collect();
        assert!(hits.is_empty(), "false alarms: {hits:#?}");
    }
    let windows_pipes: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("/windows/") && f.ends_with("pipe-without-pipefail"))
        .collect();
    assert!(
        windows_pipes.is_empty(),
        "PowerShell is no sh: {windows_pipes:#?}"
    );
    // Every file is read: each runs as root without a healthcheck.
    for file in &dockerfiles {
        assert!(
            found.contains(&format!("{file}:7 root-user")),
            "{file} was not checked"
        );
    }

    let expected_path = root().join(EXPECTED);
    let expected: BTreeSet<String> = std::fs::read_to_string(&expected_path)
        .expect("tests/expected/docker-library-python.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = expected.difference(&found).collect();
    let unexpected: Vec<&String> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "the findings on docker-library/python changed; review each line (docs/dockerfile-corpus.md says what each kind is) and update {}:\n  missing {missing:#?}\n  unexpected {unexpected:#?}",
        expected_path.display()
    );
}

/// Paths of the corpus's Dockerfiles, relative to it.
fn walk_dockerfiles() -> Vec<String> {
    let base = corpus();
    let mut found = Vec::new();
    let mut pending = vec![base.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|n| n == "Dockerfile") {
                let relative = path.strip_prefix(&base).expect("inside");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}
