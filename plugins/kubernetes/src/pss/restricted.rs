//! The restricted controls: current pod hardening practice, on top of
//! baseline.

use bulkhead_sdk::doc::Node;

use super::allowed::{PROFILE_TYPES, RESTRICTED_VOLUME_SOURCES, USER_NAMESPACE_RELAXATION_SINCE};
use super::{Out, Pod, is_null, value};
use crate::line_of;
use crate::policy::Level::Restricted;
use crate::policy::Version;
use crate::rules::id;

/// The restricted controls that are the same at every version known.
pub fn stable(pod: &Pod, out: &mut Out) {
    volume_types(pod, out);
    if !pod.windows {
        privilege_escalation(pod, out);
        seccomp_set(pod, out);
        capabilities_dropped(pod, out);
    }
}

/// The restricted controls that change with the version: pods in a user
/// namespace may run as root from 1.35.
pub fn versioned(pod: &Pod, version: Version, out: &mut Out) {
    if pod.user_namespace && version.at_least(USER_NAMESPACE_RELAXATION_SINCE) {
        return;
    }
    run_as_non_root(pod, out);
    run_as_user(pod, out);
}

/// A volume of a type restricted does not allow. A volume that names no
/// source at all is an emptyDir (the API server defaults it so).
fn volume_types(pod: &Pod, out: &mut Out) {
    let volumes = value(pod.spec, "volumes")
        .map(Node::items)
        .unwrap_or_default();
    for (index, volume) in volumes.iter().enumerate() {
        let allowed = RESTRICTED_VOLUME_SOURCES
            .iter()
            .any(|source| value(volume, source).is_some());
        let source = volume
            .entries()
            .iter()
            .find(|(key, _, node)| key != "name" && !is_null(node));
        let (false, Some((key, line, _))) = (allowed, source) else {
            continue;
        };
        out.push(
            id::RESTRICTED_VOLUME_TYPE,
            Restricted,
            format!("volume type {key}"),
            *line,
            format!("{}.volumes[{index}].{key}", pod.path),
        );
    }
}

fn privilege_escalation(pod: &Pod, out: &mut Out) {
    for container in &pod.containers {
        let allowed = container
            .context
            .and_then(|c| value(c, "allowPrivilegeEscalation"))
            .and_then(Node::bool);
        if allowed != Some(false) {
            let line = container.context.map_or(container.node.line, |c| {
                line_of(c, "allowPrivilegeEscalation")
            });
            out.push(
                id::PRIVILEGE_ESCALATION_ALLOWED,
                Restricted,
                "allowPrivilegeEscalation is not false".into(),
                line,
                format!("{}.allowPrivilegeEscalation", container.context_path),
            );
        }
    }
}

/// A container without a seccomp profile where the pod sets none. A
/// profile of another type is the baseline `seccomp-unconfined`.
fn seccomp_set(pod: &Pod, out: &mut Out) {
    let pod_profile = pod.context.and_then(|c| value(c, "seccompProfile"));
    if pod_profile.is_some() {
        return;
    }
    for container in &pod.containers {
        if container
            .context
            .and_then(|c| value(c, "seccompProfile"))
            .is_none()
        {
            out.push(
                id::SECCOMP_PROFILE_MISSING,
                Restricted,
                format!(
                    "no seccomp profile ({}) on the container or the pod",
                    PROFILE_TYPES.join(" or ")
                ),
                container.context.map_or(container.node.line, |c| c.line),
                format!("{}.seccompProfile", container.context_path),
            );
        }
    }
}

fn capabilities_dropped(pod: &Pod, out: &mut Out) {
    for container in &pod.containers {
        let capabilities = container.context.and_then(|c| value(c, "capabilities"));
        let list = |key: &str| {
            capabilities
                .and_then(|c| value(c, key))
                .map(Node::items)
                .unwrap_or_default()
        };
        let drops_all = list("drop").iter().any(|c| c.str() == Some("ALL"));
        let extra: Vec<&str> = list("add")
            .iter()
            .map(|c| c.str().unwrap_or(""))
            .filter(|c| *c != "NET_BIND_SERVICE")
            .collect();
        let mut problems = Vec::new();
        if !drops_all {
            problems.push("does not drop ALL".to_string());
        }
        if !extra.is_empty() {
            problems.push(format!("adds {}", extra.join(", ")));
        }
        if problems.is_empty() {
            continue;
        }
        let line = match (capabilities, container.context) {
            (Some(c), _) => line_of(c, if drops_all { "add" } else { "drop" }),
            (None, Some(context)) => context.line,
            (None, None) => container.node.line,
        };
        out.push(
            id::CAPABILITIES_NOT_DROPPED,
            Restricted,
            format!(
                "capabilities: {} (only NET_BIND_SERVICE may be added)",
                problems.join("; ")
            ),
            line,
            format!("{}.capabilities", container.context_path),
        );
    }
}

fn run_as_non_root(pod: &Pod, out: &mut Out) {
    let pod_setting = pod
        .context
        .and_then(|c| value(c, "runAsNonRoot"))
        .and_then(Node::bool);
    if let (Some(false), Some(context)) = (pod_setting, pod.context) {
        out.push(
            id::RUN_AS_NON_ROOT_MISSING,
            Restricted,
            "runAsNonRoot is false".into(),
            line_of(context, "runAsNonRoot"),
            format!("{}.runAsNonRoot", pod.context_path()),
        );
    }
    for container in &pod.containers {
        let setting = container
            .context
            .and_then(|c| value(c, "runAsNonRoot"))
            .and_then(Node::bool);
        let bad = match setting {
            Some(value) => !value,
            None => pod_setting != Some(true),
        };
        if bad {
            let line = container
                .context
                .map_or(container.node.line, |c| line_of(c, "runAsNonRoot"));
            out.push(
                id::RUN_AS_NON_ROOT_MISSING,
                Restricted,
                if setting == Some(false) {
                    "runAsNonRoot is false".into()
                } else {
                    "runAsNonRoot is not true on the container or the pod".into()
                },
                line,
                format!("{}.runAsNonRoot", container.context_path),
            );
        }
    }
}

fn run_as_user(pod: &Pod, out: &mut Out) {
    for (context, path) in pod.contexts() {
        if value(context, "runAsUser").and_then(Node::int) == Some(0) {
            out.push(
                id::RUN_AS_USER_ROOT,
                Restricted,
                "runAsUser is 0".into(),
                line_of(context, "runAsUser"),
                format!("{path}.runAsUser"),
            );
        }
    }
}
