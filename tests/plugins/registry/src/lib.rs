//! Test plugin: the check of examples/python-plugin and examples/js-plugin
//! (credentials in plain text in `.npmrc` and `.pypirc` files), line for
//! line the same, so that the e2e tests can check the three languages give
//! the same findings and docs/polyglot.md can compare their costs.
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};

const RULE: &str = "plaintext-registry-credential";
const MAX_FILE_SIZE: u64 = 64 * 1024;
const NPM_KEYS: [&str; 3] = ["_authToken", "_auth", "_password"];

struct Registry;

fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\r'])
}

fn unquote(value: &str) -> &str {
    let bytes = value.as_bytes();
    if bytes.len() >= 2 && bytes[0] == bytes[bytes.len() - 1] && matches!(bytes[0], b'"' | b'\'') {
        return &value[1..value.len() - 1];
    }
    value
}

/// `${NAME}`: expanded from the environment, no secret in the file.
fn is_env_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}') && value.len() > 3
}

fn split_assignment<'a>(line: &'a str, separators: &[char]) -> Option<(&'a str, &'a str)> {
    let at = line.find(separators)?;
    Some((trim(&line[..at]), trim(&line[at + 1..])))
}

/// (line number, field path, value) of every literal credential.
fn credentials(kind: &str, text: &str) -> Vec<(u32, String, String)> {
    let mut found = Vec::new();
    let mut section = String::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = trim(raw);
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            section = trim(rest.split(']').next().unwrap_or_default()).to_string();
            continue;
        }
        let (field, value) = if kind == "npm" {
            let Some((key, value)) = split_assignment(line, &['=']) else {
                continue;
            };
            let name = key.rsplit(':').next().unwrap_or(key);
            if !NPM_KEYS.contains(&name) {
                continue;
            }
            (key.to_string(), value)
        } else {
            let Some((key, value)) = split_assignment(line, &['=', ':']) else {
                continue;
            };
            if key.to_lowercase() != "password" {
                continue;
            }
            let field = if section.is_empty() {
                key.to_string()
            } else {
                format!("{section}.{key}")
            };
            (field, value)
        };
        let value = unquote(value);
        if !value.is_empty() && !is_env_reference(value) {
            found.push((index as u32 + 1, field, value.to_string()));
        }
    }
    found
}

impl Plugin for Registry {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "registry-auth-rs",
            "0.1.0",
            "Flags npm and PyPI registry credentials written in plain text into .npmrc and .pypirc files (written in Rust).",
        )
        .rule(Rule::new(RULE, "Registry credential in plain text", Severity::High))
        .interests(
            Interests::files(["**/.npmrc", "**/npmrc", "**/.pypirc"])
                .keywords(["_auth", "_password", "password"])
                .max_file_size(MAX_FILE_SIZE),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let path = file.path();
        let name = path.rsplit('/').next().unwrap_or(&path);
        let kind = match name {
            ".npmrc" | "npmrc" => "npm",
            ".pypirc" => "pypi",
            _ => return Ok(()),
        };
        let text = file.read_text(MAX_FILE_SIZE)?;
        for (number, field, value) in credentials(kind, &text) {
            let finding = Finding::new(
                RULE,
                format!("{field} in {name} is a literal credential, not an environment reference"),
            )
            .line(number)
            .field_path(field)
            .secret(value)
            .property("registry-file", kind);
            if !out.finding(finding) {
                break;
            }
        }
        Ok(())
    }
}

export_plugin!(Registry);
