//! `bulkhead plugin list` and single-file targets.

use crate::support::{bulkhead, findings_of, fixture_plugin, root, run, scan_json};

#[test]
fn plugin_list_shows_curated_and_added_plugins_with_their_rules() {
    let liar = fixture_plugin("liar");
    let mut command = bulkhead();
    command.args(["plugin", "list", "--plugin", liar.to_str().expect("utf-8")]);
    let output = run(command);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.contains("secrets 0.1.0 (builtin"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("CRITICAL  secrets/aws-access-key-id"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("liar 0.1.0"), "{}", output.stdout);
    assert!(output.stdout.contains("liar/declared"), "{}", output.stdout);

    let mut command = bulkhead();
    command.args(["plugin", "list", "--format", "json"]);
    let list = run(command).json();
    let secrets = list
        .as_array()
        .expect("plugin list")
        .iter()
        .find(|p| p["id"] == "secrets")
        .expect("secrets listed");
    assert_eq!(secrets["id"], "secrets");
    assert_eq!(secrets["sha256"].as_str().map(str::len), Some(64));
    assert!(
        secrets["interests"]["keywords"]
            .as_array()
            .is_some_and(|k| k.len() > 10)
    );
}

#[test]
fn a_single_file_can_be_scanned() {
    let file = root().join("tests/fixtures/secrets/positive/github.sh");
    let run = scan_json(&file, &[]);
    assert_eq!(run.code, 1);
    let result = run.json();
    assert_eq!(result["target"]["kind"], "file");
    assert_eq!(
        findings_of(&result, "secrets"),
        vec![(
            "secrets/github-pat".to_string(),
            "github.sh".to_string(),
            Some(3)
        )]
    );
}

#[test]
fn without_curated_plugins_only_added_ones_run() {
    let liar = fixture_plugin("liar");
    let run = scan_json(
        &root().join("tests/fixtures/secrets"),
        &[
            "--no-builtin-plugins",
            "--plugin",
            liar.to_str().expect("utf-8"),
        ],
    );
    let result = run.json();
    let ids: Vec<_> = result["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, vec!["liar"]);
    assert_eq!(result["plugins"][0]["status"], "skipped");
    assert_eq!(run.code, 0);
}

#[test]
fn docs_rules_md_is_generated_from_the_plugins_and_current() {
    let mut command = bulkhead();
    command.arg("rules");
    let output = run(command);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).expect("docs/rules.md");
    assert!(
        committed == output.stdout,
        "docs/rules.md is stale: run `cargo run --release -- rules > docs/rules.md`"
    );
    for plugin in ["dockerfile", "ecs", "image-config", "kubernetes", "secrets"] {
        assert!(
            output.stdout.contains(&format!("\n## {plugin} ")),
            "{plugin} missing"
        );
    }
}
