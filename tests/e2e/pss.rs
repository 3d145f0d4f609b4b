//! Pod Security Standards through the real binary and the real kubernetes
//! plugin: Kubernetes' own conformance fixtures (kubernetes/
//! pod-security-admission, fetched by scripts/upstream-suites)
//! at every version, bare and wrapped in five workload kinds, judged at
//! `--plugin-setting kubernetes.kubernetes-version=1.NN`; Namespace labels
//! in one file deciding how the pods of another are judged; and the
//! settings' validation.

mod wrappers;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{scan_json, upstream_suite};

/// Kubernetes' fixtures (not redistributed here: scripts/upstream-suites
/// fetches them at the commit pinned in tests/upstream-suites.txt).
fn data() -> PathBuf {
    upstream_suite("pod-security-admission")
}

/// The newest Kubernetes version the plugin knows, its default.
const NEWEST_KNOWN: &str = "1.37";

/// The fixture versions vendored (`1.25` ..), oldest first.
fn versions() -> Vec<String> {
    let mut minors: Vec<u32> = fs::read_dir(data().join("baseline"))
        .expect("the fixtures: run scripts/upstream-suites")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .map(|name| {
            name.strip_prefix("v1.")
                .and_then(|m| m.parse().ok())
                .unwrap_or_else(|| panic!("unexpected fixture directory {name}"))
        })
        .collect();
    minors.sort();
    assert!(
        minors.len() >= 13,
        "fixtures of 1.25 to 1.37 at least: {minors:?}"
    );
    minors.into_iter().map(|m| format!("1.{m}")).collect()
}

/// The value of a finding's property `name` (`properties` is a list of
/// `{name, value}`).
fn property<'a>(finding: &'a Value, name: &str) -> Option<&'a str> {
    finding["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?["value"]
        .as_str()
}

/// Pod Security findings of the kubernetes plugin per path: (rule without
/// the plugin prefix, pss-level, pss-version, pss-namespace).
type PssFindings = BTreeMap<String, BTreeSet<(String, String, String, Option<String>)>>;

fn pss_findings(result: &Value) -> PssFindings {
    let mut by_path = PssFindings::new();
    for finding in result["findings"].as_array().expect("findings") {
        if finding["plugin"]["id"] != "kubernetes" {
            continue;
        }
        let Some(level) = property(finding, "pss-level") else {
            continue;
        };
        let rule = finding["rule_id"].as_str().expect("rule");
        let version = property(finding, "pss-version")
            .unwrap_or_else(|| panic!("pss-level without pss-version: {finding:#}"));
        let message = finding["message"].as_str().expect("message");
        assert!(
            message.contains(&format!(
                "Pod Security Standards {level}, Kubernetes {version}"
            )),
            "the message says what it was judged at: {message}"
        );
        by_path
            .entry(finding["path"].as_str().expect("path").to_string())
            .or_default()
            .insert((
                rule.trim_start_matches("kubernetes/").to_string(),
                level.to_string(),
                version.to_string(),
                property(finding, "pss-namespace").map(str::to_string),
            ));
    }
    by_path
}

