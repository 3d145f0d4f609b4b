//! The pipeline, in data-flow order: open the target (`source`), walk it and
//! hand files to plugins (`walk`, `dispatch`, `runtime`), then turn what
//! they reported into findings (`merge`), and keep what the team accepted
//! out of the gate (`gate`). `report` renders the result.

use std::path::PathBuf;

use anyhow::Result;

use crate::dispatch::{self, DispatchOptions};
use crate::gate::{self, GateOptions};
use crate::merge::{self, MergeOptions};
use crate::model::{PluginOutcome, PluginStatus, SCHEMA_VERSION, ScanResult, Summary, TargetInfo};
use crate::plugin::PluginSet;
use crate::source::{self, Platform};

/// Options of one scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The path to scan.
    pub path: PathBuf,
    /// Dispatch settings.
    pub dispatch: DispatchOptions,
    /// Merge settings.
    pub merge: MergeOptions,
    /// Suppressions, baseline and report filters.
    pub gate: GateOptions,
    /// Platform picked from multi-platform images.
    pub platform: Platform,
    /// Bytes one plugin's post-scan call may keep.
    pub post_scan_budget: u64,
}

/// Scans `options.path` with the plugins of `set`.
pub fn scan(set: &PluginSet, options: &ScanOptions) -> Result<ScanResult> {
    let target = source::open(&options.path, &options.platform)?;
    let infos = set.infos();
    let analyzed = dispatch::analyze(&target, set, &options.dispatch)?;
    let mut runs = analyzed.runs;
    let layers = analyzed
        .image
        .as_ref()
        .map_or(&[][..], |image| &image.layers[..]);
    let packages = merge::merge_packages(&infos, analyzed.packages, layers);
    let os = analyzed.image.as_ref().and_then(|image| image.os.as_ref());
    let mut raw = analyzed.findings;
    raw.extend(dispatch::post::run(
        set,
        &packages,
        os,
        &analyzed.notes,
        &mut runs,
        options.post_scan_budget,
    ));
    let findings = merge::merge(
        target.name(),
        &infos,
        raw,
        &mut runs,
        layers,
        &options.merge,
    );

    let mut summary = Summary {
        files_walked: analyzed.files_walked,
        files_analyzed: analyzed.files_dispatched,
        packages: packages.len(),
        ..Summary::default()
    };
    for finding in &findings {
        summary.add(finding.severity);
    }
    let infos_for_gate = infos.clone();
    let plugins = infos
        .into_iter()
        .zip(runs)
        .map(|(info, run)| PluginOutcome {
            status: PluginStatus::of(&run),
            id: info.id,
            version: info.version,
            sha256: info.sha256,
            contract: info.contract,
            origin: info.origin,
            run,
        })
        .collect();
    let mut result = ScanResult {
        schema: "bulkhead-scan",
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        target: TargetInfo {
            name: target.name().to_string(),
            kind: target.kind(),
            image: analyzed.image,
        },
        complete: analyzed.complete,
        summary,
        plugins,
        findings,
        suppressed: Vec::new(),
        stale_suppressions: Vec::new(),
        packages,
        errors: analyzed.errors,
    };
    gate::apply(
        &mut result,
        &infos_for_gate,
        &analyzed.inline_ignores,
        &options.gate,
    )?;
    Ok(result)
}
