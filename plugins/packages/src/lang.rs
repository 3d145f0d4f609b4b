//! Language ecosystems: Python metadata, npm manifests and lockfiles,
//! Cargo.lock.

use bulkhead_sdk::{InstalledPackage, Package, Purl};
use serde_json::Value;

/// Most dependencies read from one lockfile.
const MAX_LOCK_ENTRIES: usize = 100_000;

/// `Name:` and `Version:` of a `METADATA` / `PKG-INFO` file.
pub fn python(text: &str) -> Option<InstalledPackage> {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.is_empty() {
            break; // the body starts after the headers
        }
        if let Some(value) = line.strip_prefix("Name:") {
            name = Some(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("Version:") {
            version = Some(value.trim().to_string());
        }
    }
    let (name, version) = (name?, version?);
    // PEP 503 normalization for the purl.
    let normalized: String = name.to_ascii_lowercase().replace(['_', '.'], "-");
    let purl = Purl::new("pypi", &normalized).version(&version);
    Some(Package::new("PyPI", &name, &version).purl(&purl).build())
}

/// An npm package with its purl (the scope is the namespace).
fn npm(name: &str, version: &str) -> InstalledPackage {
    let purl = match name.split_once('/') {
        Some((scope, bare)) if scope.starts_with('@') => Purl::new("npm", bare).namespace(scope),
        _ => Purl::new("npm", name),
    };
    Package::new("npm", name, version)
        .purl(&purl.version(version))
        .build()
}

/// `name` and `version` of a package.json.
pub fn package_json(text: &str) -> Option<InstalledPackage> {
    let manifest: Value = serde_json::from_str(text).ok()?;
    let name = manifest["name"].as_str()?;
    let version = manifest["version"].as_str()?;
    Some(npm(name, version))
}

/// Every dependency of a package-lock.json (v1: `dependencies`, nested;
/// v2/v3: `packages` keyed by `node_modules/...` path).
pub fn package_lock(text: &str) -> Result<Vec<InstalledPackage>, String> {
    let lock: Value =
        serde_json::from_str(text).map_err(|err| format!("package-lock.json: {err}"))?;
    let mut found = Vec::new();
    if let Some(packages) = lock["packages"].as_object() {
        for (path, entry) in packages.iter().take(MAX_LOCK_ENTRIES) {
            let Some(name) = path.rsplit_once("node_modules/").map(|(_, n)| n) else {
                continue; // "" is the root project
            };
            if let Some(version) = entry["version"].as_str() {
                found.push(npm(name, version));
            }
        }
        return Ok(found);
    }
    // v1: nested dependencies, walked with an explicit stack.
    let mut stack: Vec<&Value> = vec![&lock["dependencies"]];
    while let Some(dependencies) = stack.pop() {
        let Some(map) = dependencies.as_object() else {
            continue;
        };
        for (name, entry) in map {
            if found.len() >= MAX_LOCK_ENTRIES {
                return Ok(found);
            }
            if let Some(version) = entry["version"].as_str() {
                found.push(npm(name, version));
            }
            stack.push(&entry["dependencies"]);
        }
    }
    Ok(found)
}

/// `[[package]]` entries of a Cargo.lock.
pub fn cargo_lock(text: &str) -> Vec<InstalledPackage> {
    let mut found = Vec::new();
    let mut name: Option<String> = None;
    let mut version: Option<String> = None;
    let mut flush = |name: &mut Option<String>, version: &mut Option<String>| {
        if let (Some(n), Some(v)) = (name.take(), version.take()) {
            let purl = Purl::new("cargo", &n).version(&v);
            found.push(Package::new("crates.io", &n, &v).purl(&purl).build());
        }
    };
    for line in text.lines().map(str::trim) {
        if line == "[[package]]" {
            flush(&mut name, &mut version);
            continue;
        }
        let quoted = |rest: &str| {
            rest.trim()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"')
                .to_string()
        };
        if let Some(rest) = line.strip_prefix("name ") {
            name = Some(quoted(rest));
        } else if let Some(rest) = line.strip_prefix("version ") {
            version = Some(quoted(rest));
        }
    }
    flush(&mut name, &mut version);
    found.truncate(MAX_LOCK_ENTRIES);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_npm_and_cargo_purls() {
        let python = python(
            "Metadata-Version: 2.1\nName: Old_Lib.Extra\nVersion: 1.0+local\n\nName: body\n",
        )
        .expect("headers");
        assert_eq!(
            (python.name.as_str(), python.purl.as_str()),
            ("Old_Lib.Extra", "pkg:pypi/old-lib-extra@1.0%2Blocal")
        );
        let scoped = package_json(r#"{"name": "@babel/core", "version": "7.23.0"}"#).expect("json");
        assert_eq!(scoped.purl, "pkg:npm/%40babel/core@7.23.0");
        let lock = package_lock(
            r#"{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "dependencies": {"@s/b": {"version": "2.0.0-rc.1"}}}}}"#,
        )
        .expect("lock");
        let purls: Vec<&str> = lock.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(purls, vec!["pkg:npm/a@1.0.0", "pkg:npm/%40s/b@2.0.0-rc.1"]);
        let crates = cargo_lock(
            "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\n\n[[package]]\nname = \"x\"\n",
        );
        assert_eq!(crates.len(), 1);
        assert_eq!(crates[0].purl, "pkg:cargo/smallvec@1.6.0");
        assert!(package_lock("{").is_err());
    }
}
