//! The values the Pod Security Standards allow, by Kubernetes version, as
//! kubernetes/pod-security-admission's `policy/check_*.go` define them.

use crate::policy::Version;

/// Capabilities baseline lets a container add (exact names: `CAP_CHOWN`
/// is not `CHOWN`). Unchanged since 1.0.
pub const BASELINE_CAPABILITIES: &[&str] = &[
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

/// The safe sysctls and the minor version each became safe in.
pub const SAFE_SYSCTLS: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

/// The SELinux types allowed and the minor version each was allowed from.
pub const SELINUX_TYPES: &[(&str, u32)] = &[
    ("", 0),
    ("container_t", 0),
    ("container_init_t", 0),
    ("container_kvm_t", 0),
    ("container_engine_t", 31),
];

/// The volume sources restricted allows (unchanged in the versions known).
pub const RESTRICTED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Seccomp and AppArmor profile types baseline allows when one is set.
pub const PROFILE_TYPES: &[&str] = &["RuntimeDefault", "Localhost"];

/// The first version in which probes and lifecycle hooks may not set `host`.
pub const PROBE_HOST_SINCE: u32 = 34;

/// The first version in which pods with `hostUsers: false` (a user
/// namespace) may unmask /proc under baseline and run as root under
/// restricted.
pub const USER_NAMESPACE_RELAXATION_SINCE: u32 = 35;

/// The versions at which some control changes, oldest first, from the
/// oldest known on: a pod fails the same controls from one to the next.
pub fn change_points() -> Vec<Version> {
    let mut minors: Vec<u32> = SAFE_SYSCTLS
        .iter()
        .chain(SELINUX_TYPES)
        .map(|(_, since)| *since)
        .chain([PROBE_HOST_SINCE, USER_NAMESPACE_RELAXATION_SINCE])
        .collect();
    minors.sort_unstable();
    minors.dedup();
    let mut points = vec![Version::OLDEST];
    points.extend(
        minors
            .into_iter()
            .filter_map(Version::new)
            .filter(|v| *v > Version::OLDEST),
    );
    points
}

/// True if sysctl `name` is safe at `version`.
pub fn safe_sysctl(name: &str, version: Version) -> bool {
    SAFE_SYSCTLS
        .iter()
        .any(|(safe, since)| *safe == name && version.at_least(*since))
}

/// True if SELinux type `kind` is allowed at `version`.
pub fn selinux_type_allowed(kind: &str, version: Version) -> bool {
    SELINUX_TYPES
        .iter()
        .any(|(allowed, since)| *allowed == kind && version.at_least(*since))
}

/// True for an AppArmor annotation value baseline allows: empty,
/// `runtime/default` or `localhost/<profile>`.
pub fn apparmor_annotation_allowed(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctls_and_selinux_types_follow_the_versions() {
        let at = |minor| Version::new(minor).expect("known");
        assert!(!safe_sysctl("net.ipv4.ip_local_reserved_ports", at(26)));
        assert!(safe_sysctl("net.ipv4.ip_local_reserved_ports", at(27)));
        assert!(!safe_sysctl("net.ipv4.tcp_rmem", at(31)));
        assert!(safe_sysctl("net.ipv4.tcp_rmem", at(32)));
        assert!(!safe_sysctl("net.ipv4.tcp_notsent_lowat", at(36)));
        assert!(safe_sysctl("net.ipv4.tcp_notsent_lowat", at(37)));
        assert!(!safe_sysctl("kernel.msgmax", at(37)));
        assert!(!selinux_type_allowed("container_engine_t", at(30)));
        assert!(selinux_type_allowed("container_engine_t", at(31)));
        assert!(!selinux_type_allowed("spc_t", at(37)));
        assert!(apparmor_annotation_allowed("localhost/custom"));
        assert!(!apparmor_annotation_allowed("unconfined"));
        let points: Vec<u32> = change_points().iter().map(|v| v.minor()).collect();
        assert_eq!(points, [25, 27, 29, 31, 32, 34, 35, 37]);
    }
}
