//! The gate (issue 14): suppressions in bulkhead.toml with expiry, inline
//! `bulkhead:ignore` comments, baselines, `--severity`, `--ignore-unfixed`,
//! and the CI formats (SARIF suppressions, JUnit, GitHub annotations),
//! through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{bulkhead, root, run, scan_json, target_with_secret};

const AWS_RULE: &str = "secrets/aws-access-key-id";
const AWS_KEY: &str = "AKIA2OGYBAH6RKWQLQ7P";

/// Writes `text` as `bulkhead.toml` in `dir` and returns its path.
fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("bulkhead.toml");
    std::fs::write(&path, text).expect("write bulkhead.toml");
    path
}

/// `scan_json` with `--config FILE` first.
fn scan_with_config(target: &Path, config: &Path, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["--config", config.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    scan_json(target, &args)
}

fn array<'a>(result: &'a Value, key: &str) -> &'a Vec<Value> {
    result[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array in {result:#}"))
}

fn rule_ids(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|f| f["rule_id"].as_str().unwrap_or_default())
        .collect()
}

/// (source, why) of every stale suppression.
fn stale(result: &Value) -> Vec<(String, String)> {
    array(result, "stale_suppressions")
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap_or_default().to_string(),
                s["why"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_config_suppression_moves_the_finding_to_suppressed_with_its_reason() {
    let target = target_with_secret();
    let config = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        config.path(),
        &format!(
            "[plugins]\nbuiltin = true\n\n[lock]\nfile = \"bulkhead.lock\"\n\n\
             [[ignore]]\nrule = \"{AWS_RULE}\"\npaths = [\"app/**\"]\n\
             reason = \"documented test key\"\nexpires = \"2027-03-31\"\n"
        ),
    );
    let run = scan_with_config(target.path(), &config, &["--now", "2027-03-31"]);
    let result = run.json();
    assert_eq!(
        run.code, 0,
        "a suppressed finding does not gate: {}",
        run.stderr
    );
    assert!(array(&result, "findings").is_empty(), "{result:#}");
    let suppressed = array(&result, "suppressed");
    assert_eq!(suppressed.len(), 1, "{result:#}");
    assert_eq!(suppressed[0]["finding"]["rule_id"], AWS_RULE);
    assert_eq!(suppressed[0]["finding"]["path"], "app/.env");
    let suppression = &suppressed[0]["suppression"];
    assert_eq!(suppression["kind"], "config");
    assert_eq!(suppression["reason"], "documented test key");
    assert_eq!(suppression["expires"], "2027-03-31");
    assert!(
        suppression["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("bulkhead.toml [[ignore]] #1")),
        "{suppression}"
    );
    assert_eq!(result["summary"]["suppressed"], 1);
    assert_eq!(result["summary"]["findings"], 0);
    assert!(stale(&result).is_empty());
}

#[test]
fn bulkhead_toml_in_the_working_directory_is_read() {
    let target = target_with_secret();
    write_config(
        target.path(),
        &format!("[[ignore]]\nfingerprint = \"{}\"\nreason = \"known\"\n", {
            let first = scan_json(target.path(), &[]).json();
            first["findings"][0]["fingerprint"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        }),
    );
    let mut command = bulkhead();
    command
        .current_dir(target.path())
        .args(["scan", ".", "--format", "json"]);
    let run = run(command);
    let result = run.json();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        rule_ids(&[array(&result, "suppressed")[0]["finding"].clone()]),
        [AWS_RULE]
    );
}

#[test]
fn an_expired_suppression_stops_suppressing_and_says_so() {
    let target = target_with_secret();
    let config = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        config.path(),
        &format!(
            "[[ignore]]\nrule = \"{AWS_RULE}\"\nreason = \"rotating this week\"\nexpires = 2026-01-31\n"
        ),
    );
    // The last day still suppresses...
    let last_day = scan_with_config(target.path(), &config, &["--now", "2026-01-31"]);
    assert_eq!(last_day.code, 0, "{}", last_day.stderr);
    assert_eq!(last_day.json()["summary"]["suppressed"], 1);

    // ...the day after does not, and says why.
    let after = scan_with_config(target.path(), &config, &["--now", "2026-02-01"]);
    let result = after.json();
    assert_eq!(after.code, 1, "the finding gates again");
    assert_eq!(rule_ids(array(&result, "findings")), [AWS_RULE]);
    assert!(array(&result, "suppressed").is_empty());
    assert_eq!(stale(&result)[0].1, "expired");
    assert_eq!(
        result["stale_suppressions"][0]["reason"],
        "rotating this week"
    );
    assert!(
        after
            .stderr
            .contains("[[ignore]] #1 is stale (expired): rotating this week"),
        "the CI log shows it whatever the format: {}",
        after.stderr
    );

    // SOURCE_DATE_EPOCH fixes the clock too (2026-02-01T00:00:00Z).
    let mut command = bulkhead();
    command
        .env("SOURCE_DATE_EPOCH", "1769904000")
        .arg("scan")
        .arg(target.path())
        .args(["--format", "json", "--config"])
        .arg(&config);
    let epoch = run(command);
    assert_eq!(epoch.code, 1, "{}", epoch.stderr);
    assert_eq!(stale(&epoch.json())[0].1, "expired");

    // The table warns.
    let mut table = bulkhead();
    table
        .arg("scan")
        .arg(target.path())
        .args(["--now", "2026-02-01", "--config"])
        .arg(&config);
    let table = run(table);
    assert!(
        table
            .stdout
            .contains("[[ignore]] #1 is stale (expired): rotating this week"),
        "{}",
        table.stdout
    );
}

#[test]
fn suppressions_that_match_nothing_or_name_unknown_rules_are_stale() {
    let target = target_with_secret();
    let config = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        config.path(),
        &format!(
            "[[ignore]]\nrule = \"{AWS_RULE}\"\npaths = [\"tests/fixtures/**\"]\nreason = \"fixtures only\"\n\n\
             [[ignore]]\nrule = \"secrets/no-such-rule\"\nreason = \"typo\"\n\n\
             [[ignore]]\nvulnerability = \"CVE-2024-1234\"\nreason = \"not reachable\"\n"
        ),
    );
    let run = scan_with_config(target.path(), &config, &[]);
    let result = run.json();
    assert_eq!(run.code, 1, "the path glob did not cover app/.env");
    let stale = stale(&result);
    let whys: Vec<&str> = stale.iter().map(|(_, why)| why.as_str()).collect();
    assert_eq!(
        whys,
        ["matched-nothing", "unknown-rule", "matched-nothing"],
        "{stale:?}"
    );
    assert!(stale[1].0.ends_with("[[ignore]] #2"));
}

