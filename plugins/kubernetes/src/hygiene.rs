//! Workload checks outside the Pod Security Standards: images, resources,
//! service accounts, secrets in env, the runtime socket and sensitive
//! host paths, and dangerous capabilities. Reported directly from the
//! analyze phase: they do not depend on the cluster's version.

use bulkhead_sdk::doc::Node;
use bulkhead_sdk::secrets::{VariableSecret, classify_variable};

use crate::pss::{Container, Pod, value};
use crate::rules::id;
use crate::{Hits, line_of};

const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
];
const SENSITIVE_PATHS: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/boot",
    "/dev",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
];
/// Capabilities with a rule of their own, and that rule. The runtime
/// accepts names with and without `CAP_`, so both count here.
const DANGEROUS_CAPABILITIES: &[(&str, &str)] = &[
    ("NET_RAW", id::NET_RAW_CAPABILITY),
    ("SYS_ADMIN", id::SYS_ADMIN_CAPABILITY),
    ("SYS_MODULE", id::SYS_MODULE_CAPABILITY),
];

/// Checks one pod spec.
pub fn check_pod(pod: &Pod, hits: &mut Hits) {
    service_account(pod, hits);
    host_paths(pod, hits);
    for container in &pod.containers {
        dangerous_capabilities(container, hits);
        image(container, hits);
        if !container.path.contains(".ephemeralContainers[") {
            resources(container, hits);
        }
        env_secrets(container, hits);
    }
}

fn service_account(pod: &Pod, hits: &mut Hits) {
    let spec = pod.spec;
    let path = pod.path;
    if value(spec, "automountServiceAccountToken").and_then(Node::bool) != Some(false) {
        hits.push(
            id::SERVICE_ACCOUNT_TOKEN_AUTOMOUNT,
            "the service account token is mounted".into(),
            line_of(spec, "automountServiceAccountToken"),
            format!("{path}.automountServiceAccountToken"),
        );
    }
    let account = value(spec, "serviceAccountName")
        .or_else(|| value(spec, "serviceAccount"))
        .and_then(Node::str);
    if account.is_none_or(|a| a == "default") {
        let key = if spec.get("serviceAccountName").is_some() {
            "serviceAccountName"
        } else {
            "serviceAccount"
        };
        hits.push(
            id::DEFAULT_SERVICE_ACCOUNT,
            "the pod uses the default service account".into(),
            line_of(spec, key),
            format!("{path}.serviceAccountName"),
        );
    }
}

fn host_paths(pod: &Pod, hits: &mut Hits) {
    let volumes = value(pod.spec, "volumes")
        .map(Node::items)
        .unwrap_or_default();
    for (index, volume) in volumes.iter().enumerate() {
        let Some(host_path) = value(volume, "hostPath") else {
            continue;
        };
        let host = value(host_path, "path").and_then(Node::str).unwrap_or("");
        let line = line_of(host_path, "path");
        let field = format!("{}.volumes[{index}].hostPath.path", pod.path);
        let trimmed = if host == "/" {
            "/"
        } else {
            host.trim_end_matches('/')
        };
        if RUNTIME_SOCKETS.contains(&trimmed) {
            hits.push(
                id::RUNTIME_SOCKET_MOUNT,
                format!("the container runtime socket {host} is mounted"),
                line,
                field,
            );
        } else if SENSITIVE_PATHS.contains(&trimmed) {
            hits.push(
                id::SENSITIVE_HOST_PATH,
                format!("sensitive host path {host} is mounted"),
                line,
                field,
            );
        }
    }
}

fn dangerous_capabilities(container: &Container, hits: &mut Hits) {
    let added = container
        .context
        .and_then(|c| value(c, "capabilities"))
        .and_then(|c| value(c, "add"))
        .map(Node::items)
        .unwrap_or_default();
    for (index, capability) in added.iter().enumerate() {
        let Some(name) = capability.str() else {
            continue;
        };
        let bare = name.strip_prefix("CAP_").unwrap_or(name);
        for (wanted, rule) in DANGEROUS_CAPABILITIES {
            if bare == *wanted || bare == "ALL" {
                hits.push(
                    rule,
                    format!("adds capability {name}"),
                    capability.line,
                    format!("{}.capabilities.add[{index}]", container.context_path),
                );
            }
        }
    }
}

fn image(container: &Container, hits: &mut Hits) {
    let node = container.node;
    let image = value(node, "image").and_then(Node::str).unwrap_or("");
    let line = line_of(node, "image");
    let field = format!("{}.image", container.path);
    let last = image.rsplit('/').next().unwrap_or(image);
    let digest = image.contains("@sha256:");
    let tag = last
        .split('@')
        .next()
        .unwrap_or("")
        .split_once(':')
        .map(|(_, t)| t);
    if !digest && (tag.is_none() || tag == Some("latest")) {
        hits.push(
            id::IMAGE_LATEST_TAG,
            format!("image {image} uses latest or no tag"),
            line,
            field.clone(),
        );
    }
    if !digest {
        hits.push(
            id::IMAGE_WITHOUT_DIGEST,
            format!("image {image} is not pinned by digest"),
            line,
            field,
        );
    }
}

fn resources(container: &Container, hits: &mut Hits) {
    let node = container.node;
    let resources = value(node, "resources");
    let mut missing = Vec::new();
    for group in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            if resources
                .and_then(|r| value(r, group))
                .and_then(|g| value(g, resource))
                .is_none()
            {
                missing.push(format!("{group}.{resource}"));
            }
        }
    }
    if !missing.is_empty() {
        let line = resources.map_or_else(|| line_of(node, "name"), |r| r.line);
        hits.push(
            id::RESOURCES_MISSING,
            format!("missing {}", missing.join(", ")),
            line,
            format!("{}.resources", container.path),
        );
    }
}

fn env_secrets(container: &Container, hits: &mut Hits) {
    let vars = value(container.node, "env")
        .map(Node::items)
        .unwrap_or_default();
    for (index, var) in vars.iter().enumerate() {
        let (Some(name), Some(text)) = (
            value(var, "name").and_then(Node::str),
            value(var, "value").and_then(Node::str),
        ) else {
            continue;
        };
        let field = format!("{}.env[{index}].value", container.path);
        let line = line_of(var, "value");
        match classify_variable(name, text) {
            Some(VariableSecret::Value(found)) => hits.push_secret(
                id::SECRET_IN_ENV,
                format!("{} in env {name}", found.rule.title),
                line,
                field,
                found.secret,
            ),
            Some(VariableSecret::Name) => hits.push(
                id::SECRET_IN_ENV,
                format!("env {name} is named like a secret and has a literal value"),
                line,
                field,
            ),
            None => {}
        }
    }
}
