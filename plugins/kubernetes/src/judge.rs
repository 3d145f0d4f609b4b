//! The post-scan half: the notes of every file read together, each pod
//! judged at the level and version its Namespace's labels ask for (or the
//! settings give), and the violations that apply turned into findings
//! that say what they were judged at.

use std::collections::HashMap;

use bulkhead_sdk::Finding;

use crate::notes::{self, NamespaceLabels, PodViolations};
use crate::policy::{Level, Policy, Version};

/// One Pod Security finding, before it becomes a [`Finding`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PssFinding {
    /// The file the pod is in.
    pub path: String,
    /// The rule id.
    pub rule: &'static str,
    /// The lowest level the violation fails.
    pub level: Level,
    /// The version judged at.
    pub version: Version,
    /// The message, saying what it was judged at.
    pub message: String,
    /// Line of the offending field.
    pub line: u32,
    /// Field path of the offending field.
    pub field: String,
    /// The Namespace whose labels chose the policy, if one did.
    pub namespace: Option<String>,
}

impl PssFinding {
    /// The finding as reported, located in its file by `path` (post-scan)
    /// or not (the analyze phase, where the file is implied).
    pub fn to_finding(&self, with_path: bool) -> Finding {
        let mut finding = Finding::new(self.rule, self.message.clone())
            .line(self.line)
            .field_path(self.field.clone())
            .property("pss-level", self.level.name())
            .property("pss-version", self.version.to_string());
        if let Some(namespace) = &self.namespace {
            finding = finding.property("pss-namespace", namespace.clone());
        }
        if with_path {
            finding = finding.path(self.path.clone());
        }
        finding
    }
}

/// One note as post-scan gets it: the path it was left from, key, value.
pub struct NoteRef<'a> {
    /// The file being analysed when it was left.
    pub path: &'a str,
    /// [`notes::NAMESPACE`] or [`notes::POD`].
    pub key: &'a str,
    /// The encoded value.
    pub value: &'a str,
}

/// Every Pod Security finding of the scan, pods judged at their
/// Namespace's policy or at `defaults`. Of Namespaces defined twice, the
/// first (in path order) counts.
pub fn judge(notes: &[NoteRef], defaults: &Policy) -> Vec<PssFinding> {
    let mut namespaces: HashMap<String, NamespaceLabels> = HashMap::new();
    for note in notes {
        if note.key != notes::NAMESPACE {
            continue;
        }
        if let Some(labels) = NamespaceLabels::decode(note.value) {
            namespaces.entry(labels.name.clone()).or_insert(labels);
        }
    }
    let mut policies: HashMap<String, Policy> = HashMap::new();
    let mut findings = Vec::new();
    for note in notes {
        if note.key != notes::POD {
            continue;
        }
        let Some(pod) = PodViolations::decode(note.value) else {
            continue;
        };
        let policy = policies.entry(pod.namespace.clone()).or_insert_with(|| {
            match namespaces.get(&pod.namespace) {
                Some(labels) => Policy::for_namespace(
                    &labels.name,
                    labels.enforce.as_deref(),
                    labels.enforce_version.as_deref(),
                    defaults,
                ),
                None => defaults.clone(),
            }
        });
        findings.extend(judge_pod(note.path, &pod, policy));
    }
    findings
}

/// The findings of one pod at `policy`.
pub fn judge_pod(path: &str, pod: &PodViolations, policy: &Policy) -> Vec<PssFinding> {
    pod.violations
        .iter()
        .filter(|ranged| ranged.applies(policy.version, policy.level))
        .map(|ranged| {
            let violation = &ranged.violation;
            PssFinding {
                path: path.to_string(),
                rule: violation.rule,
                level: violation.level,
                version: policy.version,
                message: format!(
                    "{} ({})",
                    violation.message,
                    policy.describe(violation.level)
                ),
                line: violation.line,
                field: violation.field.clone(),
                namespace: policy.namespace.clone(),
            }
        })
        .collect()
}
