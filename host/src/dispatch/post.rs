//! Post-scan phase: plugins that asked for the package inventory receive
//! the merged list and the OS identity, once, and report findings (a
//! vulnerability matcher, say). A finding about a package is located at
//! the file and layer the package was found in.

use crate::dispatch::image::OsRelease;
use crate::dispatch::{PluginRun, RawFinding};
use crate::merge::Package;
use crate::plugin::PluginSet;
use crate::runtime::wit;

/// Runs the post-scan calls; their outcomes are added to `runs`.
pub fn run(
    set: &PluginSet,
    packages: &[Package],
    os: Option<&OsRelease>,
    runs: &mut [PluginRun],
) -> Vec<RawFinding> {
    let inventory: Vec<wit::InstalledPackage> = packages
        .iter()
        .map(|p| wit::InstalledPackage {
            ecosystem: p.ecosystem.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            purl: p.purl.clone(),
            source_name: p.source_name.clone(),
            source_version: p.source_version.clone(),
        })
        .collect();
    let os = os.map(|os| wit::OsIdentity {
        id: os.id.clone(),
        version_id: os.version_id.clone(),
        pretty_name: os.pretty_name.clone(),
    });
    let mut findings = Vec::new();
    for (index, plugin) in set.plugins.iter().enumerate() {
        if !plugin.interests.package_inventory {
            continue;
        }
        let run = &mut runs[index];
        let mut instance = match plugin.component.instantiate() {
            Ok(instance) => instance,
            Err(err) => {
                run.record_failure("post-scan", &format!("{err:#}"));
                continue;
            }
        };
        let result = instance.post_scan(&inventory, os.as_ref());
        run.record("post-scan", &result);
        for finding in result.report.findings {
            let located = finding.affected_package.as_ref().and_then(|affected| {
                packages.iter().find(|p| {
                    p.ecosystem == affected.ecosystem
                        && p.name == affected.name
                        && p.version == affected.version
                })
            });
            findings.push(RawFinding {
                plugin: index,
                path: located.map(|p| p.path.clone()).unwrap_or_default(),
                layer: located.and_then(|p| p.layer.as_ref().map(|l| l.index)),
                removed_in: None,
                finding,
            });
        }
    }
    findings
}
