//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per finding, which the runner turns into annotations on
//! the pull request's files. Properties and messages are escaped as the
//! runner's toolkit does (`%`, CR and LF everywhere; `:` and `,` too in
//! properties), so a message cannot end its command early or start
//! another. Stale and expired suppressions become warnings.
//!
//! Files are named relative to the working directory (the checkout):
//! for a directory target, the target path joined with the finding's path.
//! Image findings have no file in the checkout and carry their in-image
//! path in the message.

use std::fmt::Write;

use crate::model::{Finding, ScanResult, Severity, StaleWhy, TargetKind};

/// Renders the workflow commands.
pub fn render(result: &ScanResult) -> String {
    let mut out = String::new();
    for finding in &result.findings {
        let mut properties = Vec::new();
        let file = checkout_path(result, finding);
        if let Some(file) = &file {
            properties.push(format!("file={}", escape_property(file)));
            if let Some(start) = finding.start_line {
                let end = finding.end_line.unwrap_or(start).max(start);
                properties.push(format!("line={start}"));
                properties.push(format!("endLine={end}"));
            }
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} ({})", finding.rule_id, finding.severity))
        ));
        let mut message = format!("{}: {}", finding.title, finding.message);
        if file.is_none() && !finding.path.is_empty() {
            message = format!("{} /{}: {message}", result.target.name, finding.path);
        }
        if let Some(secret) = &finding.secret {
            let _ = write!(message, " ({secret})");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(finding.severity),
            properties.join(","),
            escape_data(&message)
        );
    }
    for stale in &result.stale_suppressions {
        let why = match stale.why {
            StaleWhy::Expired => "expired: it no longer suppresses",
            StaleWhy::MatchedNothing => "matched no finding",
            StaleWhy::UnknownRule => "names a rule no plugin declares",
        };
        let _ = writeln!(
            out,
            "::warning title={}::{}",
            escape_property("bulkhead stale suppression"),
            escape_data(&format!(
                "{} {why} (reason: {})",
                stale.source, stale.reason
            ))
        );
    }
    let summary = &result.summary;
    let _ = writeln!(
        out,
        "::notice title=bulkhead::{}",
        escape_data(&format!(
            "{}: {} findings (critical {}, high {}, medium {}, low {}, info {}), {} suppressed",
            result.target.name,
            summary.findings,
            summary.critical,
            summary.high,
            summary.medium,
            summary.low,
            summary.info,
            summary.suppressed
        ))
    );
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// The finding's file relative to the checkout, for file-tree targets.
fn checkout_path(result: &ScanResult, finding: &Finding) -> Option<String> {
    let target = result.target.name.trim_end_matches('/');
    match result.target.kind {
        TargetKind::File => Some(target.trim_start_matches("./").to_string()),
        TargetKind::Directory if !finding.path.is_empty() => {
            Some(if target.is_empty() || target == "." {
                finding.path.clone()
            } else {
                format!("{}/{}", target.trim_start_matches("./"), finding.path)
            })
        }
        _ => None,
    }
}

/// Escapes a command's message: `%`, CR, LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50%\r\n::x"), "50%25%0D%0A::x");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
