//! The contract versions the host speaks, mapped onto one model.
//!
//! Each released version of `bulkhead:plugin` gets a bindings module here
//! (`v0_1_0`, `v0_2_0`), generated from `wit/vX.Y.Z/`. Its host imports
//! delegate to [`HostState`]'s methods and its records convert into the
//! version-neutral types of [`crate::model`], so nothing past the runtime
//! knows which version a plugin was built against. A new version adds a
//! module and its conversions; old ones are never edited (DESIGN.md).

use wasmtime::Result;
use wasmtime::component::Resource;

use super::host_api::{FileHandle, HostState};
use super::host_regex::{Match, RegexSetHandle};
use crate::model::{
    Interests, PackageRef, Property, ReportedFinding, ReportedPackage, RuleInfo, SettingKind,
    SettingSpec, SettingValue, Severity,
};

/// Bindings for contract `bulkhead:plugin@0.1.0`.
#[allow(
    missing_docs,
    reason = "generated from the WIT, whose comments it keeps"
)]
pub mod v0_1_0 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.1.0",
        world: "bulkhead:plugin/scanner@0.1.0",
        imports: {
            "bulkhead:plugin/host.compile-regex-set": async | trappable,
            "bulkhead:plugin/host.[method]regex-set.find-all": async | trappable,
            default: trappable,
        },
        exports: { default: async },
        with: {
            "bulkhead:plugin/host.file": super::super::host_api::FileHandle,
            "bulkhead:plugin/host.regex-set": super::super::host_regex::RegexSetHandle,
        },
    });
}

/// Bindings for contract `bulkhead:plugin@0.2.0`.
#[allow(
    missing_docs,
    reason = "generated from the WIT, whose comments it keeps"
)]
pub mod v0_2_0 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.2.0",
        world: "bulkhead:plugin/scanner@0.2.0",
        imports: {
            "bulkhead:plugin/host.compile-regex-set": async | trappable,
            "bulkhead:plugin/host.[method]regex-set.find-all": async | trappable,
            default: trappable,
        },
        exports: { default: async },
        with: {
            "bulkhead:plugin/host.file": super::super::host_api::FileHandle,
            "bulkhead:plugin/host.regex-set": super::super::host_regex::RegexSetHandle,
        },
    });
}

/// The contract versions this host loads, newest first.
pub const VERSIONS: &[&str] = &["0.2.0", "0.1.0"];

/// The export every plugin of `version` provides.
pub fn plugin_export(version: &str) -> String {
    format!("bulkhead:plugin/plugin@{version}")
}

/// What a plugin's `info` said, in the host's model (not yet validated).
#[derive(Clone, Debug)]
pub struct Declared {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// Description.
    pub description: String,
    /// Rules.
    pub rules: Vec<RuleInfo>,
    /// Interests.
    pub interests: Interests,
    /// Settings (none before 0.2.0).
    pub settings: Vec<SettingSpec>,
}

macro_rules! severity_from {
    ($module:ident) => {
        impl From<$module::bulkhead::plugin::types::Severity> for Severity {
            fn from(value: $module::bulkhead::plugin::types::Severity) -> Self {
                use $module::bulkhead::plugin::types::Severity as Wit;
                match value {
                    Wit::Info => Severity::Info,
                    Wit::Low => Severity::Low,
                    Wit::Medium => Severity::Medium,
                    Wit::High => Severity::High,
                    Wit::Critical => Severity::Critical,
                }
            }
        }
    };
}
severity_from!(v0_1_0);
severity_from!(v0_2_0);

// ---------------------------------------------------------------------------
// 0.2.0
// ---------------------------------------------------------------------------

mod v2 {
    pub use super::v0_2_0::bulkhead::plugin::host::{self, LogLevel, RegexMatch};
    pub use super::v0_2_0::bulkhead::plugin::types::*;
}

fn level_name(level: v2::LogLevel) -> &'static str {
    match level {
        v2::LogLevel::Trace => "trace",
        v2::LogLevel::Debug => "debug",
        v2::LogLevel::Info => "info",
        v2::LogLevel::Warn => "warn",
        v2::LogLevel::Error => "error",
    }
}

fn match_v2(m: Match) -> v2::RegexMatch {
    v2::RegexMatch {
        start: m.start,
        end: m.end,
        group_start: m.group_start,
        group_end: m.group_end,
        start_line: m.start_line,
        end_line: m.end_line,
    }
}

