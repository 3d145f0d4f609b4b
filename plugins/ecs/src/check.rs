//! The checks over one task definition: task-level settings (namespaces,
//! roles, volumes), then each container definition. Every check adds
//! [`Hits`] located by line and field path.

use bulkhead_sdk::doc::{Hits, Node};
use bulkhead_sdk::secrets::{VariableSecret, classify_variable};

use crate::rules::id;

/// Checks a task definition whose fields sit under `prefix` (empty for the
/// `register-task-definition` shape, `taskDefinition.` for the
/// `describe-task-definition` output).
pub fn check_task(task: &Node, prefix: &str, hits: &mut Hits) {
    check_namespaces(task, prefix, hits);
    check_roles(task, prefix, hits);
    check_volumes(task, prefix, hits);
    let task_memory = task.get("memory").is_some();
    for (index, container) in task
        .get("containerDefinitions")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("{prefix}containerDefinitions[{index}]");
        check_container(container, &at, task_memory, hits);
    }
}

fn check_namespaces(task: &Node, prefix: &str, hits: &mut Hits) {
    for (key, rule) in [
        ("pidMode", id::HOST_PID),
        ("ipcMode", id::HOST_IPC),
        ("networkMode", id::HOST_NETWORK),
    ] {
        if task.get(key).and_then(Node::str) == Some("host") {
            hits.push(
                rule,
                format!("{key} is host"),
                task.line_of(key),
                format!("{prefix}{key}"),
            );
        }
    }
}

fn check_roles(task: &Node, prefix: &str, hits: &mut Hits) {
    let role = task.get("taskRoleArn").and_then(Node::str);
    if role.is_some() && role == task.get("executionRoleArn").and_then(Node::str) {
        hits.push(
            id::SHARED_ROLE,
            "taskRoleArn and executionRoleArn are the same role",
            task.line_of("executionRoleArn"),
            format!("{prefix}executionRoleArn"),
        );
    }
}

fn check_volumes(task: &Node, prefix: &str, hits: &mut Hits) {
    let volumes = task.get("volumes").map(Node::items).unwrap_or_default();
    for (index, volume) in volumes.iter().enumerate() {
        if let Some(efs) = volume.get("efsVolumeConfiguration")
            && efs.get("transitEncryption").and_then(Node::str) != Some("ENABLED")
        {
            hits.push(
                id::EFS_UNENCRYPTED,
                "EFS volume without transit encryption",
                efs.line_of("transitEncryption"),
                format!("{prefix}volumes[{index}].efsVolumeConfiguration.transitEncryption"),
            );
        }
    }
}

/// Checks one container definition found at field path `at`.
fn check_container(container: &Node, at: &str, task_memory: bool, hits: &mut Hits) {
    // A setting that is missing is reported at the container's name.
    let name_line = container.line_of("name");
    let line_or_name = |key: &str| container.key_line(key).unwrap_or(name_line);
    if container.get("privileged").and_then(Node::bool) == Some(true) {
        hits.push(
            id::PRIVILEGED,
            "the container is privileged",
            container.line_of("privileged"),
            format!("{at}.privileged"),
        );
    }
    if container.get("readonlyRootFilesystem").and_then(Node::bool) != Some(true) {
        hits.push(
            id::WRITABLE_ROOT,
            "readonlyRootFilesystem is not true",
            line_or_name("readonlyRootFilesystem"),
            format!("{at}.readonlyRootFilesystem"),
        );
    }
    let user = container.get("user").and_then(Node::str);
    if user.is_none_or(|u| matches!(u.split(':').next(), Some("root" | "0" | ""))) {
        hits.push(
            id::ROOT_USER,
            format!(
                "the container runs as {}",
                user.unwrap_or("root (no user set)")
            ),
            line_or_name("user"),
            format!("{at}.user"),
        );
    }
    if container.get("logConfiguration").is_none() {
        hits.push(
            id::NO_LOGGING,
            "no logConfiguration",
            name_line,
            format!("{at}.logConfiguration"),
        );
    }
    if !task_memory
        && container.get("memory").is_none()
        && container.get("memoryReservation").is_none()
    {
        hits.push(
            id::NO_MEMORY_LIMIT,
            "no memory limit on the container or the task",
            name_line,
            format!("{at}.memory"),
        );
    }
    check_environment(container, at, hits);
    check_capabilities(container, at, name_line, hits);
}

/// One literal `environment` entry: the only values of a container
/// definition that can hold a plaintext secret.
struct Variable<'a> {
    index: usize,
    name: &'a str,
    value: &'a str,
    line: u32,
}

