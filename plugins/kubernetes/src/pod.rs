//! Pod spec checks: the Pod Security Standards controls, baseline and
//! restricted, plus images, resources, service accounts, secrets in env
//! and dangerous mounts and capabilities.

use bulkhead_sdk::doc::Node;
use bulkhead_sdk::secrets::{VariableSecret, classify_variable};

use crate::Hits;

const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SELINUX_TYPES: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];
const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];
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
/// Line of `key` in `node`, else the node's own line.
fn line_of(node: &Node, key: &str) -> u32 {
    node.key_line(key).unwrap_or(node.line)
}

/// Checks one pod spec found at `path` (e.g. `spec.template.spec`).
/// `annotations` are the pod's metadata annotations (legacy AppArmor).
pub fn check_pod(spec: &Node, path: &str, annotations: Option<&Node>, hits: &mut Hits) {
    let pod_ctx = spec.get("securityContext");
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if spec.get(key).and_then(Node::bool) == Some(true) {
            hits.push(
                "K8S-002",
                format!("{key} is true"),
                line_of(spec, key),
                format!("{path}.{key}"),
            );
        }
    }
    if let Some(ctx) = pod_ctx {
        check_shared_context(ctx, &format!("{path}.securityContext"), hits);
        if let Some(sysctls) = ctx.get("sysctls") {
            for (index, sysctl) in sysctls.items().iter().enumerate() {
                let name = sysctl.get("name").and_then(Node::str).unwrap_or("");
                if !SAFE_SYSCTLS.contains(&name) {
                    hits.push(
                        "K8S-011",
                        format!("unsafe sysctl {name}"),
                        sysctl.line,
                        format!("{path}.securityContext.sysctls[{index}].name"),
                    );
                }
            }
        }
    }
    if spec
        .get("automountServiceAccountToken")
        .and_then(Node::bool)
        != Some(false)
    {
        hits.push(
            "K8S-022",
            "the service account token is mounted".into(),
            line_of(spec, "automountServiceAccountToken"),
            format!("{path}.automountServiceAccountToken"),
        );
    }
    let account = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .and_then(Node::str);
    if account.is_none_or(|a| a == "default") {
        let key = if spec.get("serviceAccountName").is_some() {
            "serviceAccountName"
        } else {
            "serviceAccount"
        };
        hits.push(
            "K8S-023",
            "the pod uses the default service account".into(),
            line_of(spec, key),
            format!("{path}.serviceAccountName"),
        );
    }
    check_volumes(spec, path, hits);

    let host_users_off = spec.get("hostUsers").and_then(Node::bool) == Some(false);
    let pod_seccomp = pod_ctx
        .and_then(|c| c.get("seccompProfile"))
        .and_then(|p| p.get("type"))
        .and_then(Node::str);
    let pod_non_root = pod_ctx
        .and_then(|c| c.get("runAsNonRoot"))
        .and_then(Node::bool);
    for kind in ["initContainers", "containers", "ephemeralContainers"] {
        for (index, container) in spec
            .get(kind)
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = format!("{path}.{kind}[{index}]");
            let context = Container {
                node: container,
                path: &at,
                kind,
                host_users_off,
                pod_seccomp,
                pod_non_root,
            };
            context.check(annotations, hits);
        }
    }
}

/// Checks shared by pod and container security contexts.
fn check_shared_context(ctx: &Node, path: &str, hits: &mut Hits) {
    if let Some(windows) = ctx.get("windowsOptions")
        && windows.get("hostProcess").and_then(Node::bool) == Some(true)
    {
        hits.push(
            "K8S-001",
            "hostProcess is true".into(),
            line_of(windows, "hostProcess"),
            format!("{path}.windowsOptions.hostProcess"),
        );
    }
    if let Some(selinux) = ctx.get("seLinuxOptions") {
        let kind = selinux.get("type").and_then(Node::str).unwrap_or("");
        if !SELINUX_TYPES.contains(&kind) {
            hits.push(
                "K8S-008",
                format!("SELinux type {kind}"),
                line_of(selinux, "type"),
                format!("{path}.seLinuxOptions.type"),
            );
        }
        for key in ["user", "role"] {
            if selinux
                .get(key)
                .and_then(Node::str)
                .is_some_and(|v| !v.is_empty())
            {
                hits.push(
                    "K8S-008",
                    format!("SELinux {key} is set"),
                    line_of(selinux, key),
                    format!("{path}.seLinuxOptions.{key}"),
                );
            }
        }
    }
    if let Some(profile) = ctx.get("seccompProfile")
        && profile.get("type").and_then(Node::str) == Some("Unconfined")
    {
        hits.push(
            "K8S-010",
            "seccomp profile is Unconfined".into(),
            line_of(profile, "type"),
            format!("{path}.seccompProfile.type"),
        );
    }
    if let Some(profile) = ctx.get("appArmorProfile")
        && profile.get("type").and_then(Node::str) == Some("Unconfined")
    {
        hits.push(
            "K8S-007",
            "AppArmor profile is Unconfined".into(),
            line_of(profile, "type"),
            format!("{path}.appArmorProfile.type"),
        );
    }
}

