//! The Pod Security Standards controls, judged at a Kubernetes version as
//! kubernetes/pod-security-admission judges them: every container (init
//! and ephemeral too), the pod's security context, its volumes and its
//! metadata annotations.
//!
//! A pod is evaluated once per version known ([`evaluate_known`]); the
//! violations, each with the level that forbids it and the range of
//! versions it holds in, travel as a note to the post-scan call, which
//! keeps the ones of the version and level the pod's Namespace (or the
//! settings) asks for.

mod allowed;
mod baseline;
mod restricted;

use std::collections::HashMap;

use bulkhead_sdk::doc::Node;

use crate::policy::{Level, Version};

pub use allowed::{PROBE_HOST_SINCE, SAFE_SYSCTLS, SELINUX_TYPES, USER_NAMESPACE_RELAXATION_SINCE};

/// One control a pod fails.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The rule id.
    pub rule: &'static str,
    /// The lowest level that forbids it.
    pub level: Level,
    /// What is wrong.
    pub message: String,
    /// Line of the offending field.
    pub line: u32,
    /// Field path of the offending field.
    pub field: String,
}

/// A violation and the versions it holds in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranged {
    /// The violation.
    pub violation: Violation,
    /// First version it holds in.
    pub from: Version,
    /// Last version it holds in.
    pub to: Version,
}

impl Ranged {
    /// True if it holds at `version` and `level` forbids it.
    pub fn applies(&self, version: Version, level: Level) -> bool {
        self.from <= version && version <= self.to && self.violation.level <= level
    }
}

/// One container of a pod, with where it is.
pub struct Container<'a> {
    /// The container.
    pub node: &'a Node,
    /// Its field path, e.g. `spec.initContainers[0]`.
    pub path: String,
    /// Its `securityContext`, if set.
    pub context: Option<&'a Node>,
    /// The field path of its security context.
    pub context_path: String,
}

/// A pod spec with what the controls need around it.
pub struct Pod<'a> {
    /// The pod spec.
    pub spec: &'a Node,
    /// Its field path, e.g. `spec.template.spec`.
    pub path: &'a str,
    /// The pod's security context, if set.
    pub context: Option<&'a Node>,
    /// The pod's metadata annotations, if any.
    pub annotations: Option<&'a Node>,
    /// The field path of the annotations.
    pub annotations_path: String,
    /// Init, regular and ephemeral containers, in that order.
    pub containers: Vec<Container<'a>>,
    /// `spec.os.name` is `windows`: some restricted controls do not apply.
    pub windows: bool,
    /// `spec.hostUsers` is false: the pod runs in a user namespace.
    pub user_namespace: bool,
}

impl<'a> Pod<'a> {
    /// The pod spec `spec` at `path`, its metadata (for annotations) at
    /// `metadata_path`.
    pub fn new(
        spec: &'a Node,
        path: &'a str,
        metadata: Option<&'a Node>,
        metadata_path: &str,
    ) -> Pod<'a> {
        let mut containers = Vec::new();
        for kind in ["initContainers", "containers", "ephemeralContainers"] {
            let items = value(spec, kind).map(Node::items).unwrap_or_default();
            for (index, node) in items.iter().enumerate() {
                let path = format!("{path}.{kind}[{index}]");
                containers.push(Container {
                    node,
                    context: value(node, "securityContext"),
                    context_path: format!("{path}.securityContext"),
                    path,
                });
            }
        }
        Pod {
            spec,
            path,
            context: value(spec, "securityContext"),
            annotations: metadata.and_then(|m| value(m, "annotations")),
            annotations_path: format!("{metadata_path}.annotations"),
            containers,
            windows: value(spec, "os")
                .and_then(|os| value(os, "name"))
                .and_then(Node::str)
                == Some("windows"),
            user_namespace: value(spec, "hostUsers").and_then(Node::bool) == Some(false),
        }
    }

    /// The field path of the pod's security context.
    pub fn context_path(&self) -> String {
        format!("{}.securityContext", self.path)
    }

    /// The pod security context and each container's, with their paths:
    /// the places a setting allowed at both levels can be made.
    pub fn contexts(&self) -> impl Iterator<Item = (&'a Node, String)> + '_ {
        self.context
            .map(|c| (c, self.context_path()))
            .into_iter()
            .chain(
                self.containers
                    .iter()
                    .filter_map(|c| c.context.map(|ctx| (ctx, c.context_path.clone()))),
            )
    }
}

