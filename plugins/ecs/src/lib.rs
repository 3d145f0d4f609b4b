//! Curated plugin `ecs`: checks AWS ECS task definitions in JSON, the
//! `aws ecs register-task-definition` input shape and the
//! `describe-task-definition` output shape (with its `taskDefinition`
//! wrapper), with lines and field paths. Covers the task-definition
//! controls of AWS Security Hub (ECS.1-ECS.9 and related), which neither
//! Trivy nor Checkov fully check on task-definition JSON.

use bulkhead_sdk::doc::{self, Node};
use bulkhead_sdk::secrets::{VariableSecret, classify_variable};
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

/// Largest task definition read.
const MAX_SIZE: u64 = 16 << 20;
const SH: &str = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html";
type Spec = (
    &'static str,
    &'static str,
    Severity,
    &'static str,
    &'static str,
);

static SPECS: &[Spec] = &[
    (
        "ECS-001",
        "Privileged container",
        Severity::High,
        "A container definition sets `privileged: true`. Peers: Security Hub ECS.4 (Trivy and Checkov check it on CloudFormation and Terraform only).",
        "Remove `privileged`; add only the Linux capabilities needed.",
    ),
    (
        "ECS-002",
        "Root filesystem is writable",
        Severity::Medium,
        "`readonlyRootFilesystem` is not true. Peers: Security Hub ECS.5.",
        "Set `readonlyRootFilesystem: true`; mount volumes for writable paths.",
    ),
    (
        "ECS-003",
        "Container runs as root",
        Severity::Medium,
        "The container sets no `user`, or `root`/`0`. Peers: Security Hub ECS.1 (with host networking), checkov:none.",
        "Set `user` to a non-root UID.",
    ),
    (
        "ECS-004",
        "Host PID namespace",
        Severity::High,
        "`pidMode` is `host`: containers see every process of the instance. Peers: Security Hub ECS.3.",
        "Remove `pidMode` or use `task`.",
    ),
    (
        "ECS-005",
        "Host IPC namespace",
        Severity::High,
        "`ipcMode` is `host`. Peers: none.",
        "Remove `ipcMode` or use `task`/`none`.",
    ),
    (
        "ECS-006",
        "Host networking",
        Severity::Medium,
        "`networkMode` is `host`: containers share the instance's network stack. Peers: Security Hub ECS.1.",
        "Use `awsvpc`.",
    ),
    (
        "ECS-007",
        "Plaintext secret in environment",
        Severity::Critical,
        "An `environment` entry holds a credential (same rules as the secrets plugin) or is named like one with a literal value. Peers: Security Hub ECS.8.",
        "Use `secrets` with Secrets Manager or SSM Parameter Store `valueFrom`.",
    ),
    (
        "ECS-008",
        "No log configuration",
        Severity::Low,
        "The container has no `logConfiguration`. Peers: Security Hub ECS.9.",
        "Set `logConfiguration` (awslogs, firelens).",
    ),
    (
        "ECS-009",
        "No memory limit",
        Severity::Low,
        "Neither the container (`memory`/`memoryReservation`) nor the task sets memory. Peers: none.",
        "Set `memory` on the container or the task.",
    ),
    (
        "ECS-010",
        "Dangerous capability added",
        Severity::High,
        "`linuxParameters.capabilities.add` holds SYS_ADMIN, NET_ADMIN or ALL. Peers: none.",
        "Remove the capability.",
    ),
    (
        "ECS-011",
        "Capabilities not dropped",
        Severity::Low,
        "`linuxParameters.capabilities.drop` does not hold ALL. Peers: none.",
        "Drop ALL and add back what is needed.",
    ),
    (
        "ECS-012",
        "EFS volume without transit encryption",
        Severity::Medium,
        "An EFS volume does not set `transitEncryption: ENABLED`. Peers: checkov:CKV_AWS_97 (CloudFormation and Terraform).",
        "Set `efsVolumeConfiguration.transitEncryption` to `ENABLED`.",
    ),
    (
        "ECS-013",
        "Same role for task and execution",
        Severity::Medium,
        "`taskRoleArn` equals `executionRoleArn`: the application gets the permissions ECS needs to pull images and read secrets. Peers: none.",
        "Use separate roles.",
    ),
    (
        "ECS-014",
        "Task definition parse problem",
        Severity::Low,
        "A JSON file naming containerDefinitions could not be parsed: it was not checked.",
        "Fix the JSON syntax.",
    ),
];

struct Ecs;

impl Plugin for Ecs {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "ecs",
            env!("CARGO_PKG_VERSION"),
            "Checks AWS ECS task definitions: privileged and root containers, writable root filesystems, host namespaces and networking, secrets in environment, logging, memory, capabilities, EFS transit encryption, role separation.",
        )
        .rules(SPECS.iter().map(|(id, title, severity, description, remediation)| {
            Rule::new(id, title, *severity).description(description).remediation(remediation).reference(SH)
        }))
        .interests(Interests::files(["**/*.json", "*.json"]).keywords(["containerdefinitions"]).max_file_size(MAX_SIZE))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let text = file.read_text(MAX_SIZE)?;
        let documents = match doc::parse(&text, doc::Limits::default()) {
            Ok(documents) => documents,
            Err(error) => {
                out.finding(
                    Finding::new(
                        "ECS-014",
                        format!("cannot parse the task definition: {}", error.message),
                    )
                    .line(error.line.max(1)),
                );
                return Ok(());
            }
        };
        let mut findings = Vec::new();
        for document in &documents {
            let (task, prefix) = match document.get("taskDefinition") {
                Some(inner) => (inner, "taskDefinition."),
                None => (document.as_ref(), ""),
            };
            if task.get("containerDefinitions").is_some() {
                check_task(task, prefix, &mut findings);
            }
        }
        for finding in findings {
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }
}