/// A 0.2.0 finding in the host's model.
pub fn finding_from_v2(finding: v2::Finding) -> ReportedFinding {
    ReportedFinding {
        rule_id: finding.rule_id,
        message: finding.message,
        lines: finding.lines.map(|l| (l.start, l.end)),
        field_path: finding.field_path,
        secret: finding.secret,
        severity: finding.severity.map(Severity::from),
        package: finding.affected_package.map(|p| PackageRef {
            ecosystem: p.ecosystem,
            name: p.name,
            version: p.version,
        }),
        fixed_versions: finding.fixed_versions,
        aliases: finding.aliases,
        references: finding.references,
        properties: finding
            .properties
            .into_iter()
            .map(|p| Property {
                name: p.name,
                value: p.value,
            })
            .collect(),
        path: finding.path,
    }
}

/// A 0.2.0 package in the host's model.
pub fn package_from_v2(package: v2::InstalledPackage) -> ReportedPackage {
    ReportedPackage {
        ecosystem: package.ecosystem,
        name: package.name,
        version: package.version,
        purl: package.purl,
        source_name: package.source_name,
        source_version: package.source_version,
    }
}

/// A model package as 0.2.0 carries it.
pub fn package_to_v2(package: &ReportedPackage) -> v2::InstalledPackage {
    v2::InstalledPackage {
        ecosystem: package.ecosystem.clone(),
        name: package.name.clone(),
        version: package.version.clone(),
        purl: package.purl.clone(),
        source_name: package.source_name.clone(),
        source_version: package.source_version.clone(),
    }
}

/// A setting value as 0.2.0 carries it.
pub fn setting_to_v2(value: &SettingValue) -> v2::SettingValue {
    match value {
        SettingValue::Text(text) => v2::SettingValue::Text(text.clone()),
        SettingValue::Integer(number) => v2::SettingValue::Integer(*number),
        SettingValue::Boolean(flag) => v2::SettingValue::Boolean(*flag),
        SettingValue::TextList(list) => v2::SettingValue::TextList(list.clone()),
    }
}

fn setting_from_v2(value: v2::SettingValue) -> SettingValue {
    match value {
        v2::SettingValue::Text(text) => SettingValue::Text(text),
        v2::SettingValue::Integer(number) => SettingValue::Integer(number),
        v2::SettingValue::Boolean(flag) => SettingValue::Boolean(flag),
        v2::SettingValue::TextList(list) => SettingValue::TextList(list),
    }
}

/// A 0.2.0 `plugin-info` in the host's model.
pub fn declared_from_v2(info: v2::PluginInfo) -> Declared {
    let interests = interests_v2(info.interests);
    Declared {
        id: info.id,
        version: info.version,
        description: info.description,
        rules: info
            .rules
            .into_iter()
            .map(|rule| RuleInfo {
                id: rule.id,
                title: rule.title,
                severity: rule.severity.into(),
                description: rule.description,
                remediation: rule.remediation,
                references: rule.references,
                aliases: rule.aliases,
            })
            .collect(),
        interests,
        settings: info
            .settings
            .into_iter()
            .map(|spec| SettingSpec {
                name: spec.name,
                kind: match spec.kind {
                    v2::SettingKind::Text => SettingKind::Text,
                    v2::SettingKind::Integer => SettingKind::Integer,
                    v2::SettingKind::Boolean => SettingKind::Boolean,
                    v2::SettingKind::TextList => SettingKind::TextList,
                },
                description: spec.description,
                default: spec.default_value.map(setting_from_v2),
            })
            .collect(),
    }
}

fn interests_v2(interests: v2::Interests) -> Interests {
    Interests {
        path_globs: interests.path_globs,
        keywords: interests.keywords,
        max_file_size: interests.max_file_size,
        image_config: interests.image_config,
        package_inventory: interests.package_inventory,
        include_deleted: interests.include_deleted,
        mode_mask: interests.mode_mask,
        data_directory: interests.data_directory,
    }
}

impl v2::host::Host for HostState {
    fn log(&mut self, level: v2::LogLevel, message: String) -> Result<()> {
        self.log_line(level_name(level), &message);
        Ok(())
    }

    fn open(&mut self, path: String) -> Result<Option<Resource<FileHandle>>> {
        self.open_file(&path)
    }

