//! Plugin sets: the curated plugins embedded in the binary plus any the
//! user adds with `--plugin`, each loaded, asked to describe itself, and
//! checked before it may see a single file.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use serde::Serialize;

use crate::runtime::host_api::sanitize;
use crate::runtime::{LoadedComponent, Runtime, wit};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_plugins.rs"));
}

/// Most rules one plugin may declare.
const MAX_RULES: usize = 2_000;
/// Most globs or keywords one plugin may declare.
const MAX_INTERESTS: usize = 2_000;

/// How bad a finding is; ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Upper-case label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl From<wit::Severity> for Severity {
    fn from(value: wit::Severity) -> Self {
        match value {
            wit::Severity::Info => Severity::Info,
            wit::Severity::Low => Severity::Low,
            wit::Severity::Medium => Severity::Medium,
            wit::Severity::High => Severity::High,
            wit::Severity::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label().to_lowercase())
    }
}

/// One rule a plugin declared.
#[derive(Clone, Debug, Serialize)]
pub struct RuleInfo {
    /// The rule id as the plugin declared it.
    pub id: String,
    /// Title.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// What it checks.
    pub description: String,
    /// How to fix it.
    pub remediation: String,
    /// Background URLs.
    pub references: Vec<String>,
}

/// What a plugin asked to receive.
#[derive(Clone, Debug, Serialize)]
pub struct Interests {
    /// Path globs.
    pub path_globs: Vec<String>,
    /// Content keywords.
    pub keywords: Vec<String>,
    /// Largest file handed over.
    pub max_file_size: u64,
    /// Wants the image config.
    pub image_config: bool,
    /// Wants the package inventory.
    pub package_inventory: bool,
    /// Wants file versions deleted or replaced by a later layer.
    pub include_deleted: bool,
    /// Mode bits that make a file wanted regardless of globs.
    pub mode_mask: u32,
    /// Name of the read-only directory the plugin asks for.
    pub data_directory: Option<String>,
}

/// Where a plugin came from.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum Origin {
    /// Curated, embedded in the binary.
    Builtin,
    /// Loaded from a file given with `--plugin`.
    File(PathBuf),
}

/// A loaded, validated plugin.
#[derive(Clone)]
pub struct Plugin {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: String,
    /// What it checks.
    pub description: String,
    /// Declared rules.
    pub rules: Vec<RuleInfo>,
    /// Declared interests.
    pub interests: Interests,
    /// Where it came from.
    pub origin: Origin,
    /// The compiled component.
    pub component: LoadedComponent,
}

impl Plugin {
    /// sha256 of the component bytes.
    pub fn sha256(&self) -> &str {
        self.component.sha256()
    }

    /// The declared rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

/// The plugins of one scan, in a stable order (by id).
pub struct PluginSet {
    /// The plugins.
    pub plugins: Vec<Plugin>,
}

/// Names of the curated plugins embedded in this binary.
pub fn builtin_names() -> Vec<&'static str> {
    builtin::BUILTIN.iter().map(|(name, _)| *name).collect()
}

impl PluginSet {
    /// Loads the curated plugins (unless `builtin` is false) and the plugin
    /// files in `extra`. A plugin that cannot be loaded is an error naming it.
    pub fn load(runtime: &Runtime, builtin: bool, extra: &[PathBuf]) -> Result<PluginSet> {
        let mut plugins = Vec::new();
        if builtin {
            for (name, wasm) in builtin::BUILTIN {
                let plugin = load_one(runtime, wasm, Origin::Builtin)
                    .with_context(|| format!("loading curated plugin {name}"))?;
                plugins.push(plugin);
            }
        }
        for path in extra {
            let wasm = std::fs::read(path)
                .with_context(|| format!("cannot read plugin {}", path.display()))?;
            let plugin = load_one(runtime, &wasm, Origin::File(path.clone()))
                .with_context(|| format!("cannot load plugin {}", path.display()))?;
            plugins.push(plugin);
        }
        plugins.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = plugins.windows(2).find(|pair| pair[0].id == pair[1].id) {
            bail!("two plugins declare the id {:?}", pair[0].id);
        }
        Ok(PluginSet { plugins })
    }
}

