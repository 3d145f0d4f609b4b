//! Java archives (jar, war, ear): Maven coordinates from
//! `META-INF/maven/<group>/<artifact>/pom.properties`, else name and version
//! from `META-INF/MANIFEST.MF`; archives nested inside (Spring Boot's
//! `BOOT-INF/lib`, `WEB-INF/lib`) are opened too, to a bounded depth and
//! size.

use std::io::{Cursor, Read};

use bulkhead_sdk::{InstalledPackage, Package, Purl};

/// Deepest archive nesting opened.
const MAX_DEPTH: usize = 3;
/// Largest nested archive read into memory.
const MAX_NESTED: u64 = 64 << 20;
/// Largest metadata file read.
const MAX_METADATA: u64 = 1 << 20;
/// Most entries looked at in one archive.
const MAX_ENTRIES: usize = 100_000;
/// Most bytes inflated from one file, nested archives included, so that a
/// jar full of compressible nested jars cannot run the call out of time.
const MAX_TOTAL: u64 = 256 << 20;

/// Packages in a Java archive's bytes.
pub fn packages(bytes: &[u8]) -> Vec<InstalledPackage> {
    let mut found = Vec::new();
    let mut pending: Vec<(Vec<u8>, usize)> = vec![(bytes.to_vec(), 0)];
    let mut budget = MAX_TOTAL;
    let mut exhausted = false;
    while let Some((archive, depth)) = pending.pop() {
        let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(archive)) else {
            continue;
        };
        let mut from_pom = Vec::new();
        let mut manifest = None;
        for index in 0..zip.len().min(MAX_ENTRIES) {
            let Ok(entry) = zip.by_index(index) else {
                continue;
            };
            let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
            let size = entry.size();
            let nested = name.ends_with(".jar") || name.ends_with(".war");
            let wanted = (name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties"))
                || name == "META-INF/MANIFEST.MF";
            let read_metadata = wanted && size <= MAX_METADATA;
            let open_nested = nested && depth < MAX_DEPTH && size <= MAX_NESTED;
            if !(read_metadata || open_nested) {
                continue;
            }
            if size > budget {
                exhausted = true;
                break;
            }
            let mut data = Vec::with_capacity(size as usize);
            if entry.take(size.min(budget)).read_to_end(&mut data).is_err() {
                continue;
            }
            budget -= data.len() as u64;
            if nested {
                pending.push((data, depth + 1));
            } else if name == "META-INF/MANIFEST.MF" {
                manifest = Some(String::from_utf8_lossy(&data).into_owned());
            } else if let Some(found) = pom_properties(&String::from_utf8_lossy(&data)) {
                from_pom.push(found);
            }
        }
        if from_pom.is_empty() {
            found.extend(manifest.as_deref().and_then(from_manifest));
        }
        found.extend(from_pom);
        if exhausted {
            break;
        }
    }
    found
}

/// A Maven package, named `group:artifact` as OSV names them.
fn maven(group: &str, artifact: &str, version: &str) -> InstalledPackage {
    let purl = Purl::new("maven", artifact)
        .namespace(group)
        .version(version);
    Package::new("Maven", &format!("{group}:{artifact}"), version)
        .purl(&purl)
        .build()
}

/// The package a `pom.properties` file names.
pub fn pom_properties(text: &str) -> Option<InstalledPackage> {
    let value = |key: &str| {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.trim_start().strip_prefix('='))
            })
            .map(|v| v.trim().to_string())
    };
    let (group, artifact, version) = (value("groupId")?, value("artifactId")?, value("version")?);
    Some(maven(&group, &artifact, &version))
}

/// The package a `MANIFEST.MF` names, approximately.
pub fn from_manifest(text: &str) -> Option<InstalledPackage> {
    let value = |key: &str| {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(':'))
            })
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let version = value("Implementation-Version").or_else(|| value("Bundle-Version"))?;
    // Maven coordinates are group:artifact; a manifest names them at best
    // approximately: the vendor id as group, the title (or the last part
    // of the bundle name) as artifact.
    let symbolic =
        value("Bundle-SymbolicName").map(|n| n.split(';').next().unwrap_or(&n).trim().to_string());
    let artifact = value("Implementation-Title").or_else(|| {
        symbolic
            .as_ref()
            .map(|s| s.rsplit('.').next().unwrap_or(s).to_string())
    })?;
    let group = value("Implementation-Vendor-Id")
        .or_else(|| {
            symbolic
                .as_ref()
                .and_then(|s| s.rsplit_once('.').map(|(g, _)| g.to_string()))
        })
        .unwrap_or_else(|| artifact.clone());
    Some(maven(&group, &artifact, &version))
}