fn check_volumes(spec: &Node, path: &str, hits: &mut Hits) {
    for (index, volume) in spec
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("{path}.volumes[{index}]");
        for (key, key_line, _) in volume.entries() {
            if key == "name" {
                continue;
            }
            if !RESTRICTED_VOLUMES.contains(&key.as_str()) {
                hits.push(
                    "K8S-013",
                    format!("volume type {key}"),
                    *key_line,
                    format!("{at}.{key}"),
                );
            }
        }
        let Some(host_path) = volume.get("hostPath") else {
            continue;
        };
        let host = host_path.get("path").and_then(Node::str).unwrap_or("");
        let line = line_of(host_path, "path");
        hits.push(
            "K8S-005",
            format!("hostPath {host}"),
            line,
            format!("{at}.hostPath.path"),
        );
        let trimmed = if host == "/" {
            "/"
        } else {
            host.trim_end_matches('/')
        };
        if RUNTIME_SOCKETS.contains(&trimmed) {
            hits.push(
                "K8S-025",
                format!("the container runtime socket {host} is mounted"),
                line,
                format!("{at}.hostPath.path"),
            );
        } else if SENSITIVE_PATHS.contains(&trimmed) {
            hits.push(
                "K8S-026",
                format!("sensitive host path {host} is mounted"),
                line,
                format!("{at}.hostPath.path"),
            );
        }
    }
}

/// One container and what it inherits from the pod.
struct Container<'a> {
    node: &'a Node,
    path: &'a str,
    kind: &'a str,
    host_users_off: bool,
    pod_seccomp: Option<&'a str>,
    pod_non_root: Option<bool>,
}

