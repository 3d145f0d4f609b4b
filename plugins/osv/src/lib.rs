//! Curated plugin `osv`: known vulnerabilities of the package inventory,
//! from an offline database of OSV records that the user grants as the
//! read-only `vulnerability-db` directory (`--db DIR`): one folder per OSV
//! ecosystem (`PyPI/`, `Debian/`, ...) of `*.json` records, the layout
//! osv.dev's per-ecosystem archives unpack to. The plugin sees that
//! directory at `/data` and nothing else.
//!
//! OSV semantics: `ECOSYSTEM` and `SEMVER` ranges with introduced, fixed,
//! last_affected and limit events, explicit `versions`, withdrawn records
//! skipped, each ecosystem's own version order (`version`). Records that
//! name each other as aliases are one finding listing every id.

mod cvss;
mod version;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bulkhead_sdk::{
    Finding, InstalledPackage, Interests, Plugin, PluginInfo, PostScan, Reporter, Rule, Severity,
    export_plugin,
};
use serde::Deserialize;

/// Where the granted database appears.
const DB: &str = "/data";
/// Largest record read.
const MAX_RECORD: u64 = 4 << 20;

struct Osv;

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: String,
    withdrawn: Option<String>,
    #[serde(default)]
    affected: Vec<Affected>,
    #[serde(default)]
    severity: Vec<SeverityEntry>,
    #[serde(default)]
    references: Vec<Reference>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Affected {
    package: Option<PackageId>,
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct PackageId {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct Range {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Deserialize, Default)]
struct Event {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize)]
struct SeverityEntry {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct Reference {
    url: String,
}

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
        // Index the inventory by (ecosystem family folder, match name).
        let mut wanted: HashMap<(String, String), Vec<&InstalledPackage>> = HashMap::new();
        for package in packages {
            wanted
                .entry((folder(&package.ecosystem), match_name(package)))
                .or_default()
                .push(package);
        }
        let folders: BTreeSet<String> = wanted.keys().map(|(folder, _)| folder.clone()).collect();
        let mut hits: Vec<(&InstalledPackage, Record)> = Vec::new();
        let mut records_read = 0usize;
        for folder in &folders {
            for_each_record(folder, &mut |bytes| {
                let Ok(record) = serde_json::from_slice::<Record>(bytes) else {
                    return;
                };
                records_read += 1;
                if record.withdrawn.is_some() {
                    return;
                }
                let mut matched: Vec<&InstalledPackage> = Vec::new();
                for affected in &record.affected {
                    let Some(id) = &affected.package else {
                        continue;
                    };
                    let key = (folder.clone(), normalize(&id.ecosystem, &id.name));
                    for package in wanted.get(&key).into_iter().flatten() {
                        if same_ecosystem(&package.ecosystem, &id.ecosystem)
                            && is_affected(affected, &package.ecosystem, &version_of(package))
                            && !matched.iter().any(|m| std::ptr::eq(*m, *package))
                        {
                            matched.push(package);
                        }
                    }
                }
                for package in matched {
                    hits.push((package, clone_record(&record)));
                }
            });
        }
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

/// Most records read from one `all.zip`.
const MAX_ARCHIVE_ENTRIES: usize = 2_000_000;

/// Calls `visit` with the bytes of every record of an ecosystem folder:
/// its `*.json` files (sorted), and the entries of its `all.zip` (the
/// archive osv.dev publishes per ecosystem), each at most 4 MiB.
fn for_each_record(folder: &str, visit: &mut dyn FnMut(&[u8])) {
    let dir = format!("{DB}/{folder}");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in &paths {
        if path.extension().is_some_and(|e| e == "json") {
            let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_RECORD);
            if let (true, Ok(bytes)) = (small, std::fs::read(path)) {
                visit(&bytes);
            }
        }
    }
    let Ok(file) = std::fs::File::open(format!("{dir}/all.zip")) else {
        return;
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        bulkhead_sdk::log(
            bulkhead_sdk::LogLevel::Warn,
            &format!("{folder}/all.zip is not a readable zip archive"),
        );
        return;
    };
    for index in 0..archive.len().min(MAX_ARCHIVE_ENTRIES) {
        let Ok(entry) = archive.by_index(index) else {
            continue;
        };
        if !entry.name().is_ok_and(|name| name.ends_with(".json")) || entry.size() > MAX_RECORD {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        if std::io::Read::read_to_end(&mut std::io::Read::take(entry, MAX_RECORD), &mut bytes)
            .is_ok()
        {
            visit(&bytes);
        }
    }
}

/// Records are not Clone (serde_json values); keep what findings need.
fn clone_record(record: &Record) -> Record {
    Record {
        id: record.id.clone(),
        aliases: record.aliases.clone(),
        summary: record.summary.clone(),
        withdrawn: None,
        affected: record
            .affected
            .iter()
            .map(|a| Affected {
                package: a.package.as_ref().map(|p| PackageId {
                    ecosystem: p.ecosystem.clone(),
                    name: p.name.clone(),
                }),
                ranges: a
                    .ranges
                    .iter()
                    .map(|r| Range {
                        kind: r.kind.clone(),
                        events: r
                            .events
                            .iter()
                            .map(|e| Event {
                                fixed: e.fixed.clone(),
                                ..Event::default()
                            })
                            .collect(),
                    })
                    .collect(),
                versions: Vec::new(),
            })
            .collect(),
        severity: record
            .severity
            .iter()
            .map(|s| SeverityEntry {
                kind: s.kind.clone(),
                score: s.score.clone(),
            })
            .collect(),
        references: record
            .references
            .iter()
            .take(10)
            .map(|r| Reference { url: r.url.clone() })
            .collect(),
        database_specific: record.database_specific.clone(),
    }
}

/// Findings: one per package and group of records that alias each other.
fn report(hits: Vec<(&InstalledPackage, Record)>, out: &mut Reporter) {
    let mut by_package: BTreeMap<(String, String, String), (String, Vec<Record>)> = BTreeMap::new();
    for (package, record) in hits {
        let key = (
            package.ecosystem.clone(),
            package.name.clone(),
            package.version.clone(),
        );
        by_package
            .entry(key)
            .or_insert_with(|| (match_name(package), Vec::new()))
            .1
            .push(record);
    }
    for ((ecosystem, name, version), (matched_as, records)) in by_package {
        for group in alias_groups(records) {
            let mut ids: BTreeSet<String> = BTreeSet::new();
            for record in &group {
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
                .flat_map(|r| r.affected.iter())
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
                .filter_map(severity_of)
                .max()
                .unwrap_or(Severity::Medium);
            let summary = group
                .iter()
                .map(|r| r.summary.as_str())
                .find(|s| !s.is_empty())
                .unwrap_or("");
            let references: Vec<String> = group
                .iter()
                .flat_map(|r| r.references.iter().map(|x| x.url.clone()))
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
            let finding = Finding::new(
                "vulnerability",
                format!("{primary} in {name} {version} ({fix_text}): {summary}"),
            )
            .severity(severity)
            .package(&ecosystem, &name, &version)
            .fixed_versions(fixed.into_iter().collect())
            .aliases(ids.into_iter().collect())
            .references(references);
            if !out.finding(finding) {
                return;
            }
        }
    }
}

/// Groups records whose ids or aliases overlap (a CVE published as GHSA and
/// PYSEC is one problem).
fn alias_groups(records: Vec<Record>) -> Vec<Vec<Record>> {
    let mut groups: Vec<(BTreeSet<String>, Vec<Record>)> = Vec::new();
    for record in records {
        let mut ids: BTreeSet<String> = record.aliases.iter().cloned().collect();
        ids.insert(record.id.clone());
        let mut merged = (ids, vec![record]);
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

/// OSV's evaluation of one `affected` entry for `version`.
fn is_affected(affected: &Affected, ecosystem: &str, version: &str) -> bool {
    if affected.versions.iter().any(|v| v == version) {
        return true;
    }
    let cmp = |a: &str, b: &str| version::compare(ecosystem, a, b);
    for range in &affected.ranges {
        if range.kind != "ECOSYSTEM" && range.kind != "SEMVER" {
            continue;
        }
        let mut events: Vec<&Event> = range.events.iter().collect();
        let key = |e: &Event| {
            e.introduced
                .clone()
                .or(e.fixed.clone())
                .or(e.last_affected.clone())
                .or(e.limit.clone())
                .unwrap_or_default()
        };
        events.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            match (ka.as_str(), kb.as_str()) {
                ("0", "0") => std::cmp::Ordering::Equal,
                ("0", _) => std::cmp::Ordering::Less,
                (_, "0") => std::cmp::Ordering::Greater,
                _ => cmp(&ka, &kb),
            }
        });
        let mut affected_now = false;
        for event in &events {
            if let Some(introduced) = &event.introduced {
                if introduced == "0" || cmp(version, introduced).is_ge() {
                    affected_now = true;
                }
            } else if let Some(fixed) = &event.fixed {
                if cmp(version, fixed).is_ge() {
                    affected_now = false;
                }
            } else if let Some(last) = &event.last_affected
                && cmp(version, last).is_gt()
            {
                affected_now = false;
            }
        }
        let under_limit = events
            .iter()
            .filter_map(|e| e.limit.as_ref())
            .all(|limit| limit == "*" || cmp(version, limit).is_lt());
        if affected_now && under_limit {
            return true;
        }
    }
    false
}

export_plugin!(Osv);

#[cfg(test)]
mod suites;
#[cfg(test)]
mod tests;
