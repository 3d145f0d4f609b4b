//! CycloneDX 1.6 JSON: the package inventory as components (purl, file and
//! layer as properties), the scanned target as the metadata component, and
//! the findings about packages (vulnerabilities) as `vulnerabilities`
//! pointing at their components. Suppressed vulnerabilities stay listed:
//! a VEX decision becomes the vulnerability's `analysis` (state,
//! justification, detail), and every suppression is named in its
//! properties (`bulkhead:suppression`, `bulkhead:suppression-reason`).
//! Deterministic: the serial number is derived from the content and no
//! timestamp is written.

use serde_json::{Value, json};

use crate::model::{Finding, ScanResult, Severity, Suppression, SuppressionKind};
use crate::report::content_uuid;

fn rating(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

/// Records a suppression on a vulnerability: VEX decisions as `analysis`,
/// every kind as properties.
fn add_suppression(entry: &mut Value, suppression: &Suppression) {
    entry["properties"] = json!([
        { "name": "bulkhead:suppression", "value": suppression.kind.label() },
        { "name": "bulkhead:suppression-reason", "value": suppression.reason },
    ]);
    if suppression.kind != SuppressionKind::Vex {
        return;
    }
    let state = match suppression.status.as_deref() {
        Some("fixed" | "resolved") => "resolved",
        Some("resolved_with_pedigree") => "resolved_with_pedigree",
        Some("false_positive") => "false_positive",
        _ => "not_affected",
    };
    let mut analysis = json!({ "state": state, "detail": suppression.reason });
    if let Some(label) = suppression
        .justification
        .as_deref()
        .and_then(cyclonedx_justification)
    {
        analysis["justification"] = json!(label);
    }
    entry["analysis"] = analysis;
}

/// A VEX justification in CycloneDX's vocabulary (OpenVEX labels mapped
/// to their nearest CycloneDX label; CycloneDX labels kept).
fn cyclonedx_justification(label: &str) -> Option<&'static str> {
    Some(match label {
        "code_not_present" | "component_not_present" | "vulnerable_code_not_present" => {
            "code_not_present"
        }
        "code_not_reachable" | "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "requires_configuration" => "requires_configuration",
        "requires_dependency" => "requires_dependency",
        "requires_environment" | "vulnerable_code_cannot_be_controlled_by_adversary" => {
            "requires_environment"
        }
        "protected_by_compiler" => "protected_by_compiler",
        "protected_at_runtime" => "protected_at_runtime",
        "protected_at_perimeter" => "protected_at_perimeter",
        "protected_by_mitigating_control" | "inline_mitigations_already_exist" => {
            "protected_by_mitigating_control"
        }
        _ => return None,
    })
}

/// Builds the CycloneDX document.
pub fn build(result: &ScanResult) -> Value {
    let bom_ref = |purl: &str, path: &str| format!("{purl}#{path}");
    let components: Vec<Value> = result
        .packages
        .iter()
        .map(|package| {
            let mut properties = vec![
                json!({ "name": "bulkhead:ecosystem", "value": package.ecosystem }),
                json!({ "name": "bulkhead:path", "value": package.path }),
            ];
            if let Some(layer) = &package.layer {
                properties
                    .push(json!({ "name": "bulkhead:layer:diff_id", "value": layer.diff_id }));
                properties.push(
                    json!({ "name": "bulkhead:layer:index", "value": layer.index.to_string() }),
                );
            }
            if let Some(source) = &package.source_name {
                properties.push(json!({ "name": "bulkhead:source_name", "value": source }));
            }
            json!({
                "type": "library",
                "bom-ref": bom_ref(&package.purl, &package.path),
                "name": package.name,
                "version": package.version,
                "purl": package.purl,
                "properties": properties,
            })
        })
        .collect();

    let suppressed = result
        .suppressed
        .iter()
        .map(|item| (&item.finding, Some(&item.suppression)));
    let vulnerabilities: Vec<Value> = result
        .findings
        .iter()
        .map(|finding| (finding, None))
        .chain(suppressed)
        .filter_map(|(finding, suppression): (&Finding, Option<&Suppression>)| {
            let affected = finding.package.as_ref()?;
            let package = result.packages.iter().find(|p| {
                p.ecosystem == affected.ecosystem
                    && p.name == affected.name
                    && p.version == affected.version
                    && p.path == finding.path
            })?;
            let id = finding
                .aliases
                .iter()
                .find(|a| a.starts_with("CVE-"))
                .or_else(|| finding.aliases.first())
                .cloned()
                .unwrap_or_else(|| finding.rule_id.clone());
            let mut entry = json!({
                "bom-ref": format!("{}#{}#{id}", package.purl, package.path),
                "id": id,
                "source": { "name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}") },
                "ratings": [{ "severity": rating(finding.severity), "method": "other" }],
                "description": finding.message,
                "affects": [{ "ref": bom_ref(&package.purl, &package.path) }],
            });
            if !finding.fixed_versions.is_empty() {
                entry["recommendation"] = json!(format!(
                    "Upgrade to {}",
                    finding.fixed_versions.join(" or ")
                ));
            }
            let others: Vec<Value> = finding
                .aliases
                .iter()
                .filter(|a| **a != id)
                .map(|a| json!({ "id": a, "source": { "name": "OSV" } }))
                .collect();
            if !others.is_empty() {
                entry["references"] = json!(others);
            }
            let advisories: Vec<Value> = finding
                .references
                .iter()
                .map(|url| json!({ "url": url }))
                .collect();
            if !advisories.is_empty() {
                entry["advisories"] = json!(advisories);
            }
            if let Some(suppression) = suppression {
                add_suppression(&mut entry, suppression);
            }
            Some(entry)
        })
        .collect();

    let target = &result.target;
    let mut subject = json!({
        "type": if target.kind.is_image() { "container" } else { "application" },
        "bom-ref": "target",
        "name": target.image.as_ref().and_then(|i| i.reference.clone()).unwrap_or_else(|| target.name.clone()),
    });
    if let Some(image) = &target.image {
        subject["version"] = json!(
            image
                .manifest_digest
                .clone()
                .unwrap_or_else(|| image.config_digest.clone())
        );
        subject["properties"] = json!([
            { "name": "bulkhead:config_digest", "value": image.config_digest },
            { "name": "bulkhead:platform", "value": image.platform },
        ]);
    }
    let seed =
        serde_json::to_string(&(&components, &vulnerabilities, &subject)).unwrap_or_default();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", content_uuid(&seed)),
        "version": 1,
        "metadata": {
            "tools": { "components": [{ "type": "application", "name": "bulkhead", "version": result.tool_version }] },
            "component": subject,
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    })
}
