//! .NET: the `*.deps.json` file `dotnet publish` writes beside an
//! application, whose `libraries` name every NuGet package it loads
//! (`"Newtonsoft.Json/13.0.1": {"type": "package", ...}`); projects and
//! references of the application itself are not packages.

use bulkhead_sdk::{InstalledPackage, Package, Purl};
use serde_json::Value;

/// Most libraries read from one file.
const MAX_LIBRARIES: usize = 100_000;

/// The NuGet packages of a `.deps.json`.
pub fn deps_json(text: &str) -> Result<Vec<InstalledPackage>, String> {
    let deps: Value = serde_json::from_str(text).map_err(|err| format!("deps.json: {err}"))?;
    let Some(libraries) = deps["libraries"].as_object() else {
        return Ok(Vec::new());
    };
    Ok(libraries
        .iter()
        .take(MAX_LIBRARIES)
        .filter(|(_, library)| library["type"] == "package")
        .filter_map(|(key, _)| {
            let (name, version) = key.split_once('/')?;
            let purl = Purl::new("nuget", name).version(version);
            Some(Package::new("NuGet", name, version).purl(&purl).build())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_of_type_package_are_nuget_packages() {
        let deps = r#"{
            "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
            "targets": {".NETCoreApp,Version=v8.0": {"shop/1.0.0": {}}},
            "libraries": {
                "shop/1.0.0": {"type": "project", "serviceable": false},
                "Newtonsoft.Json/13.0.1": {"type": "package", "serviceable": true, "sha512": "sha512-x"},
                "System.Text.Encodings.Web/4.7.0": {"type": "package"},
                "Ref/1.0": {"type": "reference"}
            }
        }"#;
        let found: Vec<(String, String, String)> = deps_json(deps)
            .expect("deps")
            .into_iter()
            .map(|p| (p.name, p.version, p.purl))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "Newtonsoft.Json".to_string(),
                    "13.0.1".to_string(),
                    "pkg:nuget/Newtonsoft.Json@13.0.1".to_string()
                ),
                (
                    "System.Text.Encodings.Web".to_string(),
                    "4.7.0".to_string(),
                    "pkg:nuget/System.Text.Encodings.Web@4.7.0".to_string()
                ),
            ]
        );
        assert!(deps_json("{").is_err());
        assert!(deps_json("[]").is_ok_and(|f| f.is_empty()));
        assert!(
            deps_json(r#"{"libraries": {"noslash": {"type": "package"}}}"#)
                .is_ok_and(|f| f.is_empty())
        );
    }
}
