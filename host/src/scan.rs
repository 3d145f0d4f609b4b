//! The pipeline, in data-flow order: open the target (`source`), walk it and
//! hand files to plugins (`walk`, `dispatch`, `runtime`), then turn what
//! they reported into findings (`merge`). `report` renders the result.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use crate::dispatch::{self, DispatchOptions, ImageScan, PluginRun};
use crate::merge::{self, Finding, MergeOptions, Package};
use crate::plugin::{Origin, PluginSet, Severity};
use crate::source::{self, Platform, TargetKind};

/// Version of the JSON output schema (`docs/json-schema.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// How a plugin fared over the whole scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PluginStatus {
    /// Every call returned normally.
    Ok,
    /// A call returned an error or trapped, or a finding was rejected.
    Failed,
    /// A call hit the deadline (the plugin was not called again).
    TimedOut,
    /// A call hit the memory cap (the plugin was not called again).
    OutOfMemory,
    /// Nothing in the target matched its interests.
    Skipped,
}

impl PluginStatus {
    fn of(run: &PluginRun) -> PluginStatus {
        if run.timed_out > 0 {
            PluginStatus::TimedOut
        } else if run.out_of_memory > 0 {
            PluginStatus::OutOfMemory
        } else if run.failed > 0 || run.rejected_findings > 0 {
            PluginStatus::Failed
        } else if run.calls == 0 {
            PluginStatus::Skipped
        } else {
            PluginStatus::Ok
        }
    }

    /// True for statuses that `--fail-on-plugin-error` turns into exit 3.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            PluginStatus::Failed | PluginStatus::TimedOut | PluginStatus::OutOfMemory
        )
    }
}

/// One plugin's entry in the result.
#[derive(Clone, Debug, Serialize)]
pub struct PluginOutcome {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of its component.
    pub sha256: String,
    /// Where it came from.
    pub origin: Origin,
    /// How it fared.
    pub status: PluginStatus,
    /// Call counters, errors and logs.
    pub run: PluginRun,
}

/// The scanned target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetInfo {
    /// As named by the user.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// For images: reference, digests, platform, OS and layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageScan>,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Findings in total.
    pub findings: usize,
    /// Findings per severity.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Info.
    pub info: usize,
    /// Regular files the walk met.
    pub files_walked: u64,
    /// Files handed to at least one plugin.
    pub files_analyzed: u64,
    /// Packages in the inventory.
    pub packages: usize,
}

impl Summary {
    /// Count of findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

/// Everything a scan produced; serialized as the JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct ScanResult {
    /// Always `bulkhead-scan`.
    pub schema: &'static str,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `bulkhead` version.
    pub tool_version: &'static str,
    /// What was scanned.
    pub target: TargetInfo,
    /// Counts.
    pub summary: Summary,
    /// Per plugin, sorted by id.
    pub plugins: Vec<PluginOutcome>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Packages found (the inventory), sorted.
    pub packages: Vec<Package>,
    /// Paths that could not be read.
    pub errors: Vec<String>,
}

impl ScanResult {
    /// True if any plugin failed, timed out or ran out of memory.
    pub fn has_plugin_errors(&self) -> bool {
        self.plugins.iter().any(|p| p.status.is_error())
    }

    /// True if a finding is at or above `threshold`.
    pub fn has_findings_at_or_above(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}

/// Options of one scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The path to scan.
    pub path: PathBuf,
    /// Dispatch settings.
    pub dispatch: DispatchOptions,
    /// Merge settings.
    pub merge: MergeOptions,
    /// Platform picked from multi-platform images.
    pub platform: Platform,
}

/// Scans `options.path` with the plugins of `set`.
pub fn scan(set: &PluginSet, options: &ScanOptions) -> Result<ScanResult> {
    let target = source::open(&options.path, &options.platform)?;
    let analyzed = dispatch::analyze(&target, set, &options.dispatch)?;
    let mut runs = analyzed.runs;
    let layers = analyzed
        .image
        .as_ref()
        .map_or(&[][..], |image| &image.layers[..]);
    let packages = merge::merge_packages(set, analyzed.packages, layers);
    let os = analyzed.image.as_ref().and_then(|image| image.os.as_ref());
    let mut raw = analyzed.findings;
    raw.extend(dispatch::post::run(set, &packages, os, &mut runs));
    let findings = merge::merge(target.name(), set, raw, &mut runs, layers, &options.merge);

    let mut summary = Summary {
        findings: findings.len(),
        files_walked: analyzed.files_walked,
        files_analyzed: analyzed.files_dispatched,
        packages: packages.len(),
        ..Summary::default()
    };
    for finding in &findings {
        match finding.severity {
            Severity::Critical => summary.critical += 1,
            Severity::High => summary.high += 1,
            Severity::Medium => summary.medium += 1,
            Severity::Low => summary.low += 1,
            Severity::Info => summary.info += 1,
        }
    }
    let plugins = set
        .plugins
        .iter()
        .zip(runs)
        .map(|(plugin, run)| PluginOutcome {
            id: plugin.id.clone(),
            version: plugin.version.clone(),
            sha256: plugin.sha256().to_string(),
            origin: plugin.origin.clone(),
            status: PluginStatus::of(&run),
            run,
        })
        .collect();
    Ok(ScanResult {
        schema: "bulkhead-scan",
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        target: TargetInfo {
            name: target.name().to_string(),
            kind: target.kind(),
            image: analyzed.image,
        },
        summary,
        plugins,
        findings,
        packages,
        errors: analyzed.errors,
    })
}
