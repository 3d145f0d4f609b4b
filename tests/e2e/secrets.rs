//! The curated secrets plugin, compiled to wasm and run by the real host.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{findings_of, plugin, root, scan_json};

type Key = (String, String, u64, u64);

fn expected() -> BTreeSet<Key> {
    let path = root().join("tests/fixtures/secrets/expected.json");
    let list: Vec<Value> = serde_json::from_slice(&std::fs::read(path).expect("expected.json"))
        .expect("expected.json parses");
    list.iter()
        .map(|e| {
            (
                format!("secrets/{}", e["rule"].as_str().expect("rule")),
                e["path"].as_str().expect("path").to_string(),
                e["start"].as_u64().expect("start"),
                e["end"].as_u64().expect("end"),
            )
        })
        .collect()
}

fn found(result: &Value) -> BTreeSet<Key> {
    result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().expect("rule_id").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["start_line"].as_u64().expect("start_line"),
                f["end_line"].as_u64().expect("end_line"),
            )
        })
        .collect()
}

#[test]
fn every_rule_finds_its_sample_on_the_right_lines_and_nothing_else() {
    let run = scan_json(
        &root().join("tests/fixtures/secrets"),
        &["--severity-threshold", "none"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    assert_eq!(plugin(&result, "secrets")["status"], "ok");
    let expected = expected();
    let found = found(&result);
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nunexpected {extra:#?}"
    );

    // Every declared rule has a positive sample.
    let declared: BTreeSet<String> = crate::support::run({
        let mut command = crate::support::bulkhead();
        command.args(["plugin", "list", "--format", "json"]);
        command
    })
    .json()
    .as_array()
    .expect("plugin list")
    .iter()
    .find(|p| p["id"] == "secrets")
    .expect("secrets plugin")["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| format!("secrets/{}", rule["id"].as_str().expect("id")))
        .collect();
    let covered: BTreeSet<String> = expected.iter().map(|key| key.0.clone()).collect();
    assert_eq!(declared, covered, "every rule needs a positive fixture");
}

#[test]
fn placeholders_examples_and_prose_are_not_reported() {
    let run = scan_json(&root().join("tests/fixtures/secrets/negative"), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let result = run.json();
    assert_eq!(findings_of(&result, "secrets"), vec![]);
    // The keyword prefilter let these files through, so the plugin did run.
    assert!(plugin(&result, "secrets")["run"]["calls"].as_u64() >= Some(2));
}

#[test]
fn secrets_are_redacted_unless_asked() {
    let dir = root().join("tests/fixtures/secrets/positive/stripe.rb");
    let clear = std::fs::read_to_string(&dir).expect("fixture");
    let value = clear.split('"').nth(1).expect("quoted key").to_string();

    let redacted = scan_json(&dir, &[]);
    assert_eq!(redacted.code, 1);
    assert!(
        !redacted.stdout.contains(&value),
        "secret leaked into output"
    );
    let shown = redacted.json()["findings"][0]["secret"]
        .as_str()
        .expect("secret")
        .to_string();
    assert_eq!(
        shown,
        format!("{}****{}", &value[..4], &value[value.len() - 4..])
    );

    let clear_run = scan_json(&dir, &["--show-secrets"]);
    assert_eq!(clear_run.json()["findings"][0]["secret"], value.as_str());
}

#[test]
fn files_without_keywords_never_reach_the_plugin() {
    let dir = tempfile::tempdir().expect("tempdir");
    for index in 0..20 {
        std::fs::write(
            dir.path().join(format!("plain-{index}.txt")),
            "nothing to see here\n",
        )
        .expect("write");
    }
    std::fs::write(dir.path().join("creds.txt"), "id=AKIA2OGYBAH6RKWQLQ7P\n").expect("write");
    let result = scan_json(dir.path(), &[]).json();
    assert_eq!(result["summary"]["files_walked"], 21);
    assert_eq!(result["summary"]["files_analyzed"], 1);
    assert_eq!(plugin(&result, "secrets")["run"]["calls"], 1);
    assert_eq!(findings_of(&result, "secrets").len(), 1);
}
