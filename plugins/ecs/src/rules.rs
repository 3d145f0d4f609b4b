//! The rule catalogue: id, the numbered id it replaced (kept as an alias so
//! suppressions written against it still match), title, severity, what it
//! checks with the peers' ids, and how to fix it.

use bulkhead_sdk::{Rule, Severity};

/// AWS Security Hub's ECS controls, the reference of every rule.
const SECURITY_HUB: &str =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html";

/// One rule.
pub struct Spec {
    /// Rule id, saying what it checks.
    pub id: &'static str,
    /// The numbered id it had before (`ECS-001`).
    pub alias: &'static str,
    /// Title.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What it checks, with the peers' ids.
    pub description: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
}

/// Rule ids, named once for the checks.
pub mod id {
    /// `privileged: true`.
    pub const PRIVILEGED: &str = "privileged-container";
    /// `readonlyRootFilesystem` not true.
    pub const WRITABLE_ROOT: &str = "writable-root-filesystem";
    /// No `user`, or root.
    pub const ROOT_USER: &str = "root-user";
    /// `pidMode: host`.
    pub const HOST_PID: &str = "host-pid-namespace";
    /// `ipcMode: host`.
    pub const HOST_IPC: &str = "host-ipc-namespace";
    /// `networkMode: host`.
    pub const HOST_NETWORK: &str = "host-network";
    /// A credential in `environment`.
    pub const SECRET_IN_ENVIRONMENT: &str = "secret-in-environment";
    /// No `logConfiguration`.
    pub const NO_LOGGING: &str = "no-log-configuration";
    /// No memory limit.
    pub const NO_MEMORY_LIMIT: &str = "no-memory-limit";
    /// SYS_ADMIN, NET_ADMIN or ALL added.
    pub const DANGEROUS_CAPABILITY: &str = "dangerous-capability";
    /// ALL not dropped.
    pub const CAPABILITIES_NOT_DROPPED: &str = "capabilities-not-dropped";
    /// EFS without transit encryption.
    pub const EFS_UNENCRYPTED: &str = "efs-without-transit-encryption";
    /// Task role equals execution role.
    pub const SHARED_ROLE: &str = "shared-task-execution-role";
    /// The file could not be parsed.
    pub const PARSE_ERROR: &str = "parse-error";
}

