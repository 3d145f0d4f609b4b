//! The analyze half: one manifest file's objects (multi-document YAML or
//! JSON, `kind: List` followed) turned into direct findings (workload
//! hygiene, RBAC, Services, Ingress), the Pod Security labels of its
//! Namespaces, and the Pod Security violations of its pods by version.
//! Pure: the plugin glue reports and notes what it returns.

use bulkhead_sdk::doc::{self, Node};

use crate::notes::{NamespaceLabels, PodViolations};
use crate::pss::{self, Pod, value};
use crate::{Hits, hygiene, rbac};

/// `kind: List` nesting followed.
const MAX_LIST_DEPTH: usize = 4;
/// The Namespace label naming the level enforced.
pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";
/// The Namespace label pinning the version enforced.
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

/// What one file gave.
#[derive(Default)]
pub struct Analysis {
    /// Findings that do not depend on the cluster.
    pub hits: Hits,
    /// Namespaces with Pod Security labels.
    pub namespaces: Vec<NamespaceLabels>,
    /// Pods (and workload templates) that fail a control at some version.
    pub pods: Vec<PodViolations>,
}

/// Analyses a manifest's text.
pub fn analyze(text: &str) -> Result<Analysis, doc::ParseError> {
    let documents = doc::parse(text, doc::Limits::default())?;
    let mut analysis = Analysis::default();
    for document in &documents {
        check_object(document, "", 0, &mut analysis);
    }
    Ok(analysis)
}

/// Where a kind keeps its pod template: the keys down to the pod spec's
/// parent (`template`), empty for a Pod itself.
fn template_keys(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Pod" => Some(&[]),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => Some(&["spec", "template"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

fn check_object(object: &Node, prefix: &str, depth: usize, analysis: &mut Analysis) {
    let (Some(_), Some(kind)) = (
        object.get("apiVersion").and_then(Node::str),
        object.get("kind").and_then(Node::str),
    ) else {
        return;
    };
    let hits = &mut analysis.hits;
    match kind {
        "List" if depth < MAX_LIST_DEPTH => {
            let items = object.get("items").map(Node::items).unwrap_or_default();
            for (index, item) in items.iter().enumerate() {
                let at = join(prefix, &format!("items[{index}]"));
                check_object(item, &at, depth + 1, analysis);
            }
        }
        "Namespace" => {
            if let Some(labels) = namespace_labels(object) {
                analysis.namespaces.push(labels);
            }
        }
        "Role" | "ClusterRole" => rbac::check_role(object, prefix, hits),
        "RoleBinding" | "ClusterRoleBinding" => rbac::check_binding(object, prefix, hits),
        "Service" => rbac::check_service(object, prefix, hits),
        "Ingress" => rbac::check_ingress(object, prefix, hits),
        _ => {
            if let Some(keys) = template_keys(kind) {
                check_workload(object, keys, prefix, analysis);
            }
        }
    }
}

/// A workload's pod: hygiene findings now, Pod Security violations kept.
fn check_workload(object: &Node, keys: &[&str], prefix: &str, analysis: &mut Analysis) {
    let mut template = Some(object);
    for key in keys {
        template = template.and_then(|n| value(n, key));
    }
    let Some(template) = template else {
        return;
    };
    let Some(spec) = value(template, "spec").filter(|s| s.is_map()) else {
        return;
    };
    let template_path = join(prefix, &keys.join("."));
    let spec_path = join(&template_path, "spec");
    let metadata_path = join(&template_path, "metadata");
    let pod = Pod::new(
        spec,
        &spec_path,
        value(template, "metadata"),
        &metadata_path,
    );
    hygiene::check_pod(&pod, &mut analysis.hits);
    let violations = pss::evaluate_known(&pod);
    if violations.is_empty() {
        return;
    }
    let namespace = value(object, "metadata")
        .and_then(|m| value(m, "namespace"))
        .and_then(Node::str)
        .filter(|n| !n.is_empty())
        .unwrap_or("default");
    analysis.pods.push(PodViolations {
        namespace: namespace.to_string(),
        violations,
    });
}

/// The Pod Security labels of a Namespace, if it has any.
fn namespace_labels(object: &Node) -> Option<NamespaceLabels> {
    let metadata = value(object, "metadata")?;
    let name = value(metadata, "name").and_then(Node::str)?;
    let labels = value(metadata, "labels");
    let label = |key: &str| {
        labels
            .and_then(|l| value(l, key))
            .and_then(Node::str)
            .map(str::to_string)
    };
    let enforce = label(ENFORCE_LABEL);
    let enforce_version = label(ENFORCE_VERSION_LABEL);
    (enforce.is_some() || enforce_version.is_some()).then(|| NamespaceLabels {
        name: name.to_string(),
        enforce,
        enforce_version,
    })
}

/// `prefix.rest`, or `rest` at the top.
pub fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{rest}"),
    }
}