#[test]
fn a_rule_alias_names_the_rule() {
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::write(target.path().join("Dockerfile"), "FROM alpine\nUSER app\n").expect("write");
    let before = scan_json(target.path(), &["--severity-threshold", "none"]).json();
    assert!(
        rule_ids(array(&before, "findings")).contains(&"dockerfile/base-image-latest"),
        "{before:#}"
    );
    for alias in ["DF-001", "dockerfile/DF-001"] {
        let config = tempfile::tempdir().expect("tempdir");
        let config = write_config(
            config.path(),
            &format!("[[ignore]]\nrule = \"{alias}\"\nreason = \"old id still works\"\n"),
        );
        let result =
            scan_with_config(target.path(), &config, &["--severity-threshold", "none"]).json();
        assert!(
            !rule_ids(array(&result, "findings")).contains(&"dockerfile/base-image-latest"),
            "{alias}: {result:#}"
        );
        assert_eq!(
            result["suppressed"][0]["finding"]["rule_id"], "dockerfile/base-image-latest",
            "{alias}"
        );
    }
}

#[test]
fn bad_configuration_is_an_error_naming_the_file_and_the_key() {
    let target = target_with_secret();
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            format!("[[ignore]]\nrule = \"{AWS_RULE}\"\nreason = \"r\"\nexpire = \"2027-01-01\"\n"),
            "expire",
        ),
        (
            format!("[[ignore]]\nrule = \"{AWS_RULE}\"\n"),
            "`reason` is required",
        ),
        (
            format!(
                "[[ignore]]\nrule = \"{AWS_RULE}\"\nreason = \"r\"\nexpires = \"31/03/2027\"\n"
            ),
            "not a date",
        ),
        ("[[ignore]\n".to_string(), "bulkhead.toml"),
    ];
    for (text, expected) in cases {
        let config = write_config(dir.path(), &text);
        let run = scan_with_config(target.path(), &config, &[]);
        assert_eq!(run.code, 2, "{text}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{text}: {}", run.stderr);
        assert!(
            run.stderr.contains("bulkhead.toml"),
            "names the file: {}",
            run.stderr
        );
    }
    let missing = dir.path().join("absent.toml");
    let run = scan_with_config(target.path(), &missing, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("absent.toml"), "{}", run.stderr);
}

