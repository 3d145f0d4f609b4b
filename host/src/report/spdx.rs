//! SPDX 2.3 JSON: the scanned target as the described package (purpose
//! `CONTAINER` for images), the OS as an `OPERATING_SYSTEM` package, and
//! each package of the inventory with its purl, where it was found (file and
//! layer, in `sourceInfo`) and the vulnerabilities matched in it as
//! `SECURITY` advisory references (SPDX 2.3 has no vulnerability section).
//! The creation time is now, or `SOURCE_DATE_EPOCH` when set, so a build
//! that pins it gets the same bytes each run.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::digest::sha256_hex;
use crate::model::Package;
use crate::model::ScanResult;
use crate::report::content_uuid;

/// `SPDXRef-` ids hold letters, digits, `.` and `-` only.
fn spdx_id(kind: &str, seed: &str) -> String {
    let digest = sha256_hex(seed.as_bytes());
    format!("SPDXRef-{kind}-{}", &digest[..16])
}

/// When the document was made: `SOURCE_DATE_EPOCH` or now.
fn created() -> String {
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(|seconds| UNIX_EPOCH + Duration::from_secs(seconds));
    humantime::format_rfc3339_seconds(pinned.unwrap_or_else(SystemTime::now)).to_string()
}

/// Where a package was found: ecosystem, name, version, path.
type PackageKey<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The vulnerability ids matched in each package (a finding's CVE if it
/// has one, else its first alias), sorted, from one pass over the findings.
fn advisories(result: &ScanResult) -> HashMap<PackageKey<'_>, BTreeSet<String>> {
    let mut by_package: HashMap<PackageKey<'_>, BTreeSet<String>> = HashMap::new();
    for finding in &result.findings {
        let Some(package) = &finding.package else {
            continue;
        };
        let cve = finding.aliases.iter().find(|a| a.starts_with("CVE-"));
        if let Some(id) = cve.or_else(|| finding.aliases.first()) {
            let key = (
                package.ecosystem.as_str(),
                package.name.as_str(),
                package.version.as_str(),
                finding.path.as_str(),
            );
            by_package.entry(key).or_default().insert(id.clone());
        }
    }
    by_package
}

fn package_entry(package: &Package, advisories: Option<&BTreeSet<String>>, id: &str) -> Value {
    let mut references = vec![json!({
        "referenceCategory": "PACKAGE-MANAGER",
        "referenceType": "purl",
        "referenceLocator": package.purl,
    })];
    for advisory in advisories.into_iter().flatten() {
        references.push(json!({
            "referenceCategory": "SECURITY",
            "referenceType": "advisory",
            "referenceLocator": format!("https://osv.dev/vulnerability/{advisory}"),
        }));
    }
    let mut source_info = format!("found in {}", package.path);
    if let Some(layer) = &package.layer {
        source_info.push_str(&format!(" (layer {}, {})", layer.index, layer.diff_id));
    }
    if let Some(source) = &package.source_name {
        let version = package
            .source_version
            .as_deref()
            .unwrap_or(&package.version);
        source_info.push_str(&format!("; source package {source} {version}"));
    }
    json!({
        "SPDXID": id,
        "name": package.name,
        "versionInfo": package.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "LIBRARY",
        "sourceInfo": source_info,
        "comment": format!("ecosystem {}; found by the {} plugin", package.ecosystem, package.plugin),
        "externalRefs": references,
    })
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({ "spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to })
}

/// Builds the SPDX document.
pub fn build(result: &ScanResult) -> Value {
    let target = &result.target;
    let name = target
        .image
        .as_ref()
        .and_then(|i| i.reference.clone())
        .unwrap_or_else(|| target.name.clone());
    let root_id = "SPDXRef-Target";
    let mut root = json!({
        "SPDXID": root_id,
        "name": name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": if target.kind.is_image() { "CONTAINER" } else { "SOURCE" },
    });
    let mut packages = Vec::new();
    let mut relationships = vec![relationship("SPDXRef-DOCUMENT", "DESCRIBES", root_id)];
    if let Some(image) = &target.image {
        let digest = image
            .manifest_digest
            .as_ref()
            .unwrap_or(&image.config_digest);
        root["versionInfo"] = json!(digest);
        root["comment"] = json!(format!(
            "config {}; platform {}",
            image.config_digest, image.platform
        ));
        if let Some(os) = &image.os {
            let os_id = spdx_id("OperatingSystem", &os.id);
            packages.push(json!({
                "SPDXID": os_id,
                "name": os.id,
                "versionInfo": os.version_id,
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "primaryPackagePurpose": "OPERATING_SYSTEM",
                "description": os.pretty_name,
            }));
            relationships.push(relationship(root_id, "CONTAINS", &os_id));
        }
    }
    let advisories = advisories(result);
    for package in &result.packages {
        let id = spdx_id("Package", &format!("{}#{}", package.purl, package.path));
        let key = (
            package.ecosystem.as_str(),
            package.name.as_str(),
            package.version.as_str(),
            package.path.as_str(),
        );
        packages.push(package_entry(package, advisories.get(&key), &id));
        relationships.push(relationship(root_id, "CONTAINS", &id));
    }
    packages.insert(0, root);

    let created = created();
    let seed = serde_json::to_string(&(&packages, &created)).unwrap_or_default();
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": format!("https://spdx.org/spdxdocs/bulkhead-{slug}-{}", content_uuid(&seed)),
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: bulkhead-{}", result.tool_version)],
        },
        "packages": packages,
        "relationships": relationships,
    })
}
