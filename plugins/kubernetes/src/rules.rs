//! The rule catalogue of the kubernetes plugin.

use bulkhead_sdk::{Rule, Severity};

use Severity::{Critical, High, Info, Low, Medium};

/// id, title, severity, description (with peers), remediation.
pub type Spec = (
    &'static str,
    &'static str,
    Severity,
    &'static str,
    &'static str,
);

const PSS: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

/// Every rule.
pub static SPECS: &[Spec] = &[
    (
        "K8S-001",
        "HostProcess container",
        High,
        "PSS baseline, HostProcess: `securityContext.windowsOptions.hostProcess` is true, giving host-level access on Windows nodes. Peers: trivy:KSV-0103; checkov:none.",
        "Remove `hostProcess: true`.",
    ),
    (
        "K8S-002",
        "Host namespaces shared",
        High,
        "PSS baseline, Host Namespaces: `hostNetwork`, `hostPID` or `hostIPC` is true. Peers: trivy:KSV-0008, KSV-0009, KSV-0010; checkov:CKV_K8S_17, CKV_K8S_18, CKV_K8S_19; kube-linter:host-network, host-pid, host-ipc.",
        "Remove them or set them to false.",
    ),
    (
        "K8S-003",
        "Privileged container",
        High,
        "PSS baseline, Privileged Containers: `securityContext.privileged` is true. Peers: trivy:KSV-0017; checkov:CKV_K8S_16; kube-linter:privileged-container.",
        "Set `privileged: false`; grant only the capabilities needed.",
    ),
    (
        "K8S-004",
        "Capabilities beyond the baseline set",
        Medium,
        "PSS baseline, Capabilities: `capabilities.add` holds a capability outside AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT. Peers: trivy:KSV-0022; checkov:CKV_K8S_25.",
        "Drop the extra capabilities.",
    ),
    (
        "K8S-005",
        "hostPath volume",
        Medium,
        "PSS baseline, HostPath Volumes: a volume mounts a host path. Peers: trivy:KSV-0023; kube-linter:host-mounts (related).",
        "Use emptyDir, configMap, secret or a PersistentVolumeClaim.",
    ),
    (
        "K8S-006",
        "Host port",
        Medium,
        "PSS baseline, Host Ports: a container port sets a non-zero `hostPort`. Peers: trivy:KSV-0024; kube-linter:host-port (related).",
        "Remove `hostPort`; expose through a Service.",
    ),
    (
        "K8S-007",
        "AppArmor disabled",
        Medium,
        "PSS baseline, AppArmor: the AppArmor profile is `Unconfined` (field or legacy annotation). Peers: trivy:KSV-0002.",
        "Use `RuntimeDefault` or a `Localhost` profile.",
    ),
    (
        "K8S-008",
        "Custom SELinux options",
        Medium,
        "PSS baseline, SELinux: `seLinuxOptions.type` is not a container type, or `user`/`role` is set. Peers: trivy:KSV-0025.",
        "Remove the custom SELinux user, role and type.",
    ),
    (
        "K8S-009",
        "Unmasked /proc mount",
        Medium,
        "PSS baseline, /proc Mount Type: `procMount` is not `Default`. Since Kubernetes 1.33 `Unmasked` is allowed when the pod sets `hostUsers: false` (user namespaces), and so is it here. Peers: trivy:KSV-0027.",
        "Remove `procMount`, or run the pod with `hostUsers: false`.",
    ),
    (
        "K8S-010",
        "Seccomp unconfined",
        High,
        "PSS baseline, Seccomp: the seccomp profile type is `Unconfined`. Peers: trivy:KSV-0104.",
        "Use `RuntimeDefault` or `Localhost`.",
    ),
    (
        "K8S-011",
        "Unsafe sysctl",
        High,
        "PSS baseline, Sysctls: the pod sets a sysctl outside the safe set. Peers: trivy:KSV-0026.",
        "Remove the sysctl or move the workload to a dedicated node pool.",
    ),
    (
        "K8S-012",
        "Probe or lifecycle hook with a host",
        Medium,
        "PSS baseline, Probes / Lifecycle Hooks (Kubernetes 1.34): an httpGet or tcpSocket probe or lifecycle hook sets `host`, which lets the kubelet reach other hosts on the pod's behalf. Peers: none yet.",
        "Remove `host`: probes target the pod itself.",
    ),
    (
        "K8S-013",
        "Volume type not allowed in restricted",
        Low,
        "PSS restricted, Volume Types: a volume is not configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret. Peers: trivy:KSV-0028.",
        "Use one of the allowed volume types.",
    ),
    (
        "K8S-014",
        "Privilege escalation allowed",
        Medium,
        "PSS restricted, Privilege Escalation: `allowPrivilegeEscalation` is not set to false. Peers: trivy:KSV-0001; checkov:CKV_K8S_20; kube-linter:privilege-escalation-container.",
        "Set `allowPrivilegeEscalation: false`.",
    ),
    (
        "K8S-015",
        "Not required to run as non-root",
        Medium,
        "PSS restricted, Running as Non-root: neither the pod nor the container sets `runAsNonRoot: true` (or one sets it false). Peers: trivy:KSV-0012; checkov:CKV_K8S_22 (related); kube-linter:run-as-non-root.",
        "Set `runAsNonRoot: true` in the pod securityContext.",
    ),
    (
        "K8S-016",
        "Runs as UID 0",
        High,
        "PSS restricted, Running as Non-root user: `runAsUser` is 0. Peers: trivy:KSV-0105; checkov:CKV_K8S_40 (related).",
        "Use a UID above 0 (10000+ avoids host collisions).",
    ),
    (
        "K8S-017",
        "Seccomp profile not set",
        Low,
        "PSS restricted, Seccomp: no `RuntimeDefault` or `Localhost` seccomp profile at pod or container level. Peers: trivy:KSV-0030; checkov:CKV_K8S_31.",
        "Set `seccompProfile: {type: RuntimeDefault}` in the pod securityContext.",
    ),
    (
        "K8S-018",
        "Capabilities not dropped",
        Low,
        "PSS restricted, Capabilities: the container does not drop ALL, or adds something other than NET_BIND_SERVICE. Peers: trivy:KSV-0003; checkov:CKV_K8S_37.",
        "`capabilities: {drop: [ALL]}`; add back only NET_BIND_SERVICE if needed.",
    ),
    (
        "K8S-019",
        "Resource requests or limits missing",
        Low,
        "A container sets no CPU or memory request or limit: one pod can starve its node. Peers: trivy:KSV-0011, KSV-0015, KSV-0016, KSV-0018; checkov:CKV_K8S_10-13; kube-linter:unset-cpu-requirements, unset-memory-requirements.",
        "Set `resources.requests` and `resources.limits` for cpu and memory.",
    ),
    (
        "K8S-020",
        "Image uses latest or no tag",
        Medium,
        "The image has no tag or the `latest` tag: what runs changes without a manifest change. Peers: trivy:KSV-0013; checkov:CKV_K8S_14; kube-linter:latest-tag.",
        "Pin a version tag, better a digest.",
    ),
    (
        "K8S-021",
        "Image not pinned by digest",
        Low,
        "The image is referenced by tag only; tags are mutable. Peers: checkov:CKV_K8S_43.",
        "Reference the image as `name@sha256:...`.",
    ),
    (
        "K8S-022",
        "Service account token automounted",
        Low,
        "`automountServiceAccountToken` is not false: every process in the pod can call the API server with the pod's identity. Peers: trivy:KSV-0036; checkov:CKV_K8S_38; kube-linter:no-automount-service-account-token (related).",
        "Set `automountServiceAccountToken: false` unless the pod calls the API.",
    ),
    (
        "K8S-023",
        "Default service account",
        Low,
        "The pod runs as the namespace's `default` service account. Peers: checkov:CKV_K8S_41; kube-linter:default-service-account.",
        "Create a dedicated service account and set `serviceAccountName`.",
    ),
    (
        "K8S-024",
        "Secret in an environment variable",
        Critical,
        "An `env` entry has a literal value that is a credential (same rules as the secrets plugin) or a credential-like name with a literal value. Peers: checkov:CKV_K8S_35 (related); kube-linter:env-var-secret.",
        "Use `valueFrom.secretKeyRef`, or mount the Secret as a file.",
    ),
    (
        "K8S-025",
        "Container runtime socket mounted",
        Critical,
        "A hostPath volume mounts the Docker, containerd or CRI-O socket: full control of the node. Peers: trivy:KSV-0006; kube-linter:docker-sock.",
        "Do not mount the runtime socket.",
    ),
    (
        "K8S-026",
        "Sensitive host path mounted",
        High,
        "A hostPath volume mounts `/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/dev`, `/var/run`, `/run`, `/var/lib/kubelet` or `/var/lib/docker`. Peers: trivy:KSV-0121; kube-linter:sensitive-host-mounts.",
        "Do not mount host system directories.",
    ),
    (
        "K8S-027",
        "NET_RAW added",
        Medium,
        "`capabilities.add` holds NET_RAW (or ALL): raw sockets allow spoofing on the pod network. Peers: trivy:KSV-0004 (related); kube-linter:drop-net-raw-capability (related).",
        "Do not add NET_RAW; drop ALL.",
    ),
    (
        "K8S-028",
        "SYS_ADMIN added",
        High,
        "`capabilities.add` holds SYS_ADMIN (or ALL): close to privileged. Peers: trivy:KSV-0005; checkov:CKV_K8S_39.",
        "Do not add SYS_ADMIN.",
    ),
    (
        "K8S-029",
        "SYS_MODULE added",
        High,
        "`capabilities.add` holds SYS_MODULE (or ALL): kernel modules can be loaded. Peers: kube-linter:sensitive-capabilities (related).",
        "Do not add SYS_MODULE.",
    ),
    (
        "K8S-030",
        "RBAC wildcard",
        High,
        "A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups. Peers: trivy:KSV-0044, KSV-0045, KSV-0046; kube-linter:wildcard-in-rules.",
        "List the verbs, resources and API groups needed.",
    ),
    (
        "K8S-031",
        "RBAC access to secrets",
        High,
        "A rule grants get, list or watch on secrets. Peers: trivy:KSV-0041; kube-linter:access-to-secrets.",
        "Grant access to named secrets only (`resourceNames`), or avoid it.",
    ),
    (
        "K8S-032",
        "RBAC exec or attach into pods",
        High,
        "A rule grants create on pods/exec or pods/attach. Peers: trivy:KSV-0053; kube-linter:access-to-create-pods (related).",
        "Remove pods/exec and pods/attach.",
    ),
    (
        "K8S-033",
        "RBAC nodes/proxy",
        High,
        "A rule grants access to nodes/proxy, which reaches the kubelet API. Peers: trivy:KSV-0047.",
        "Remove nodes/proxy.",
    ),
    (
        "K8S-034",
        "RBAC impersonate",
        High,
        "A rule grants impersonate. Peers: trivy:KSV-0043.",
        "Remove impersonate.",
    ),
    (
        "K8S-035",
        "RBAC escalate or bind",
        High,
        "A rule grants escalate or bind, letting the holder grant itself more. Peers: trivy:KSV-0056 (related).",
        "Remove escalate and bind.",
    ),
    (
        "K8S-036",
        "Binding to cluster-admin",
        Critical,
        "A RoleBinding or ClusterRoleBinding grants cluster-admin. Peers: trivy:KSV-0111; kube-linter:cluster-admin-role-binding.",
        "Bind a role with the permissions needed.",
    ),
    (
        "K8S-037",
        "Binding to anonymous or all authenticated users",
        Critical,
        "A binding's subjects include system:anonymous, system:unauthenticated or system:authenticated. Peers: trivy:KSV-0112 (related).",
        "Bind named users, groups or service accounts.",
    ),
    (
        "K8S-038",
        "LoadBalancer Service",
        Info,
        "A Service of type LoadBalancer is reachable from outside the cluster (often from the internet). Peers: kube-linter:exposed-services (related).",
        "Make sure exposure is intended; restrict `loadBalancerSourceRanges`.",
    ),
    (
        "K8S-039",
        "NodePort Service",
        Low,
        "A Service of type NodePort opens a port on every node. Peers: trivy:KSV-0117 (related); checkov:none.",
        "Use ClusterIP behind an Ingress or a LoadBalancer.",
    ),
    (
        "K8S-040",
        "Service externalIPs",
        High,
        "A Service sets externalIPs, which can intercept traffic (CVE-2020-8554). Peers: none.",
        "Remove externalIPs; restrict them with an admission policy.",
    ),
    (
        "K8S-041",
        "Ingress without TLS",
        Medium,
        "An Ingress has no `tls` section: traffic reaches it in clear text. Peers: checkov:none.",
        "Add `spec.tls` with a certificate secret.",
    ),
    (
        "K8S-042",
        "Manifest parse problem",
        Low,
        "A YAML or JSON file that looks like a manifest could not be read (syntax error, alias bomb, too deep): it was not checked.",
        "Fix the syntax; `kubectl apply --dry-run=client` shows the same.",
    ),
];

/// The rules as plugin rules.
pub fn plugin_rules() -> Vec<Rule> {
    SPECS
        .iter()
        .map(|(id, title, severity, description, remediation)| {
            Rule::new(id, title, *severity)
                .description(description)
                .remediation(remediation)
                .reference(PSS)
        })
        .collect()
}
