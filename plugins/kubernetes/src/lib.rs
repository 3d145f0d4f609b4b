//! Curated plugin `kubernetes`: checks Kubernetes manifests, YAML
//! (multi-document, anchors, `kind: List`) and JSON, with lines and field
//! paths: every Pod Security Standards control at both levels, judged at a
//! Kubernetes version, plus workload hygiene, RBAC, Services and Ingress.
//! A document without `apiVersion` and `kind` is not Kubernetes and is
//! skipped; a file that cannot be parsed is reported once.
//!
//! Pod Security findings need more than one file: a pod is judged at the
//! level and version its Namespace's `pod-security.kubernetes.io/enforce`
//! and `enforce-version` labels ask for, and the Namespace may be defined
//! elsewhere. So the analyze phase ([`manifest`]) reports what does not
//! depend on the cluster and leaves notes ([`notes`]): Namespace labels,
//! and each pod's violations at every version known ([`pss`]). The
//! post-scan call ([`judge`]) reads them all and reports each pod's
//! violations at its [`policy`], located in the pod's file.

mod hygiene;
pub mod judge;
pub mod manifest;
pub mod notes;
pub mod policy;
pub mod pss;
mod rbac;
pub mod rules;

#[cfg(test)]
mod conformance;

use bulkhead_sdk::doc::Node;
use bulkhead_sdk::{
    File, Finding, Interests, LogLevel, Plugin, PluginInfo, PostScan, Reporter, SettingSpec,
    SettingValue, Settings, export_plugin, log, settings,
};

use judge::NoteRef;
use policy::{Level, Policy, Version};

/// Largest manifest read.
const MAX_SIZE: u64 = 64 << 20;
/// Largest note left: the host refuses notes over 64 KiB whole.
const MAX_NOTE_BYTES: usize = 60 << 10;
/// The setting naming the Kubernetes version pods are judged at.
const VERSION_SETTING: &str = "kubernetes-version";
/// The setting naming the level pods are judged at without Namespace labels.
const LEVEL_SETTING: &str = "pod-security-level";

/// Findings of one file, collected before reporting.
#[derive(Default)]
pub struct Hits(Vec<Finding>);

impl Hits {
    /// A finding of `rule` at `line`, at `field` (relative to the object).
    pub fn push(&mut self, rule: &str, message: String, line: u32, field: String) {
        self.0
            .push(Finding::new(rule, message).line(line).field_path(field));
    }

    /// The same, with a secret value.
    pub fn push_secret(
        &mut self,
        rule: &str,
        message: String,
        line: u32,
        field: String,
        secret: String,
    ) {
        self.0.push(
            Finding::new(rule, message)
                .line(line)
                .field_path(field)
                .secret(secret),
        );
    }
}

/// Line of `key` in `node`, else the node's own line.
pub fn line_of(node: &Node, key: &str) -> u32 {
    node.key_line(key).unwrap_or(node.line)
}

struct Kubernetes;

impl Plugin for Kubernetes {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "kubernetes",
            env!("CARGO_PKG_VERSION"),
            "Checks Kubernetes manifests: Pod Security Standards (baseline and restricted) judged at a Kubernetes version and at the levels Namespace labels enforce, images, resources, service accounts, secrets in env, dangerous mounts and capabilities, RBAC, Services, Ingress.",
        )
        .rules(rules::plugin_rules())
        .interests(
            Interests::files(["**/*.yaml", "**/*.yml", "**/*.json", "*.yaml", "*.yml", "*.json"])
                .keywords(["apiversion"])
                .max_file_size(MAX_SIZE),
        )
        .setting(
            SettingSpec::text(
                VERSION_SETTING,
                &format!(
                    "The Kubernetes version whose Pod Security Standards apply ({} to {}, or latest); a Namespace's pod-security.kubernetes.io/enforce-version label pins its pods to another.",
                    Version::OLDEST,
                    Version::NEWEST
                ),
            )
            .default_value(SettingValue::Text(Version::NEWEST.to_string())),
        )
        .setting(
            SettingSpec::text(
                LEVEL_SETTING,
                "The Pod Security Standards level pods are judged at when their Namespace has no pod-security.kubernetes.io/enforce label: privileged (none), baseline or restricted.",
            )
            .default_value(SettingValue::Text(Level::Restricted.name().into())),
        )
    }

    fn validate_settings(settings: &Settings) -> Result<(), String> {
        if let Some(text) = settings.text(VERSION_SETTING) {
            Version::parse_setting(text)?;
        }
        if let Some(text) = settings.text(LEVEL_SETTING) {
            Level::parse_setting(text)?;
        }
        Ok(())
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let text = file.read_text(MAX_SIZE)?;
        let analysis = match manifest::analyze(&text) {
            Ok(analysis) => analysis,
            Err(error) => {
                if looks_like_manifest(&text) {
                    out.finding(
                        Finding::new(
                            rules::id::MANIFEST_PARSE_ERROR,
                            format!("cannot parse the manifest: {}", error.message),
                        )
                        .line(error.line.max(1)),
                    );
                }
                return Ok(());
            }
        };
        note_namespaces(&analysis.namespaces, out);
        if !note_pods(&file.path(), &analysis.pods, out) {
            return Ok(());
        }
        for finding in analysis.hits.0 {
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }

    fn post_scan(input: &PostScan, out: &mut Reporter) -> Result<(), String> {
        let notes: Vec<NoteRef> = input
            .notes
            .iter()
            .map(|note| NoteRef {
                path: &note.path,
                key: &note.key,
                value: &note.value,
            })
            .collect();
        for finding in judge::judge(&notes, &settings_policy()) {
            if !out.finding(finding.to_finding(true)) {
                break;
            }
        }
        Ok(())
    }
}

/// Leaves a note of each Namespace's Pod Security labels.
fn note_namespaces(namespaces: &[notes::NamespaceLabels], out: &mut Reporter) {
    for labels in namespaces {
        if !out.note(notes::NAMESPACE, &labels.encode()) {
            log(
                LogLevel::Warn,
                "the host takes no more notes: the Pod Security labels of a Namespace are not honoured",
            );
            return;
        }
    }
}

/// Leaves a note of each pod's violations for post-scan; a pod the host
/// takes no note of is judged here, at the settings. False once the host
/// takes no more findings.
fn note_pods(path: &str, pods: &[notes::PodViolations], out: &mut Reporter) -> bool {
    let mut fallback: Option<Policy> = None;
    for part in pods.iter().flat_map(|pod| pod.split(MAX_NOTE_BYTES)) {
        if out.note(notes::POD, &part.encode()) {
            continue;
        }
        let policy = fallback.get_or_insert_with(|| {
            log(
                LogLevel::Warn,
                "the host takes no more notes: pods are judged at the settings, not at their Namespace labels",
            );
            settings_policy()
        });
        for finding in judge::judge_pod(path, &part, policy) {
            if !out.finding(finding.to_finding(false)) {
                return false;
            }
        }
    }
    true
}

/// The policy the settings give (validated before the scan; the defaults
/// should a host give none).
fn settings_policy() -> Policy {
    let version = settings::text(VERSION_SETTING)
        .and_then(|text| Version::parse_setting(&text).ok())
        .unwrap_or(Version::NEWEST);
    let level = settings::text(LEVEL_SETTING)
        .and_then(|text| Level::parse_setting(&text).ok())
        .unwrap_or(Level::Restricted);
    Policy::from_settings(level, version)
}

/// A YAML or JSON text that names an apiVersion and a kind.
fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

export_plugin!(Kubernetes);
