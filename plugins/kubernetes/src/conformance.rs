//! The plugin against Kubernetes' own Pod Security conformance fixtures
//! (kubernetes/pod-security-admission `test/testdata`, fetched at the commit
//! pinned in tests/upstream-suites.txt by `scripts/upstream-suites`):
//! at every version, every `fail` pod of a level is caught by a rule of
//! that level and no `pass` pod is, and the same pods wrapped in each
//! workload kind give the same rules. The same pipeline as a scan, minus
//! the host: analyze, note, decode, judge.

#[path = "../../../tests/e2e/pss/wrappers.rs"]
mod wrappers;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::judge::{NoteRef, judge};
use crate::manifest::analyze;
use crate::notes::{self, NamespaceLabels, PodViolations};
use crate::policy::{Level, Policy, Version};

/// `$BULKHEAD_UPSTREAM/pod-security-admission` (default `target/upstream`),
/// where scripts/upstream-suites fetches the fixtures.
fn data() -> PathBuf {
    std::env::var_os("BULKHEAD_UPSTREAM")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/upstream"))
        .join("pod-security-admission")
}

/// The files of a fixture directory, sorted; a missing directory fails.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| {
            panic!(
                "{}: {error}; run scripts/refresh-pss-fixtures.sh to vendor the fixtures",
                dir.display()
            )
        })
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The rules (with levels) a manifest's pods fail at `level` and
/// `version`, through the same notes a scan passes to post-scan.
fn rules_failed(text: &str, level: Level, version: Version) -> BTreeSet<(&'static str, Level)> {
    let analysis = analyze(text).unwrap_or_else(|e| panic!("does not parse: {e:?}\n{text}"));
    let encoded: Vec<String> = analysis.pods.iter().map(PodViolations::encode).collect();
    let notes: Vec<NoteRef> = encoded
        .iter()
        .map(|value| NoteRef {
            path: "pod.yaml",
            key: notes::POD,
            value,
        })
        .collect();
    judge(&notes, &Policy::from_settings(level, version))
        .into_iter()
        .map(|f| (f.rule, f.level))
        .collect()
}

/// The fixture versions vendored, as known versions; fails on one the
/// plugin does not know and on a known one missing.
fn fixture_versions() -> Vec<Version> {
    let mut versions: Vec<Version> = fs::read_dir(data().join("baseline"))
        .expect("the upstream fixtures: run scripts/upstream-suites")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .map(|name| {
            let minor = name
                .strip_prefix("v1.")
                .and_then(|m| m.parse().ok())
                .unwrap_or_else(|| panic!("unexpected fixture directory {name}"));
            Version::new(minor).unwrap_or_else(|| {
                panic!("upstream has fixtures for {name}, which the plugin does not know: add its changes to src/pss/ and policy::NEWEST_MINOR")
            })
        })
        .collect();
    versions.sort();
    let known: Vec<Version> = Version::known().collect();
    assert_eq!(versions, known, "every version known has fixtures");
    versions
}

