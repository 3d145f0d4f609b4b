//! The baseline controls: known privilege escalations.

use bulkhead_sdk::doc::Node;

use super::allowed::{
    BASELINE_CAPABILITIES, PROBE_HOST_SINCE, PROFILE_TYPES, USER_NAMESPACE_RELAXATION_SINCE,
    apparmor_annotation_allowed, safe_sysctl, selinux_type_allowed,
};
use super::{Out, Pod, value};
use crate::line_of;
use crate::policy::Level::{self, Baseline};
use crate::policy::Version;
use crate::rules::id;

/// The baseline controls that are the same at every version known.
pub fn stable(pod: &Pod, out: &mut Out) {
    host_process(pod, out);
    host_namespaces(pod, out);
    privileged(pod, out);
    capabilities(pod, out);
    host_path_volumes(pod, out);
    host_ports(pod, out);
    apparmor(pod, out);
    seccomp(pod, out);
}

/// The baseline controls that change with the version.
pub fn versioned(pod: &Pod, version: Version, out: &mut Out) {
    selinux(pod, version, out);
    proc_mount(pod, version, out);
    sysctls(pod, version, out);
    probe_hosts(pod, version, out);
}

fn host_process(pod: &Pod, out: &mut Out) {
    for (context, path) in pod.contexts() {
        let Some(windows) = value(context, "windowsOptions") else {
            continue;
        };
        if value(windows, "hostProcess").and_then(Node::bool) == Some(true) {
            out.push(
                id::HOST_PROCESS,
                Baseline,
                "hostProcess is true".into(),
                line_of(windows, "hostProcess"),
                format!("{path}.windowsOptions.hostProcess"),
            );
        }
    }
}

fn host_namespaces(pod: &Pod, out: &mut Out) {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if value(pod.spec, key).and_then(Node::bool) == Some(true) {
            out.push(
                id::HOST_NAMESPACES,
                Baseline,
                format!("{key} is true"),
                line_of(pod.spec, key),
                format!("{}.{key}", pod.path),
            );
        }
    }
}

fn privileged(pod: &Pod, out: &mut Out) {
    for container in &pod.containers {
        let Some(context) = container.context else {
            continue;
        };
        if value(context, "privileged").and_then(Node::bool) == Some(true) {
            out.push(
                id::PRIVILEGED_CONTAINER,
                Baseline,
                "the container is privileged".into(),
                line_of(context, "privileged"),
                format!("{}.privileged", container.context_path),
            );
        }
    }
}

fn capabilities(pod: &Pod, out: &mut Out) {
    for container in &pod.containers {
        let added = container
            .context
            .and_then(|c| value(c, "capabilities"))
            .and_then(|c| value(c, "add"))
            .map(Node::items)
            .unwrap_or_default();
        for (index, capability) in added.iter().enumerate() {
            let name = capability.str().unwrap_or("");
            if !BASELINE_CAPABILITIES.contains(&name) {
                out.push(
                    id::CAPABILITIES_BEYOND_BASELINE,
                    Baseline,
                    format!("adds capability {name}"),
                    capability.line,
                    format!("{}.capabilities.add[{index}]", container.context_path),
                );
            }
        }
    }
}

fn host_path_volumes(pod: &Pod, out: &mut Out) {
    let volumes = value(pod.spec, "volumes")
        .map(Node::items)
        .unwrap_or_default();
    for (index, volume) in volumes.iter().enumerate() {
        let Some(host_path) = value(volume, "hostPath") else {
            continue;
        };
        let host = value(host_path, "path").and_then(Node::str).unwrap_or("");
        out.push(
            id::HOST_PATH_VOLUME,
            Baseline,
            format!("hostPath {host}"),
            line_of(host_path, "path"),
            format!("{}.volumes[{index}].hostPath.path", pod.path),
        );
    }
}

fn host_ports(pod: &Pod, out: &mut Out) {
    for container in &pod.containers {
        let ports = value(container.node, "ports")
            .map(Node::items)
            .unwrap_or_default();
        for (index, port) in ports.iter().enumerate() {
            if value(port, "hostPort")
                .and_then(Node::int)
                .is_some_and(|p| p != 0)
            {
                out.push(
                    id::HOST_PORT,
                    Baseline,
                    "hostPort is set".into(),
                    line_of(port, "hostPort"),
                    format!("{}.ports[{index}].hostPort", container.path),
                );
            }
        }
    }
}