#[test]
fn inline_comments_suppress_in_every_comment_syntax_and_unused_ones_are_stale() {
    let target = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "a.env",
            format!("# bulkhead:ignore {AWS_RULE} shell comment above\nKEY={AWS_KEY}\n"),
        ),
        (
            "b.js",
            format!("const key = \"{AWS_KEY}\"; // bulkhead:ignore {AWS_RULE} same line\n"),
        ),
        (
            "c.sql",
            format!("-- bulkhead:ignore {AWS_RULE} sql\nSELECT '{AWS_KEY}';\n"),
        ),
        (
            "d.ini",
            format!("; bulkhead:ignore {AWS_RULE} ini\nkey={AWS_KEY}\n"),
        ),
        (
            "e.c",
            format!("/* bulkhead:ignore {AWS_RULE} c block */\nchar *k = \"{AWS_KEY}\";\n"),
        ),
        (
            "f.xml",
            format!("<!-- bulkhead:ignore DF-001 wrong rule for this line -->\n<k>{AWS_KEY}</k>\n"),
        ),
        (
            "g.yaml",
            format!("# bulkhead:ignore no/such-rule typo\nkey: {AWS_KEY}\n"),
        ),
        (
            "h.py",
            format!(
                "# bulkhead:ignore {AWS_RULE} two lines above does not count\n\nKEY = \"{AWS_KEY}\"\n"
            ),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(target.path().join(name), text).expect("write");
    }
    let run = scan_json(target.path(), &[]);
    let result = run.json();
    let suppressed: Vec<(&str, &str)> = array(&result, "suppressed")
        .iter()
        .map(|s| {
            assert_eq!(s["suppression"]["kind"], "inline");
            (
                s["finding"]["path"].as_str().unwrap_or_default(),
                s["suppression"]["reason"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            ("a.env", "shell comment above"),
            ("b.js", "same line"),
            ("c.sql", "sql"),
            ("d.ini", "ini"),
            ("e.c", "c block"),
        ],
        "{result:#}"
    );
    let reported: Vec<&str> = array(&result, "findings")
        .iter()
        .filter(|f| f["rule_id"] == AWS_RULE)
        .map(|f| f["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(reported, ["f.xml", "g.yaml", "h.py"], "{result:#}");
    assert_eq!(run.code, 1);
    let stale = stale(&result);
    assert_eq!(
        stale,
        [
            (
                "f.xml:1 (DF-001)".to_string(),
                "matched-nothing".to_string()
            ),
            (
                "g.yaml:1 (no/such-rule)".to_string(),
                "unknown-rule".to_string()
            ),
            (
                format!("h.py:1 ({AWS_RULE})"),
                "matched-nothing".to_string()
            ),
        ],
        "an inline ignore naming a rule its line does not trigger is reported"
    );
}

fn sarif_errors(sarif: &Value) -> Vec<String> {
    crate::output::sarif_validator()
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

#[test]
fn sarif_keeps_suppressed_results_with_their_justification_and_stays_valid() {
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        target.path().join("inline.env"),
        format!("# bulkhead:ignore {AWS_RULE} test key\nKEY={AWS_KEY}\n"),
    )
    .expect("write");
    std::fs::write(target.path().join("config.env"), format!("KEY={AWS_KEY}\n")).expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        &format!(
            "[[ignore]]\nrule = \"{AWS_RULE}\"\npaths = [\"config.env\"]\nreason = \"vendor sample\"\n\
             [[ignore]]\nrule = \"{AWS_RULE}\"\npaths = [\"gone/**\"]\nreason = \"stale one\"\n"
        ),
    );
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(target.path())
        .args(["--format", "sarif", "--config"])
        .arg(&config);
    let output = run(command);
    assert_eq!(
        output.code, 0,
        "everything is suppressed: {}",
        output.stderr
    );
    let sarif: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let mut kinds: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            let suppression = &r["suppressions"][0];
            (
                suppression["kind"].as_str().unwrap_or_default().to_string(),
                suppression["justification"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds.len(), 2, "{sarif:#}");
    assert_eq!(kinds[0].0, "external");
    assert!(kinds[0].1.starts_with("vendor sample"), "{kinds:?}");
    assert_eq!(kinds[1].0, "inSource");
    assert!(kinds[1].1.starts_with("test key"), "{kinds:?}");
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notifications.iter().any(|n| n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("stale one"))),
        "{notifications:#?}"
    );
}

#[test]
fn the_table_hides_suppressed_findings_unless_asked() {
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        target.path().join("a.env"),
        format!("KEY={AWS_KEY} # bulkhead:ignore {AWS_RULE} sample key\n"),
    )
    .expect("write");
    let table = |extra: &[&str]| {
        let mut command = bulkhead();
        command.arg("scan").arg(target.path()).args(extra);
        run(command)
    };
    let hidden = table(&[]);
    assert_eq!(hidden.code, 0);
    assert!(
        hidden
            .stdout
            .contains("Suppressed: 1 (--show-suppressed lists them)"),
        "{}",
        hidden.stdout
    );
    assert!(!hidden.stdout.contains("a.env:1"), "{}", hidden.stdout);
    let shown = table(&["--show-suppressed"]);
    assert!(shown.stdout.contains("a.env:1"), "{}", shown.stdout);
    assert!(shown.stdout.contains("sample key"), "{}", shown.stdout);
}

#[test]
fn a_baseline_gates_only_new_findings_and_fingerprints_survive_edits_above() {
    let target = tempfile::tempdir().expect("tempdir");
    let env = target.path().join("app.env");
    std::fs::write(&env, format!("MODE=prod\nKEY={AWS_KEY}\n")).expect("write");
    let first = scan_json(target.path(), &[]);
    assert_eq!(first.code, 1);
    let first_result = first.json();
    let old_fingerprint = first_result["findings"][0]["fingerprint"].clone();
    let baseline = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(baseline.path(), &first.stdout).expect("write baseline");
    let baseline_arg = ["--baseline", baseline.path().to_str().expect("utf-8")];

    // Lines added above the finding: it moves, its fingerprint does not.
    std::fs::write(
        &env,
        format!("# settings\nREGION=eu-west-1\nDEBUG=0\nMODE=prod\nKEY={AWS_KEY}\n"),
    )
    .expect("write");
    let moved = scan_json(target.path(), &baseline_arg);
    let moved_result = moved.json();
    assert_eq!(moved.code, 0, "nothing new: {}", moved.stderr);
    let unchanged = &moved_result["suppressed"][0];
    assert_eq!(unchanged["finding"]["start_line"], 5);
    assert_eq!(unchanged["finding"]["fingerprint"], old_fingerprint);
    assert_eq!(unchanged["finding"]["baseline"], "unchanged");
    assert_eq!(unchanged["suppression"]["kind"], "baseline");

    // A new secret gates, marked new; the old one stays out of the gate.
    std::fs::write(
        target.path().join("new.env"),
        format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n"),
    )
    .expect("write");
    let grown = scan_json(target.path(), &baseline_arg);
    let grown_result = grown.json();
    assert_eq!(grown.code, 1, "{}", grown.stderr);
    let findings = array(&grown_result, "findings");
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["baseline"] == "new" && f["path"] == "new.env"),
        "{grown_result:#}"
    );
    assert_eq!(grown_result["summary"]["suppressed"], 1);

    // A baseline that is no bulkhead result is an error naming it.
    std::fs::write(baseline.path(), "{\"version\": \"2.1.0\"}").expect("write");
    let bad = scan_json(target.path(), &baseline_arg);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains(&baseline.path().display().to_string()),
        "{}",
        bad.stderr
    );
}

