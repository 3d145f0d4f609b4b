//! Merge: turns what plugins reported into the scan's findings.
//!
//! Each finding must name a rule its plugin declared (anything else is
//! rejected and counted against the plugin). The host stamps provenance
//! itself (plugin id, version and sha256; target, path, layer), namespaces
//! the rule id by the plugin id, redacts secrets unless asked not to,
//! removes duplicates and sorts, so the same input always gives the same
//! bytes out.

use std::collections::HashMap;

use crate::digest::fingerprint;
use crate::model::{
    Finding, LayerOutcome, LayerRef, Package, PackageRef, PluginInfo, PluginRun, Provenance,
    RawFinding, RawPackage,
};
use crate::text::sanitize;

/// Stamps, de-duplicates and sorts the packages plugins reported.
pub fn merge_packages(
    plugins: &[PluginInfo],
    raw: Vec<RawPackage>,
    layers: &[LayerOutcome],
) -> Vec<Package> {
    let mut packages: Vec<Package> = raw
        .into_iter()
        .filter_map(|item| {
            let plugin = plugins.get(item.plugin)?;
            let clean = |text: String| sanitize(&text, 1024);
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
    plugins: &[PluginInfo],
    raw: Vec<RawFinding>,
    runs: &mut [PluginRun],
    layers: &[LayerOutcome],
    options: &MergeOptions,
) -> Vec<Finding> {
    let mut findings = Vec::with_capacity(raw.len());
    for item in raw {
        let index = item.plugin;
        let (Some(plugin), Some(run)) = (plugins.get(index), runs.get_mut(index)) else {
            continue;
        };
        match stamp(target, plugin, item, layers, options) {
            Ok(finding) => findings.push(finding),
            Err(rule_id) => {
                run.rejected_findings += 1;
                if run.errors.len() < 10 {
                    run.errors.push(format!(
                        "rejected a finding for undeclared rule {:?}",
                        sanitize(&rule_id, 140)
                    ));
                }
            }
        }
    }
    sort_and_dedupe(&mut findings);
    number_repeats(&mut findings);
    findings
}

/// Gives repeats of one finding their own fingerprints: the second and
/// later findings sharing a fingerprint (the same rule, file, field and
/// value on other lines, e.g. two identical `RUN apt-get install` lines)
/// get their occurrence number hashed in, counted in output order (layer,
/// then line). A baseline then sees a new repeat as new, and lines added
/// above keep every fingerprint.
fn number_repeats(findings: &mut [Finding]) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for finding in findings.iter_mut() {
        let count = seen.entry(finding.fingerprint.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            finding.fingerprint = fingerprint(&[&finding.fingerprint, &count.to_string()]);
        }
    }
}

/// Builds the host's finding, or returns the undeclared rule id.
fn stamp(
    target: &str,
    plugin: &PluginInfo,
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
            sanitize(&secret, 16 << 10)
        } else {
            redact(&secret)
        }
    });
    let layer = layer_ref(item.layer, layers);
    let mut message = sanitize(&reported.message, 8 << 10);
    if let (Some(removed), Some(layer)) = (item.removed_in, &layer) {
        message.push_str(&format!(
            " (removed in layer {removed}; still present in the image's layer {} blob)",
            layer.index
        ));
    }
    Ok(Finding {
        rule_id: format!("{}/{}", plugin.id, rule.id),
        severity: reported.severity.unwrap_or(rule.severity),
        title: rule.title.clone(),
        message,
        target: target.to_string(),
        path: item.path,
        start_line: reported.lines.map(|(start, _)| start),
        end_line: reported.lines.map(|(start, end)| end.max(start)),
        field_path: reported.field_path.map(|field| sanitize(&field, 2048)),
        secret,
        layer,
        removed_in_layer: item.removed_in,
        package: reported.package.map(|p| PackageRef {
            ecosystem: sanitize(&p.ecosystem, 1024),
            name: sanitize(&p.name, 1024),
            version: sanitize(&p.version, 1024),
        }),
        fixed_versions: clean_list(reported.fixed_versions),
        aliases: clean_list(reported.aliases),
        references: clean_list(reported.references),
        properties: reported
            .properties
            .into_iter()
            .map(|mut property| {
                property.name = sanitize(&property.name, 64);
                property.value = sanitize(&property.value, 1024);
                property
            })
            .collect(),
        fingerprint,
        plugin: Provenance {
            id: plugin.id.clone(),
            version: plugin.version.clone(),
            sha256: plugin.sha256.clone(),
        },
        baseline: None,
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

/// List items for output: control characters escaped.
fn clean_list(items: Vec<String>) -> Vec<String> {
    items.iter().map(|item| sanitize(item, 1024)).collect()
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