fn load_one(runtime: &Runtime, wasm: &[u8], origin: Origin) -> Result<Plugin> {
    let component = runtime.load(wasm)?;
    let info = component
        .instantiate()?
        .info()
        .context("the plugin's info function failed")?;
    validate(info, origin, component, runtime.limits().max_string_bytes)
}

fn validate(
    info: wit::PluginInfo,
    origin: Origin,
    component: LoadedComponent,
    max_string: usize,
) -> Result<Plugin> {
    ensure!(
        valid_plugin_id(&info.id),
        "invalid plugin id {:?}: use 1-64 lower-case letters, digits and '-'",
        sanitize(&info.id, 80)
    );
    ensure!(
        info.rules.len() <= MAX_RULES,
        "plugin {} declares {} rules (at most {MAX_RULES})",
        info.id,
        info.rules.len()
    );
    let interests = &info.interests;
    ensure!(
        interests.path_globs.len() <= MAX_INTERESTS && interests.keywords.len() <= MAX_INTERESTS,
        "plugin {} declares too many globs or keywords (at most {MAX_INTERESTS} each)",
        info.id
    );
    for glob in &interests.path_globs {
        globset::Glob::new(glob).with_context(|| {
            format!(
                "plugin {} declares an invalid glob {:?}",
                info.id,
                sanitize(glob, 200)
            )
        })?;
    }
    ensure!(
        interests
            .keywords
            .iter()
            .all(|k| !k.is_empty() && k.len() <= 256),
        "plugin {} declares an empty or over-long keyword",
        info.id
    );
    let mut rules: Vec<RuleInfo> = Vec::with_capacity(info.rules.len());
    for rule in info.rules {
        ensure!(
            valid_rule_id(&rule.id),
            "plugin {} declares an invalid rule id {:?}",
            info.id,
            sanitize(&rule.id, 140)
        );
        ensure!(
            rules.iter().all(|r| r.id != rule.id),
            "plugin {} declares rule {} twice",
            info.id,
            rule.id
        );
        rules.push(RuleInfo {
            id: rule.id,
            title: sanitize(&rule.title, 256),
            severity: rule.severity.into(),
            description: sanitize(&rule.description, max_string),
            remediation: sanitize(&rule.remediation, max_string),
            references: rule
                .references
                .iter()
                .take(32)
                .map(|r| sanitize(r, 512))
                .collect(),
        });
    }
    Ok(Plugin {
        id: info.id,
        version: sanitize(&info.version, 64),
        description: sanitize(&info.description, max_string),
        rules,
        interests: Interests {
            path_globs: info.interests.path_globs,
            keywords: info.interests.keywords,
            max_file_size: info.interests.max_file_size,
            image_config: info.interests.image_config,
            package_inventory: info.interests.package_inventory,
            include_deleted: info.interests.include_deleted,
            mode_mask: info.interests.mode_mask,
            data_directory: info
                .interests
                .data_directory
                .map(|name| sanitize(&name, 64)),
        },
        origin,
        component,
    })
}

fn valid_plugin_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn valid_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl PluginSet {
    /// Grants each `(name, dir)`: the plugins that ask for a data directory
    /// of that name see `dir` read-only at `/data`. A grant no plugin asks
    /// for, or a directory that does not exist, is an error naming it.
    pub fn grant(&mut self, grants: &[(String, PathBuf)]) -> Result<()> {
        for (name, dir) in grants {
            ensure!(
                dir.is_dir(),
                "cannot grant {name}={}: not a directory",
                dir.display()
            );
            let mut granted = false;
            for plugin in &mut self.plugins {
                if plugin.interests.data_directory.as_deref() == Some(name.as_str()) {
                    plugin.component = plugin.component.with_data_dir(dir.clone());
                    granted = true;
                }
            }
            ensure!(
                granted,
                "no loaded plugin asks for a data directory named {name:?}"
            );
        }
        Ok(())
    }
}

/// A readable name for a plugin origin.
pub fn origin_label(origin: &Origin) -> String {
    match origin {
        Origin::Builtin => "builtin".to_string(),
        Origin::File(path) => display_path(path),
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
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
