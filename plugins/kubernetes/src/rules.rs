//! The rule catalogue of the kubernetes plugin: ids that say what they
//! check, each keeping its number from before (`K8S-003`) as an alias so
//! suppressions written against it still match.

use bulkhead_sdk::{Rule, Severity};

use Severity::{Critical, High, Info, Low, Medium};

/// The rule ids, for the checks to name.
pub mod id {
    /// `K8S-001`: HostProcess container.
    pub const HOST_PROCESS: &str = "host-process";
    /// `K8S-002`: Host namespaces shared.
    pub const HOST_NAMESPACES: &str = "host-namespaces";
    /// `K8S-003`: Privileged container.
    pub const PRIVILEGED_CONTAINER: &str = "privileged-container";
    /// `K8S-004`: Capabilities beyond the baseline set.
    pub const CAPABILITIES_BEYOND_BASELINE: &str = "capabilities-beyond-baseline";
    /// `K8S-005`: hostPath volume.
    pub const HOST_PATH_VOLUME: &str = "host-path-volume";
    /// `K8S-006`: Host port.
    pub const HOST_PORT: &str = "host-port";
    /// `K8S-007`: AppArmor disabled or overridden.
    pub const APPARMOR_UNCONFINED: &str = "apparmor-unconfined";
    /// `K8S-008`: Custom SELinux options.
    pub const SELINUX_OPTIONS: &str = "selinux-options";
    /// `K8S-009`: Unmasked /proc mount.
    pub const PROC_MOUNT_UNMASKED: &str = "proc-mount-unmasked";
    /// `K8S-010`: Seccomp profile not allowed.
    pub const SECCOMP_UNCONFINED: &str = "seccomp-unconfined";
    /// `K8S-011`: Unsafe sysctl.
    pub const UNSAFE_SYSCTL: &str = "unsafe-sysctl";
    /// `K8S-012`: Probe or lifecycle hook with a host.
    pub const PROBE_HOST: &str = "probe-host";
    /// `K8S-013`: Volume type not allowed in restricted.
    pub const RESTRICTED_VOLUME_TYPE: &str = "restricted-volume-type";
    /// `K8S-014`: Privilege escalation allowed.
    pub const PRIVILEGE_ESCALATION_ALLOWED: &str = "privilege-escalation-allowed";
    /// `K8S-015`: Not required to run as non-root.
    pub const RUN_AS_NON_ROOT_MISSING: &str = "run-as-non-root-missing";
    /// `K8S-016`: Runs as UID 0.
    pub const RUN_AS_USER_ROOT: &str = "run-as-user-root";
    /// `K8S-017`: Seccomp profile not set.
    pub const SECCOMP_PROFILE_MISSING: &str = "seccomp-profile-missing";
    /// `K8S-018`: Capabilities not dropped.
    pub const CAPABILITIES_NOT_DROPPED: &str = "capabilities-not-dropped";
    /// `K8S-019`: Resource requests or limits missing.
    pub const RESOURCES_MISSING: &str = "resources-missing";
    /// `K8S-020`: Image uses latest or no tag.
    pub const IMAGE_LATEST_TAG: &str = "image-latest-tag";
    /// `K8S-021`: Image not pinned by digest.
    pub const IMAGE_WITHOUT_DIGEST: &str = "image-without-digest";
    /// `K8S-022`: Service account token automounted.
    pub const SERVICE_ACCOUNT_TOKEN_AUTOMOUNT: &str = "service-account-token-automount";
    /// `K8S-023`: Default service account.
    pub const DEFAULT_SERVICE_ACCOUNT: &str = "default-service-account";
    /// `K8S-024`: Secret in an environment variable.
    pub const SECRET_IN_ENV: &str = "secret-in-env";
    /// `K8S-025`: Container runtime socket mounted.
    pub const RUNTIME_SOCKET_MOUNT: &str = "runtime-socket-mount";
    /// `K8S-026`: Sensitive host path mounted.
    pub const SENSITIVE_HOST_PATH: &str = "sensitive-host-path";
    /// `K8S-027`: NET_RAW added.
    pub const NET_RAW_CAPABILITY: &str = "net-raw-capability";
    /// `K8S-028`: SYS_ADMIN added.
    pub const SYS_ADMIN_CAPABILITY: &str = "sys-admin-capability";
    /// `K8S-029`: SYS_MODULE added.
    pub const SYS_MODULE_CAPABILITY: &str = "sys-module-capability";
    /// `K8S-030`: RBAC wildcard.
    pub const RBAC_WILDCARD: &str = "rbac-wildcard";
    /// `K8S-031`: RBAC access to secrets.
    pub const RBAC_READ_SECRETS: &str = "rbac-read-secrets";
    /// `K8S-032`: RBAC exec or attach into pods.
    pub const RBAC_POD_EXEC: &str = "rbac-pod-exec";
    /// `K8S-033`: RBAC nodes/proxy.
    pub const RBAC_NODES_PROXY: &str = "rbac-nodes-proxy";
    /// `K8S-034`: RBAC impersonate.
    pub const RBAC_IMPERSONATE: &str = "rbac-impersonate";
    /// `K8S-035`: RBAC escalate or bind.
    pub const RBAC_ESCALATE_OR_BIND: &str = "rbac-escalate-or-bind";
    /// `K8S-036`: Binding to cluster-admin.
    pub const RBAC_CLUSTER_ADMIN_BINDING: &str = "rbac-cluster-admin-binding";
    /// `K8S-037`: Binding to anonymous or all authenticated users.
    pub const RBAC_ANONYMOUS_BINDING: &str = "rbac-anonymous-binding";
    /// `K8S-038`: LoadBalancer Service.
    pub const LOAD_BALANCER_SERVICE: &str = "load-balancer-service";
    /// `K8S-039`: NodePort Service.
    pub const NODE_PORT_SERVICE: &str = "node-port-service";
    /// `K8S-040`: Service externalIPs.
    pub const SERVICE_EXTERNAL_IPS: &str = "service-external-ips";
    /// `K8S-041`: Ingress without TLS.
    pub const INGRESS_WITHOUT_TLS: &str = "ingress-without-tls";
    /// `K8S-042`: Manifest parse problem.
    pub const MANIFEST_PARSE_ERROR: &str = "manifest-parse-error";
}

