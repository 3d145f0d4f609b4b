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

/// The secrets plugin's findings (other plugins also read some fixtures:
/// the Kubernetes Secret manifest, the ECS task definition).
fn found(result: &Value) -> BTreeSet<Key> {
    result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == "secrets")
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
    let covered: BTreeSet<String> = expected.iter().map(|key| key.0.clone()).collect();
    assert_eq!(
        declared_rules(),
        covered,
        "every rule needs a positive fixture"
    );
}

#[test]
fn every_rule_has_a_negative_fixture() {
    let index = root().join("tests/fixtures/secrets/negative/providers/index.json");
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(index).expect("index.json")).expect("parses");
    let covered: BTreeSet<String> = index
        .iter()
        .map(|e| format!("secrets/{}", e["rule"].as_str().expect("rule")))
        .collect();
    assert_eq!(declared_rules(), covered);
}

/// Every rule the secrets plugin declares, as `secrets/<id>`.
fn declared_rules() -> BTreeSet<String> {
    rules_of("secrets")
        .iter()
        .map(|rule| format!("secrets/{}", rule["id"].as_str().expect("id")))
        .collect()
}

/// The rules a plugin declares, from `bulkhead plugin list`.
fn rules_of(plugin_id: &str) -> Vec<Value> {
    crate::support::run({
        let mut command = crate::support::bulkhead();
        command.args(["plugin", "list", "--format", "json"]);
        command
    })
    .json()
    .as_array()
    .expect("plugin list")
    .iter()
    .find(|p| p["id"] == plugin_id)
    .unwrap_or_else(|| panic!("plugin {plugin_id}"))["rules"]
        .as_array()
        .expect("rules")
        .clone()
}

/// The id of the rule of `plugin_id` that is `id` or has it as an alias
/// (rule ids may be renamed; suppressions keep the old ones as aliases).
fn rule_known_as(plugin_id: &str, id: &str) -> String {
    let rule = rules_of(plugin_id)
        .into_iter()
        .find(|rule| {
            rule["id"] == id
                || rule["aliases"]
                    .as_array()
                    .is_some_and(|aliases| aliases.iter().any(|a| a == id))
        })
        .unwrap_or_else(|| panic!("{plugin_id} has no rule known as {id}"));
    format!("{plugin_id}/{}", rule["id"].as_str().expect("id"))
}

#[test]
fn secret_references_are_not_secrets_in_any_plugin() {
    // An ECS task definition whose `secrets` come from Secrets Manager and
    // SSM (valueFrom ARNs), a Deployment with secretKeyRef, secretRef,
    // $(VAR) and vault paths, an env file of ${VAR}, op://, sm://, ... The
    // baseline reported three generic secrets, two K8S-024 and an ECS-007
    // on these files.
    let dir = root().join("tests/fixtures/secrets/references");
    let run = scan_json(&dir, &["--severity-threshold", "none"]);
    let result = run.json();
    assert_eq!(findings_of(&result, "secrets"), vec![], "{}", run.stderr);
    let secret_rules = [
        rule_known_as("kubernetes", "K8S-024"),
        rule_known_as("ecs", "ECS-007"),
    ];
    let flagged: Vec<_> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| secret_rules.iter().any(|r| f["rule_id"] == r.as_str()))
        .map(|f| {
            (
                f["rule_id"].clone(),
                f["path"].clone(),
                f["message"].clone(),
            )
        })
        .collect();
    assert!(flagged.is_empty(), "{flagged:#?}");
    // The plugins did read the files.
    for plugin_id in ["kubernetes", "ecs", "secrets"] {
        assert!(
            plugin(&result, plugin_id)["run"]["calls"].as_u64() >= Some(1),
            "{plugin_id} did not run"
        );
    }
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
