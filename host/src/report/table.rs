//! The human-readable table. A file tree's findings are grouped by
//! severity, most severe first, with counts; an image's by layer (with the
//! command that created it), then file. Then one line per plugin saying how
//! it fared, and the problems met.
//!
//! Every field that came from a plugin or an image (paths, field paths,
//! secrets, messages, image names, history commands, OS names, errors) is
//! passed through [`crate::text::sanitize`] here, whatever stage produced
//! it: nothing printed can carry a terminal escape.

use std::fmt::Write;

use crate::model::Finding;
use crate::model::ImageScan;
use crate::model::Severity;
use crate::model::{PluginStatus, ScanResult};
use crate::text::sanitize;

/// A field for the terminal: control characters escaped, length capped.
fn clean(text: &str) -> String {
    sanitize(text, 8 << 10)
}

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

/// Renders the table; suppressed findings are counted, and listed only
/// with `show_suppressed`.
pub fn render(result: &ScanResult, color: bool, show_suppressed: bool) -> String {
    let mut out = String::new();
    let summary = &result.summary;
    let _ = writeln!(
        out,
        "{} ({:?}): {} files, {} analyzed by plugins",
        clean(&result.target.name),
        result.target.kind,
        summary.files_walked,
        summary.files_analyzed
    );
    match &result.target.image {
        Some(image) => render_image(&mut out, result, image, color),
        None => render_by_severity(&mut out, result, color),
    }
    let _ = writeln!(
        out,
        "\nTotal: {} (critical {}, high {}, medium {}, low {}, info {})",
        summary.findings, summary.critical, summary.high, summary.medium, summary.low, summary.info
    );
    render_suppressed(&mut out, result, show_suppressed);
    if summary.packages > 0 {
        let _ = writeln!(
            out,
            "Packages: {} in the inventory (--format json lists them)",
            summary.packages
        );
    }
    let _ = writeln!(out, "Plugins:");
    for plugin in &result.plugins {
        let status = match plugin.status {
            PluginStatus::Ok => paint("ok", "32", color),
            PluginStatus::Skipped => "skipped (nothing matched its interests)".to_string(),
            PluginStatus::Failed => paint("failed", "31", color),
            PluginStatus::TimedOut => paint("timed out", "31", color),
            PluginStatus::OutOfMemory => paint("out of memory", "31", color),
            PluginStatus::Truncated => paint("truncated (an output cap was hit)", "31", color),
        };
        let _ = writeln!(
            out,
            "  {} {}: {status}, {} calls",
            plugin.id,
            clean(&plugin.version),
            plugin.run.calls
        );
        for error in &plugin.run.errors {
            let _ = writeln!(out, "    {}", clean(error));
        }
        if !plugin.run.caps_hit.is_empty() {
            let _ = writeln!(
                out,
                "    caps hit: {} ({} findings, {} packages, {} notes dropped)",
                plugin.run.caps_hit.join(", "),
                plugin.run.dropped_findings,
                plugin.run.dropped_packages,
                plugin.run.dropped_notes
            );
        }
    }
    if !result.complete {
        let _ = writeln!(
            out,
            "{}",
            paint(
                "INCOMPLETE: part of the target could not be scanned (see the warnings below)",
                "1;31",
                color
            )
        );
    }
    for error in &result.errors {
        let _ = writeln!(out, "warning: {}", clean(error));
    }
    out
}

/// The suppressed count, the suppressed findings if asked, and the stale
/// suppressions (always: an expired one is a decision coming due).
fn render_suppressed(out: &mut String, result: &ScanResult, show: bool) {
    if !result.suppressed.is_empty() {
        let hint = if show {
            ""
        } else {
            " (--show-suppressed lists them)"
        };
        let _ = writeln!(out, "Suppressed: {}{hint}", result.suppressed.len());
    }
    if show {
        for item in &result.suppressed {
            let finding = &item.finding;
            let source = item
                .suppression
                .source
                .as_deref()
                .map_or(String::new(), |source| format!(" [{}]", clean(source)));
            let _ = writeln!(
                out,
                "  {:<9} {}  {}  {}{source}: {}",
                finding.severity.label(),
                clean(&finding.rule_id),
                location(finding),
                item.suppression.kind.label(),
                clean(&item.suppression.reason)
            );
        }
    }
    for stale in &result.stale_suppressions {
        let _ = writeln!(
            out,
            "warning: suppression {} is stale ({}): {}",
            clean(&stale.source),
            stale.why.label(),
            clean(&stale.reason)
        );
    }
}

