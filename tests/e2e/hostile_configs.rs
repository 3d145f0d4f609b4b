//! Malformed and hostile configuration files, and a directory holding all
//! three kinds of configuration at once, through the real binary.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{bulkhead, findings_of, plugin, root, run, scan_json};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

#[test]
fn malformed_bombs_huge_and_deep_configs_give_parse_findings_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path();
    write(
        path,
        "malformed.yaml",
        "apiVersion: v1\nkind: Pod\nspec: [unclosed\n",
    );
    write(
        path,
        "malformed-task.json",
        "{\"family\": \"x\", \"containerDefinitions\": [ {\"name\": \"a\" ]\n",
    );
    write(
        path,
        "Dockerfile",
        "FROM debian:12.5\nnot an instruction at all\nUSER 1000\n",
    );
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut previous = "a";
    for name in names {
        bomb.push_str(&format!("  {name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
        previous = name;
    }
    write(path, "bomb.yaml", &bomb);
    let deep = format!(
        "apiVersion: v1\nkind: Pod\nspec: {}x{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    write(path, "deep.yaml", &deep);
    // 50 MB: a ConfigMap carrying a large embedded file, and a List of
    // more objects than the node limit allows.
    let blob = "A".repeat(50 << 20);
    write(
        path,
        "huge-configmap.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: \"{blob}\"\n"
        ),
    );
    let mut list = String::from("apiVersion: v1\nkind: List\nitems:\n");
    while list.len() < 50 << 20 {
        list.push_str("  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v, l: w, m: x, n: y}}\n");
    }
    write(path, "huge-list.yaml", &list);
    // A healthy file whose finding must still be reported.
    write(
        path,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27.0\n      securityContext:\n        privileged: true\n",
    );

    let started = Instant::now();
    // A generous deadline: the point is that parsing stops at the limits,
    // not how fast a loaded CI machine parses 100 MB.
    let output = scan_json(
        path,
        &["--severity-threshold", "none", "--plugin-timeout", "60"],
    );
    let elapsed = started.elapsed();
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");
    let result = output.json();
    for id in ["kubernetes", "ecs", "dockerfile"] {
        assert_eq!(
            plugin(&result, id)["status"],
            "ok",
            "{:#}",
            plugin(&result, id)
        );
    }
    let kube = findings_of(&result, "kubernetes");
    let parse_problems: Vec<&str> = kube
        .iter()
        .filter(|f| f.0 == "kubernetes/manifest-parse-error")
        .map(|f| f.1.as_str())
        .collect();
    for file in ["bomb.yaml", "deep.yaml", "huge-list.yaml", "malformed.yaml"] {
        assert!(
            parse_problems.contains(&file),
            "{file} not reported: {parse_problems:?}"
        );
    }
    let message = |file: &str| {
        result["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["path"] == file && f["rule_id"] == "kubernetes/manifest-parse-error")
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert!(
        message("bomb.yaml").contains("alias bomb"),
        "{}",
        message("bomb.yaml")
    );
    assert!(
        message("huge-list.yaml").contains("more than"),
        "{}",
        message("huge-list.yaml")
    );
    assert!(
        !parse_problems.contains(&"huge-configmap.yaml"),
        "a large but simple manifest parses"
    );
    assert!(
        kube.contains(&(
            "kubernetes/privileged-container".to_string(),
            "pod.yaml".to_string(),
            Some(9)
        )),
        "{kube:?}"
    );
    assert!(
        findings_of(&result, "ecs")
            .iter()
            .any(|f| f.0 == "ecs/parse-error" && f.1 == "malformed-task.json")
    );
    assert!(findings_of(&result, "dockerfile").contains(&(
        "dockerfile/parse-error".to_string(),
        "Dockerfile".to_string(),
        Some(2)
    )));
}

#[test]
fn a_directory_of_dockerfiles_manifests_and_task_definitions_gives_valid_sarif() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (plugin, file) in [
        ("dockerfile", "fail/Dockerfile"),
        ("kubernetes", "fail/baseline.yaml"),
        ("kubernetes", "fail/rbac.yaml"),
        ("ecs", "fail/task.json"),
    ] {
        let target = dir.path().join(plugin);
        std::fs::create_dir_all(&target).expect("mkdir");
        let name = file.rsplit('/').next().expect("name");
        std::fs::copy(
            root().join("tests/fixtures").join(plugin).join(file),
            target.join(name),
        )
        .expect("copy");
    }
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "sarif"]);
    let output = run(command);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let sarif: Value = serde_json::from_str(&output.stdout).expect("SARIF");
    let validator = crate::output::sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let find = |rule: &str, uri: &str| {
        results.iter().find(|r| {
            r["ruleId"] == rule
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
        })
    };
    let privileged = find(
        "kubernetes/privileged-container",
        "kubernetes/baseline.yaml",
    )
    .expect("privileged-container");
    assert_eq!(
        privileged["locations"][0]["physicalLocation"]["region"]["startLine"],
        46
    );
    assert_eq!(
        privileged["properties"]["fieldPath"],
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    let ssh =
        find("dockerfile/ssh-port-exposed", "dockerfile/Dockerfile").expect("ssh-port-exposed");
    assert_eq!(
        ssh["locations"][0]["physicalLocation"]["region"]["startLine"],
        64
    );
    let host_pid = find("ecs/host-pid-namespace", "ecs/task.json").expect("host-pid-namespace");
    assert_eq!(
        host_pid["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert!(
        find(
            "kubernetes/rbac-cluster-admin-binding",
            "kubernetes/rbac.yaml"
        )
        .is_some()
    );
}

/// Dockerfiles built to make a naive linter quadratic or recursive: tens
/// of thousands of stages each copying from another, a RUN nesting `$(`
/// two hundred thousand deep, unbalanced quotes. The plugin finishes
/// within its default deadline and still reports what it should.
#[test]
fn hostile_dockerfiles_are_checked_within_the_deadline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut stages = String::new();
    for n in 0..40_000 {
        stages.push_str(&format!(
            "FROM alpine:3.20 AS s{n}\nCOPY --from=s{} /a /b\n",
            n / 2
        ));
    }
    write(dir.path(), "stages.Dockerfile", &stages);
    let nested = format!(
        "FROM alpine:3.20\nRUN echo {}\nRUN echo \"unclosed 'quotes $(x | y\nUSER 1000\nCMD app --serve\n",
        "$(".repeat(200_000)
    );
    write(dir.path(), "nested.Dockerfile", &nested);
    let output = scan_json(dir.path(), &["--severity-threshold", "none"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let result = output.json();
    assert_eq!(
        plugin(&result, "dockerfile")["status"],
        "ok",
        "{:#}",
        plugin(&result, "dockerfile")
    );
    let found = findings_of(&result, "dockerfile");
    assert!(
        found.contains(&(
            "dockerfile/shell-form-entrypoint-or-cmd".to_string(),
            "nested.Dockerfile".to_string(),
            Some(5)
        )),
        "{:?}",
        found
            .iter()
            .filter(|f| f.1 == "nested.Dockerfile")
            .collect::<Vec<_>>()
    );
    // Stage n copies from stage n/2: stage s0 from itself.
    assert!(found.contains(&(
        "dockerfile/copy-from-own-stage".to_string(),
        "stages.Dockerfile".to_string(),
        Some(2)
    )));
}
