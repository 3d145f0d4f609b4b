//! SARIF 2.1.0 output, shaped for GitHub code scanning: every declared rule
//! in `tool.driver.rules` (with `security-severity`), results with
//! locations relative to the scanned directory, and `partialFingerprints`
//! that survive line shifts. Plugin failures become tool execution
//! notifications.
//!
//! Suppressed findings stay in `results` with `suppressions` (`inSource`
//! for a `bulkhead:ignore` comment, `external` for everything else, with
//! the reason as justification), so code scanning shows them as dismissed
//! rather than forgetting them. With `--baseline`, results carry
//! `baselineState` (`new`, `unchanged`). Stale and expired suppressions
//! become warning notifications.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::model::{
    BaselineState, Finding, PluginInfo, ScanResult, Severity, Suppression, SuppressionKind,
};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity`: a CVSS-like score as a string.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Percent-encodes a relative path into a URI reference.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds the SARIF log.
pub fn build(result: &ScanResult, plugins: &[PluginInfo]) -> Value {
    let mut rule_ids: HashMap<String, usize> = HashMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for plugin in plugins {
        for rule in &plugin.rules {
            let id = format!("{}/{}", plugin.id, rule.id);
            let mut entry = json!({
                "id": id,
                "name": rule.id,
                "shortDescription": { "text": rule.title },
                "fullDescription": { "text": if rule.description.is_empty() { &rule.title } else { &rule.description } },
                "help": {
                    "text": if rule.remediation.is_empty() { &rule.title } else { &rule.remediation },
                },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": {
                    "security-severity": security_severity(rule.severity),
                    "severity": rule.severity,
                    "tags": ["security", plugin.id],
                },
            });
            if let Some(first) = rule.references.first() {
                entry["helpUri"] = json!(first);
            }
            if !rule.aliases.is_empty() {
                entry["properties"]["aliases"] = json!(rule.aliases);
            }
            rule_ids.entry(id).or_insert(rules.len());
            rules.push(entry);
        }
    }

    let mut results: Vec<Value> = result
        .findings
        .iter()
        .map(|finding| result_entry(result, finding, &rule_ids))
        .collect();
    results.extend(result.suppressed.iter().map(|item| {
        let mut entry = result_entry(result, &item.finding, &rule_ids);
        entry["suppressions"] = json!([suppression(&item.suppression)]);
        entry
    }));

    let mut notifications: Vec<Value> = result
        .plugins
        .iter()
        .filter(|plugin| plugin.status.is_error())
        .map(|plugin| {
            json!({
                "level": "error",
                "message": { "text": format!("plugin {} {:?}: {}", plugin.id, plugin.status, plugin.run.errors.join("; ")) },
            })
        })
        .collect();
    notifications.extend(result.stale_suppressions.iter().map(|stale| {
        json!({
            "level": "warning",
            "message": { "text": format!("stale suppression {} ({}): {}", stale.source, stale.why.label(), stale.reason) },
        })
    }));

    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "bulkhead",
                    "version": result.tool_version,
                    "semanticVersion": result.tool_version,
                    "informationUri": "https://github.com/bulkhead-scanner/bulkhead",
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                "SRCROOT": { "description": { "text": format!("The scanned target: {}", result.target.name) } }
            },
            "invocations": [{
                "executionSuccessful": !result.has_plugin_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

/// One SARIF result for `finding`.
fn result_entry(
    result: &ScanResult,
    finding: &Finding,
    rule_ids: &HashMap<String, usize>,
) -> Value {
    // Image-config findings have no file: point at the image itself.
    let path = if finding.path.is_empty() {
        &result.target.name
    } else {
        &finding.path
    };
    let mut physical = json!({
        "artifactLocation": { "uri": uri(path), "uriBaseId": "SRCROOT" },
    });
    if let Some(start) = finding.start_line {
        physical["region"] = json!({
            "startLine": start.max(1),
            "endLine": finding.end_line.unwrap_or(start).max(start.max(1)),
        });
    }
    let mut properties = json!({
        "severity": finding.severity,
        "plugin": finding.plugin.id,
        "pluginVersion": finding.plugin.version,
        "pluginSha256": finding.plugin.sha256,
    });
    if let Some(layer) = &finding.layer {
        properties["layer"] = json!(layer);
    }
    if let Some(removed) = finding.removed_in_layer {
        properties["removedInLayer"] = json!(removed);
    }
    if let Some(field) = &finding.field_path {
        properties["fieldPath"] = json!(field);
    }
    for property in &finding.properties {
        properties[&property.name] = json!(property.value);
    }
    let mut text = finding.message.clone();
    if let Some(secret) = &finding.secret {
        text.push_str(&format!(" ({secret})"));
    }
    let mut entry = json!({
        "ruleId": finding.rule_id,
        "level": level(finding.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { "bulkhead/v1": finding.fingerprint },
        "properties": properties,
    });
    if let Some(index) = rule_ids.get(&finding.rule_id) {
        entry["ruleIndex"] = json!(index);
    }
    if let Some(state) = finding.baseline {
        entry["baselineState"] = json!(match state {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        });
    }
    entry
}

/// A SARIF `suppression` object: `inSource` for a comment in the file,
/// `external` for the rest; the reason as justification.
fn suppression(suppression: &Suppression) -> Value {
    let kind = match suppression.kind {
        SuppressionKind::Inline => "inSource",
        _ => "external",
    };
    let mut justification = suppression.reason.clone();
    if let Some(source) = &suppression.source {
        justification.push_str(&format!(" ({source})"));
    }
    if let Some(expires) = &suppression.expires {
        justification.push_str(&format!(", until {expires}"));
    }
    let mut value = json!({
        "kind": kind,
        "status": "accepted",
        "justification": justification,
    });
    value["properties"] = json!({ "bulkheadKind": suppression.kind });
    if let Some(source) = &suppression.source {
        value["properties"]["source"] = json!(source);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("a b/ü.txt"), "a%20b/%C3%BC.txt");
        assert_eq!(uri("dir/file.env"), "dir/file.env");
    }
}
