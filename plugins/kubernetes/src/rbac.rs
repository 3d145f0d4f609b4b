//! RBAC roles and bindings, Services and Ingress.

use bulkhead_sdk::doc::Node;

use crate::Hits;
use crate::rules::id;

fn join(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else {
        format!("{prefix}.{rest}")
    }
}

fn strings(node: Option<&Node>) -> Vec<(String, u32, usize)> {
    node.map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.str().map(|s| (s.to_string(), n.line, i)))
        .collect()
}

/// Role and ClusterRole rules.
pub fn check_role(role: &Node, prefix: &str, hits: &mut Hits) {
    for (index, rule) in role
        .get("rules")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = join(prefix, &format!("rules[{index}]"));
        let verbs = strings(rule.get("verbs"));
        let resources = strings(rule.get("resources"));
        for (key, values) in [
            ("verbs", &verbs),
            ("resources", &resources),
            ("apiGroups", &strings(rule.get("apiGroups"))),
        ] {
            if let Some((_, line, i)) = values.iter().find(|(v, _, _)| v == "*") {
                hits.push(
                    id::RBAC_WILDCARD,
                    format!("{key} contains *"),
                    *line,
                    format!("{at}.{key}[{i}]"),
                );
            }
        }
        let has_verb = |wanted: &[&str]| {
            verbs
                .iter()
                .find(|(v, _, _)| wanted.contains(&v.as_str()) || v == "*")
        };
        let has_resource =
            |wanted: &str| resources.iter().find(|(r, _, _)| r == wanted || r == "*");
        if let (Some(_), Some((_, rline, ri))) =
            (has_verb(&["get", "list", "watch"]), has_resource("secrets"))
        {
            hits.push(
                id::RBAC_READ_SECRETS,
                "grants read access to secrets".into(),
                *rline,
                format!("{at}.resources[{ri}]"),
            );
        }
        for sub in ["pods/exec", "pods/attach"] {
            if let (Some(_), Some((_, rline, ri))) = (
                has_verb(&["create", "get"]),
                resources.iter().find(|(r, _, _)| r == sub),
            ) {
                hits.push(
                    id::RBAC_POD_EXEC,
                    format!("grants {sub}"),
                    *rline,
                    format!("{at}.resources[{ri}]"),
                );
            }
        }
        if let Some((_, rline, ri)) = resources.iter().find(|(r, _, _)| r == "nodes/proxy") {
            hits.push(
                id::RBAC_NODES_PROXY,
                "grants nodes/proxy".into(),
                *rline,
                format!("{at}.resources[{ri}]"),
            );
        }
        if let Some((_, vline, vi)) = verbs.iter().find(|(v, _, _)| v == "impersonate") {
            hits.push(
                id::RBAC_IMPERSONATE,
                "grants impersonate".into(),
                *vline,
                format!("{at}.verbs[{vi}]"),
            );
        }
        if let Some((verb, vline, vi)) = verbs
            .iter()
            .find(|(v, _, _)| v == "escalate" || v == "bind")
        {
            hits.push(
                id::RBAC_ESCALATE_OR_BIND,
                format!("grants {verb}"),
                *vline,
                format!("{at}.verbs[{vi}]"),
            );
        }
    }
}

/// RoleBinding and ClusterRoleBinding.
pub fn check_binding(binding: &Node, prefix: &str, hits: &mut Hits) {
    if let Some(role_ref) = binding.get("roleRef")
        && role_ref.get("name").and_then(Node::str) == Some("cluster-admin")
    {
        hits.push(
            id::RBAC_CLUSTER_ADMIN_BINDING,
            "binds cluster-admin".into(),
            role_ref.key_line("name").unwrap_or(role_ref.line),
            join(prefix, "roleRef.name"),
        );
    }
    for (index, subject) in binding
        .get("subjects")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let name = subject.get("name").and_then(Node::str).unwrap_or("");
        if matches!(
            name,
            "system:anonymous" | "system:unauthenticated" | "system:authenticated"
        ) {
            hits.push(
                id::RBAC_ANONYMOUS_BINDING,
                format!("binds {name}"),
                subject.key_line("name").unwrap_or(subject.line),
                join(prefix, &format!("subjects[{index}].name")),
            );
        }
    }
}

/// Services.
pub fn check_service(service: &Node, prefix: &str, hits: &mut Hits) {
    let Some(spec) = service.get("spec") else {
        return;
    };
    match spec.get("type").and_then(Node::str) {
        Some("LoadBalancer") => hits.push(
            id::LOAD_BALANCER_SERVICE,
            "Service of type LoadBalancer".into(),
            spec.key_line("type").unwrap_or(spec.line),
            join(prefix, "spec.type"),
        ),
        Some("NodePort") => hits.push(
            id::NODE_PORT_SERVICE,
            "Service of type NodePort".into(),
            spec.key_line("type").unwrap_or(spec.line),
            join(prefix, "spec.type"),
        ),
        _ => {}
    }
    if spec
        .get("externalIPs")
        .is_some_and(|ips| !ips.items().is_empty())
    {
        hits.push(
            id::SERVICE_EXTERNAL_IPS,
            "Service sets externalIPs".into(),
            spec.key_line("externalIPs").unwrap_or(spec.line),
            join(prefix, "spec.externalIPs"),
        );
    }
}

/// Ingress.
pub fn check_ingress(ingress: &Node, prefix: &str, hits: &mut Hits) {
    let spec = ingress.get("spec");
    let has_tls = spec
        .and_then(|s| s.get("tls"))
        .is_some_and(|tls| !tls.items().is_empty());
    if !has_tls {
        let line = spec.map_or(ingress.line, |s| s.line);
        hits.push(
            id::INGRESS_WITHOUT_TLS,
            "the Ingress has no TLS section".into(),
            line,
            join(prefix, "spec.tls"),
        );
    }
}