#[test]
#[ignore = "needs the upstream suites: scripts/upstream-suites"]
fn every_version_agrees_with_the_upstream_fixtures() {
    let mut disagreements = Vec::new();
    let mut table = vec![
        "| version | baseline fail caught | baseline pass flagged | restricted fail caught | restricted pass flagged |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    let mut pods = 0;
    for version in fixture_versions() {
        let mut row = format!("| {version} |");
        for level in [Level::Baseline, Level::Restricted] {
            for outcome in ["fail", "pass"] {
                let dir = data()
                    .join(level.name())
                    .join(format!("v{version}"))
                    .join(outcome);
                let files = yaml_files(&dir);
                let mut flagged = 0;
                for file in &files {
                    let text = fs::read_to_string(file).expect("fixture");
                    let name = format!(
                        "{}/v{version}/{outcome}/{}",
                        level.name(),
                        file.file_name().expect("name").to_string_lossy()
                    );
                    let rules = rules_failed(&text, level, version);
                    pods += 1;
                    if !rules.is_empty() {
                        flagged += 1;
                    }
                    if rules.is_empty() == (outcome == "fail") {
                        disagreements.push(format!("{name}: {rules:?}"));
                    }
                    for kind in wrappers::WORKLOAD_KINDS {
                        let wrapped = rules_failed(&wrappers::wrap(&text, kind), level, version);
                        if wrapped != rules {
                            disagreements
                                .push(format!("{name} as a {kind}: {wrapped:?}, bare {rules:?}"));
                        }
                    }
                }
                row.push_str(&format!(" {flagged}/{} |", files.len()));
            }
        }
        table.push(row);
    }
    println!(
        "{} upstream pods, each bare and in 5 workloads:\n{}",
        pods,
        table.join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with the upstream fixtures:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// A Namespace in one file pins the pods of another: its enforce level
/// drops the controls above it, its enforce-version picks the version.
#[test]
fn namespace_labels_pin_level_and_version_across_files() {
    let namespace = analyze(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.31\n",
    )
    .expect("parses");
    let pod = |namespace: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: {namespace}\nspec:\n  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_rmem\n      value: '4096 87380 16777216'\n  containers:\n  - name: app\n    image: app:1\n"
        )
    };
    let pinned = analyze(&pod("legacy")).expect("parses");
    let other = analyze(&pod("web")).expect("parses");
    let values: Vec<(String, &str)> = namespace
        .namespaces
        .iter()
        .map(|n| (n.encode(), notes::NAMESPACE))
        .chain(pinned.pods.iter().map(|p| (p.encode(), notes::POD)))
        .chain(other.pods.iter().map(|p| (p.encode(), notes::POD)))
        .collect();
    let notes: Vec<NoteRef> = values
        .iter()
        .enumerate()
        .map(|(index, (value, key))| NoteRef {
            path: ["ns.yaml", "legacy.yaml", "web.yaml"][index],
            key,
            value,
        })
        .collect();
    let cluster = Policy::from_settings(Level::Restricted, Version::new(34).expect("known"));
    let findings = judge(&notes, &cluster);
    let of = |path: &str| -> BTreeSet<(&str, &str, String)> {
        findings
            .iter()
            .filter(|f| f.path == path)
            .map(|f| (f.rule, f.level.name(), f.version.to_string()))
            .collect()
    };
    // legacy: baseline only, at 1.31, where tcp_rmem is not yet safe.
    assert_eq!(
        of("legacy.yaml"),
        BTreeSet::from([("unsafe-sysctl", "baseline", "1.31".to_string())])
    );
    let legacy = findings
        .iter()
        .find(|f| f.path == "legacy.yaml")
        .expect("finding");
    assert_eq!(legacy.namespace.as_deref(), Some("legacy"));
    assert_eq!(legacy.line, 9);
    assert!(
        legacy
            .message
            .ends_with("(Pod Security Standards baseline, Kubernetes 1.31, set by the labels of namespace legacy)"),
        "{}",
        legacy.message
    );
    // web: the cluster's restricted at 1.34, where tcp_rmem is safe.
    let web = of("web.yaml");
    assert!(web.iter().all(|(_, _, v)| v == "1.34"), "{web:?}");
    assert!(
        web.iter().all(|(rule, _, _)| *rule != "unsafe-sysctl"),
        "{web:?}"
    );
    assert!(web.contains(&("run-as-non-root-missing", "restricted", "1.34".into())));
    // Privileged: nothing.
    let labels = NamespaceLabels {
        name: "legacy".into(),
        enforce: Some("privileged".into()),
        enforce_version: None,
    }
    .encode();
    let privileged = [
        NoteRef {
            path: "ns.yaml",
            key: notes::NAMESPACE,
            value: &labels,
        },
        NoteRef {
            path: "legacy.yaml",
            key: notes::POD,
            value: &values[1].0,
        },
    ];
    assert!(judge(&privileged, &cluster).is_empty());
}

/// Pods in a user namespace (`hostUsers: false`): from 1.35 baseline lets
/// them unmask /proc and restricted lets them run as root; before, not.
#[test]
fn user_namespace_relaxations_start_at_1_35() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  securityContext:\n    runAsUser: 0\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: c\n    image: c:1\n    securityContext:\n      procMount: Unmasked\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n";
    let at = |minor, level| rules_failed(pod, level, Version::new(minor).expect("known"));
    assert_eq!(
        at(34, Level::Baseline),
        BTreeSet::from([("proc-mount-unmasked", Level::Baseline)])
    );
    assert!(at(34, Level::Restricted).contains(&("run-as-user-root", Level::Restricted)));
    assert!(at(35, Level::Baseline).is_empty());
    assert_eq!(
        at(35, Level::Restricted),
        BTreeSet::from([("proc-mount-unmasked", Level::Restricted)])
    );
}