/// The literal variables of `environment`. `secrets` (whose `valueFrom`
/// names a Secrets Manager secret or an SSM parameter), `environmentFiles`
/// (S3 object ARNs) and `repositoryCredentials` are references that ECS
/// resolves at launch: they are deliberately not read, so they never
/// reach secret detection.
fn literal_variables(container: &Node) -> Vec<Variable<'_>> {
    let entries = container
        .get("environment")
        .map(Node::items)
        .unwrap_or_default();
    entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            Some(Variable {
                index,
                name: entry.get("name").and_then(Node::str)?,
                value: entry.get("value").and_then(Node::str)?,
                line: entry.line_of("value"),
            })
        })
        .collect()
}

fn check_environment(container: &Node, at: &str, hits: &mut Hits) {
    for variable in literal_variables(container) {
        let field = format!("{at}.environment[{}].value", variable.index);
        match classify_variable(variable.name, variable.value) {
            Some(VariableSecret::Value(found)) => hits.push_secret(
                id::SECRET_IN_ENVIRONMENT,
                format!(
                    "{} in environment variable {}",
                    found.rule.title, variable.name
                ),
                variable.line,
                field,
                found.secret,
            ),
            Some(VariableSecret::Name) => hits.push(
                id::SECRET_IN_ENVIRONMENT,
                format!(
                    "environment variable {} is named like a secret and has a literal value",
                    variable.name
                ),
                variable.line,
                field,
            ),
            None => {}
        }
    }
}

fn check_capabilities(container: &Node, at: &str, name_line: u32, hits: &mut Hits) {
    let capabilities = container
        .get("linuxParameters")
        .and_then(|l| l.get("capabilities"));
    let added = capabilities
        .and_then(|c| c.get("add"))
        .map(Node::items)
        .unwrap_or_default();
    for (index, capability) in added.iter().enumerate() {
        let name = capability.str().unwrap_or("").trim_start_matches("CAP_");
        if matches!(name, "SYS_ADMIN" | "NET_ADMIN" | "ALL") {
            hits.push(
                id::DANGEROUS_CAPABILITY,
                format!("adds capability {name}"),
                capability.line,
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
        hits.push(
            id::CAPABILITIES_NOT_DROPPED,
            "capabilities do not drop ALL",
            capabilities.map_or(name_line, |c| c.line_of("drop")),
            format!("{at}.linuxParameters.capabilities.drop"),
        );
    }
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::doc::{self, Hit};

    use super::*;

    fn hits_of(json: &str) -> Vec<Hit> {
        let documents = doc::parse(json, doc::Limits::default()).expect("parses");
        let mut hits = Hits::new();
        check_task(&documents[0], "", &mut hits);
        hits.into_vec()
    }

    fn rules(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.rule.as_str()).collect()
    }

    const HARDENED: &str = r#""user": "10001", "readonlyRootFilesystem": true,
        "logConfiguration": {"logDriver": "awslogs"},
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}}"#;

    #[test]
    fn secret_references_never_reach_secret_detection() {
        let task = format!(
            r#"{{"family": "web", "memory": "512", "containerDefinitions": [{{
            "name": "web", {HARDENED},
            "secrets": [
              {{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"}},
              {{"name": "API_TOKEN", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-token"}},
              {{"name": "SIGNING_KEY", "valueFrom": "/prod/signing-key"}}
            ],
            "environmentFiles": [{{"value": "arn:aws:s3:::config-bucket/prod/app.env", "type": "s3"}}],
            "repositoryCredentials": {{"credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-XyZ123"}}
            }}]}}"#
        );
        assert_eq!(rules(&hits_of(&task)), Vec::<&str>::new());
    }

    #[test]
    fn literal_environment_values_are_checked_with_their_place() {
        let task = format!(
            r#"{{"family": "api", "memory": "512", "containerDefinitions": [{{
"name": "api", {HARDENED},
"environment": [
  {{"name": "LOG_LEVEL", "value": "debug"}},
  {{"name": "AWS_ACCESS_KEY_ID", "value": "AKIA2OGYBAH6RKWQLQ7P"}}
]
}}]}}"#
        );
        let hits = hits_of(&task);
        assert_eq!(rules(&hits), vec![id::SECRET_IN_ENVIRONMENT]);
        assert_eq!(hits[0].lines, Some((7, 7)));
        assert_eq!(
            hits[0].field.as_deref(),
            Some("containerDefinitions[0].environment[1].value")
        );
        assert_eq!(hits[0].secret.as_deref(), Some("AKIA2OGYBAH6RKWQLQ7P"));
    }

    #[test]
    fn missing_settings_are_reported_at_the_container_name() {
        let hits = hits_of(
            "{\"containerDefinitions\": [\n  {\"name\": \"bare\",\n   \"image\": \"x:1\"}\n]}",
        );
        let mut found = rules(&hits);
        found.sort_unstable();
        assert_eq!(
            found,
            vec![
                id::CAPABILITIES_NOT_DROPPED,
                id::NO_LOGGING,
                id::NO_MEMORY_LIMIT,
                id::ROOT_USER,
                id::WRITABLE_ROOT,
            ]
        );
        assert!(hits.iter().all(|h| h.lines == Some((2, 2))), "{hits:?}");
    }
}
