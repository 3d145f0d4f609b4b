//! Curated plugin `kubernetes`: checks Kubernetes manifests, YAML
//! (multi-document, anchors, `kind: List`) and JSON, with lines and field
//! paths: every Pod Security Standards control at both levels, workload
//! hygiene, RBAC, Services and Ingress. A document without `apiVersion` and
//! `kind` is not Kubernetes and is skipped; a file that cannot be parsed is
//! reported once.

mod pod;
mod rbac;
mod rules;

use bulkhead_sdk::doc::{self, Node};
use bulkhead_sdk::{File, Finding, Interests, Plugin, PluginInfo, Reporter, export_plugin};

/// Largest manifest read.
const MAX_SIZE: u64 = 64 << 20;
/// `kind: List` nesting followed.
const MAX_LIST_DEPTH: usize = 4;

/// Findings of one document, collected before reporting.
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

struct Kubernetes;

impl Plugin for Kubernetes {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "kubernetes",
            env!("CARGO_PKG_VERSION"),
            "Checks Kubernetes manifests: Pod Security Standards (baseline and restricted), images, resources, service accounts, secrets in env, dangerous mounts and capabilities, RBAC, Services, Ingress.",
        )
        .rules(rules::plugin_rules())
        .interests(
            Interests::files(["**/*.yaml", "**/*.yml", "**/*.json", "*.yaml", "*.yml", "*.json"])
                .keywords(["apiversion"])
                .max_file_size(MAX_SIZE),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let text = file.read_text(MAX_SIZE)?;
        let documents = match doc::parse(&text, doc::Limits::default()) {
            Ok(documents) => documents,
            Err(error) => {
                if looks_like_manifest(&text) {
                    out.finding(
                        Finding::new(
                            "K8S-042",
                            format!("cannot parse the manifest: {}", error.message),
                        )
                        .line(error.line.max(1)),
                    );
                }
                return Ok(());
            }
        };
        let mut hits = Hits::default();
        for document in &documents {
            check_object(document, "", 0, &mut hits);
        }
        for finding in hits.0 {
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }
}

/// A YAML or JSON text that names an apiVersion and a kind.
fn looks_like_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

fn check_object(object: &Node, prefix: &str, depth: usize, hits: &mut Hits) {
    let (Some(_), Some(kind)) = (
        object.get("apiVersion").and_then(Node::str),
        object.get("kind").and_then(Node::str),
    ) else {
        return;
    };
    let field = |rest: &str| {
        if prefix.is_empty() {
            rest.to_string()
        } else {
            format!("{prefix}.{rest}")
        }
    };
    match kind {
        "List" if depth < MAX_LIST_DEPTH => {
            for (index, item) in object
                .get("items")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                check_object(item, &field(&format!("items[{index}]")), depth + 1, hits);
            }
        }
        "Pod" => pod_at(
            object,
            &["spec"],
            &field("spec"),
            object.get("metadata"),
            hits,
        ),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => {
            let template = object.get("spec").and_then(|s| s.get("template"));
            pod_at(
                object,
                &["spec", "template", "spec"],
                &field("spec.template.spec"),
                template.and_then(|t| t.get("metadata")),
                hits,
            )
        }
        "CronJob" => {
            let template = object
                .get("spec")
                .and_then(|s| s.get("jobTemplate"))
                .and_then(|j| j.get("spec"))
                .and_then(|s| s.get("template"));
            pod_at(
                object,
                &["spec", "jobTemplate", "spec", "template", "spec"],
                &field("spec.jobTemplate.spec.template.spec"),
                template.and_then(|t| t.get("metadata")),
                hits,
            )
        }
        "Role" | "ClusterRole" => rbac::check_role(object, prefix, hits),
        "RoleBinding" | "ClusterRoleBinding" => rbac::check_binding(object, prefix, hits),
        "Service" => rbac::check_service(object, prefix, hits),
        "Ingress" => rbac::check_ingress(object, prefix, hits),
        _ => {}
    }
}

fn pod_at(object: &Node, keys: &[&str], path: &str, metadata: Option<&Node>, hits: &mut Hits) {
    let mut node = Some(object);
    for key in keys {
        node = node.and_then(|n| n.get(key));
    }
    if let Some(spec) = node.filter(|n| n.is_map()) {
        pod::check_pod(
            spec,
            path,
            metadata.and_then(|m| m.get("annotations")),
            hits,
        );
    }
}

export_plugin!(Kubernetes);
