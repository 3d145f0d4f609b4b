//! CycloneDX 1.6 JSON: the package inventory as components (purl, file and
//! layer as properties), the scanned target as the metadata component, and
//! the findings about packages (vulnerabilities) as `vulnerabilities`
//! pointing at their components. Deterministic: the serial number is
//! derived from the content and no timestamp is written.

use serde_json::{Value, json};

use crate::model::ScanResult;
use crate::model::Severity;
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

    let vulnerabilities: Vec<Value> = result
        .findings
        .iter()
        .filter_map(|finding| {
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