#[test]
fn severity_lists_what_is_reported() {
    let target = target_with_secret();
    std::fs::write(
        target.path().join("settings.py"),
        "SECRET_KEY = \"q7Vx2LmN9pRt4WzY8bKc3HdJ\"\n",
    )
    .expect("write");
    let all = scan_json(target.path(), &[]).json();
    assert_eq!(all["summary"]["critical"], 1);
    assert_eq!(all["summary"]["medium"], 1);
    let medium = scan_json(target.path(), &["--severity", "medium,low"]);
    let result = medium.json();
    assert_eq!(
        medium.code, 1,
        "the medium finding is at the default threshold"
    );
    assert_eq!(result["summary"]["critical"], 0);
    assert_eq!(result["summary"]["medium"], 1);
    assert!(
        array(&result, "findings")
            .iter()
            .all(|f| f["severity"] == "medium")
    );
    let bad = scan_json(target.path(), &["--severity", "urgent"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("urgent"), "{}", bad.stderr);
}

/// A directory holding requests 2.19.0's metadata, matched by the fixture
/// OSV database (CVE-2018-18074, fixed in 2.20.0).
fn vulnerable_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let meta = dir
        .path()
        .join("usr/lib/python3/dist-packages/requests-2.19.0.dist-info");
    std::fs::create_dir_all(&meta).expect("mkdir");
    std::fs::write(
        meta.join("METADATA"),
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
    )
    .expect("write");
    dir
}

