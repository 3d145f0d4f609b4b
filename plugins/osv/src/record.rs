//! OSV records as the matcher reads them, and the granted database they
//! come from: one folder per ecosystem of `*.json` records and/or the
//! `all.zip` osv.dev publishes per ecosystem.

use serde::Deserialize;

/// Where the granted database appears.
pub const DB: &str = "/data";
/// Largest record read.
const MAX_RECORD: u64 = 4 << 20;
/// Most records read from one `all.zip`.
const MAX_ARCHIVE_ENTRIES: usize = 2_000_000;
/// Most references kept per record.
const MAX_REFERENCES: usize = 10;

/// One OSV record (the fields matching and findings use).
#[derive(Deserialize, Clone)]
pub struct Record {
    /// Its id (`GHSA-...`, `PYSEC-...`).
    pub id: String,
    /// Other ids of the same problem.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One line.
    #[serde(default)]
    pub summary: String,
    /// Set when the record was withdrawn.
    pub withdrawn: Option<String>,
    /// The affected packages.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// CVSS vectors.
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    /// Links.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Database-specific fields (a `severity` text in GHSA records).
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// One `affected` entry: a package and its ranges and listed versions.
#[derive(Deserialize, Clone)]
pub struct Affected {
    /// The package.
    pub package: Option<PackageId>,
    /// Version ranges.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Explicitly listed versions.
    #[serde(default)]
    pub versions: Vec<String>,
}

/// Ecosystem and name of an affected package.
#[derive(Deserialize, Clone)]
pub struct PackageId {
    /// OSV ecosystem (`PyPI`, `Debian:12`).
    pub ecosystem: String,
    /// Package name.
    pub name: String,
}

/// A range: its type (`ECOSYSTEM`, `SEMVER`, `GIT`) and events.
#[derive(Deserialize, Clone)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its events, in any order.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event; exactly one field is set in a valid record.
#[derive(Deserialize, Default, Clone)]
pub struct Event {
    /// Versions from here on are affected.
    pub introduced: Option<String>,
    /// Versions from here on are not.
    pub fixed: Option<String>,
    /// Versions after this one are not.
    pub last_affected: Option<String>,
    /// Versions from here on are outside the range.
    pub limit: Option<String>,
}

/// A severity entry (`CVSS_V3`, vector).
#[derive(Deserialize, Clone)]
pub struct SeverityEntry {
    /// `CVSS_V3`, `CVSS_V4`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector.
    pub score: String,
}

/// A reference link.
#[derive(Deserialize, Clone)]
pub struct Reference {
    /// Its URL.
    pub url: String,
}

impl Record {
    /// Reads a record, or None when the bytes are not one.
    pub fn parse(bytes: &[u8]) -> Option<Record> {
        let mut record: Record = serde_json::from_slice(bytes).ok()?;
        record.references.truncate(MAX_REFERENCES);
        Some(record)
    }
}

/// Calls `visit` with the bytes of every record of an ecosystem folder:
/// its `*.json` files (sorted), and the entries of its `all.zip`, each at
/// most 4 MiB.
pub fn for_each_record(folder: &str, visit: &mut dyn FnMut(&[u8])) {
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