    fn list_dir(&mut self, path: String) -> Result<Vec<String>> {
        Ok(self.list_directory(&path))
    }

    async fn compile_regex_set(
        &mut self,
        patterns: Vec<String>,
    ) -> Result<Result<Resource<RegexSetHandle>, String>> {
        self.compile_set(patterns).await
    }

    fn report(&mut self, finding: v2::Finding) -> Result<bool> {
        Ok(self.accept_finding(finding_from_v2(finding)))
    }

    fn report_package(&mut self, package: v2::InstalledPackage) -> Result<bool> {
        Ok(self.accept_package(package_from_v2(package)))
    }

    fn setting(&mut self, name: String) -> Result<Option<v2::SettingValue>> {
        Ok(self.setting_value(&name).as_ref().map(setting_to_v2))
    }

    fn note(&mut self, key: String, value: String) -> Result<bool> {
        Ok(self.accept_note(key, value))
    }
}

impl v2::host::HostRegexSet for HostState {
    async fn find_all(
        &mut self,
        set: Resource<RegexSetHandle>,
        pattern: u32,
        file: Resource<FileHandle>,
        max_matches: u32,
    ) -> Result<Vec<v2::RegexMatch>> {
        let found = HostState::find_all(self, &set, pattern, &file, max_matches).await?;
        Ok(found.into_iter().map(match_v2).collect())
    }

    fn drop(&mut self, set: Resource<RegexSetHandle>) -> Result<()> {
        self.drop_regex_set(set)
    }
}

impl v2::host::HostFile for HostState {
    fn path(&mut self, file: Resource<FileHandle>) -> Result<String> {
        Ok(self.file(&file)?.data.path.clone())
    }

    fn size(&mut self, file: Resource<FileHandle>) -> Result<u64> {
        Ok(self.file(&file)?.data.bytes.len() as u64)
    }

    fn mode(&mut self, file: Resource<FileHandle>) -> Result<u32> {
        Ok(self.file(&file)?.data.mode)
    }

    fn layer(&mut self, file: Resource<FileHandle>) -> Result<Option<String>> {
        Ok(self
            .file(&file)?
            .data
            .layer
            .as_ref()
            .map(|tag| tag.diff_id.to_string()))
    }

    fn matched_keywords(&mut self, file: Resource<FileHandle>) -> Result<Vec<u32>> {
        Ok(self.file(&file)?.keywords.clone())
    }

    fn read(&mut self, file: Resource<FileHandle>, offset: u64, len: u32) -> Result<Vec<u8>> {
        self.read_file(&file, offset, len)
    }

    fn drop(&mut self, file: Resource<FileHandle>) -> Result<()> {
        self.drop_file(file)
    }
}

impl v0_2_0::bulkhead::plugin::types::Host for HostState {}

// ---------------------------------------------------------------------------
// 0.1.0: records convert to 0.2.0's shape, imports delegate.
// ---------------------------------------------------------------------------

mod v1 {
    pub use super::v0_1_0::bulkhead::plugin::host::{self, LogLevel, RegexMatch};
    pub use super::v0_1_0::bulkhead::plugin::types::*;
}

/// A 0.1.0 finding in the host's model.
pub fn finding_from_v1(finding: v1::Finding) -> ReportedFinding {
    ReportedFinding {
        rule_id: finding.rule_id,
        message: finding.message,
        lines: finding.lines.map(|l| (l.start, l.end)),
        field_path: finding.field_path,
        secret: finding.secret,
        severity: finding.severity.map(Severity::from),
        package: finding.affected_package.map(|p| PackageRef {
            ecosystem: p.ecosystem,
            name: p.name,
            version: p.version,
        }),
        fixed_versions: finding.fixed_versions,
        aliases: finding.aliases,
        references: finding.references,
        properties: Vec::new(),
        path: None,
    }
}

fn package_from_v1(package: v1::InstalledPackage) -> ReportedPackage {
    ReportedPackage {
        ecosystem: package.ecosystem,
        name: package.name,
        version: package.version,
        purl: package.purl,
        source_name: package.source_name,
        source_version: package.source_version,
    }
}

