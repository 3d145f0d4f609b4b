//! Test plugin: receives the merged inventory after the scan and reports
//! lodash before 4.17.21 (CVE-2021-23337), to exercise the post-scan phase.
use bulkhead_sdk::{
    Finding, Interests, Plugin, PluginInfo, PostScan, Reporter, Rule, Severity, export_plugin,
};

struct Matcher;

impl Plugin for Matcher {
    fn info() -> PluginInfo {
        PluginInfo::new("matcher", "0.1.0", "Flags one known vulnerable package.")
            .rule(Rule::new(
                "vulnerable",
                "Known vulnerable package",
                Severity::High,
            ))
            .interests(Interests::default().package_inventory())
    }

    fn post_scan(input: &PostScan, out: &mut Reporter) -> Result<(), String> {
        let packages = &input.packages;
        let os = input.os.as_ref().map_or("no os".to_string(), |os| {
            format!("{} {}", os.id, os.version_id)
        });
        for package in packages
            .iter()
            .filter(|p| p.ecosystem == "npm" && p.name == "lodash" && p.version == "4.17.20")
        {
            out.finding(
                Finding::new(
                    "vulnerable",
                    format!(
                        "{} {} is vulnerable ({} packages seen, {os})",
                        package.name,
                        package.version,
                        packages.len()
                    ),
                )
                .severity(Severity::Critical)
                .package(&package.ecosystem, &package.name, &package.version)
                .fixed_versions(vec!["4.17.21".into()])
                .aliases(vec!["CVE-2021-23337".into(), "GHSA-35jh-r3h4-6jhm".into()]),
            );
        }
        Ok(())
    }
}

export_plugin!(Matcher);
