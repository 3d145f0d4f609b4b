//! JUnit XML (via the `quick-junit` crate), for CI test reports: one test
//! suite per target, one test case per declared rule. A rule with findings
//! at or above the exit-code threshold fails, listing them; a rule with
//! findings only below it passes and lists them in its output. Each plugin
//! that failed, timed out, ran out of memory or was truncated adds an
//! errored test case, so a broken check is not a green one.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{Context, Result};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::model::{Finding, PluginInfo, ScanResult, Severity};
use crate::text::sanitize;

/// Longest text put into one test case.
const MAX_CASE_TEXT: usize = 64 << 10;

/// Renders the report. `threshold` is `--severity-threshold` (`None`:
/// nothing fails).
pub fn render(
    result: &ScanResult,
    plugins: &[PluginInfo],
    threshold: Option<Severity>,
) -> Result<String> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &result.findings {
        by_rule.entry(&finding.rule_id).or_default().push(finding);
    }
    let mut suppressed: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &result.suppressed {
        *suppressed.entry(&item.finding.rule_id).or_default() += 1;
    }
    let target = sanitize(&result.target.name, 1024);
    let mut suite = TestSuite::new(format!("bulkhead {target}"));
    for plugin in plugins {
        for rule in &plugin.rules {
            let id = format!("{}/{}", plugin.id, rule.id);
            let findings = by_rule.remove(id.as_str()).unwrap_or_default();
            let quiet = suppressed.get(id.as_str()).copied().unwrap_or(0);
            suite.add_test_case(rule_case(
                &id,
                &plugin.id,
                &rule.title,
                &findings,
                quiet,
                threshold,
            ));
        }
    }
    // Findings of rules no plugin in the list declares (should not happen:
    // merge rejects them) still show.
    for (id, findings) in by_rule {
        let class = id.split('/').next().unwrap_or(id);
        suite.add_test_case(rule_case(id, class, id, &findings, 0, threshold));
    }
    for plugin in result.plugins.iter().filter(|p| p.status.is_error()) {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(format!("plugin {} {:?}", plugin.id, plugin.status));
        status.set_type("plugin-error");
        status.set_description(sanitize(&plugin.run.errors.join("\n"), MAX_CASE_TEXT));
        let mut case = TestCase::new(format!("plugin {}", plugin.id), status);
        case.set_classname(plugin.id.as_str());
        suite.add_test_case(case);
    }
    let mut report = Report::new("bulkhead");
    report.add_test_suite(suite);
    report.to_string().context("serializing the JUnit report")
}

fn rule_case(
    id: &str,
    class: &str,
    title: &str,
    findings: &[&Finding],
    suppressed: usize,
    threshold: Option<Severity>,
) -> TestCase {
    let failing: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| threshold.is_some_and(|t| f.severity >= t))
        .collect();
    let status = match failing.iter().map(|f| f.severity).max() {
        None => TestCaseStatus::success(),
        Some(worst) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(format!(
                "{} finding(s) of {id} at or above the threshold: {title}",
                failing.len()
            ));
            status.set_type(worst.to_string());
            status.set_description(listing(&failing));
            status
        }
    };
    let mut case = TestCase::new(id, status);
    case.set_classname(class);
    let below: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| !failing.contains(f))
        .collect();
    let mut out = String::new();
    if !below.is_empty() {
        let _ = writeln!(out, "below the threshold:\n{}", listing(&below));
    }
    if suppressed > 0 {
        let _ = writeln!(
            out,
            "{suppressed} suppressed finding(s) (see the JSON or SARIF report)"
        );
    }
    if !out.is_empty() {
        case.set_system_out(out);
    }
    case
}

/// One line per finding: severity, location, message (already sanitized
/// by merge), cut after [`MAX_CASE_TEXT`] bytes.
fn listing(findings: &[&Finding]) -> String {
    let mut text = String::new();
    for finding in findings {
        let line = finding
            .start_line
            .map_or(String::new(), |line| format!(":{line}"));
        let path = if finding.path.is_empty() {
            "image config"
        } else {
            &finding.path
        };
        let _ = writeln!(
            text,
            "{} {path}{line} {}",
            finding.severity.label(),
            finding.message
        );
        if text.len() > MAX_CASE_TEXT {
            text.push_str("...\n");
            break;
        }
    }
    text
}