/// One rule: id, earlier id, title, severity, description (with peers),
/// remediation, and whether it is a Pod Security Standards control.
pub struct Spec {
    /// Rule id.
    pub id: &'static str,
    /// The number it had before ids said what they check.
    pub alias: &'static str,
    /// One line saying what was found.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What it checks, and the peer checks.
    pub description: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    /// A Pod Security Standards control, judged at a level and version.
    pub pss: bool,
}

const PSS: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
const RBAC: &str = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/";
const GOOD_PRACTICE: &str = "https://kubernetes.io/docs/concepts/security/security-checklist/";

/// Every rule.
pub static SPECS: &[Spec] = &[
    Spec {
        id: id::HOST_PROCESS,
        alias: "K8S-001",
        title: "HostProcess container",
        severity: High,
        description: "PSS baseline, HostProcess: `securityContext.windowsOptions.hostProcess` is true in the pod or a container, giving host-level access on Windows nodes. Unchanged 1.25-1.37. Peers: trivy:KSV-0103; checkov:none.",
        remediation: "Remove `hostProcess: true`.",
        pss: true,
    },
    Spec {
        id: id::HOST_NAMESPACES,
        alias: "K8S-002",
        title: "Host namespaces shared",
        severity: High,
        description: "PSS baseline, Host Namespaces: `hostNetwork`, `hostPID` or `hostIPC` is true. Unchanged 1.25-1.37. Peers: trivy:KSV-0008, KSV-0009, KSV-0010; checkov:CKV_K8S_17, CKV_K8S_18, CKV_K8S_19; kube-linter:host-network, host-pid, host-ipc.",
        remediation: "Remove them or set them to false.",
        pss: true,
    },
    Spec {
        id: id::PRIVILEGED_CONTAINER,
        alias: "K8S-003",
        title: "Privileged container",
        severity: High,
        description: "PSS baseline, Privileged Containers: `securityContext.privileged` is true. Unchanged 1.25-1.37. Peers: trivy:KSV-0017; checkov:CKV_K8S_16; kube-linter:privileged-container.",
        remediation: "Set `privileged: false`; grant only the capabilities needed.",
        pss: true,
    },
    Spec {
        id: id::CAPABILITIES_BEYOND_BASELINE,
        alias: "K8S-004",
        title: "Capabilities beyond the baseline set",
        severity: Medium,
        description: "PSS baseline, Capabilities: `capabilities.add` holds a name outside AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT, compared exactly as Kubernetes does (`CAP_CHOWN` is not in the set). Unchanged 1.25-1.37. Peers: trivy:KSV-0022; checkov:CKV_K8S_25.",
        remediation: "Drop the extra capabilities.",
        pss: true,
    },
    Spec {
        id: id::HOST_PATH_VOLUME,
        alias: "K8S-005",
        title: "hostPath volume",
        severity: Medium,
        description: "PSS baseline, HostPath Volumes: a volume mounts a host path. Unchanged 1.25-1.37. Peers: trivy:KSV-0023; kube-linter:host-mounts (related).",
        remediation: "Use emptyDir, configMap, secret or a PersistentVolumeClaim.",
        pss: true,
    },
    Spec {
        id: id::HOST_PORT,
        alias: "K8S-006",
        title: "Host port",
        severity: Medium,
        description: "PSS baseline, Host Ports: a container port sets a non-zero `hostPort`. Unchanged 1.25-1.37. Peers: trivy:KSV-0024; kube-linter:host-port (related).",
        remediation: "Remove `hostPort`; expose through a Service.",
        pss: true,
    },
    Spec {
        id: id::APPARMOR_UNCONFINED,
        alias: "K8S-007",
        title: "AppArmor disabled or overridden",
        severity: Medium,
        description: "PSS baseline, AppArmor: an `appArmorProfile.type` other than `RuntimeDefault` or `Localhost` (pod or container), or a `container.apparmor.security.beta.kubernetes.io/*` annotation other than `runtime/default` or `localhost/*`. Unchanged 1.25-1.37. Peers: trivy:KSV-0002.",
        remediation: "Use `RuntimeDefault` or a `Localhost` profile.",
        pss: true,
    },
    Spec {
        id: id::SELINUX_OPTIONS,
        alias: "K8S-008",
        title: "Custom SELinux options",
        severity: Medium,
        description: "PSS baseline, SELinux: `seLinuxOptions.type` is not empty, `container_t`, `container_init_t` or `container_kvm_t` (and `container_engine_t` from 1.31), or `user`/`role` is set. Peers: trivy:KSV-0025.",
        remediation: "Remove the custom SELinux user, role and type.",
        pss: true,
    },
    Spec {
        id: id::PROC_MOUNT_UNMASKED,
        alias: "K8S-009",
        title: "Unmasked /proc mount",
        severity: Medium,
        description: "PSS baseline, /proc Mount Type: `procMount` is not `Default`. Through 1.34 baseline forbids it outright; from 1.35 baseline allows it for pods with `hostUsers: false` (a user namespace) and restricted still forbids it. Peers: trivy:KSV-0027.",
        remediation: "Remove `procMount` (or set `Default`). Baseline from 1.35 allows another value in a user namespace (`hostUsers: false`); restricted never does.",
        pss: true,
    },
    Spec {
        id: id::SECCOMP_UNCONFINED,
        alias: "K8S-010",
        title: "Seccomp profile not allowed",
        severity: High,
        description: "PSS baseline, Seccomp: a seccomp profile type other than `RuntimeDefault` or `Localhost` (`Unconfined`) is set on the pod or a container. Unchanged 1.25-1.37. Peers: trivy:KSV-0104.",
        remediation: "Use `RuntimeDefault` or `Localhost`.",
        pss: true,
    },
    Spec {
        id: id::UNSAFE_SYSCTL,
        alias: "K8S-011",
        title: "Unsafe sysctl",
        severity: High,
        description: "PSS baseline, Sysctls: the pod sets a sysctl outside the safe set: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start; from 1.27 net.ipv4.ip_local_reserved_ports; from 1.29 net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes; from 1.32 net.ipv4.tcp_rmem, tcp_wmem; from 1.37 net.ipv4.tcp_slow_start_after_idle, tcp_notsent_lowat. Peers: trivy:KSV-0026.",
        remediation: "Remove the sysctl or move the workload to a dedicated node pool.",
        pss: true,
    },
    Spec {
        id: id::PROBE_HOST,
        alias: "K8S-012",
        title: "Probe or lifecycle hook with a host",
        severity: Medium,
        description: "PSS baseline, Probes / Lifecycle Hooks (from 1.34; not checked at earlier versions): an httpGet or tcpSocket probe or lifecycle hook sets `host`, which lets the kubelet reach other hosts on the pod's behalf. Peers: none yet.",
        remediation: "Remove `host`: probes target the pod itself.",
        pss: true,
    },
    Spec {
        id: id::RESTRICTED_VOLUME_TYPE,
        alias: "K8S-013",
        title: "Volume type not allowed in restricted",
        severity: Low,
        description: "PSS restricted, Volume Types: a volume is not configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret. Unchanged 1.25-1.37. Peers: trivy:KSV-0028.",
        remediation: "Use one of the allowed volume types.",
        pss: true,
    },
    Spec {
        id: id::PRIVILEGE_ESCALATION_ALLOWED,
        alias: "K8S-014",
        title: "Privilege escalation allowed",
        severity: Medium,
        description: "PSS restricted, Privilege Escalation: a container (init and ephemeral ones too) does not set `allowPrivilegeEscalation: false`. Pods with `spec.os.name: windows` are exempt. Unchanged 1.25-1.37. Peers: trivy:KSV-0001; checkov:CKV_K8S_20; kube-linter:privilege-escalation-container.",
        remediation: "Set `allowPrivilegeEscalation: false`.",
        pss: true,
    },
    Spec {
        id: id::RUN_AS_NON_ROOT_MISSING,
        alias: "K8S-015",
        title: "Not required to run as non-root",
        severity: Medium,
        description: "PSS restricted, Running as Non-root: the pod or a container sets `runAsNonRoot: false`, or a container leaves it unset without the pod setting it true. From 1.35 pods with `hostUsers: false` are exempt. Peers: trivy:KSV-0012; checkov:CKV_K8S_22 (related); kube-linter:run-as-non-root.",
        remediation: "Set `runAsNonRoot: true` in the pod securityContext.",
        pss: true,
    },
    Spec {
        id: id::RUN_AS_USER_ROOT,
        alias: "K8S-016",
        title: "Runs as UID 0",
        severity: High,
        description: "PSS restricted, Running as Non-root user: the pod or a container sets `runAsUser: 0`. From 1.35 pods with `hostUsers: false` are exempt. Peers: trivy:KSV-0105; checkov:CKV_K8S_40 (related).",
        remediation: "Use a UID above 0 (10000+ avoids host collisions).",
        pss: true,
    },
    Spec {
        id: id::SECCOMP_PROFILE_MISSING,
        alias: "K8S-017",
        title: "Seccomp profile not set",
        severity: Low,
        description: "PSS restricted, Seccomp: a container has no seccomp profile and the pod sets none (a profile set to another type is `seccomp-unconfined`). Pods with `spec.os.name: windows` are exempt. Unchanged 1.25-1.37. Peers: trivy:KSV-0030; checkov:CKV_K8S_31.",
        remediation: "Set `seccompProfile: {type: RuntimeDefault}` in the pod securityContext.",
        pss: true,
    },
    Spec {
        id: id::CAPABILITIES_NOT_DROPPED,
        alias: "K8S-018",
        title: "Capabilities not dropped",
        severity: Low,
        description: "PSS restricted, Capabilities: a container does not drop `ALL`, or adds anything but `NET_BIND_SERVICE` (names compared exactly). Pods with `spec.os.name: windows` are exempt. Unchanged 1.25-1.37. Peers: trivy:KSV-0003; checkov:CKV_K8S_37.",
        remediation: "`capabilities: {drop: [ALL]}`; add back only NET_BIND_SERVICE if needed.",
        pss: true,
    },
    Spec {
        id: id::RESOURCES_MISSING,
        alias: "K8S-019",
        title: "Resource requests or limits missing",
        severity: Low,
        description: "A container sets no CPU or memory request or limit: one pod can starve its node. Peers: trivy:KSV-0011, KSV-0015, KSV-0016, KSV-0018; checkov:CKV_K8S_10-13; kube-linter:unset-cpu-requirements, unset-memory-requirements.",
        remediation: "Set `resources.requests` and `resources.limits` for cpu and memory.",
        pss: false,
    },
    Spec {
        id: id::IMAGE_LATEST_TAG,
        alias: "K8S-020",
        title: "Image uses latest or no tag",
        severity: Medium,
        description: "The image has no tag or the `latest` tag: what runs changes without a manifest change. Peers: trivy:KSV-0013; checkov:CKV_K8S_14; kube-linter:latest-tag.",
        remediation: "Pin a version tag, better a digest.",
        pss: false,
    },
    Spec {
        id: id::IMAGE_WITHOUT_DIGEST,
        alias: "K8S-021",
        title: "Image not pinned by digest",
        severity: Low,
        description: "The image is referenced by tag only; tags are mutable. Peers: checkov:CKV_K8S_43.",
        remediation: "Reference the image as `name@sha256:...`.",
        pss: false,
    },
    Spec {
        id: id::SERVICE_ACCOUNT_TOKEN_AUTOMOUNT,
        alias: "K8S-022",
        title: "Service account token automounted",
        severity: Low,
        description: "`automountServiceAccountToken` is not false: every process in the pod can call the API server with the pod's identity. Peers: trivy:KSV-0036; checkov:CKV_K8S_38; kube-linter:no-automount-service-account-token (related).",
        remediation: "Set `automountServiceAccountToken: false` unless the pod calls the API.",
        pss: false,
    },
    Spec {
        id: id::DEFAULT_SERVICE_ACCOUNT,
        alias: "K8S-023",
        title: "Default service account",
        severity: Low,
        description: "The pod runs as the namespace's `default` service account. Peers: checkov:CKV_K8S_41; kube-linter:default-service-account.",
        remediation: "Create a dedicated service account and set `serviceAccountName`.",
        pss: false,
    },
    Spec {
        id: id::SECRET_IN_ENV,
        alias: "K8S-024",
        title: "Secret in an environment variable",
        severity: Critical,
        description: "An `env` entry has a literal value that is a credential (same rules as the secrets plugin) or a credential-like name with a literal value. Peers: checkov:CKV_K8S_35 (related); kube-linter:env-var-secret.",
        remediation: "Use `valueFrom.secretKeyRef`, or mount the Secret as a file.",
        pss: false,
    },
    Spec {
        id: id::RUNTIME_SOCKET_MOUNT,
        alias: "K8S-025",
        title: "Container runtime socket mounted",
        severity: Critical,
        description: "A hostPath volume mounts the Docker, containerd or CRI-O socket: full control of the node. Peers: trivy:KSV-0006; kube-linter:docker-sock.",
        remediation: "Do not mount the runtime socket.",
        pss: false,
    },
    Spec {
        id: id::SENSITIVE_HOST_PATH,
        alias: "K8S-026",
        title: "Sensitive host path mounted",
        severity: High,
        description: "A hostPath volume mounts `/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/dev`, `/var/run`, `/run`, `/var/lib/kubelet` or `/var/lib/docker`. Peers: trivy:KSV-0121; kube-linter:sensitive-host-mounts.",
        remediation: "Do not mount host system directories.",
        pss: false,
    },
    Spec {
        id: id::NET_RAW_CAPABILITY,
        alias: "K8S-027",
        title: "NET_RAW added",
        severity: Medium,
        description: "`capabilities.add` holds NET_RAW (or ALL): raw sockets allow spoofing on the pod network. Peers: trivy:KSV-0004 (related); kube-linter:drop-net-raw-capability (related).",
        remediation: "Do not add NET_RAW; drop ALL.",
        pss: false,
    },
    Spec {
        id: id::SYS_ADMIN_CAPABILITY,
        alias: "K8S-028",
        title: "SYS_ADMIN added",
        severity: High,
        description: "`capabilities.add` holds SYS_ADMIN (or ALL): close to privileged. Peers: trivy:KSV-0005; checkov:CKV_K8S_39.",
        remediation: "Do not add SYS_ADMIN.",
        pss: false,
    },
    Spec {
        id: id::SYS_MODULE_CAPABILITY,
        alias: "K8S-029",
        title: "SYS_MODULE added",
        severity: High,
        description: "`capabilities.add` holds SYS_MODULE (or ALL): kernel modules can be loaded. Peers: kube-linter:sensitive-capabilities (related).",
        remediation: "Do not add SYS_MODULE.",
        pss: false,
    },
    Spec {
        id: id::RBAC_WILDCARD,
        alias: "K8S-030",
        title: "RBAC wildcard",
        severity: High,
        description: "A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups. Peers: trivy:KSV-0044, KSV-0045, KSV-0046; kube-linter:wildcard-in-rules.",
        remediation: "List the verbs, resources and API groups needed.",
        pss: false,
    },
    Spec {
        id: id::RBAC_READ_SECRETS,
        alias: "K8S-031",
        title: "RBAC access to secrets",
        severity: High,
        description: "A rule grants get, list or watch on secrets. Peers: trivy:KSV-0041; kube-linter:access-to-secrets.",
        remediation: "Grant access to named secrets only (`resourceNames`), or avoid it.",
        pss: false,
    },
    Spec {
        id: id::RBAC_POD_EXEC,
        alias: "K8S-032",
        title: "RBAC exec or attach into pods",
        severity: High,
        description: "A rule grants create on pods/exec or pods/attach. Peers: trivy:KSV-0053; kube-linter:access-to-create-pods (related).",
        remediation: "Remove pods/exec and pods/attach.",
        pss: false,
    },
    Spec {
        id: id::RBAC_NODES_PROXY,
        alias: "K8S-033",
        title: "RBAC nodes/proxy",
        severity: High,
        description: "A rule grants access to nodes/proxy, which reaches the kubelet API. Peers: trivy:KSV-0047.",
        remediation: "Remove nodes/proxy.",
        pss: false,
    },
    Spec {
        id: id::RBAC_IMPERSONATE,
        alias: "K8S-034",
        title: "RBAC impersonate",
        severity: High,
        description: "A rule grants impersonate. Peers: trivy:KSV-0043.",
        remediation: "Remove impersonate.",
        pss: false,
    },
    Spec {
        id: id::RBAC_ESCALATE_OR_BIND,
        alias: "K8S-035",
        title: "RBAC escalate or bind",
        severity: High,
        description: "A rule grants escalate or bind, letting the holder grant itself more. Peers: trivy:KSV-0056 (related).",
        remediation: "Remove escalate and bind.",
        pss: false,
    },
    Spec {
        id: id::RBAC_CLUSTER_ADMIN_BINDING,
        alias: "K8S-036",
        title: "Binding to cluster-admin",
        severity: Critical,
        description: "A RoleBinding or ClusterRoleBinding grants cluster-admin. Peers: trivy:KSV-0111; kube-linter:cluster-admin-role-binding.",
        remediation: "Bind a role with the permissions needed.",
        pss: false,
    },
    Spec {
        id: id::RBAC_ANONYMOUS_BINDING,
        alias: "K8S-037",
        title: "Binding to anonymous or all authenticated users",
        severity: Critical,
        description: "A binding's subjects include system:anonymous, system:unauthenticated or system:authenticated. Peers: trivy:KSV-0112 (related).",
        remediation: "Bind named users, groups or service accounts.",
        pss: false,
    },
    Spec {
        id: id::LOAD_BALANCER_SERVICE,
        alias: "K8S-038",
        title: "LoadBalancer Service",
        severity: Info,
        description: "A Service of type LoadBalancer is reachable from outside the cluster (often from the internet). Peers: kube-linter:exposed-services (related).",
        remediation: "Make sure exposure is intended; restrict `loadBalancerSourceRanges`.",
        pss: false,
    },
    Spec {
        id: id::NODE_PORT_SERVICE,
        alias: "K8S-039",
        title: "NodePort Service",
        severity: Low,
        description: "A Service of type NodePort opens a port on every node. Peers: trivy:KSV-0117 (related); checkov:none.",
        remediation: "Use ClusterIP behind an Ingress or a LoadBalancer.",
        pss: false,
    },
    Spec {
        id: id::SERVICE_EXTERNAL_IPS,
        alias: "K8S-040",
        title: "Service externalIPs",
        severity: High,
        description: "A Service sets externalIPs, which can intercept traffic (CVE-2020-8554). Peers: none.",
        remediation: "Remove externalIPs; restrict them with an admission policy.",
        pss: false,
    },
    Spec {
        id: id::INGRESS_WITHOUT_TLS,
        alias: "K8S-041",
        title: "Ingress without TLS",
        severity: Medium,
        description: "An Ingress has no `tls` section: traffic reaches it in clear text. Peers: checkov:none.",
        remediation: "Add `spec.tls` with a certificate secret.",
        pss: false,
    },
    Spec {
        id: id::MANIFEST_PARSE_ERROR,
        alias: "K8S-042",
        title: "Manifest parse problem",
        severity: Low,
        description: "A YAML or JSON file that looks like a manifest could not be read (syntax error, alias bomb, too deep): it was not checked.",
        remediation: "Fix the syntax; `kubectl apply --dry-run=client` shows the same.",
        pss: false,
    },
];

/// The spec of rule `id`.
pub fn spec(id: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|spec| spec.id == id)
}

/// The rules as plugin rules.
pub fn plugin_rules() -> Vec<Rule> {
    SPECS
        .iter()
        .map(|spec| {
            let reference = if spec.pss {
                PSS
            } else if spec.id.starts_with("rbac-") {
                RBAC
            } else {
                GOOD_PRACTICE
            };
            Rule::new(spec.id, spec.title, spec.severity)
                .alias(spec.alias)
                .description(spec.description)
                .remediation(spec.remediation)
                .reference(reference)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_aliases_are_unique_and_readable() {
        let mut seen = HashSet::new();
        for spec in SPECS {
            assert!(seen.insert(spec.id), "{} twice", spec.id);
            assert!(seen.insert(spec.alias), "{} twice", spec.alias);
            assert!(
                spec.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                spec.id
            );
        }
        assert_eq!(SPECS.len(), 42);
        assert_eq!(SPECS.iter().filter(|s| s.pss).count(), 18);
    }
}
