//! Rule fixtures of the misconfiguration plugins, checked through the real
//! binary. Each plugin has `tests/fixtures/<plugin>/fail/` and `pass/`.
//!
//! - In `fail/` files, a comment line `# expect: RULE[=field.path] ...`
//!   says the next content line triggers each listed rule (with that field
//!   path when given). JSON files, which have no comments, list the same in
//!   a sidecar `<file>.expect`: one `RULE LINE [field.path]` per line.
//!   For every rule a file expects, its findings must be exactly those.
//! - In `pass/` files, `# checks: RULE ...` (or `checks: ...` in the
//!   sidecar) lists rules that must not fire there: close variants of the
//!   triggers. Files named `secure*` must give no finding at all.
//! - Every rule the plugin declares has both a trigger and a variant.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::support::{bulkhead, root, run, scan_json};

/// (rule, line, field path) expected in one file.
type Expected = BTreeSet<(String, u64, Option<String>)>;

fn read_dir_sorted(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_none_or(|ext| ext != "expect"))
        .collect();
    files.sort();
    files
}

/// Expectations and checked rules of one fixture file.
fn annotations(path: &Path) -> (Expected, BTreeSet<String>) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut expected = Expected::new();
    let mut checks = BTreeSet::new();
    let sidecar = path.with_file_name(format!(
        "{}.expect",
        path.file_name().expect("name").to_string_lossy()
    ));
    if let Ok(sidecar) = std::fs::read_to_string(&sidecar) {
        for line in sidecar.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(rules) = line.strip_prefix("checks:") {
                checks.extend(rules.split_whitespace().map(str::to_string));
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            expected.insert((
                parts[0].to_string(),
                parts[1].parse().expect("line number"),
                parts.get(2).map(|f| f.to_string()),
            ));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if let Some(rules) = trimmed.strip_prefix("# checks:") {
            checks.extend(rules.split_whitespace().map(str::to_string));
        }
        let Some(rules) = trimmed.strip_prefix("# expect:") else {
            continue;
        };
        let target = lines
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with('#'))
            .map(|(i, _)| i as u64 + 1)
            .unwrap_or_else(|| {
                panic!(
                    "{}: expect on line {} has no line after it",
                    path.display(),
                    index + 1
                )
            });
        for rule in rules.split_whitespace() {
            let (rule, field) = match rule.split_once('=') {
                Some((rule, field)) => (rule.to_string(), Some(field.to_string())),
                None => (rule.to_string(), None),
            };
            expected.insert((rule, target, field));
        }
    }
    (expected, checks)
}