/// A model package as 0.1.0 carries it.
pub fn package_to_v1(package: &ReportedPackage) -> v1::InstalledPackage {
    v1::InstalledPackage {
        ecosystem: package.ecosystem.clone(),
        name: package.name.clone(),
        version: package.version.clone(),
        purl: package.purl.clone(),
        source_name: package.source_name.clone(),
        source_version: package.source_version.clone(),
    }
}

/// A 0.1.0 `plugin-info` in the host's model.
pub fn declared_from_v1(info: v1::PluginInfo) -> Declared {
    let interests = info.interests;
    Declared {
        id: info.id,
        version: info.version,
        description: info.description,
        rules: info
            .rules
            .into_iter()
            .map(|rule| RuleInfo {
                id: rule.id,
                title: rule.title,
                severity: rule.severity.into(),
                description: rule.description,
                remediation: rule.remediation,
                references: rule.references,
                aliases: Vec::new(),
            })
            .collect(),
        interests: Interests {
            path_globs: interests.path_globs,
            keywords: interests.keywords,
            max_file_size: interests.max_file_size,
            image_config: interests.image_config,
            package_inventory: interests.package_inventory,
            include_deleted: interests.include_deleted,
            mode_mask: interests.mode_mask,
            data_directory: interests.data_directory,
        },
        settings: Vec::new(),
    }
}

fn level_v1(level: v1::LogLevel) -> &'static str {
    match level {
        v1::LogLevel::Trace => "trace",
        v1::LogLevel::Debug => "debug",
        v1::LogLevel::Info => "info",
        v1::LogLevel::Warn => "warn",
        v1::LogLevel::Error => "error",
    }
}

impl v1::host::Host for HostState {
    fn log(&mut self, level: v1::LogLevel, message: String) -> Result<()> {
        self.log_line(level_v1(level), &message);
        Ok(())
    }

    fn open(&mut self, path: String) -> Result<Option<Resource<FileHandle>>> {
        self.open_file(&path)
    }

    fn list_dir(&mut self, path: String) -> Result<Vec<String>> {
        Ok(self.list_directory(&path))
    }

    async fn compile_regex_set(
        &mut self,
        patterns: Vec<String>,
    ) -> Result<Result<Resource<RegexSetHandle>, String>> {
        self.compile_set(patterns).await
    }

    fn report(&mut self, finding: v1::Finding) -> Result<bool> {
        Ok(self.accept_finding(finding_from_v1(finding)))
    }

    fn report_package(&mut self, package: v1::InstalledPackage) -> Result<bool> {
        Ok(self.accept_package(package_from_v1(package)))
    }
}

impl v1::host::HostRegexSet for HostState {
    async fn find_all(
        &mut self,
        set: Resource<RegexSetHandle>,
        pattern: u32,
        file: Resource<FileHandle>,
        max_matches: u32,
    ) -> Result<Vec<v1::RegexMatch>> {
        let found = HostState::find_all(self, &set, pattern, &file, max_matches).await?;
        Ok(found
            .into_iter()
            .map(|m| v1::RegexMatch {
                start: m.start,
                end: m.end,
                group_start: m.group_start,
                group_end: m.group_end,
                start_line: m.start_line,
                end_line: m.end_line,
            })
            .collect())
    }

    fn drop(&mut self, set: Resource<RegexSetHandle>) -> Result<()> {
        self.drop_regex_set(set)
    }
}

impl v1::host::HostFile for HostState {
    fn path(&mut self, file: Resource<FileHandle>) -> Result<String> {
        v2::host::HostFile::path(self, file)
    }

    fn size(&mut self, file: Resource<FileHandle>) -> Result<u64> {
        v2::host::HostFile::size(self, file)
    }

    fn mode(&mut self, file: Resource<FileHandle>) -> Result<u32> {
        v2::host::HostFile::mode(self, file)
    }

    fn layer(&mut self, file: Resource<FileHandle>) -> Result<Option<String>> {
        v2::host::HostFile::layer(self, file)
    }

    fn matched_keywords(&mut self, file: Resource<FileHandle>) -> Result<Vec<u32>> {
        v2::host::HostFile::matched_keywords(self, file)
    }

    fn read(&mut self, file: Resource<FileHandle>, offset: u64, len: u32) -> Result<Vec<u8>> {
        self.read_file(&file, offset, len)
    }

    fn drop(&mut self, file: Resource<FileHandle>) -> Result<()> {
        self.drop_file(file)
    }
}

impl v0_1_0::bulkhead::plugin::types::Host for HostState {}
