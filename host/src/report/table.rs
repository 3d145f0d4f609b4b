//! The human-readable table: findings grouped by severity, most severe
//! first, with counts, then one line per plugin saying how it fared.

use std::fmt::Write;

use crate::plugin::Severity;
use crate::scan::{PluginStatus, ScanResult};

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

/// Renders the table.
pub fn render(result: &ScanResult, color: bool) -> String {
    let mut out = String::new();
    let summary = &result.summary;
    let _ = writeln!(
        out,
        "{} ({:?}): {} files, {} analyzed by plugins",
        result.target.name, result.target.kind, summary.files_walked, summary.files_analyzed
    );
    for severity in Severity::ALL_DESCENDING {
        let group: Vec<_> = result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let header = format!("{} ({})", severity.label(), group.len());
        let _ = writeln!(out, "\n{}", paint(&header, severity_color(severity), color));
        for finding in group {
            let location = match (finding.start_line, finding.end_line) {
                (Some(start), Some(end)) if end > start => {
                    format!("{}:{start}-{end}", finding.path)
                }
                (Some(start), _) => format!("{}:{start}", finding.path),
                _ => finding.path.clone(),
            };
            let _ = writeln!(
                out,
                "  {}  {}",
                paint(&finding.rule_id, "1", color),
                finding.title
            );
            let _ = write!(out, "    {location}");
            if let Some(field) = &finding.field_path {
                let _ = write!(out, "  {field}");
            }
            if let Some(secret) = &finding.secret {
                let _ = write!(out, "  {secret}");
            }
            let _ = writeln!(out);
            if finding.message != finding.title {
                let _ = writeln!(out, "    {}", finding.message);
            }
        }
    }
    let _ = writeln!(
        out,
        "\nTotal: {} (critical {}, high {}, medium {}, low {}, info {})",
        summary.findings, summary.critical, summary.high, summary.medium, summary.low, summary.info
    );
    let _ = writeln!(out, "Plugins:");
    for plugin in &result.plugins {
        let status = match plugin.status {
            PluginStatus::Ok => paint("ok", "32", color),
            PluginStatus::Skipped => "skipped (nothing matched its interests)".to_string(),
            PluginStatus::Failed => paint("failed", "31", color),
            PluginStatus::TimedOut => paint("timed out", "31", color),
            PluginStatus::OutOfMemory => paint("out of memory", "31", color),
        };
        let _ = writeln!(
            out,
            "  {} {}: {status}, {} calls",
            plugin.id, plugin.version, plugin.run.calls
        );
        for error in &plugin.run.errors {
            let _ = writeln!(out, "    {error}");
        }
        if plugin.run.dropped_findings > 0 {
            let _ = writeln!(
                out,
                "    {} findings dropped past the per-call cap",
                plugin.run.dropped_findings
            );
        }
    }
    for error in &result.errors {
        let _ = writeln!(out, "warning: {error}");
    }
    out
}
