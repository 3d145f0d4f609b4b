//! Checks what a plugin declared before it may see a file: ids, rule
//! ids, globs and settings are well-formed; counts and lengths are capped;
//! `max-file-size` is clamped to the host's limit; text is sanitized.

use anyhow::{Context, Result, ensure};

use crate::model::{Interests, Origin, PluginInfo, RuleInfo, SettingSpec};
use crate::runtime::{Declared, LoadedComponent};
use crate::text::sanitize;

/// Most rules one plugin may declare.
pub const MAX_RULES: usize = 2_000;
/// Most globs one plugin may declare.
pub const MAX_GLOBS: usize = 512;
/// Longest glob.
pub const MAX_GLOB_BYTES: usize = 1 << 10;
/// Most keywords one plugin may declare.
pub const MAX_KEYWORDS: usize = 1_000;
/// Longest keyword.
pub const MAX_KEYWORD_BYTES: usize = 128;
/// Most settings one plugin may declare.
pub const MAX_SETTINGS: usize = 64;
/// Most aliases of one rule.
const MAX_ALIASES: usize = 8;
/// Longest description, remediation or plugin description kept.
const MAX_TEXT: usize = 8 << 10;

/// The validated, clamped description of a plugin.
pub fn checked(
    declared: Declared,
    origin: Origin,
    component: &LoadedComponent,
    max_file_size: u64,
) -> Result<PluginInfo> {
    ensure!(
        valid_plugin_id(&declared.id),
        "invalid plugin id {:?}: use 1-64 lower-case letters, digits and '-'",
        sanitize(&declared.id, 80)
    );
    let id = declared.id;
    let rules = checked_rules(&id, declared.rules)?;
    let interests = checked_interests(&id, declared.interests, max_file_size)?;
    let settings = checked_settings(&id, declared.settings)?;
    Ok(PluginInfo {
        version: sanitize(&declared.version, 64),
        description: sanitize(&declared.description, MAX_TEXT),
        contract: component.contract().to_string(),
        sha256: component.sha256().to_string(),
        origin,
        rules,
        interests,
        settings,
        id,
    })
}

fn checked_rules(id: &str, declared: Vec<RuleInfo>) -> Result<Vec<RuleInfo>> {
    ensure!(
        declared.len() <= MAX_RULES,
        "plugin {id} declares {} rules (at most {MAX_RULES})",
        declared.len()
    );
    let mut rules: Vec<RuleInfo> = Vec::with_capacity(declared.len());
    let mut seen = std::collections::HashSet::new();
    for rule in declared {
        ensure!(
            valid_rule_id(&rule.id),
            "plugin {id} declares an invalid rule id {:?}",
            sanitize(&rule.id, 140)
        );
        ensure!(
            rule.aliases.len() <= MAX_ALIASES && rule.aliases.iter().all(|a| valid_rule_id(a)),
            "plugin {id} declares invalid aliases for rule {}",
            rule.id
        );
        for name in std::iter::once(&rule.id).chain(&rule.aliases) {
            ensure!(
                seen.insert(name.clone()),
                "plugin {id} declares rule or alias {name} twice"
            );
        }
        rules.push(RuleInfo {
            title: sanitize(&rule.title, 256),
            description: sanitize(&rule.description, MAX_TEXT),
            remediation: sanitize(&rule.remediation, MAX_TEXT),
            references: rule
                .references
                .iter()
                .take(32)
                .map(|r| sanitize(r, 512))
                .collect(),
            ..rule
        });
    }
    Ok(rules)
}

fn checked_interests(id: &str, mut interests: Interests, max_file_size: u64) -> Result<Interests> {
    ensure!(
        interests.path_globs.len() <= MAX_GLOBS,
        "plugin {id} declares {} globs (at most {MAX_GLOBS})",
        interests.path_globs.len()
    );
    ensure!(
        interests.keywords.len() <= MAX_KEYWORDS,
        "plugin {id} declares {} keywords (at most {MAX_KEYWORDS})",
        interests.keywords.len()
    );
    for glob in &interests.path_globs {
        ensure!(
            glob.len() <= MAX_GLOB_BYTES,
            "plugin {id} declares a glob longer than {MAX_GLOB_BYTES} bytes"
        );
        globset::Glob::new(glob).with_context(|| {
            format!(
                "plugin {id} declares an invalid glob {:?}",
                sanitize(glob, 200)
            )
        })?;
    }
    ensure!(
        interests
            .keywords
            .iter()
            .all(|k| !k.is_empty() && k.len() <= MAX_KEYWORD_BYTES),
        "plugin {id} declares an empty keyword or one longer than {MAX_KEYWORD_BYTES} bytes"
    );
    interests.max_file_size = interests.max_file_size.min(max_file_size);
    interests.data_directory = interests.data_directory.map(|name| sanitize(&name, 64));
    if let Some(name) = &interests.data_directory {
        ensure!(
            valid_plugin_id(name),
            "plugin {id} asks for a data directory with an invalid name {name:?}"
        );
    }
    Ok(interests)
}

fn checked_settings(id: &str, settings: Vec<SettingSpec>) -> Result<Vec<SettingSpec>> {
    ensure!(
        settings.len() <= MAX_SETTINGS,
        "plugin {id} declares {} settings (at most {MAX_SETTINGS})",
        settings.len()
    );
    let mut names = std::collections::HashSet::new();
    for spec in &settings {
        ensure!(
            valid_plugin_id(&spec.name),
            "plugin {id} declares an invalid setting name {:?}",
            sanitize(&spec.name, 80)
        );
        ensure!(
            names.insert(spec.name.clone()),
            "plugin {id} declares setting {} twice",
            spec.name
        );
        if let Some(default) = &spec.default {
            ensure!(
                default.kind() == spec.kind,
                "plugin {id}: the default of setting {} is not of its kind",
                spec.name
            );
        }
    }
    Ok(settings
        .into_iter()
        .map(|spec| SettingSpec {
            description: sanitize(&spec.description, 1024),
            ..spec
        })
        .collect())
}

/// 1-64 lower-case letters, digits and `-`, not starting with `-`.
pub fn valid_plugin_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// 1-128 ASCII letters, digits, `-`, `_` and `.`.
pub fn valid_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(valid_plugin_id("secrets"));
        assert!(valid_plugin_id("k8s-2"));
        assert!(!valid_plugin_id("Secrets"));
        assert!(!valid_plugin_id("a/b"));
        assert!(!valid_plugin_id(""));
        assert!(valid_rule_id("aws-access-key-id"));
        assert!(valid_rule_id("DS001"));
        assert!(!valid_rule_id("secrets/aws"));
        assert!(!valid_rule_id("a b"));
    }
}