#[test]
fn vulnerabilities_are_suppressed_by_id_alias_and_package_and_fixed_ones_survive_ignore_unfixed() {
    let target = vulnerable_tree();
    let db = root().join("tests/fixtures/osv-db");
    let db = db.to_str().expect("utf-8");
    let plain = scan_json(target.path(), &["--db", db, "--ignore-unfixed"]);
    let result = plain.json();
    let vulnerability = array(&result, "findings")
        .iter()
        .find(|f| f["package"]["name"] == "requests")
        .unwrap_or_else(|| panic!("requests vulnerability: {result:#}"));
    assert!(
        !vulnerability["fixed_versions"]
            .as_array()
            .expect("fixed")
            .is_empty()
    );
    assert!(
        array(&result, "suppressed").is_empty(),
        "a fixed vulnerability is not 'unfixed'"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    for selector in [
        "vulnerability = \"CVE-2018-18074\"",
        "vulnerability = \"ghsa-x84v-xcm2-53pg\"\npackage = \"requests\"",
        "package = \"requests\"",
    ] {
        let config = write_config(
            dir.path(),
            &format!("[[ignore]]\n{selector}\nreason = \"not reachable\"\n"),
        );
        let run = scan_with_config(target.path(), &config, &["--db", db]);
        let result = run.json();
        let suppressed = array(&result, "suppressed");
        assert!(
            suppressed
                .iter()
                .any(|s| s["finding"]["package"]["name"] == "requests"),
            "{selector}: {result:#}"
        );
        assert!(stale(&result).is_empty(), "{selector}");
    }
}

/// The venv python that scripts/test sets up with `junitparser`.
fn junitparser_python() -> PathBuf {
    let python = root().join("target/tools/venv/bin/python3");
    let works = Command::new(&python)
        .args(["-c", "import junitparser"])
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        works,
        "the JUnit test needs the `junitparser` package from PyPI in {}: run scripts/test, \
         or `python3 -m venv target/tools/venv && target/tools/venv/bin/pip install junitparser`",
        python.display()
    );
    python
}

const READ_JUNIT: &str = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = []
for suite in xml:
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        messages = [r.message for r in case.result]
        cases.append({"suite": suite.name, "name": case.name, "classname": case.classname,
                      "results": kinds, "messages": messages, "out": case.system_out or ""})
print(json.dumps(cases))
"#;

#[test]
fn junit_output_is_read_by_junitparser_with_one_case_per_rule() {
    let python = junitparser_python();
    let target = target_with_secret();
    std::fs::write(
        target.path().join("settings.py"),
        "SECRET_KEY = \"q7Vx2LmN9pRt4WzY8bKc3HdJ\"\n",
    )
    .expect("write");
    let report = tempfile::NamedTempFile::new().expect("temp");
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(target.path())
        .args([
            "--format",
            "junit",
            "--severity-threshold",
            "high",
            "--output",
        ])
        .arg(report.path());
    let scanned = run(command);
    assert_eq!(scanned.code, 1, "{}", scanned.stderr);
    let parsed = Command::new(python)
        .args(["-c", READ_JUNIT])
        .arg(report.path())
        .output()
        .expect("run python");
    assert!(
        parsed.status.success(),
        "junitparser rejected the report: {}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let cases: Vec<Value> = serde_json::from_slice(&parsed.stdout).expect("parser output");
    let names: Vec<&str> = cases
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default())
        .collect();
    let mut distinct = names.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "one case per rule");
    assert!(
        names.len() > 100,
        "every declared rule is a case: {}",
        names.len()
    );
    let case = |name: &str| {
        cases
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    let aws = case(AWS_RULE);
    assert_eq!(aws["results"], serde_json::json!(["Failure"]), "{aws}");
    assert_eq!(aws["classname"], "secrets");
    let failing: Vec<&str> = cases
        .iter()
        .filter(|c| !c["results"].as_array().expect("results").is_empty())
        .map(|c| c["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        failing,
        [AWS_RULE],
        "the medium finding is under the high threshold"
    );
    let medium = cases
        .iter()
        .find(|c| c["out"].as_str().is_some_and(|o| o.contains("settings.py")))
        .expect("the medium finding is listed in its passing case");
    assert!(medium["results"].as_array().expect("results").is_empty());
}

#[test]
fn github_annotations_name_file_and_line_and_escape_the_message() {
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(target.path().join("app")).expect("mkdir");
    std::fs::write(
        target.path().join("app/.env"),
        format!("MODE=prod\nAWS_ACCESS_KEY_ID={AWS_KEY}\n"),
    )
    .expect("write");
    let mut command = bulkhead();
    command
        .current_dir(target.path())
        .args(["scan", ".", "--format", "github"]);
    let output = run(command);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert!(
        lines.contains(
            &"::error file=app/.env,line=2,endLine=2,title=secrets/aws-access-key-id (critical)::AWS access key ID: AWS access key ID found in app/.env (AKIA****LQ7P)"
        ),
        "{}",
        output.stdout
    );
    assert!(
        lines.iter().all(|l| l.starts_with("::")),
        "one command per line: {}",
        output.stdout
    );
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("::notice title=bulkhead::")),
        "{}",
        output.stdout
    );
}

