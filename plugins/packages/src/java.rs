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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A zip archive of these entries (deflated).
    fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            writer.start_file(*name, options).expect("start");
            writer.write_all(data).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    fn names(found: &[InstalledPackage]) -> Vec<(String, String, String)> {
        let mut names: Vec<_> = found
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.purl.clone()))
            .collect();
        names.sort();
        names
    }

    const POM: &[u8] = b"#Generated by Maven\ngroupId = org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n";

    #[test]
    fn pom_properties_and_nested_archives() {
        let inner = jar(&[(
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            POM,
        )]);
        let outer = jar(&[
            (
                "META-INF/MANIFEST.MF",
                b"Implementation-Title: ignored\nImplementation-Version: 9\n",
            ),
            (
                "META-INF/maven/com.example/shop/pom.properties",
                b"groupId=com.example\nartifactId=shop\nversion=1.4.0-SNAPSHOT+b\n",
            ),
            ("BOOT-INF/lib/log4j-core-2.14.1.jar", &inner),
        ]);
        assert_eq!(
            names(&packages(&outer)),
            vec![
                (
                    "com.example:shop".to_string(),
                    "1.4.0-SNAPSHOT+b".to_string(),
                    "pkg:maven/com.example/shop@1.4.0-SNAPSHOT%2Bb".to_string()
                ),
                (
                    "org.apache.logging.log4j:log4j-core".to_string(),
                    "2.14.1".to_string(),
                    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".to_string()
                ),
            ],
            "pom.properties wins over the manifest of the same archive"
        );
    }

    #[test]
    fn manifests_name_a_package_approximately() {
        let bundle = from_manifest(
            "Bundle-SymbolicName: com.google.guava; singleton:=true\nBundle-Version: 31.1.0\n",
        )
        .expect("bundle");
        assert_eq!(
            (bundle.name.as_str(), bundle.version.as_str()),
            ("com.google:guava", "31.1.0")
        );
        let titled = from_manifest(
            "Implementation-Title: guava\nImplementation-Vendor-Id: com.google.guava\nImplementation-Version: 31.1-jre\n",
        )
        .expect("titled");
        assert_eq!(titled.name, "com.google.guava:guava");
        assert!(from_manifest("Manifest-Version: 1.0\nImplementation-Version: 1\n").is_none());
        assert!(pom_properties("groupId=a\nartifactId=b\n").is_none());
    }

    #[test]
    fn nesting_stops_at_its_depth() {
        let mut archive = jar(&[(
            "META-INF/maven/d/d/pom.properties",
            b"groupId=d\nartifactId=d\nversion=4\n",
        )]);
        for depth in (0..4).rev() {
            let pom = format!("groupId=d\nartifactId=d{depth}\nversion={depth}\n");
            archive = jar(&[
                (
                    &format!("META-INF/maven/d/d{depth}/pom.properties"),
                    pom.as_bytes(),
                ),
                ("lib/inner.jar", &archive),
            ]);
        }
        let found: Vec<String> = names(&packages(&archive))
            .into_iter()
            .map(|n| n.0)
            .collect();
        assert_eq!(
            found,
            vec!["d:d0", "d:d1", "d:d2", "d:d3"],
            "the fifth level is not opened"
        );
    }

    #[test]
    fn damaged_archives_never_panic() {
        let good = jar(&[
            (
                "META-INF/maven/a/b/pom.properties",
                b"groupId=a\nartifactId=b\nversion=1\n",
            ),
            (
                "lib/x.jar",
                &jar(&[(
                    "META-INF/MANIFEST.MF",
                    b"Bundle-SymbolicName: x.y\nBundle-Version: 2\n",
                )]),
            ),
        ]);
        assert_eq!(packages(&good).len(), 2);
        for cut in 0..good.len() {
            let _ = packages(&good[..cut]);
        }
        for at in 0..good.len() {
            let mut copy = good.clone();
            copy[at] ^= 0xff;
            let _ = packages(&copy);
        }
        assert!(packages(b"").is_empty());
        assert!(packages(b"PK\x05\x06").is_empty());
        // An entry too big to be metadata is not read.
        let big = vec![b'x'; (MAX_METADATA + 1) as usize];
        let huge_manifest = jar(&[("META-INF/MANIFEST.MF", &big)]);
        assert!(packages(&huge_manifest).is_empty());
    }
}