impl Container<'_> {
    fn check(&self, annotations: Option<&Node>, hits: &mut Hits) {
        let node = self.node;
        let path = self.path;
        let ctx = node.get("securityContext");
        let ctx_path = format!("{path}.securityContext");
        let ctx_line = ctx.map_or(node.line, |c| c.line);
        if let Some(ctx) = ctx {
            check_shared_context(ctx, &ctx_path, hits);
            if ctx.get("privileged").and_then(Node::bool) == Some(true) {
                hits.push(
                    "K8S-003",
                    "the container is privileged".into(),
                    line_of(ctx, "privileged"),
                    format!("{ctx_path}.privileged"),
                );
            }
            let proc_mount = ctx
                .get("procMount")
                .and_then(Node::str)
                .unwrap_or("Default");
            if proc_mount != "Default" && !(proc_mount == "Unmasked" && self.host_users_off) {
                hits.push(
                    "K8S-009",
                    format!("procMount is {proc_mount}"),
                    line_of(ctx, "procMount"),
                    format!("{ctx_path}.procMount"),
                );
            }
            if ctx.get("runAsUser").and_then(Node::int) == Some(0) {
                hits.push(
                    "K8S-016",
                    "runAsUser is 0".into(),
                    line_of(ctx, "runAsUser"),
                    format!("{ctx_path}.runAsUser"),
                );
            }
        }
        self.check_capabilities(ctx, &ctx_path, ctx_line, hits);
        if ctx
            .and_then(|c| c.get("allowPrivilegeEscalation"))
            .and_then(Node::bool)
            != Some(false)
            && self.kind != "ephemeralContainers"
        {
            let line = ctx.map_or(node.line, |c| line_of(c, "allowPrivilegeEscalation"));
            hits.push(
                "K8S-014",
                "allowPrivilegeEscalation is not false".into(),
                line,
                format!("{ctx_path}.allowPrivilegeEscalation"),
            );
        }
        let non_root = ctx
            .and_then(|c| c.get("runAsNonRoot"))
            .and_then(Node::bool)
            .or(self.pod_non_root);
        if non_root != Some(true) {
            let line = ctx.map_or(node.line, |c| line_of(c, "runAsNonRoot"));
            hits.push(
                "K8S-015",
                "runAsNonRoot is not true".into(),
                line,
                format!("{ctx_path}.runAsNonRoot"),
            );
        }
        let seccomp = ctx
            .and_then(|c| c.get("seccompProfile"))
            .and_then(|p| p.get("type"))
            .and_then(Node::str)
            .or(self.pod_seccomp);
        if !matches!(seccomp, Some("RuntimeDefault" | "Localhost" | "Unconfined")) {
            hits.push(
                "K8S-017",
                "no RuntimeDefault or Localhost seccomp profile".into(),
                ctx_line,
                format!("{ctx_path}.seccompProfile"),
            );
        }
        let name = node.get("name").and_then(Node::str).unwrap_or("");
        if let Some(annotation) = annotations.and_then(|a| {
            a.get(&format!(
                "container.apparmor.security.beta.kubernetes.io/{name}"
            ))
        }) && annotation.str() == Some("unconfined")
        {
            hits.push(
                "K8S-007",
                "AppArmor annotation is unconfined".into(),
                annotation.line,
                format!(
                    "metadata.annotations.container.apparmor.security.beta.kubernetes.io/{name}"
                ),
            );
        }
        self.check_ports_and_probes(hits);
        self.check_image_and_resources(hits);
        self.check_env(hits);
    }

    fn check_capabilities(
        &self,
        ctx: Option<&Node>,
        ctx_path: &str,
        ctx_line: u32,
        hits: &mut Hits,
    ) {
        let caps = ctx.and_then(|c| c.get("capabilities"));
        let added: Vec<(String, u32, usize)> = caps
            .and_then(|c| c.get("add"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.str()
                    .map(|s| (s.trim_start_matches("CAP_").to_string(), c.line, i))
            })
            .collect();
        for (cap, line, index) in &added {
            let field = format!("{ctx_path}.capabilities.add[{index}]");
            if !BASELINE_CAPS.contains(&cap.as_str()) {
                hits.push(
                    "K8S-004",
                    format!("adds capability {cap}"),
                    *line,
                    field.clone(),
                );
            }
            for (wanted, rule) in [
                ("NET_RAW", "K8S-027"),
                ("SYS_ADMIN", "K8S-028"),
                ("SYS_MODULE", "K8S-029"),
            ] {
                if cap == wanted || cap == "ALL" {
                    hits.push(rule, format!("adds capability {cap}"), *line, field.clone());
                }
            }
        }
        let drops_all = caps
            .and_then(|c| c.get("drop"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|c| c.str() == Some("ALL"));
        if self.kind != "ephemeralContainers"
            && (!drops_all || added.iter().any(|(cap, _, _)| cap != "NET_BIND_SERVICE"))
        {
            let line = caps.map_or(ctx_line, |c| line_of(c, "drop"));
            hits.push(
                "K8S-018",
                "capabilities do not drop ALL (or add more than NET_BIND_SERVICE)".into(),
                line,
                format!("{ctx_path}.capabilities"),
            );
        }
    }

    fn check_ports_and_probes(&self, hits: &mut Hits) {
        let node = self.node;
        for (index, port) in node
            .get("ports")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if port
                .get("hostPort")
                .and_then(Node::int)
                .is_some_and(|p| p != 0)
            {
                hits.push(
                    "K8S-006",
                    "hostPort is set".into(),
                    line_of(port, "hostPort"),
                    format!("{}.ports[{index}].hostPort", self.path),
                );
            }
        }
        let handlers = ["livenessProbe", "readinessProbe", "startupProbe"]
            .iter()
            .filter_map(|probe| node.get(probe).map(|n| (n, probe.to_string())))
            .chain(["postStart", "preStop"].iter().filter_map(|hook| {
                node.get("lifecycle")
                    .and_then(|l| l.get(hook))
                    .map(|n| (n, format!("lifecycle.{hook}")))
            }));
        for (handler, name) in handlers {
            for action in ["httpGet", "tcpSocket"] {
                let Some(host) = handler
                    .get(action)
                    .and_then(|a| a.get("host").map(|h| (a, h)))
                else {
                    continue;
                };
                if host.1.str().is_some_and(|h| !h.is_empty()) {
                    hits.push(
                        "K8S-012",
                        format!("{name}.{action} sets host"),
                        line_of(host.0, "host"),
                        format!("{}.{name}.{action}.host", self.path),
                    );
                }
            }
        }
    }

    fn check_image_and_resources(&self, hits: &mut Hits) {
        let node = self.node;
        let image = node.get("image").and_then(Node::str).unwrap_or("");
        let line = line_of(node, "image");
        let field = format!("{}.image", self.path);
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
                "K8S-020",
                format!("image {image} uses latest or no tag"),
                line,
                field.clone(),
            );
        }
        if !digest {
            hits.push(
                "K8S-021",
                format!("image {image} is not pinned by digest"),
                line,
                field,
            );
        }
        if self.kind == "ephemeralContainers" {
            return;
        }
        let resources = node.get("resources");
        let mut missing = Vec::new();
        for group in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                if resources
                    .and_then(|r| r.get(group))
                    .and_then(|g| g.get(resource))
                    .is_none()
                {
                    missing.push(format!("{group}.{resource}"));
                }
            }
        }
        if !missing.is_empty() {
            let line = resources.map_or_else(|| line_of(node, "name"), |r| r.line);
            hits.push(
                "K8S-019",
                format!("missing {}", missing.join(", ")),
                line,
                format!("{}.resources", self.path),
            );
        }
    }

    fn check_env(&self, hits: &mut Hits) {
        let vars = self.node.get("env").map(Node::items).unwrap_or_default();
        for (index, var) in vars.iter().enumerate() {
            let (Some(name), Some(value)) = (
                var.get("name").and_then(Node::str),
                var.get("value").and_then(Node::str),
            ) else {
                continue;
            };
            let field = format!("{}.env[{index}].value", self.path);
            let line = line_of(var, "value");
            match classify_variable(name, value) {
                Some(VariableSecret::Value(found)) => hits.push_secret(
                    "K8S-024",
                    format!("{} in env {name}", found.rule.title),
                    line,
                    field,
                    found.secret,
                ),
                Some(VariableSecret::Name) => hits.push(
                    "K8S-024",
                    format!("env {name} is named like a secret and has a literal value"),
                    line,
                    field,
                ),
                None => {}
            }
        }
    }
}