/// Validates `document` against an official schema, listing every error.
fn schema_errors(schema: &Value, draft: jsonschema::Draft, document: &Value) -> Vec<String> {
    let dir = root().join("tests/schemas/cyclonedx");
    let load = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect("schema")).expect("json")
    };
    let resource = |name: &str| jsonschema::Resource::from_contents(load(name)).expect("resource");
    let validator = jsonschema::options()
        .with_draft(draft)
        .with_resource(
            "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
            resource("spdx.SNAPSHOT.schema.json"),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
            resource("jsf-0.82.SNAPSHOT.schema.json"),
        )
        .build(schema)
        .expect("schema compiles");
    validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON")
}

#[test]
fn openvex_and_cyclonedx_vex_suppress_not_affected_vulnerabilities_with_their_justification() {
    let fixtures = root().join("tests/fixtures/vex");
    let schemas = root().join("tests/schemas");
    let cases = [
        (
            "openvex.json",
            schemas.join("openvex_json_schema.json"),
            jsonschema::Draft::Draft202012,
            "vulnerable_code_not_in_execute_path",
            "The service never follows redirects",
        ),
        (
            "cyclonedx-vex.json",
            schemas.join("cyclonedx/bom-1.6.SNAPSHOT.schema.json"),
            jsonschema::Draft::Draft7,
            "code_not_reachable",
            "Automated dataflow analysis",
        ),
    ];
    let target = vulnerable_tree();
    let db = root().join("tests/fixtures/osv-db");
    let db = db.to_str().expect("utf-8");
    for (file, schema, draft, justification, detail) in cases {
        let document = fixtures.join(file);
        let errors = schema_errors(&read_json(&schema), draft, &read_json(&document));
        assert!(
            errors.is_empty(),
            "{file} against its official schema: {errors:#?}"
        );

        let run = scan_json(
            target.path(),
            &["--db", db, "--vex", document.to_str().expect("utf-8")],
        );
        let result = run.json();
        assert!(
            !array(&result, "findings")
                .iter()
                .any(|f| f["package"]["name"] == "requests"),
            "{file}: {result:#}"
        );
        let suppressed = array(&result, "suppressed")
            .iter()
            .find(|s| s["finding"]["package"]["name"] == "requests")
            .unwrap_or_else(|| panic!("{file}: {result:#}"));
        let suppression = &suppressed["suppression"];
        assert_eq!(suppression["kind"], "vex", "{file}");
        assert_eq!(suppression["status"], "not_affected", "{file}");
        assert_eq!(suppression["justification"], justification, "{file}");
        assert!(
            suppression["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with(detail)),
            "{file}: {suppression}"
        );
    }

    // A statement for another version of the package does not apply.
    let other = tempfile::NamedTempFile::new().expect("temp");
    let text = std::fs::read_to_string(fixtures.join("cyclonedx-vex.json"))
        .expect("read")
        .replace("requests@2.19.0", "requests@2.20.0");
    std::fs::write(other.path(), text).expect("write");
    let run = scan_json(
        target.path(),
        &["--db", db, "--vex", other.path().to_str().expect("utf-8")],
    );
    assert!(
        array(&run.json(), "findings")
            .iter()
            .any(|f| f["package"]["name"] == "requests"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_malformed_vex_is_an_error_naming_the_file_and_the_problem() {
    let target = vulnerable_tree();
    let vex = tempfile::NamedTempFile::new().expect("temp");
    let text = std::fs::read_to_string(root().join("tests/fixtures/vex/openvex.json"))
        .expect("read")
        .replace("\"status\": \"fixed\"", "\"status\": \"maybe\"");
    std::fs::write(vex.path(), text).expect("write");
    let run = scan_json(
        target.path(),
        &["--vex", vex.path().to_str().expect("utf-8")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&vex.path().display().to_string()),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("statements[1].status: \"maybe\" is not one of"),
        "{}",
        run.stderr
    );
}

#[test]
fn dockerfile_findings_keep_their_fingerprints_when_lines_are_added_above() {
    let target = tempfile::tempdir().expect("tempdir");
    let dockerfile = target.path().join("Dockerfile");
    std::fs::write(&dockerfile, "FROM alpine\nRUN apk add curl\n").expect("write");
    let fingerprints = |result: &Value| -> Vec<(String, String)> {
        let mut list: Vec<(String, String)> = array(result, "findings")
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap_or_default().to_string(),
                    f["fingerprint"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        list.sort();
        list
    };
    let first = scan_json(target.path(), &["--severity-threshold", "none"]);
    let before = fingerprints(&first.json());
    assert!(!before.is_empty());
    let baseline = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(baseline.path(), &first.stdout).expect("write");

    std::fs::write(
        &dockerfile,
        "# syntax=docker/dockerfile:1\n# the app image\n\nFROM alpine\nRUN apk add curl\n",
    )
    .expect("write");
    let moved = scan_json(
        target.path(),
        &["--baseline", baseline.path().to_str().expect("utf-8")],
    );
    let moved_result = moved.json();
    let after: Vec<(String, String)> = {
        let mut list: Vec<(String, String)> = array(&moved_result, "suppressed")
            .iter()
            .map(|s| {
                (
                    s["finding"]["rule_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    s["finding"]["fingerprint"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect();
        list.sort();
        list
    };
    assert_eq!(
        after, before,
        "same findings, same fingerprints, all unchanged"
    );
    assert!(
        array(&moved_result, "findings").is_empty(),
        "{moved_result:#}"
    );
    assert_eq!(moved.code, 0);
}

#[test]
fn inline_comments_suppress_inside_image_layers_too() {
    use crate::imagebuild::{ImageSpec, Item, LayerSpec, gzip_oci_layout};
    let spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "ADD rootfs.tar /",
            items: vec![Item::File(
                "etc/os-release",
                b"ID=alpine\nVERSION_ID=3.20.0\n".to_vec(),
                0o644,
            )],
        },
        LayerSpec {
            created_by: "COPY app /app",
            items: vec![
                Item::Dir("app"),
                Item::File(
                    "app/accepted.env",
                    format!("# bulkhead:ignore {AWS_RULE} sample key from the vendor docs\nKEY={AWS_KEY}\n")
                        .into_bytes(),
                    0o644,
                ),
                Item::File("app/leaked.env", format!("KEY={AWS_KEY}\n").into_bytes(), 0o644),
            ],
        },
    ]);
    let image = gzip_oci_layout(&spec);
    let run = scan_json(image.path(), &[]);
    let result = run.json();
    assert_eq!(run.code, 1, "the leaked key still gates");
    let reported: Vec<&str> = array(&result, "findings")
        .iter()
        .filter(|f| f["rule_id"] == AWS_RULE)
        .map(|f| f["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(reported, ["app/leaked.env"], "{result:#}");
    let suppressed = &array(&result, "suppressed")[0];
    assert_eq!(suppressed["finding"]["path"], "app/accepted.env");
    assert_eq!(suppressed["finding"]["layer"]["index"], 1);
    assert_eq!(
        suppressed["suppression"]["source"],
        "layer 1: app/accepted.env:1"
    );
    assert_eq!(
        suppressed["suppression"]["reason"],
        "sample key from the vendor docs"
    );
}

#[test]
fn cyclonedx_output_carries_vex_decisions_as_analysis() {
    let target = vulnerable_tree();
    let db = root().join("tests/fixtures/osv-db");
    let vex = root().join("tests/fixtures/vex/openvex.json");
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(target.path())
        .args(["--format", "cyclonedx", "--db"])
        .arg(&db)
        .arg("--vex")
        .arg(&vex);
    let output = run(command);
    assert_eq!(
        output.code, 0,
        "the only vulnerability is not_affected: {}",
        output.stderr
    );
    let bom: Value = serde_json::from_str(&output.stdout).expect("CycloneDX is JSON");
    let schema = read_json(&root().join("tests/schemas/cyclonedx/bom-1.6.SNAPSHOT.schema.json"));
    let errors = schema_errors(&schema, jsonschema::Draft::Draft7, &bom);
    assert!(errors.is_empty(), "CycloneDX schema errors: {errors:#?}");
    let vulnerability = bom["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|v| v["id"] == "CVE-2018-18074")
        .unwrap_or_else(|| panic!("still listed: {bom:#}"));
    assert_eq!(vulnerability["analysis"]["state"], "not_affected");
    assert_eq!(
        vulnerability["analysis"]["justification"],
        "code_not_reachable"
    );
    assert!(
        vulnerability["analysis"]["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("The service never follows redirects")),
        "{vulnerability:#}"
    );
}

#[test]
fn a_new_repeat_of_an_accepted_finding_is_new_to_the_baseline() {
    let target = tempfile::tempdir().expect("tempdir");
    let dockerfile = target.path().join("Dockerfile");
    let install = |packages: &[&str]| {
        let mut text = "FROM debian:12\n".to_string();
        for package in packages {
            text.push_str(&format!("RUN apt-get install -y {package}\n"));
        }
        text.push_str("USER app\n");
        text
    };
    std::fs::write(&dockerfile, install(&["curl", "wget"])).expect("write");
    let first = scan_json(target.path(), &["--severity-threshold", "none"]);
    let first_result = first.json();
    let repeated: Vec<&Value> = array(&first_result, "findings")
        .iter()
        .filter(|f| f["rule_id"] == "dockerfile/apt-install-recommends")
        .collect();
    assert_eq!(repeated.len(), 2);
    assert_ne!(
        repeated[0]["fingerprint"], repeated[1]["fingerprint"],
        "two identical findings on two lines are two findings"
    );
    let baseline = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(baseline.path(), &first.stdout).expect("write");
    let baseline_arg = ["--baseline", baseline.path().to_str().expect("utf-8")];

    std::fs::write(&dockerfile, install(&["curl", "wget", "git"])).expect("write");
    let grown = scan_json(target.path(), &baseline_arg);
    let grown_result = grown.json();
    let new: Vec<(String, u64)> = array(&grown_result, "findings")
        .iter()
        .map(|f| {
            assert_eq!(f["baseline"], "new");
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["start_line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        !new.is_empty(),
        "the third install is new: {grown_result:#}"
    );
    assert!(
        new.iter().all(|(_, line)| *line == 4),
        "only the added line's findings are new: {new:?}"
    );
    assert_eq!(grown.code, 1);
}

#[test]
fn inline_comments_work_in_dockerfiles_by_alias_and_in_kubernetes_yaml() {
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        target.path().join("Dockerfile"),
        "# bulkhead:ignore DF-001 the build pins the digest\nFROM alpine\nUSER app\n",
    )
    .expect("write");
    let manifest =
        std::fs::read_to_string(root().join("tests/fixtures/secrets/references/deployment.yaml"))
            .expect("read");
    let manifest = manifest.replacen(
        "        - name: app\n",
        "        # bulkhead:ignore kubernetes/privilege-escalation-allowed the runtime class forbids it\n        - name: app\n",
        1,
    );
    std::fs::write(target.path().join("deployment.yaml"), manifest).expect("write");
    let result = scan_json(target.path(), &["--severity-threshold", "none"]).json();
    let suppressed: Vec<(&str, &str)> = array(&result, "suppressed")
        .iter()
        .map(|s| {
            (
                s["finding"]["rule_id"].as_str().unwrap_or_default(),
                s["suppression"]["source"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        suppressed.contains(&("dockerfile/base-image-latest", "Dockerfile:1")),
        "{suppressed:?}"
    );
    assert!(
        suppressed.contains(&(
            "kubernetes/privilege-escalation-allowed",
            "deployment.yaml:14"
        )),
        "{suppressed:?}"
    );
    assert_eq!(
        suppressed.len(),
        2,
        "nothing else on those lines is covered: {suppressed:?}"
    );
    assert!(stale(&result).is_empty(), "{:?}", stale(&result));
}