/// The value under `key`, unless it is absent or null (which Kubernetes
/// treats alike).
pub fn value<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).filter(|v| !is_null(v))
}

/// True for a null scalar (`null`, `~` or nothing).
pub fn is_null(node: &Node) -> bool {
    use bulkhead_sdk::doc::Value;
    matches!(&node.value, Value::Scalar(text, false) if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

/// Collects violations for the controls.
pub struct Out<'v> {
    found: &'v mut Vec<Violation>,
}

impl Out<'_> {
    /// A violation of `rule` at `level`.
    pub fn push(
        &mut self,
        rule: &'static str,
        level: Level,
        message: String,
        line: u32,
        field: String,
    ) {
        self.found.push(Violation {
            rule,
            level,
            message,
            line,
            field,
        });
    }
}

/// The controls that are the same at every version known. They are not
/// given a version, so they cannot depend on one.
fn stable(pod: &Pod, out: &mut Out) {
    baseline::stable(pod, out);
    restricted::stable(pod, out);
}

/// The controls that change with the version.
fn versioned(pod: &Pod, version: Version, out: &mut Out) {
    baseline::versioned(pod, version, out);
    restricted::versioned(pod, version, out);
}

/// Every control the pod fails at `version`, at either level.
pub fn evaluate(pod: &Pod, version: Version) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut out = Out { found: &mut found };
    stable(pod, &mut out);
    versioned(pod, version, &mut out);
    found
}

/// Every control the pod fails at any version known, each with the range
/// of versions it holds in. The stable controls run once; the versioned
/// ones only where some control changes ([`allowed::change_points`]), and
/// what the pod fails there holds until the next change.
pub fn evaluate_known(pod: &Pod) -> Vec<Ranged> {
    let mut found = Vec::new();
    stable(pod, &mut Out { found: &mut found });
    let mut ranged: Vec<Ranged> = found
        .into_iter()
        .map(|violation| Ranged {
            violation,
            from: Version::OLDEST,
            to: Version::NEWEST,
        })
        .collect();
    let points = allowed::change_points();
    // Index into `ranged` of the range each violation last extended.
    let mut open: HashMap<Violation, usize> = HashMap::new();
    for (index, &from) in points.iter().enumerate() {
        let to = points
            .get(index + 1)
            .and_then(|next| Version::new(next.minor() - 1))
            .unwrap_or(Version::NEWEST);
        let mut found = Vec::new();
        versioned(pod, from, &mut Out { found: &mut found });
        for violation in found {
            // Extends the range it had if that ended just before `from`.
            let extends = open
                .get(&violation)
                .copied()
                .filter(|&at| ranged[at].to.minor() + 1 == from.minor());
            match extends {
                Some(at) => ranged[at].to = to,
                None => {
                    open.insert(violation.clone(), ranged.len());
                    ranged.push(Ranged {
                        violation,
                        from,
                        to,
                    });
                }
            }
        }
    }
    ranged
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::doc;

    /// Evaluating at the change points gives what evaluating at every
    /// version gives, for pods that touch every versioned control.
    #[test]
    fn change_points_lose_nothing() {
        let pods = [
            "spec:\n  hostUsers: false\n  securityContext:\n    runAsUser: 0\n    seLinuxOptions: {type: container_engine_t}\n    sysctls:\n    - {name: net.ipv4.tcp_rmem}\n    - {name: net.ipv4.ip_local_reserved_ports}\n    - {name: net.ipv4.tcp_fin_timeout}\n    - {name: net.ipv4.tcp_notsent_lowat}\n  containers:\n  - name: a\n    securityContext: {procMount: Unmasked}\n    livenessProbe: {tcpSocket: {port: 1, host: x}}\n",
            "spec:\n  os: {name: windows}\n  containers:\n  - name: a\n",
        ];
        for text in pods {
            let documents = doc::parse(text, doc::Limits::default()).expect("parses");
            let spec = documents[0].get("spec").expect("spec");
            let pod = Pod::new(spec, "spec", None, "metadata");
            let ranged = evaluate_known(&pod);
            for version in Version::known() {
                let mut expected = evaluate(&pod, version);
                let mut got: Vec<Violation> = ranged
                    .iter()
                    .filter(|r| r.from <= version && version <= r.to)
                    .map(|r| r.violation.clone())
                    .collect();
                let key = |v: &Violation| (v.rule, v.field.clone(), v.level);
                expected.sort_by_key(key);
                got.sort_by_key(key);
                assert_eq!(got, expected, "at {version}");
            }
        }
    }
}