fn apparmor(pod: &Pod, out: &mut Out) {
    for (context, path) in pod.contexts() {
        let Some(profile) = value(context, "appArmorProfile") else {
            continue;
        };
        let kind = value(profile, "type").and_then(Node::str).unwrap_or("");
        if !PROFILE_TYPES.contains(&kind) {
            out.push(
                id::APPARMOR_UNCONFINED,
                Baseline,
                format!("AppArmor profile is {kind:?}"),
                line_of(profile, "type"),
                format!("{path}.appArmorProfile.type"),
            );
        }
    }
    let Some(annotations) = pod.annotations else {
        return;
    };
    for (key, line, annotation) in annotations.entries() {
        if !key.starts_with("container.apparmor.security.beta.kubernetes.io/") {
            continue;
        }
        let text = annotation.str().unwrap_or("");
        if !apparmor_annotation_allowed(text) {
            out.push(
                id::APPARMOR_UNCONFINED,
                Baseline,
                format!("AppArmor annotation is {text:?}"),
                *line,
                format!("{}.{key}", pod.annotations_path),
            );
        }
    }
}

fn selinux(pod: &Pod, version: Version, out: &mut Out) {
    for (context, path) in pod.contexts() {
        let Some(options) = value(context, "seLinuxOptions") else {
            continue;
        };
        let kind = value(options, "type").and_then(Node::str).unwrap_or("");
        if !selinux_type_allowed(kind, version) {
            out.push(
                id::SELINUX_OPTIONS,
                Baseline,
                format!("SELinux type {kind}"),
                line_of(options, "type"),
                format!("{path}.seLinuxOptions.type"),
            );
        }
        for key in ["user", "role"] {
            if value(options, key)
                .and_then(Node::str)
                .is_some_and(|v| !v.is_empty())
            {
                out.push(
                    id::SELINUX_OPTIONS,
                    Baseline,
                    format!("SELinux {key} is set"),
                    line_of(options, key),
                    format!("{path}.seLinuxOptions.{key}"),
                );
            }
        }
    }
}

/// Unmasked /proc: baseline forbids it, except (from 1.35) in a user
/// namespace, where only restricted does.
fn proc_mount(pod: &Pod, version: Version, out: &mut Out) {
    let level: Level = if pod.user_namespace && version.at_least(USER_NAMESPACE_RELAXATION_SINCE) {
        Level::Restricted
    } else {
        Baseline
    };
    for container in &pod.containers {
        let Some(context) = container.context else {
            continue;
        };
        let Some(mount) = value(context, "procMount") else {
            continue;
        };
        let mount = mount.str().unwrap_or("");
        if mount != "Default" {
            out.push(
                id::PROC_MOUNT_UNMASKED,
                level,
                format!("procMount is {mount}"),
                line_of(context, "procMount"),
                format!("{}.procMount", container.context_path),
            );
        }
    }
}

fn seccomp(pod: &Pod, out: &mut Out) {
    for (context, path) in pod.contexts() {
        let Some(profile) = value(context, "seccompProfile") else {
            continue;
        };
        let kind = value(profile, "type").and_then(Node::str).unwrap_or("");
        if !PROFILE_TYPES.contains(&kind) {
            out.push(
                id::SECCOMP_UNCONFINED,
                Baseline,
                format!("seccomp profile is {kind:?}"),
                line_of(profile, "type"),
                format!("{path}.seccompProfile.type"),
            );
        }
    }
}

fn sysctls(pod: &Pod, version: Version, out: &mut Out) {
    let Some(context) = pod.context else {
        return;
    };
    let sysctls = value(context, "sysctls")
        .map(Node::items)
        .unwrap_or_default();
    for (index, sysctl) in sysctls.iter().enumerate() {
        let name = value(sysctl, "name").and_then(Node::str).unwrap_or("");
        if !safe_sysctl(name, version) {
            out.push(
                id::UNSAFE_SYSCTL,
                Baseline,
                format!("unsafe sysctl {name}"),
                sysctl.line,
                format!("{}.sysctls[{index}].name", pod.context_path()),
            );
        }
    }
}

fn probe_hosts(pod: &Pod, version: Version, out: &mut Out) {
    if !version.at_least(PROBE_HOST_SINCE) {
        return;
    }
    for container in &pod.containers {
        let node = container.node;
        let probes = ["livenessProbe", "readinessProbe", "startupProbe"]
            .iter()
            .filter_map(|probe| value(node, probe).map(|n| (n, probe.to_string())));
        let hooks = ["postStart", "preStop"].iter().filter_map(|hook| {
            value(node, "lifecycle")
                .and_then(|l| value(l, hook))
                .map(|n| (n, format!("lifecycle.{hook}")))
        });
        for (handler, name) in probes.chain(hooks) {
            for action in ["httpGet", "tcpSocket"] {
                let Some(target) = value(handler, action) else {
                    continue;
                };
                if value(target, "host")
                    .and_then(Node::str)
                    .is_some_and(|h| !h.is_empty())
                {
                    out.push(
                        id::PROBE_HOST,
                        Baseline,
                        format!("{name}.{action} sets host"),
                        line_of(target, "host"),
                        format!("{}.{name}.{action}.host", container.path),
                    );
                }
            }
        }
    }
}
