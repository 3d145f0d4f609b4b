//! Post-scan phase: each plugin that asked for the package inventory, or
//! left notes during the analyze phase, is called once with the merged
//! inventory, the OS identity and its own notes, and reports findings (a
//! vulnerability matcher; a check that needed several files).
//!
//! A finding about a package is located at the file and layer the package
//! was found in; a finding that names a file (contract 0.2.0 `path`) is
//! located there if the plugin left a note from that file, which is how
//! the host knows the plugin saw it. Both lookups are by index, so the
//! phase costs findings + packages, not their product.

use std::collections::HashMap;

use super::RawNote;
use super::RecordCall;
use crate::model::{Note, OsRelease, Package, PluginRun, RawFinding, ReportedPackage};
use crate::plugin::PluginSet;
use crate::runtime::{OutputBudget, PostScanInput};

/// Runs the post-scan calls; their outcomes are added to `runs`.
pub fn run(
    set: &PluginSet,
    packages: &[Package],
    os: Option<&OsRelease>,
    notes: &[RawNote],
    runs: &mut [PluginRun],
    budget_bytes: u64,
) -> Vec<RawFinding> {
    let inventory: Vec<ReportedPackage> = packages
        .iter()
        .map(|p| ReportedPackage {
            ecosystem: p.ecosystem.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            purl: p.purl.clone(),
            source_name: p.source_name.clone(),
            source_version: p.source_version.clone(),
        })
        .collect();
    let by_package: HashMap<(&str, &str, &str), &Package> = packages
        .iter()
        .map(|p| {
            (
                (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()),
                p,
            )
        })
        .collect();
    let mut findings = Vec::new();
    for (index, plugin) in set.plugins.iter().enumerate() {
        let own: Vec<&RawNote> = notes.iter().filter(|n| n.plugin == index).collect();
        if !plugin.info.interests.package_inventory && own.is_empty() {
            continue;
        }
        let run = &mut runs[index];
        let budget = std::sync::Arc::new(OutputBudget::new(budget_bytes));
        let mut instance = match plugin.instantiate(&budget) {
            Ok(instance) => instance,
            Err(err) => {
                run.record_failure("post-scan", &format!("{err:#}"));
                continue;
            }
        };
        let note_list: Vec<Note> = own.iter().map(|n| n.note.clone()).collect();
        let result = instance.post_scan(&PostScanInput {
            packages: &inventory,
            os,
            notes: &note_list,
        });
        run.record("post-scan", &result);
        let noted_layers: HashMap<&str, Option<usize>> = own
            .iter()
            .map(|n| (n.note.path.as_str(), n.layer))
            .collect();
        for mut finding in result.report.findings {
            let (path, layer) = match finding.path.take() {
                Some(path) => match noted_layers.get(path.as_str()) {
                    Some(layer) => (path, *layer),
                    // The plugin left no note from that file: the host
                    // cannot vouch that it is one the plugin saw.
                    None => (String::new(), None),
                },
                None => finding
                    .package
                    .as_ref()
                    .and_then(|affected| {
                        by_package.get(&(
                            affected.ecosystem.as_str(),
                            affected.name.as_str(),
                            affected.version.as_str(),
                        ))
                    })
                    .map(|p| (p.path.clone(), p.layer.as_ref().map(|l| l.index)))
                    .unwrap_or_default(),
            };
            findings.push(RawFinding {
                plugin: index,
                path,
                layer,
                removed_in: None,
                finding,
            });
        }
    }
    findings
}
