//! Merge: turns what plugins reported into the scan's findings.
//!
//! Each finding must name a rule its plugin declared (anything else is
//! rejected and counted against the plugin). The host stamps provenance
//! itself (plugin id, version and sha256; target, path, layer), namespaces
//! the rule id by the plugin id, redacts secrets unless asked not to,
//! removes duplicates and sorts, so the same input always gives the same
//! bytes out.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::dispatch::{LayerOutcome, PluginRun, RawFinding, RawPackage};
use crate::plugin::{Plugin, PluginSet, Severity};
use crate::runtime::hex;

/// The plugin that reported a finding, as stamped by the host.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Provenance {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of the plugin component.
    pub sha256: String,
}

/// The package a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageRef {
    /// Ecosystem.
    pub ecosystem: String,
    /// Name.
    pub name: String,
    /// Installed version.
    pub version: String,
}

/// The image layer a finding's file version comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LayerRef {
    /// 0-based layer index, bottom first.
    pub index: usize,
    /// The layer's diff id.
    pub diff_id: String,
    /// The history command that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// One finding of the scan, ready for output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `<plugin id>/<rule id>`.
    pub rule_id: String,
    /// Severity (the rule's default unless the plugin overrode it).
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// What the plugin said about this occurrence.
    pub message: String,
    /// The scan target.
    pub target: String,
    /// In-target path of the file.
    pub path: String,
    /// First line (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    /// Last line (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Location inside a structured document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
    /// The secret, redacted unless `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The image layer of the file version, for images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// For a file version deleted or replaced by a later layer: that
    /// layer's index. The bytes are still in the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_in_layer: Option<usize>,
    /// The package concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageRef>,
    /// Fixing versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    /// Other ids of the same problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Finding-specific URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Stable across line shifts: hash of rule, path, field and value.
    pub fingerprint: String,
    /// Who reported it.
    pub plugin: Provenance,
}

/// A package of the inventory, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Package {
    /// OSV ecosystem (`Debian:12`, `PyPI`, `npm`, ...).
    pub ecosystem: String,
    /// Name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Package URL.
    pub purl: String,
    /// Source package, where the ecosystem has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// Source package version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// In-target path of the file it was found in.
    pub path: String,
    /// The image layer that introduced that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// The plugin that found it.
    pub plugin: String,
}

/// Stamps, de-duplicates and sorts the packages plugins reported.
pub fn merge_packages(
    set: &PluginSet,
    raw: Vec<RawPackage>,
    layers: &[LayerOutcome],
) -> Vec<Package> {
    let mut packages: Vec<Package> = raw
        .into_iter()
        .filter_map(|item| {
            let plugin = set.plugins.get(item.plugin)?;
            let clean = |text: String| crate::runtime::host_api::sanitize(&text, 1024);
            let package = item.package;
            Some(Package {
                ecosystem: clean(package.ecosystem),
                name: clean(package.name),
                version: clean(package.version),
                purl: clean(package.purl),
                source_name: package.source_name.map(clean),
                source_version: package.source_version.map(clean),
                path: item.path,
                layer: layer_ref(item.layer, layers),
                plugin: plugin.id.clone(),
            })
        })
        .collect();
    packages.sort();
    packages.dedup();
    packages
}

fn layer_ref(index: Option<usize>, layers: &[LayerOutcome]) -> Option<LayerRef> {
    index
        .and_then(|index| layers.get(index))
        .map(|outcome| LayerRef {
            index: outcome.info.index,
            diff_id: outcome.info.diff_id.clone(),
            created_by: outcome.info.created_by.clone(),
        })
}

/// Options of the merge.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Keep secrets in clear.
    pub show_secrets: bool,
}