fn hit(findings: &mut Vec<Finding>, rule: &str, message: String, line: u32, field: String) {
    findings.push(Finding::new(rule, message).line(line).field_path(field));
}

fn line_of(node: &Node, key: &str) -> u32 {
    node.key_line(key).unwrap_or(node.line)
}

fn check_task(task: &Node, prefix: &str, findings: &mut Vec<Finding>) {
    for (key, rule) in [
        ("pidMode", "ECS-004"),
        ("ipcMode", "ECS-005"),
        ("networkMode", "ECS-006"),
    ] {
        if task.get(key).and_then(Node::str) == Some("host") {
            hit(
                findings,
                rule,
                format!("{key} is host"),
                line_of(task, key),
                format!("{prefix}{key}"),
            );
        }
    }
    let role = task.get("taskRoleArn").and_then(Node::str);
    if role.is_some() && role == task.get("executionRoleArn").and_then(Node::str) {
        hit(
            findings,
            "ECS-013",
            "taskRoleArn and executionRoleArn are the same role".into(),
            line_of(task, "executionRoleArn"),
            format!("{prefix}executionRoleArn"),
        );
    }
    for (index, volume) in task
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(efs) = volume.get("efsVolumeConfiguration")
            && efs.get("transitEncryption").and_then(Node::str) != Some("ENABLED")
        {
            hit(
                findings,
                "ECS-012",
                "EFS volume without transit encryption".into(),
                line_of(efs, "transitEncryption"),
                format!("{prefix}volumes[{index}].efsVolumeConfiguration.transitEncryption"),
            );
        }
    }
    let task_memory = task.get("memory").is_some();
    for (index, container) in task
        .get("containerDefinitions")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        check_container(
            container,
            &format!("{prefix}containerDefinitions[{index}]"),
            task_memory,
            findings,
        );
    }
}

fn check_container(container: &Node, at: &str, task_memory: bool, findings: &mut Vec<Finding>) {
    let name_line = line_of(container, "name");
    if container.get("privileged").and_then(Node::bool) == Some(true) {
        hit(
            findings,
            "ECS-001",
            "the container is privileged".into(),
            line_of(container, "privileged"),
            format!("{at}.privileged"),
        );
    }
    if container.get("readonlyRootFilesystem").and_then(Node::bool) != Some(true) {
        hit(
            findings,
            "ECS-002",
            "readonlyRootFilesystem is not true".into(),
            container
                .key_line("readonlyRootFilesystem")
                .unwrap_or(name_line),
            format!("{at}.readonlyRootFilesystem"),
        );
    }
    let user = container.get("user").and_then(Node::str);
    if user.is_none_or(|u| matches!(u.split(':').next(), Some("root" | "0" | ""))) {
        hit(
            findings,
            "ECS-003",
            format!(
                "the container runs as {}",
                user.unwrap_or("root (no user set)")
            ),
            container.key_line("user").unwrap_or(name_line),
            format!("{at}.user"),
        );
    }
    if container.get("logConfiguration").is_none() {
        hit(
            findings,
            "ECS-008",
            "no logConfiguration".into(),
            name_line,
            format!("{at}.logConfiguration"),
        );
    }
    if !task_memory
        && container.get("memory").is_none()
        && container.get("memoryReservation").is_none()
    {
        hit(
            findings,
            "ECS-009",
            "no memory limit on the container or the task".into(),
            name_line,
            format!("{at}.memory"),
        );
    }
    let variables = container
        .get("environment")
        .map(Node::items)
        .unwrap_or_default();
    for (index, variable) in variables.iter().enumerate() {
        let (Some(name), Some(value)) = (
            variable.get("name").and_then(Node::str),
            variable.get("value").and_then(Node::str),
        ) else {
            continue;
        };
        let field = format!("{at}.environment[{index}].value");
        let line = line_of(variable, "value");
        match classify_variable(name, value) {
            Some(VariableSecret::Value(found)) => findings.push(
                Finding::new(
                    "ECS-007",
                    format!("{} in environment variable {name}", found.rule.title),
                )
                .line(line)
                .field_path(field)
                .secret(found.secret),
            ),
            Some(VariableSecret::Name) => hit(
                findings,
                "ECS-007",
                format!(
                    "environment variable {name} is named like a secret and has a literal value"
                ),
                line,
                field,
            ),
            None => {}
        }
    }
    let capabilities = container
        .get("linuxParameters")
        .and_then(|l| l.get("capabilities"));
    for (index, cap) in capabilities
        .and_then(|c| c.get("add"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let name = cap.str().unwrap_or("").trim_start_matches("CAP_");
        if matches!(name, "SYS_ADMIN" | "NET_ADMIN" | "ALL") {
            hit(
                findings,
                "ECS-010",
                format!("adds capability {name}"),
                cap.line,
                format!("{at}.linuxParameters.capabilities.add[{index}]"),
            );
        }
    }
    let drops_all = capabilities
        .and_then(|c| c.get("drop"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|c| c.str() == Some("ALL"));
    if !drops_all {
        let line = capabilities.map_or(name_line, |c| line_of(c, "drop"));
        hit(
            findings,
            "ECS-011",
            "capabilities do not drop ALL".into(),
            line,
            format!("{at}.linuxParameters.capabilities.drop"),
        );
    }
}

export_plugin!(Ecs);
