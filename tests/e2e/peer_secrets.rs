//! The secrets plugin, through the real binary, against the peers' own
//! test cases: Trivy's `pkg/fanal/secret/testdata` (what the real Trivy
//! reports on each file, recorded by `scripts/refresh-peer-secrets.py`)
//! and the literal true/false positives of gitleaks' rule generators.
//! Bulkhead must find what they find, file by file and case by case,
//! except the deliberate differences listed here with their reasons.
//!
//! The peers' files are not redistributed here: scripts/upstream-suites
//! fetches them at the commits pinned in tests/upstream-suites.txt and runs
//! these tests, which are ignored in the default suite.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{plugin, scan_json, upstream_suite};

/// Where the peers' cases are.
fn peer_data() -> PathBuf {
    upstream_suite("peers")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lines of Trivy's cases where Bulkhead deliberately differs: (file, line
/// Trivy reports, reason). Each must still differ, or the entry is stale.
const TRIVY_MISSED: &[(&str, u64, &str)] = &[
    (
        "aws-secrets.txt",
        2,
        "AKIA0123456789ABCDEF cannot exist: AWS key ids are base32 (A-Z, 2-7), without 0, 1, 8 or 9",
    ),
    (
        "aws-secrets.txt",
        5,
        "KEYKEYKEY... repeats one word: its entropy (1.6 bits) is below the 4-bit floor of real secret keys",
    ),
    (
        "builtin-rule-secret.txt",
        1,
        "ghp_0123...abcdef fails the CRC32 checksum every GitHub token carries",
    ),
    (
        "builtin-rule-secret.txt",
        2,
        "AKIA0123456789ABCDEF cannot exist (not base32)",
    ),
    (
        "crlf-line-endings.txt",
        2,
        "AKIA0123456789ABCDEF cannot exist (not base32)",
    ),
    (
        "crlf-line-endings.txt",
        4,
        "ghp_1234...yz12 fails the GitHub token checksum",
    ),
    (
        "long-line-secret.txt",
        1,
        "ghp_0123...abcdef fails the GitHub token checksum",
    ),
    (
        "invalid-utf8.txt",
        1,
        "ghp_abcdef1234...abcd fails the GitHub token checksum",
    ),
    (
        "github-app-token.txt",
        1,
        "ghs_15368_eyJtestHEADERdummynotreal00...: says dummy/notreal, and its JWT header does not decode",
    ),
    ("jwt-secret.txt", 3, "jwt.io's published example token"),
    (
        "obfuscated.js",
        1,
        "a Stripe publishable key (pk_live_): public by design, meant for browsers",
    ),
];

/// Lines Bulkhead reports in Trivy's cases and Trivy does not: (file,
/// line, reason).
const TRIVY_EXTRA: &[(&str, u64, &str)] = &[(
    "example-secret.txt",
    1,
    "Trivy skips every file whose path says example; Bulkhead skips only its generic rule there, and this is an AWS secret key in its own format",
)];

/// gitleaks cases where Bulkhead deliberately differs: (gitleaks rule id,
/// a piece of the case's text, reason). An entry covers every case of that
/// rule containing the piece; each must still differ, or it is stale.
const GITLEAKS_MISSED: &[(&str, &str, &str)] = &[
    (
        "sonar-api-token",
        "12345678ABCDEFH",
        "a typed sample (12345678...) that is not hex, as SonarQube tokens are",
    ),
    (
        "slack-legacy-workspace-token",
        "xoxa-2-511111111-31111111111",
        "the example token of Slack's OAuth documentation",
    ),
    (
        "age-secret-key",
        "AGE-SECRET-KEY-1QQQQQQQQ",
        "58 times Q: a placeholder, not a key",
    ),
    (
        "pkcs12-file",
        "",
        "a rule on file names only (*.p12, *.pfx); the secrets plugin reads contents, and these cases are empty files",
    ),
    ("anthropic-admin-api-key", "fake", "says fake"),
    (
        "aws-amazon-bedrock-api-key-long-lived",
        "EXAMPLE",
        "says EXAMPLE",
    ),
    (
        "curl-auth-user",
        "d2LkV78zLx!t:",
        "nothing after the colon: no password",
    ),
    (
        "gcp-service-account",
        "\"type\": \"service_account\"",
        "the type line alone holds no key; Bulkhead reports the private_key_id of a key file",
    ),
    (
        "generic-api-key",
        "user_auth",
        "auth alone names too many things that are not credentials (author, oauth settings)",
    ),
    (
        "nuget-config-password",
        "%Password%",
        "NuGet expands %VAR%: the value names an environment variable",
    ),
    ("slack-legacy-bot-token", "FaKe", "says fake"),
    (
        "stripe-access-token",
        "sk_test_",
        "Stripe test-mode keys reach only test data and are not reported",
    ),
    (
        "sumologic-access-id",
        "sug5XpdpaoxtOH",
        "camel-cased word-like pieces (sug5, Xpdpaoxt, OH): taken for a code identifier, which provider rules never report",
    ),
];

/// gitleaks false positives Bulkhead reports with the rule of the same
/// kind: (gitleaks rule id, piece of text, reason).
const GITLEAKS_EXTRA: &[(&str, &str, &str)] = &[(
    "generic-api-key",
    "6fe4476ee5a1832882e326b506d14126",
    "gitleaks allow-lists this one published search-only key by value; Bulkhead reports a random hex value assigned to apiKey",
)];

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn trivy_testdata_bulkhead_finds_what_trivy_finds() {
    let data = peer_data().join("trivy-secrets");
    let recorded = read_json(&data.join("trivy-findings.json"));
    let trivy: Vec<(String, u64, u64)> = recorded["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["start"].as_u64().expect("start"),
                f["end"].as_u64().expect("end"),
            )
        })
        .collect();
    assert!(
        trivy.len() >= 40,
        "recorded Trivy findings look truncated: {}",
        trivy.len()
    );

    let run = scan_json(&data.join("testdata"), &["--severity-threshold", "none"]);
    let result = run.json();
    assert_eq!(plugin(&result, "secrets")["status"], "ok", "{}", run.stderr);
    let mut ours: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for f in result["findings"].as_array().expect("findings") {
        if f["plugin"]["id"] == "secrets" {
            ours.entry(f["path"].as_str().expect("path").to_string())
                .or_default()
                .push((
                    f["start_line"].as_u64().unwrap_or(0),
                    f["end_line"].as_u64().unwrap_or(0),
                ));
        }
    }
    let overlaps = |a: (u64, u64), b: (u64, u64)| a.0 <= b.1 && b.0 <= a.1;

    let mut missed = BTreeSet::new();
    for (file, start, end) in &trivy {
        let found = ours
            .get(file)
            .is_some_and(|spans| spans.iter().any(|s| overlaps(*s, (*start, *end))));
        if !found {
            missed.insert((file.clone(), *start));
        }
    }
    let mut extra = BTreeSet::new();
    for (file, spans) in &ours {
        for span in spans {
            let theirs = trivy
                .iter()
                .any(|(f, s, e)| f == file && overlaps(*span, (*s, *e)));
            if !theirs {
                extra.insert((file.clone(), span.0));
            }
        }
    }
    let listed_missed: BTreeSet<(String, u64)> = TRIVY_MISSED
        .iter()
        .map(|(f, l, _)| (f.to_string(), *l))
        .collect();
    let listed_extra: BTreeSet<(String, u64)> = TRIVY_EXTRA
        .iter()
        .map(|(f, l, _)| (f.to_string(), *l))
        .collect();
    let trivy_files: BTreeSet<&String> = trivy.iter().map(|t| &t.0).collect();
    eprintln!(
        "Trivy: {} lines in {} files; Bulkhead finds {} of them; {} deliberate misses, {} lines Bulkhead adds",
        trivy.len(),
        trivy_files.len(),
        trivy.len() - missed.len(),
        missed.len(),
        extra.len()
    );
    assert_eq!(
        missed, listed_missed,
        "lines Trivy flags that Bulkhead misses, against the listed deliberate differences"
    );
    assert_eq!(
        extra, listed_extra,
        "lines only Bulkhead flags, against the listed ones"
    );
}