fn declared_rules(plugin: &str) -> BTreeSet<String> {
    let mut command = bulkhead();
    command.args(["plugin", "list", "--format", "json"]);
    run(command)
        .json()
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == plugin)
        .unwrap_or_else(|| panic!("plugin {plugin} is not built in"))["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

/// Findings of `plugin` per file: (rule without namespace, line, field path).
fn findings_by_file(result: &Value, plugin: &str) -> BTreeMap<String, Expected> {
    let mut by_file: BTreeMap<String, Expected> = BTreeMap::new();
    for finding in result["findings"].as_array().expect("findings") {
        if finding["plugin"]["id"] != plugin {
            continue;
        }
        let rule = finding["rule_id"]
            .as_str()
            .expect("rule")
            .trim_start_matches(&format!("{plugin}/"))
            .to_string();
        by_file
            .entry(finding["path"].as_str().expect("path").to_string())
            .or_default()
            .insert((
                rule,
                finding["start_line"].as_u64().unwrap_or(0),
                finding["field_path"].as_str().map(str::to_string),
            ));
    }
    by_file
}

/// Checks the fixtures of `plugin` as described in the module docs.
pub fn check_fixtures(plugin: &str) {
    let base = root().join("tests/fixtures").join(plugin);
    let run = scan_json(&base, &["--severity-threshold", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    let status = &result["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == plugin)
        .expect("plugin")["status"];
    assert_eq!(status, "ok", "{:#}", result["plugins"]);
    let found = findings_by_file(&result, plugin);
    let declared = declared_rules(plugin);
    let mut triggered = BTreeSet::new();
    let mut varied = BTreeSet::new();
    let mut problems = Vec::new();

    for file in read_dir_sorted(&base.join("fail")) {
        let relative = format!("fail/{}", file.file_name().expect("name").to_string_lossy());
        let (expected, _) = annotations(&file);
        assert!(!expected.is_empty(), "{relative} expects nothing");
        let rules: BTreeSet<&String> = expected.iter().map(|e| &e.0).collect();
        let got: Expected = found
            .get(&relative)
            .map(|all| {
                all.iter()
                    .filter(|f| rules.contains(&f.0))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        // A field path is compared only where the fixture states one.
        let got_matching: Expected = got
            .iter()
            .map(|(rule, line, field)| {
                let stated = expected
                    .iter()
                    .any(|(r, l, f)| r == rule && l == line && f.is_some());
                (
                    rule.clone(),
                    *line,
                    if stated { field.clone() } else { None },
                )
            })
            .collect();
        if got_matching != expected {
            problems.push(format!(
                "{relative}:\n  missing {:?}\n  unexpected {:?}",
                expected.difference(&got_matching).collect::<Vec<_>>(),
                got_matching.difference(&expected).collect::<Vec<_>>()
            ));
        }
        triggered.extend(rules.into_iter().cloned());
    }
    for file in read_dir_sorted(&base.join("pass")) {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let relative = format!("pass/{name}");
        let (_, checks) = annotations(&file);
        let got = found.get(&relative).cloned().unwrap_or_default();
        if name.starts_with("secure") {
            if !got.is_empty() {
                problems.push(format!("{relative} is secure by default but gave {got:?}"));
            }
            continue;
        }
        assert!(!checks.is_empty(), "{relative} lists no `checks:`");
        let fired: Vec<_> = got.iter().filter(|f| checks.contains(&f.0)).collect();
        if !fired.is_empty() {
            problems.push(format!(
                "{relative}: variants that must not fire did: {fired:?}"
            ));
        }
        varied.extend(checks);
    }
    let untriggered: Vec<_> = declared.difference(&triggered).collect();
    let unvaried: Vec<_> = declared.difference(&varied).collect();
    assert!(
        untriggered.is_empty(),
        "{plugin}: rules without a failing fixture: {untriggered:?}"
    );
    assert!(
        unvaried.is_empty(),
        "{plugin}: rules without a passing variant: {unvaried:?}"
    );
    assert!(
        problems.is_empty(),
        "{plugin} fixtures:\n{}",
        problems.join("\n")
    );
}

#[test]
fn dockerfile_rules_match_their_fixtures() {
    check_fixtures("dockerfile");
}

#[test]
fn kubernetes_rules_match_their_fixtures() {
    check_fixtures("kubernetes");
}

#[test]
fn ecs_rules_match_their_fixtures() {
    check_fixtures("ecs");
}

/// A task definition that does the right thing, `secrets` entries whose
/// `valueFrom` names a Secrets Manager secret or an SSM parameter (and
/// `environmentFiles`, `repositoryCredentials`, log `secretOptions`), gets
/// no finding of any kind: not from `ecs`, not from `secrets` reading the
/// same file.
#[test]
fn ecs_secret_references_get_no_finding_from_any_plugin() {
    for file in ["secure-secret-references.json", "secure.json"] {
        let path = root().join("tests/fixtures/ecs/pass").join(file);
        let run = scan_json(&path, &["--severity-threshold", "none"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let result = run.json();
        let findings: Vec<String> = result["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| format!("{}:{} {}", f["start_line"], f["rule_id"], f["message"]))
            .collect();
        assert!(findings.is_empty(), "{file}: {findings:#?}");
        let ecs = result["plugins"]
            .as_array()
            .expect("plugins")
            .iter()
            .find(|p| p["id"] == "ecs")
            .expect("ecs plugin");
        assert_eq!(
            ecs["status"], "ok",
            "{file} was not checked by ecs: {ecs:#}"
        );
    }
}