fn location(finding: &Finding) -> String {
    match (finding.start_line, finding.end_line) {
        (Some(start), Some(end)) if end > start => {
            format!("{}:{start}-{end}", clean(&finding.path))
        }
        (Some(start), _) => format!("{}:{start}", clean(&finding.path)),
        _ if finding.path.is_empty() => "image config".to_string(),
        _ => clean(&finding.path),
    }
}

fn detail(out: &mut String, finding: &Finding) {
    if let Some(field) = &finding.field_path {
        let _ = write!(out, "  {}", clean(field));
    }
    if let Some(secret) = &finding.secret {
        let _ = write!(out, "  {}", clean(secret));
    }
    let _ = writeln!(out);
    if finding.message != finding.title {
        let _ = writeln!(out, "      {}", clean(&finding.message));
    }
}

fn render_by_severity(out: &mut String, result: &ScanResult, color: bool) {
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
            let _ = writeln!(
                out,
                "  {}  {}",
                paint(&clean(&finding.rule_id), "1", color),
                clean(&finding.title)
            );
            let _ = write!(out, "    {}", location(finding));
            detail(out, finding);
        }
    }
}

fn render_image(out: &mut String, result: &ScanResult, image: &ImageScan, color: bool) {
    let name = clean(image.reference.as_deref().unwrap_or(&result.target.name));
    let os = image
        .os
        .as_ref()
        .map_or("unknown OS".to_string(), |os| clean(&os.pretty_name));
    let _ = writeln!(
        out,
        "\nImage {name} ({}, {os}, {} layers)",
        image.platform,
        image.layers.len()
    );
    let _ = writeln!(out, "  config {}", clean(&image.config_digest));
    // Config findings first, then each layer bottom up, files in order.
    let groups =
        std::iter::once(None).chain(image.layers.iter().map(|layer| Some(layer.info.index)));
    for group in groups {
        let findings: Vec<&Finding> = result
            .findings
            .iter()
            .filter(|f| f.layer.as_ref().map(|l| l.index) == group)
            .collect();
        if findings.is_empty() {
            continue;
        }
        match group.and_then(|index| image.layers.get(index)) {
            None => {
                let _ = writeln!(out, "\n{}", paint("Image configuration", "1", color));
            }
            Some(layer) => {
                let command = layer.info.created_by.as_deref().unwrap_or("(no history)");
                let short: String = clean(command).chars().take(100).collect();
                let header = format!(
                    "Layer {} {}",
                    layer.info.index,
                    clean(short_digest(&layer.info.diff_id))
                );
                let _ = writeln!(out, "\n{}  {short}", paint(&header, "1", color));
            }
        }
        let mut ordered = findings;
        ordered.sort_by(|a, b| {
            a.path
                .cmp(&b.path)
                .then(b.severity.cmp(&a.severity))
                .then(a.start_line.cmp(&b.start_line))
        });
        let mut current_path: Option<&str> = None;
        for finding in ordered {
            if current_path != Some(finding.path.as_str()) {
                current_path = Some(&finding.path);
                let mut header = if finding.path.is_empty() {
                    "config".to_string()
                } else {
                    format!("/{}", clean(&finding.path))
                };
                if let Some(removed) = finding.removed_in_layer {
                    header.push_str(&format!(
                        "  (removed in layer {removed}, still in this layer's blob)"
                    ));
                }
                let _ = writeln!(out, "  {header}");
            }
            let label = paint(
                finding.severity.label(),
                severity_color(finding.severity),
                color,
            );
            let lines = match (finding.start_line, finding.end_line) {
                (Some(start), Some(end)) if end > start => format!(":{start}-{end}"),
                (Some(start), _) => format!(":{start}"),
                _ => String::new(),
            };
            let _ = write!(
                out,
                "    {label:<9} {}{lines}  {}",
                clean(&finding.rule_id),
                clean(&finding.title)
            );
            detail(out, finding);
        }
    }
}

fn short_digest(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}