/// One gitleaks case: its rule, true or false positive, file name, text.
struct Case {
    rule: String,
    positive: bool,
    path: Option<String>,
    text: String,
}

fn gitleaks_cases(data: &Path) -> Vec<Case> {
    read_json(&data.join("cases.json"))
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            rule: c["rule"].as_str().expect("rule").to_string(),
            positive: c["kind"] == "tp",
            path: c["path"].as_str().map(str::to_string),
            text: c["text"].as_str().expect("text").to_string(),
        })
        .collect()
}

/// gitleaks rule ids each Bulkhead rule corresponds to, from the `Peers:`
/// of the rule descriptions `plugin list` prints.
fn gitleaks_ids_of_rules() -> BTreeMap<String, BTreeSet<String>> {
    let list = crate::support::run({
        let mut command = crate::support::bulkhead();
        command.args(["plugin", "list", "--format", "json"]);
        command
    })
    .json();
    let rules = list
        .as_array()
        .expect("plugin list")
        .iter()
        .find(|p| p["id"] == "secrets")
        .expect("secrets plugin")["rules"]
        .as_array()
        .expect("rules")
        .clone();
    rules
        .iter()
        .map(|rule| {
            let id = format!("secrets/{}", rule["id"].as_str().expect("id"));
            let description = rule["description"].as_str().unwrap_or_default();
            let mut ids: BTreeSet<String> = description
                .split("gitleaks:")
                .skip(1)
                .flat_map(|part| {
                    part.split([';', '.'])
                        .next()
                        .unwrap_or_default()
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .collect::<Vec<_>>()
                })
                .filter(|s| !s.is_empty())
                .collect();
            if id == "secrets/generic-secret" {
                ids.insert("generic-api-key".to_string());
            }
            (id, ids)
        })
        .collect()
}

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn gitleaks_cases_bulkhead_finds_what_gitleaks_finds() {
    let data = peer_data().join("gitleaks");
    let cases = gitleaks_cases(&data);
    assert!(
        cases.len() >= 1000,
        "gitleaks cases look truncated: {}",
        cases.len()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    for (index, case) in cases.iter().enumerate() {
        let name = case.path.clone().unwrap_or_else(|| "case.txt".to_string());
        let path = dir.path().join(format!("c{index:04}")).join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &case.text).expect("write case");
    }
    let run = scan_json(dir.path(), &["--severity-threshold", "none"]);
    let result = run.json();
    assert_eq!(plugin(&result, "secrets")["status"], "ok", "{}", run.stderr);
    let mut found: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for f in result["findings"].as_array().expect("findings") {
        if f["plugin"]["id"] != "secrets" {
            continue;
        }
        let path = f["path"].as_str().expect("path");
        let index: usize = path[1..5].parse().expect("case directory");
        found
            .entry(index)
            .or_default()
            .push(f["rule_id"].as_str().expect("rule").to_string());
    }
    let peers = gitleaks_ids_of_rules();

    let listed = |list: &[(&str, &str, &str)], case: &Case| {
        list.iter()
            .position(|(rule, piece, _)| *rule == case.rule && case.text.contains(piece))
    };
    let mut unexplained = Vec::new();
    let mut used_missed = BTreeSet::new();
    let mut used_extra = BTreeSet::new();
    let (mut positives, mut found_positives, mut negatives, mut clean_negatives) = (0, 0, 0, 0);
    for (index, case) in cases.iter().enumerate() {
        let rules = found.get(&index).cloned().unwrap_or_default();
        if case.positive {
            positives += 1;
            if !rules.is_empty() {
                found_positives += 1;
            } else if let Some(at) = listed(GITLEAKS_MISSED, case) {
                used_missed.insert(at);
            } else {
                unexplained.push(format!("missed {}: {:?}", case.rule, case.text));
            }
        } else {
            negatives += 1;
            // A false positive of gitleaks' rule X is a disagreement when a
            // Bulkhead rule of the same kind (one whose peers name X)
            // reports it; another rule finding something else there is not.
            let same_kind = rules
                .iter()
                .any(|r| peers.get(r).is_some_and(|ids| ids.contains(&case.rule)));
            if !same_kind {
                clean_negatives += 1;
            } else if let Some(at) = listed(GITLEAKS_EXTRA, case) {
                used_extra.insert(at);
            } else {
                unexplained.push(format!(
                    "reported {} ({rules:?}): {:?}",
                    case.rule, case.text
                ));
            }
        }
    }
    eprintln!(
        "gitleaks: {positives} true positives, Bulkhead finds {found_positives}; {negatives} false positives, Bulkhead reports {} of them",
        negatives - clean_negatives
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    let stale: Vec<_> = GITLEAKS_MISSED
        .iter()
        .enumerate()
        .filter(|(at, _)| !used_missed.contains(at))
        .map(|(_, entry)| entry)
        .chain(
            GITLEAKS_EXTRA
                .iter()
                .enumerate()
                .filter(|(at, _)| !used_extra.contains(at))
                .map(|(_, entry)| entry),
        )
        .collect();
    assert!(
        stale.is_empty(),
        "listed differences that no longer differ: {stale:#?}"
    );
}