/// Writes every fixture pod of `version` into `dir`, bare and wrapped:
/// `<level>/<outcome>/<name>.yaml` and `<level>/<outcome>/<name>.<Kind>.yaml`.
fn write_corpus(version: &str, dir: &Path) {
    for level in ["baseline", "restricted"] {
        for outcome in ["fail", "pass"] {
            let source = data().join(level).join(format!("v{version}")).join(outcome);
            let target = dir.join(level).join(outcome);
            fs::create_dir_all(&target).expect("mkdir");
            for entry in fs::read_dir(&source).expect("fixture directory") {
                let path = entry.expect("entry").path();
                let stem = path
                    .file_stem()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                let text = fs::read_to_string(&path).expect("fixture");
                fs::write(target.join(format!("{stem}.yaml")), &text).expect("write");
                for kind in wrappers::WORKLOAD_KINDS {
                    fs::write(
                        target.join(format!("{stem}.{kind}.yaml")),
                        wrappers::wrap(&text, kind),
                    )
                    .expect("write");
                }
            }
        }
    }
}

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn upstream_pod_security_fixtures_agree_at_every_version() {
    let mut disagreements = Vec::new();
    let mut table = Vec::new();
    for version in versions() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_corpus(&version, dir.path());
        let setting = format!("kubernetes.kubernetes-version={version}");
        let run = scan_json(
            dir.path(),
            &["--severity-threshold", "none", "--plugin-setting", &setting],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let result = run.json();
        let found = pss_findings(&result);
        let mut row = format!("| {version} |");
        for level in ["baseline", "restricted"] {
            for outcome in ["fail", "pass"] {
                let subdir = format!("{level}/{outcome}");
                let mut bare: Vec<String> = fs::read_dir(dir.path().join(&subdir))
                    .expect("corpus")
                    .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .filter(|name| name.matches('.').count() == 1)
                    .collect();
                bare.sort();
                // The rules a file fails at `level`: baseline ones only for
                // the baseline fixtures.
                let failed = |name: &str| -> BTreeSet<String> {
                    found
                        .get(&format!("{subdir}/{name}"))
                        .into_iter()
                        .flatten()
                        .filter(|(_, l, v, _)| {
                            assert_eq!(v, &version, "judged at the version set");
                            level == "restricted" || l == "baseline"
                        })
                        .map(|(rule, _, _, _)| rule.clone())
                        .collect()
                };
                let mut flagged = 0;
                for name in &bare {
                    let rules = failed(name);
                    if !rules.is_empty() {
                        flagged += 1;
                    }
                    if rules.is_empty() == (outcome == "fail") {
                        disagreements.push(format!("v{version} {subdir}/{name}: {rules:?}"));
                    }
                    let stem = name.trim_end_matches(".yaml");
                    for kind in wrappers::WORKLOAD_KINDS {
                        let wrapped = failed(&format!("{stem}.{kind}.yaml"));
                        if wrapped != rules {
                            disagreements.push(format!(
                                "v{version} {subdir}/{name} as a {kind}: {wrapped:?}, bare {rules:?}"
                            ));
                        }
                    }
                }
                row.push_str(&format!(" {flagged}/{} |", bare.len()));
            }
        }
        table.push(row);
    }
    println!(
        "| version | baseline fail caught | baseline pass flagged | restricted fail caught | restricted pass flagged |\n|---|---|---|---|---|\n{}",
        table.join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with the upstream fixtures:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// A pod that tunes tcp_rmem (safe from 1.32), sets a probe host
/// (forbidden from 1.34) and none of the restricted settings.
fn tuned_pod(name: &str, namespace: Option<&str>) -> String {
    let namespace = namespace.map_or(String::new(), |n| format!("  namespace: {n}\n"));
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n{namespace}spec:\n  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_rmem\n      value: '4096 87380 16777216'\n  containers:\n  - name: app\n    image: app:1.0\n    readinessProbe:\n      httpGet: {{path: /, port: 80, host: 10.0.0.1}}\n"
    )
}

fn rules_of(found: &PssFindings, path: &str) -> BTreeSet<(String, String, String, Option<String>)> {
    found.get(path).cloned().unwrap_or_default()
}

#[test]
fn namespace_labels_in_one_file_judge_the_pods_of_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("namespaces.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.31\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("legacy.yaml"),
        tuned_pod("a", Some("legacy")),
    )
    .expect("write");
    fs::write(dir.path().join("tools.yaml"), tuned_pod("b", Some("tools"))).expect("write");
    fs::write(dir.path().join("web.yaml"), tuned_pod("c", None)).expect("write");

    let run = scan_json(
        dir.path(),
        &[
            "--severity-threshold",
            "none",
            "--plugin-setting",
            "kubernetes.kubernetes-version=1.34",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = pss_findings(&run.json());
    let owned = |rule: &str, level: &str, version: &str, namespace: Option<&str>| {
        (
            rule.to_string(),
            level.to_string(),
            version.to_string(),
            namespace.map(str::to_string),
        )
    };
    // legacy: baseline at 1.31: tcp_rmem is not safe yet, probe hosts are
    // not checked yet, restricted is not enforced.
    assert_eq!(
        rules_of(&found, "legacy.yaml"),
        BTreeSet::from([owned("unsafe-sysctl", "baseline", "1.31", Some("legacy"))])
    );
    // tools: privileged: nothing.
    assert_eq!(rules_of(&found, "tools.yaml"), BTreeSet::new());
    // web (no Namespace in the scan): restricted at the setting's 1.34.
    let web = rules_of(&found, "web.yaml");
    assert!(
        web.contains(&owned("probe-host", "baseline", "1.34", None)),
        "{web:?}"
    );
    assert!(
        web.contains(&owned(
            "run-as-non-root-missing",
            "restricted",
            "1.34",
            None
        )),
        "{web:?}"
    );
    assert!(web.iter().all(|f| f.0 != "unsafe-sysctl"), "{web:?}");

    // The level setting applies where no Namespace label does.
    let run = scan_json(
        dir.path(),
        &[
            "--severity-threshold",
            "none",
            "--plugin-setting",
            "kubernetes.pod-security-level=baseline",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = pss_findings(&run.json());
    let web = rules_of(&found, "web.yaml");
    let newest = NEWEST_KNOWN.to_string();
    assert_eq!(
        web,
        BTreeSet::from([owned("probe-host", "baseline", &newest, None)]),
        "baseline at the newest version, the default"
    );
    assert_eq!(
        rules_of(&found, "legacy.yaml"),
        BTreeSet::from([owned("unsafe-sysctl", "baseline", "1.31", Some("legacy"))])
    );
}

#[test]
fn an_unknown_kubernetes_version_is_refused_naming_the_versions_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("pod.yaml"), tuned_pod("a", None)).expect("write");
    for (setting, named) in [
        ("kubernetes.kubernetes-version=1.24", "1.25, 1.26"),
        ("kubernetes.kubernetes-version=2.0", "or latest"),
        (
            "kubernetes.pod-security-level=strict",
            "baseline or restricted",
        ),
    ] {
        let run = scan_json(dir.path(), &["--plugin-setting", setting]);
        assert_eq!(run.code, 2, "{setting}: {}", run.stderr);
        assert!(
            run.stderr.contains(named),
            "{setting}: the error names {named}: {}",
            run.stderr
        );
    }
}

#[test]
fn bulkhead_toml_gives_plugin_settings_and_the_command_line_overrides_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("manifests");
    fs::create_dir_all(&target).expect("mkdir");
    fs::write(target.join("web.yaml"), tuned_pod("web", None)).expect("write");
    let config = dir.path().join("bulkhead.toml");
    let config_arg = config.to_str().expect("utf-8").to_string();
    let versions_judged = |extra: &[&str]| -> BTreeSet<String> {
        let mut args = vec!["--severity-threshold", "none", "--config", &config_arg];
        args.extend_from_slice(extra);
        let run = scan_json(&target, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        pss_findings(&run.json())
            .values()
            .flatten()
            .map(|(_, _, version, _)| version.clone())
            .collect()
    };

    fs::write(
        &config,
        "[plugins.settings.kubernetes]\nkubernetes-version = \"1.31\"\npod-security-level = \"restricted\"\n",
    )
    .expect("write");
    assert_eq!(versions_judged(&[]), BTreeSet::from(["1.31".to_string()]));
    assert_eq!(
        versions_judged(&["--plugin-setting", "kubernetes.kubernetes-version=1.33"]),
        BTreeSet::from(["1.33".to_string()]),
        "the command line wins"
    );

    // Refused with the plugin's own message, as on the command line.
    fs::write(
        &config,
        "[plugins.settings.kubernetes]\nkubernetes-version = \"1.24\"\n",
    )
    .expect("write");
    let run = scan_json(&target, &["--config", &config_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("1.25, 1.26"), "{}", run.stderr);

    // A value of a kind no setting has is an error naming it.
    fs::write(
        &config,
        "[plugins.settings.kubernetes]\nkubernetes-version = 1.31\n",
    )
    .expect("write");
    let run = scan_json(&target, &["--config", &config_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("kubernetes-version"), "{}", run.stderr);
}