/// Validates, stamps, de-duplicates and sorts `raw` findings. Rejections
/// are counted in `runs`.
pub fn merge(
    target: &str,
    set: &PluginSet,
    raw: Vec<RawFinding>,
    runs: &mut [PluginRun],
    layers: &[LayerOutcome],
    options: &MergeOptions,
) -> Vec<Finding> {
    let mut findings = Vec::with_capacity(raw.len());
    for item in raw {
        let index = item.plugin;
        let (Some(plugin), Some(run)) = (set.plugins.get(index), runs.get_mut(index)) else {
            continue;
        };
        match stamp(target, plugin, item, layers, options) {
            Ok(finding) => findings.push(finding),
            Err(rule_id) => {
                run.rejected_findings += 1;
                if run.errors.len() < 10 {
                    run.errors.push(format!(
                        "rejected a finding for undeclared rule {:?}",
                        crate::runtime::host_api::sanitize(&rule_id, 140)
                    ));
                }
            }
        }
    }
    sort_and_dedupe(&mut findings);
    findings
}

/// Builds the host's finding, or returns the undeclared rule id.
fn stamp(
    target: &str,
    plugin: &Plugin,
    item: RawFinding,
    layers: &[LayerOutcome],
    options: &MergeOptions,
) -> Result<Finding, String> {
    let reported = item.finding;
    let Some(rule) = plugin.rule(&reported.rule_id) else {
        return Err(reported.rule_id);
    };
    let fingerprint = fingerprint(&[
        &plugin.id,
        &rule.id,
        &item.path,
        reported.field_path.as_deref().unwrap_or(""),
        reported.secret.as_deref().unwrap_or(&reported.message),
    ]);
    let secret = reported.secret.map(|secret| {
        if options.show_secrets {
            secret
        } else {
            redact(&secret)
        }
    });
    let layer = item
        .layer
        .and_then(|index| layers.get(index))
        .map(|outcome| LayerRef {
            index: outcome.info.index,
            diff_id: outcome.info.diff_id.clone(),
            created_by: outcome.info.created_by.clone(),
        });
    let mut message = crate::runtime::host_api::sanitize(&reported.message, 8 << 10);
    if let (Some(removed), Some(layer)) = (item.removed_in, &layer) {
        message.push_str(&format!(
            " (removed in layer {removed}; still present in the image's layer {} blob)",
            layer.index
        ));
    }
    Ok(Finding {
        rule_id: format!("{}/{}", plugin.id, rule.id),
        severity: reported
            .severity
            .map(Severity::from)
            .unwrap_or(rule.severity),
        title: rule.title.clone(),
        message,
        target: target.to_string(),
        path: item.path,
        start_line: reported.lines.map(|l| l.start),
        end_line: reported.lines.map(|l| l.end.max(l.start)),
        field_path: reported.field_path,
        secret,
        layer,
        removed_in_layer: item.removed_in,
        package: reported.affected_package.map(|p| PackageRef {
            ecosystem: p.ecosystem,
            name: p.name,
            version: p.version,
        }),
        fixed_versions: reported.fixed_versions,
        aliases: reported.aliases,
        references: reported.references,
        fingerprint,
        plugin: Provenance {
            id: plugin.id.clone(),
            version: plugin.version.clone(),
            sha256: plugin.sha256().to_string(),
        },
    })
}

/// Most severe first, then by location and rule; exact duplicates removed.
pub fn sort_and_dedupe(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.target.cmp(&b.target))
            .then_with(|| a.layer.cmp(&b.layer))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.start_line.cmp(&b.start_line))
            .then_with(|| a.end_line.cmp(&b.end_line))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.field_path.cmp(&b.field_path))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}

/// Keeps the first and last few characters of a secret.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let keep = match chars.len() {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    if keep == 0 {
        return "*".repeat(chars.len().max(1));
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}****{tail}")
}

fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_only_the_ends() {
        assert_eq!(redact("AKIA2OGYBAH6RKWQLQ7P"), "AKIA****LQ7P");
        assert_eq!(redact("hunter2"), "*******");
        assert_eq!(redact("secret123"), "se****23");
    }
}
