//! RBAC roles and bindings, Services and Ingress.

use bulkhead_sdk::doc::Node;

use crate::Hits;

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
                    "K8S-030",
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
        let line = rule.line;
        if let (Some(_), Some((_, rline, ri))) =
            (has_verb(&["get", "list", "watch"]), has_resource("secrets"))
        {
            hits.push(
                "K8S-031",
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
                    "K8S-032",
                    format!("grants {sub}"),
                    *rline,
                    format!("{at}.resources[{ri}]"),
                );
            }
        }
        if let Some((_, rline, ri)) = resources.iter().find(|(r, _, _)| r == "nodes/proxy") {
            hits.push(
                "K8S-033",
                "grants nodes/proxy".into(),
                *rline,
                format!("{at}.resources[{ri}]"),
            );
        }
        if let Some((_, vline, vi)) = verbs.iter().find(|(v, _, _)| v == "impersonate") {
            hits.push(
                "K8S-034",
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
                "K8S-035",
                format!("grants {verb}"),
                *vline,
                format!("{at}.verbs[{vi}]"),
            );
        }
        let _ = line;
    }
}

/// RoleBinding and ClusterRoleBinding.
pub fn check_binding(binding: &Node, prefix: &str, hits: &mut Hits) {
    if let Some(role_ref) = binding.get("roleRef")
        && role_ref.get("name").and_then(Node::str) == Some("cluster-admin")
    {
        hits.push(
            "K8S-036",
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
                "K8S-037",
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
            "K8S-038",
            "Service of type LoadBalancer".into(),
            spec.key_line("type").unwrap_or(spec.line),
            join(prefix, "spec.type"),
        ),
        Some("NodePort") => hits.push(
            "K8S-039",
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
            "K8S-040",
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
            "K8S-041",
            "the Ingress has no TLS section".into(),
            line,
            join(prefix, "spec.tls"),
        );
    }
}
