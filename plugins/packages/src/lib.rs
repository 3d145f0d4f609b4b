//! Curated plugin `packages`: the package inventory of a target, one module
//! per source. Each package carries its OSV ecosystem, name, version and
//! purl; the host adds the file and the layer. It runs on the final
//! filesystem only, so packages in files a later layer deleted are not
//! listed.
//!
//! The parsers are pure functions over a file's bytes or text, public so
//! that fuzz targets can call them natively (the crate is also an rlib):
//! [`dpkg::dpkg`], [`dpkg::apk`], [`rpm::rpmdb`], [`sqlite::Database`],
//! [`java::packages`], [`lang::python`], [`lang::package_json`],
//! [`lang::package_lock`], [`lang::cargo_lock`], [`ruby::gemfile_lock`],
//! [`ruby::gemspec`], [`dotnet::deps_json`], [`os::parse_os_release`].

pub mod dotnet;
pub mod dpkg;
pub mod java;
pub mod lang;
pub mod os;
pub mod rpm;
pub mod ruby;
pub mod sqlite;

use bulkhead_sdk::{
    File, Finding, InstalledPackage, Interests, Plugin, PluginInfo, Reporter, Rule, Severity,
};

/// Largest package database read.
const MAX_SIZE: u64 = 64 << 20;

/// The plugin.
pub struct Packages;

impl Plugin for Packages {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "packages",
            env!("CARGO_PKG_VERSION"),
            "Lists installed packages: dpkg (status and distroless status.d), apk, rpm (SQLite rpmdb), Python (dist-info, egg-info), npm (node_modules package.json, package-lock v1-v3), Cargo.lock, Java archives (pom.properties, MANIFEST.MF, nested jars), RubyGems (Gemfile.lock, installed gem specifications), .NET (*.deps.json).",
        )
        .rule(
            Rule::new("unreadable-database", "Package database could not be read", Severity::Info)
                .description("A package database or manifest was found but could not be parsed; its packages are missing from the inventory.")
                .remediation("Check the file; report it if it is a valid database."),
        )
        .interests(
            Interests::files([
                "**/var/lib/dpkg/status",
                "**/var/lib/dpkg/status.d/*",
                "**/lib/apk/db/installed",
                "**/var/lib/rpm/rpmdb.sqlite",
                "**/usr/lib/sysimage/rpm/rpmdb.sqlite",
                "**/*.dist-info/METADATA",
                "**/*.egg-info/PKG-INFO",
                "**/node_modules/*/package.json",
                "**/node_modules/@*/*/package.json",
                "**/package-lock.json",
                "**/Cargo.lock",
                "**/*.jar",
                "**/*.war",
                "**/*.ear",
                "**/Gemfile.lock",
                "**/specifications/*.gemspec",
                "**/specifications/default/*.gemspec",
                "**/*.deps.json",
            ])
            .max_file_size(MAX_SIZE),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let path = file.path();
        let name = path.rsplit('/').next().unwrap_or(&path);
        if [".jar", ".war", ".ear"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            report_all(java::packages(&file.read_all(MAX_SIZE)?), out);
            return Ok(());
        }
        if name == "rpmdb.sqlite" {
            let (found, problem) = rpm::rpmdb(&file.read_all(MAX_SIZE)?, &os::identify());
            if let Some(message) = problem {
                out.finding(Finding::new("unreadable-database", message));
            }
            report_all(found, out);
            return Ok(());
        }
        let text = file.read_text(MAX_SIZE)?;
        let found: Vec<InstalledPackage> =
            if path.ends_with("var/lib/dpkg/status") || path.contains("var/lib/dpkg/status.d/") {
                dpkg::dpkg(&text, &os::identify())
            } else if path.ends_with("lib/apk/db/installed") {
                dpkg::apk(&text, &os::identify())
            } else if name == "METADATA" || name == "PKG-INFO" {
                lang::python(&text).into_iter().collect()
            } else if name == "package-lock.json" {
                match lang::package_lock(&text) {
                    Ok(found) => found,
                    Err(message) => {
                        out.finding(Finding::new("unreadable-database", message));
                        Vec::new()
                    }
                }
            } else if name == "package.json" {
                lang::package_json(&text).into_iter().collect()
            } else if name == "Cargo.lock" {
                lang::cargo_lock(&text)
            } else if name == "Gemfile.lock" {
                ruby::gemfile_lock(&text)
            } else if name.ends_with(".gemspec") {
                ruby::gemspec(&text).into_iter().collect()
            } else if name.ends_with(".deps.json") {
                match dotnet::deps_json(&text) {
                    Ok(found) => found,
                    Err(message) => {
                        out.finding(Finding::new("unreadable-database", message));
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
        report_all(found, out);
        Ok(())
    }
}

/// Reports packages until the host says it has enough.
fn report_all(found: Vec<InstalledPackage>, out: &mut Reporter) {
    for package in found {
        if !out.package(package) {
            break;
        }
    }
}

// Exported only in the wasm build: a native build (unit tests, fuzz
// targets) links the parsers without the component exports.
#[cfg(target_arch = "wasm32")]
bulkhead_sdk::export_plugin!(Packages);