/// Every rule of the plugin.
pub static SPECS: &[Spec] = &[
    Spec {
        id: id::PRIVILEGED,
        alias: "ECS-001",
        title: "Privileged container",
        severity: Severity::High,
        description: "A container definition sets `privileged: true`. Peers: Security Hub ECS.4 (Trivy and Checkov check it on CloudFormation and Terraform only).",
        remediation: "Remove `privileged`; add only the Linux capabilities needed.",
    },
    Spec {
        id: id::WRITABLE_ROOT,
        alias: "ECS-002",
        title: "Root filesystem is writable",
        severity: Severity::Medium,
        description: "`readonlyRootFilesystem` is not true. Peers: Security Hub ECS.5.",
        remediation: "Set `readonlyRootFilesystem: true`; mount volumes for writable paths.",
    },
    Spec {
        id: id::ROOT_USER,
        alias: "ECS-003",
        title: "Container runs as root",
        severity: Severity::Medium,
        description: "The container sets no `user`, or `root`/`0`. Peers: Security Hub ECS.1 (with host networking), checkov:none.",
        remediation: "Set `user` to a non-root UID.",
    },
    Spec {
        id: id::HOST_PID,
        alias: "ECS-004",
        title: "Host PID namespace",
        severity: Severity::High,
        description: "`pidMode` is `host`: containers see every process of the instance. Peers: Security Hub ECS.3.",
        remediation: "Remove `pidMode` or use `task`.",
    },
    Spec {
        id: id::HOST_IPC,
        alias: "ECS-005",
        title: "Host IPC namespace",
        severity: Severity::High,
        description: "`ipcMode` is `host`. Peers: none.",
        remediation: "Remove `ipcMode` or use `task`/`none`.",
    },
    Spec {
        id: id::HOST_NETWORK,
        alias: "ECS-006",
        title: "Host networking",
        severity: Severity::Medium,
        description: "`networkMode` is `host`: containers share the instance's network stack. Peers: Security Hub ECS.1.",
        remediation: "Use `awsvpc`.",
    },
    Spec {
        id: id::SECRET_IN_ENVIRONMENT,
        alias: "ECS-007",
        title: "Plaintext secret in environment",
        severity: Severity::Critical,
        description: "An `environment` entry holds a credential (same rules as the secrets plugin) or is named like one with a literal value. `secrets` entries (`valueFrom` a Secrets Manager or SSM Parameter Store ARN or name), `environmentFiles` and `repositoryCredentials` are references ECS resolves at launch: they are never checked as secrets. Peers: Security Hub ECS.8.",
        remediation: "Use `secrets` with Secrets Manager or SSM Parameter Store `valueFrom`.",
    },
    Spec {
        id: id::NO_LOGGING,
        alias: "ECS-008",
        title: "No log configuration",
        severity: Severity::Low,
        description: "The container has no `logConfiguration`. Peers: Security Hub ECS.9.",
        remediation: "Set `logConfiguration` (awslogs, firelens).",
    },
    Spec {
        id: id::NO_MEMORY_LIMIT,
        alias: "ECS-009",
        title: "No memory limit",
        severity: Severity::Low,
        description: "Neither the container (`memory`/`memoryReservation`) nor the task sets memory. Peers: none.",
        remediation: "Set `memory` on the container or the task.",
    },
    Spec {
        id: id::DANGEROUS_CAPABILITY,
        alias: "ECS-010",
        title: "Dangerous capability added",
        severity: Severity::High,
        description: "`linuxParameters.capabilities.add` holds SYS_ADMIN, NET_ADMIN or ALL. Peers: none.",
        remediation: "Remove the capability.",
    },
    Spec {
        id: id::CAPABILITIES_NOT_DROPPED,
        alias: "ECS-011",
        title: "Capabilities not dropped",
        severity: Severity::Low,
        description: "`linuxParameters.capabilities.drop` does not hold ALL. Peers: none.",
        remediation: "Drop ALL and add back what is needed.",
    },
    Spec {
        id: id::EFS_UNENCRYPTED,
        alias: "ECS-012",
        title: "EFS volume without transit encryption",
        severity: Severity::Medium,
        description: "An EFS volume does not set `transitEncryption: ENABLED`. Peers: checkov:CKV_AWS_97 (CloudFormation and Terraform).",
        remediation: "Set `efsVolumeConfiguration.transitEncryption` to `ENABLED`.",
    },
    Spec {
        id: id::SHARED_ROLE,
        alias: "ECS-013",
        title: "Same role for task and execution",
        severity: Severity::Medium,
        description: "`taskRoleArn` equals `executionRoleArn`: the application gets the permissions ECS needs to pull images and read secrets. Peers: none.",
        remediation: "Use separate roles.",
    },
    Spec {
        id: id::PARSE_ERROR,
        alias: "ECS-014",
        title: "Task definition parse problem",
        severity: Severity::Low,
        description: "A JSON file naming containerDefinitions could not be parsed: it was not checked.",
        remediation: "Fix the JSON syntax.",
    },
];

/// The rules as the plugin declares them, each with its old id as alias.
pub fn plugin_rules() -> Vec<Rule> {
    SPECS
        .iter()
        .map(|spec| {
            Rule::new(spec.id, spec.title, spec.severity)
                .alias(spec.alias)
                .description(spec.description)
                .remediation(spec.remediation)
                .reference(SECURITY_HUB)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_aliases_are_unique_and_every_old_number_is_kept() {
        let mut ids: Vec<&str> = SPECS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SPECS.len());
        let aliases: Vec<&str> = SPECS.iter().map(|s| s.alias).collect();
        let expected: Vec<String> = (1..=14).map(|n| format!("ECS-{n:03}")).collect();
        assert_eq!(aliases, expected);
        for spec in SPECS {
            assert!(
                spec.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not a descriptive id",
                spec.id
            );
        }
    }
}
