//! Curated plugin `osv`: known vulnerabilities of the package inventory,
//! from an offline database of OSV records that the user grants as the
//! read-only `vulnerability-db` directory (`--db DIR`): one folder per OSV
//! ecosystem (`PyPI/`, `Debian/`, ...) of `*.json` records, the layout
//! osv.dev's per-ecosystem archives unpack to. The plugin sees that
//! directory at `/data` and nothing else.
//!
//! OSV semantics (`range`): `ECOSYSTEM` ranges in each ecosystem's own
//! version order (`version`), `SEMVER` ranges in SemVer's, with
//! introduced, fixed, last_affected and limit events; explicit `versions`;
//! withdrawn records skipped. Records that name each other as aliases are
//! one finding listing every id. Each finding states why it matched: the
//! `matched-range` (`introduced 0, fixed 2.20.0`) and the `version-order`
//! (`PEP 440`) as finding properties.

mod cvss;
mod range;
mod record;
mod version;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bulkhead_sdk::{
    Finding, InstalledPackage, Interests, Plugin, PluginInfo, PostScan, Reporter, Rule, Severity,
    export_plugin,
};

use crate::range::{Match, affected_by};
use crate::record::{DB, Record, for_each_record};

struct Osv;

impl Plugin for Osv {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "osv",
            env!("CARGO_PKG_VERSION"),
            "Matches the package inventory against an offline OSV database (granted with --db).",
        )
        .rule(
            Rule::new("vulnerability", "Known vulnerability", Severity::Medium)
                .description("A package version is affected by a published vulnerability (OSV record). Severity comes from the record's CVSS v3 vector, else its database severity, else medium.")
                .remediation("Upgrade to a fixed version.")
                .reference("https://osv.dev"),
        )
        .rule(
            Rule::new("no-database", "No vulnerability database", Severity::Info)
                .description("No OSV database was granted or it holds no record for the inventory's ecosystems, so vulnerabilities were not matched.")
                .remediation("Pass --db DIR (see `bulkhead db update`)."),
        )
        .interests(Interests::default().package_inventory().data_directory("vulnerability-db"))
    }

    fn post_scan(input: &PostScan, out: &mut Reporter) -> Result<(), String> {
        let packages = &input.packages;
        if packages.is_empty() {
            return Ok(());
        }
        if std::fs::metadata(DB).is_err() {
            out.finding(Finding::new(
                "no-database",
                "no vulnerability database was granted (--db)",
            ));
            return Ok(());
        }
        let (hits, folders, records_read) = match_inventory(packages);
        if records_read == 0 {
            out.finding(Finding::new(
                "no-database",
                format!(
                    "the database at --db holds no records for {}",
                    folders.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
            return Ok(());
        }
        report(hits, out);
        Ok(())
    }
}

/// A package, a record that affects it, and why.
type Hit<'a> = (&'a InstalledPackage, Record, Match);
/// A record that affects a package, and why.
type Reasoned = (Record, Match);
/// Ecosystem, name and version of a package.
type PackageKey = (String, String, String);

/// Reads the records of every ecosystem folder the inventory needs once,
/// and matches each against the packages of its name. Returns the hits,
/// the folders looked in and how many records were read.
fn match_inventory(packages: &[InstalledPackage]) -> (Vec<Hit<'_>>, BTreeSet<String>, usize) {
    // Index the inventory by (ecosystem family folder, match name).
    let mut wanted: HashMap<(String, String), Vec<&InstalledPackage>> = HashMap::new();
    for package in packages {
        wanted
            .entry((folder(&package.ecosystem), match_name(package)))
            .or_default()
            .push(package);
    }
    let folders: BTreeSet<String> = wanted.keys().map(|(folder, _)| folder.clone()).collect();
    let mut hits: Vec<Hit> = Vec::new();
    let mut records_read = 0usize;
    for folder in &folders {
        for_each_record(folder, &mut |bytes| {
            let Some(record) = Record::parse(bytes) else {
                return;
            };
            records_read += 1;
            if record.withdrawn.is_some() {
                return;
            }
            let mut matched: Vec<(&InstalledPackage, Match)> = Vec::new();
            for affected in &record.affected {
                let Some(id) = &affected.package else {
                    continue;
                };
                let key = (folder.clone(), normalize(&id.ecosystem, &id.name));
                for package in wanted.get(&key).into_iter().flatten() {
                    if !same_ecosystem(&package.ecosystem, &id.ecosystem)
                        || matched.iter().any(|(m, _)| std::ptr::eq(*m, *package))
                    {
                        continue;
                    }
                    if let Some(why) =
                        affected_by(affected, &package.ecosystem, &version_of(package))
                    {
                        matched.push((package, why));
                    }
                }
            }
            for (package, why) in matched {
                hits.push((package, record.clone(), why));
            }
        });
    }
    (hits, folders, records_read)
}

/// Findings: one per package and group of records that alias each other,
/// each stating the range that matched and the version order used.
fn report(hits: Vec<Hit>, out: &mut Reporter) {
    let mut by_package: BTreeMap<PackageKey, (String, Vec<Reasoned>)> = BTreeMap::new();
    for (package, record, why) in hits {
        let key = (
            package.ecosystem.clone(),
            package.name.clone(),
            package.version.clone(),
        );
        by_package
            .entry(key)
            .or_insert_with(|| (match_name(package), Vec::new()))
            .1
            .push((record, why));
    }
    for ((ecosystem, name, version), (matched_as, records)) in by_package {
        for group in alias_groups(records) {
            let finding = finding_of(&group, &ecosystem, &name, &version, &matched_as);
            if !out.finding(finding) {
                return;
            }
        }
    }
}

/// The finding for one package and one group of aliased records.
fn finding_of(
    group: &[Reasoned],
    ecosystem: &str,
    name: &str,
    version: &str,
    matched_as: &str,
) -> Finding {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for (record, _) in group {
        ids.insert(record.id.clone());
        ids.extend(record.aliases.iter().cloned());
    }
    // Name it by its CVE when it has one.
    let primary = ids
        .iter()
        .find(|id| id.starts_with("CVE-"))
        .or_else(|| ids.iter().next())
        .cloned()
        .unwrap_or_default();
    let fixed: BTreeSet<String> = group
        .iter()
        .flat_map(|(r, _)| r.affected.iter())
        .filter(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| normalize(&p.ecosystem, &p.name) == matched_as)
        })
        .flat_map(|a| a.ranges.iter())
        .filter(|r| r.kind == "ECOSYSTEM" || r.kind == "SEMVER")
        .flat_map(|r| r.events.iter().filter_map(|e| e.fixed.clone()))
        .collect();
    let severity = group
        .iter()
        .filter_map(|(r, _)| severity_of(r))
        .max()
        .unwrap_or(Severity::Medium);
    let summary = group
        .iter()
        .map(|(r, _)| r.summary.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let references: Vec<String> = group
        .iter()
        .flat_map(|(r, _)| r.references.iter().map(|x| x.url.clone()))
        .take(10)
        .collect();
    let fix_text = if fixed.is_empty() {
        "no fixed version".to_string()
    } else {
        format!(
            "fixed in {}",
            fixed.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    let (range, order) = reasons(group);
    Finding::new(
        "vulnerability",
        format!("{primary} in {name} {version} ({fix_text}): {summary}"),
    )
    .severity(severity)
    .package(ecosystem, name, version)
    .fixed_versions(fixed.into_iter().collect())
    .aliases(ids.into_iter().collect())
    .references(references)
    .property("matched-range", range)
    .property("version-order", order)
}

/// The `matched-range` and `version-order` of a group: the one reason
/// when its records agree, else each record's, prefixed with its id.
fn reasons(group: &[Reasoned]) -> (String, String) {
    let distinct = |text: &dyn Fn(&Match) -> String| -> String {
        let all: BTreeSet<String> = group.iter().map(|(_, why)| text(why)).collect();
        if all.len() == 1 {
            all.into_iter().next().unwrap_or_default()
        } else {
            group
                .iter()
                .map(|(record, why)| format!("{}: {}", record.id, text(why)))
                .collect::<Vec<_>>()
                .join("; ")
        }
    };
    (
        distinct(&|why: &Match| why.range.clone()),
        distinct(&|why: &Match| why.order.to_string()),
    )
}

/// Groups records whose ids or aliases overlap (a CVE published as GHSA and
/// PYSEC is one problem).
fn alias_groups(records: Vec<Reasoned>) -> Vec<Vec<Reasoned>> {
    let mut groups: Vec<(BTreeSet<String>, Vec<Reasoned>)> = Vec::new();
    for (record, why) in records {
        let mut ids: BTreeSet<String> = record.aliases.iter().cloned().collect();
        ids.insert(record.id.clone());
        let mut merged = (ids, vec![(record, why)]);
        let mut index = 0;
        while index < groups.len() {
            if groups[index].0.intersection(&merged.0).next().is_some() {
                let (ids, recs) = groups.swap_remove(index);
                merged.0.extend(ids);
                merged.1.extend(recs);
                index = 0;
            } else {
                index += 1;
            }
        }
        groups.push(merged);
    }
    groups.into_iter().map(|(_, records)| records).collect()
}

fn severity_of(record: &Record) -> Option<Severity> {
    let from_cvss = record
        .severity
        .iter()
        .filter(|s| s.kind.starts_with("CVSS_V3"))
        .filter_map(|s| cvss::base_score(&s.score))
        .fold(None, |best: Option<f64>, score| {
            Some(best.map_or(score, |b| b.max(score)))
        });
    if let Some(score) = from_cvss {
        return Some(cvss::severity(score));
    }
    let text = record
        .database_specific
        .as_ref()
        .and_then(|d| d["severity"].as_str())
        .map(str::to_ascii_uppercase);
    match text.as_deref() {
        Some("CRITICAL") => Some(Severity::Critical),
        Some("HIGH") => Some(Severity::High),
        Some("MODERATE" | "MEDIUM") => Some(Severity::Medium),
        Some("LOW") => Some(Severity::Low),
        _ => None,
    }
}

/// OSV folder for an inventory ecosystem: `Debian:12` lives in `Debian/`.
fn folder(ecosystem: &str) -> String {
    ecosystem.split(':').next().unwrap_or(ecosystem).to_string()
}

/// Debian and Ubuntu records are keyed by source package.
fn match_name(package: &InstalledPackage) -> String {
    let family = folder(&package.ecosystem);
    let name = match (family.as_str(), &package.source_name) {
        ("Debian" | "Ubuntu", Some(source)) => source.as_str(),
        _ => package.name.as_str(),
    };
    normalize(&package.ecosystem, name)
}

fn version_of(package: &InstalledPackage) -> String {
    match (folder(&package.ecosystem).as_str(), &package.source_version) {
        ("Debian" | "Ubuntu", Some(version)) => version.clone(),
        _ => package.version.clone(),
    }
}

/// Names compare as their ecosystem does (PEP 503 for PyPI).
fn normalize(ecosystem: &str, name: &str) -> String {
    if folder(ecosystem) == "PyPI" {
        name.to_ascii_lowercase().replace(['_', '.'], "-")
    } else {
        name.to_string()
    }
}

/// `Debian:12` matches records for `Debian:12`; a record without a
/// release (`Debian`) matches every release.
fn same_ecosystem(inventory: &str, record: &str) -> bool {
    inventory == record || (!record.contains(':') && folder(inventory) == record)
}

export_plugin!(Osv);

#[cfg(test)]
mod suites;
#[cfg(test)]
mod tests;
