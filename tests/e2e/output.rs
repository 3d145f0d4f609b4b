//! Output formats and exit codes.

use serde_json::Value;

use crate::support::{bulkhead, root, run, scan_json, target_with_secret};

pub fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/schemas/sarif-2.1.0.json"))
            .expect("vendored SARIF schema"),
    )
    .expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("schema compiles")
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(root().join("tests/fixtures/secrets"))
        .args(["--format", "sarif"]);
    let output = run(command);
    assert_eq!(output.code, 1);
    let sarif: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");

    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run0["results"].as_array().expect("results");
    assert!(results.len() >= 21);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["bulkhead/v1"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        // Secrets are found only in positive/; the reference manifests
        // beside the negatives draw the kubernetes and ecs plugins too.
        let uri = location["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        let expected_dir = if result["properties"]["plugin"] == "secrets" {
            "positive/"
        } else {
            "references/"
        };
        assert!(uri.starts_with(expected_dir), "{uri}: {result}");
        assert!(location["region"]["startLine"].as_u64() >= Some(1));
        assert!(rules[index]["properties"]["security-severity"].is_string());
    }

    // An invalid document is rejected by the same validator, so the check
    // above is not vacuous.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_same_input_twice_gives_byte_identical_json() {
    let target = root().join("tests/fixtures/secrets");
    let first = scan_json(&target, &["--jobs", "2"]);
    let second = scan_json(&target, &["--jobs", "1"]);
    assert!(
        first.json()["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn exit_codes_follow_the_severity_threshold() {
    let target = target_with_secret();
    let path = target.path();
    assert_eq!(
        scan_json(path, &[]).code,
        1,
        "critical finding, default threshold low"
    );
    assert_eq!(
        scan_json(path, &["--severity-threshold", "critical"]).code,
        1
    );
    assert_eq!(scan_json(path, &["--severity-threshold", "none"]).code, 0);

    let medium_only = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        medium_only.path().join("settings.py"),
        "SECRET_KEY = \"q7Vx2LmN9pRt4WzY8bKc3HdJ\"\n",
    )
    .expect("write");
    let run = scan_json(medium_only.path(), &["--severity-threshold", "high"]);
    assert_eq!(run.json()["summary"]["medium"], 1);
    assert_eq!(
        run.code, 0,
        "a medium finding under a high threshold passes"
    );
    assert_eq!(
        scan_json(medium_only.path(), &["--severity-threshold", "medium"]).code,
        1
    );

    let clean = tempfile::tempdir().expect("tempdir");
    std::fs::write(clean.path().join("README"), "hello\n").expect("write");
    assert_eq!(scan_json(clean.path(), &[]).code, 0);
}

#[test]
fn bad_input_exits_2_with_a_message_naming_it() {
    let missing = root().join("no/such/target");
    let run = scan_json(&missing, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/target"), "{}", run.stderr);

    let not_wasm = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(not_wasm.path(), b"definitely not a component").expect("write");
    let run = scan_json(
        &root().join("tests/fixtures"),
        &["--plugin", not_wasm.path().to_str().expect("utf-8")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&not_wasm.path().display().to_string()),
        "{}",
        run.stderr
    );

    let mut command = bulkhead();
    command.args(["scan", "--format", "yaml", "."]);
    assert_eq!(crate::support::run(command).code, 2);
}

#[test]
fn the_table_groups_by_severity_and_writes_to_a_file() {
    let target = target_with_secret();
    let out = tempfile::NamedTempFile::new().expect("temp");
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(target.path())
        .arg("--output")
        .arg(out.path());
    let run = crate::support::run(command);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "report went to the file");
    let table = std::fs::read_to_string(out.path()).expect("report");
    assert!(table.contains("CRITICAL (1)"), "{table}");
    assert!(table.contains("app/.env:2"), "{table}");
    assert!(table.contains("AKIA****LQ7P"), "{table}");
    assert!(!table.contains('\x1b'), "no colour codes in a file");
    assert!(table.contains("secrets 0.1.0: ok"), "{table}");
}

#[test]
fn every_field_docs_json_schema_md_lists_is_in_the_schema_file() {
    let docs = std::fs::read_to_string(root().join("docs/json-schema.md")).expect("docs");
    let schema: Value = serde_json::from_slice(
        &std::fs::read(root().join("docs/bulkhead-scan.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let resolve = |node: &Value| -> Value {
        match node["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/$defs/");
                schema["$defs"][name].clone()
            }
            None => node.clone(),
        }
    };
    let mut checked = 0;
    for line in docs.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.split('|').nth(1).unwrap_or_default();
        let mut parent = String::new();
        for field in cell.split(',').map(|f| f.trim().trim_matches('`')) {
            if field.is_empty() {
                continue;
            }
            // A bare name after a dotted one shares its parent
            // (`findings[].start_line`, `end_line`).
            let field = if field.contains('.') || parent.is_empty() {
                parent = field
                    .rsplit_once('.')
                    .map_or(String::new(), |(p, _)| p.to_string());
                field.to_string()
            } else {
                format!("{parent}.{field}")
            };
            let field = field.as_str();
            let mut node = schema.clone();
            for part in field.split('.') {
                let part = part.trim_end_matches("[]");
                node = resolve(&node);
                if node["type"] == "array" {
                    node = resolve(&node["items"]);
                }
                let next = node["properties"][part].clone();
                assert!(
                    !next.is_null(),
                    "docs/json-schema.md lists `{field}`, which the schema does not have ({part})"
                );
                node = next;
            }
            checked += 1;
        }
    }
    assert!(
        checked > 20,
        "only {checked} fields found in docs/json-schema.md"
    );
}
