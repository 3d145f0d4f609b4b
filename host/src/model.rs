//! The result types: what plugins describe and report, what a scan
//! produced, and what every output format renders. One home for them, so
//! that every stage of the data flow (dispatch, merge, report) points down
//! here and never at another stage.
//!
//! The serialized shape of [`ScanResult`] is the JSON output, schema
//! `bulkhead-scan` ([`SCHEMA_VERSION`]), documented in docs/json-schema.md
//! and checked against `docs/bulkhead-scan.schema.json` by the tests.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Version of the JSON output schema (`docs/json-schema.md`).
pub const SCHEMA_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// What a plugin declares.
// ---------------------------------------------------------------------------

/// How bad a finding is; ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Upper-case label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses a lower-case severity name.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL_DESCENDING
            .into_iter()
            .find(|severity| severity.to_string() == text.to_ascii_lowercase())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label().to_lowercase())
    }
}

/// One rule a plugin declared.
#[derive(Clone, Debug, Serialize)]
pub struct RuleInfo {
    /// The rule id as the plugin declared it.
    pub id: String,
    /// Title.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// What it checks.
    pub description: String,
    /// How to fix it.
    pub remediation: String,
    /// Background URLs.
    pub references: Vec<String>,
    /// Earlier ids of the same rule (contract 0.2.0); suppressions naming
    /// them still match.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// What a plugin asked to receive.
#[derive(Clone, Debug, Serialize)]
pub struct Interests {
    /// Path globs.
    pub path_globs: Vec<String>,
    /// Content keywords.
    pub keywords: Vec<String>,
    /// Largest file handed over (after the host's clamp).
    pub max_file_size: u64,
    /// Wants the image config.
    pub image_config: bool,
    /// Wants the package inventory.
    pub package_inventory: bool,
    /// Wants file versions deleted or replaced by a later layer.
    pub include_deleted: bool,
    /// Mode bits that make a file wanted regardless of globs.
    pub mode_mask: u32,
    /// Name of the read-only directory the plugin asks for.
    pub data_directory: Option<String>,
}

/// The type of a setting's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingKind {
    /// Free text.
    Text,
    /// A signed 64-bit integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A list of strings.
    TextList,
}

/// A setting's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SettingValue {
    /// Free text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A boolean.
    Boolean(bool),
    /// A list of strings.
    TextList(Vec<String>),
}

impl SettingValue {
    /// The kind of this value.
    pub fn kind(&self) -> SettingKind {
        match self {
            SettingValue::Text(_) => SettingKind::Text,
            SettingValue::Integer(_) => SettingKind::Integer,
            SettingValue::Boolean(_) => SettingKind::Boolean,
            SettingValue::TextList(_) => SettingKind::TextList,
        }
    }
}

/// One setting a plugin accepts (contract 0.2.0).
#[derive(Clone, Debug, Serialize)]
pub struct SettingSpec {
    /// Name.
    pub name: String,
    /// Type of the value.
    pub kind: SettingKind,
    /// What it changes.
    pub description: String,
    /// Value used when the user gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<SettingValue>,
}

/// Where a plugin came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// Curated, embedded in the binary.
    Builtin,
    /// Loaded from a file (`--plugin`, or `path =` in bulkhead.toml).
    File {
        /// The file.
        path: PathBuf,
    },
    /// Pulled from a registry as an OCI artifact.
    Oci {
        /// The reference as configured.
        reference: String,
        /// The manifest digest it resolved to.
        digest: String,
    },
}

impl Origin {
    /// A short readable label.
    pub fn label(&self) -> String {
        match self {
            Origin::Builtin => "builtin".to_string(),
            Origin::File { path } => path.display().to_string(),
            Origin::Oci { reference, digest } => {
                format!("{reference}@{}", digest.get(..19).unwrap_or(digest))
            }
        }
    }
}

/// What a loaded plugin says about itself, checked by the host.
#[derive(Clone, Debug, Serialize)]
pub struct PluginInfo {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: String,
    /// What it checks.
    pub description: String,
    /// The contract version the component targets (`0.1.0`, `0.2.0`).
    pub contract: String,
    /// sha256 of the component bytes.
    pub sha256: String,
    /// Where it came from.
    pub origin: Origin,
    /// Declared rules.
    pub rules: Vec<RuleInfo>,
    /// Declared interests.
    pub interests: Interests,
    /// Declared settings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<SettingSpec>,
}

impl PluginInfo {
    /// The declared rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

// ---------------------------------------------------------------------------
// What a plugin reports, before the host validates it.
// ---------------------------------------------------------------------------

/// A named fact attached to a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Property {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A finding as a plugin reported it (either contract version), capped by
/// the host as it arrived, not yet validated.
#[derive(Clone, Debug, Default)]
pub struct ReportedFinding {
    /// One of the plugin's rule ids (validated in merge).
    pub rule_id: String,
    /// Message.
    pub message: String,
    /// Inclusive 1-based line range.
    pub lines: Option<(u32, u32)>,
    /// Location in a structured document.
    pub field_path: Option<String>,
    /// The sensitive value.
    pub secret: Option<String>,
    /// Severity override.
    pub severity: Option<Severity>,
    /// The package concerned.
    pub package: Option<PackageRef>,
    /// Fixing versions.
    pub fixed_versions: Vec<String>,
    /// Other ids.
    pub aliases: Vec<String>,
    /// URLs.
    pub references: Vec<String>,
    /// Named facts (contract 0.2.0).
    pub properties: Vec<Property>,
    /// For post-scan findings: the file they are about (contract 0.2.0).
    pub path: Option<String>,
}

/// A package as a plugin reported it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportedPackage {
    /// OSV ecosystem.
    pub ecosystem: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Package URL.
    pub purl: String,
    /// Source package.
    pub source_name: Option<String>,
    /// Source version.
    pub source_version: Option<String>,
}

/// A note a plugin left for its own post-scan call (contract 0.2.0).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// The file being analysed when it was left.
    pub path: String,
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

/// A log line a plugin wrote, already sanitized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Level the plugin chose.
    pub level: String,
    /// The text, control characters removed and truncated.
    pub message: String,
}

/// A finding as the plugin reported it, with where the host saw it.
#[derive(Debug)]
pub struct RawFinding {
    /// Index of the plugin in the plugin set.
    pub plugin: usize,
    /// In-target path of the file analysed.
    pub path: String,
    /// Index of the image layer the file version comes from.
    pub layer: Option<usize>,
    /// The layer that removed or replaced that file version, if any.
    pub removed_in: Option<usize>,
    /// What the plugin reported.
    pub finding: ReportedFinding,
}

/// A package as a plugin reported it, with the file it was found in.
#[derive(Debug)]
pub struct RawPackage {
    /// Index of the plugin in the plugin set.
    pub plugin: usize,
    /// In-target path of the file it was found in.
    pub path: String,
    /// Index of the image layer that file version comes from.
    pub layer: Option<usize>,
    /// What the plugin reported.
    pub package: ReportedPackage,
}

// ---------------------------------------------------------------------------
// How plugins fared.
// ---------------------------------------------------------------------------

/// How one plugin's calls went, summed over the scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PluginRun {
    /// Calls made.
    pub calls: u64,
    /// Calls that returned an error or trapped.
    pub failed: u64,
    /// Calls interrupted at the deadline.
    pub timed_out: u64,
    /// Calls that hit the memory cap.
    pub out_of_memory: u64,
    /// Calls not made because the plugin had been disabled.
    pub skipped_calls: u64,
    /// Findings refused past a cap (count or bytes, per call or per scan).
    pub dropped_findings: u64,
    /// Packages refused past a cap.
    pub dropped_packages: u64,
    /// Notes refused past a cap.
    pub dropped_notes: u64,
    /// Findings rejected for naming an undeclared rule (set by merge).
    pub rejected_findings: u64,
    /// Log lines dropped past the cap.
    pub dropped_logs: u64,
    /// Which output caps were hit (`findings-per-call`, `bytes-per-scan`,
    /// ...), sorted; a result that hit one is incomplete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps_hit: Vec<String>,
    /// The first error messages.
    pub errors: Vec<String>,
    /// The first log lines.
    pub logs: Vec<LogLine>,
    /// Time spent inside the plugin, in milliseconds (not in the JSON
    /// output: the same input must give the same bytes).
    #[serde(skip)]
    pub busy_ms: u64,
}

/// How a plugin fared over the whole scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PluginStatus {
    /// Every call returned normally.
    Ok,
    /// A call returned an error or trapped, or a finding was rejected.
    Failed,
    /// A call hit the deadline (the plugin was not called again).
    TimedOut,
    /// A call hit the memory cap (the plugin was not called again).
    OutOfMemory,
    /// Calls went well but an output cap cut what the plugin reported.
    Truncated,
    /// Nothing in the target matched its interests.
    Skipped,
}

impl PluginStatus {
    /// The status that sums up `run`.
    pub fn of(run: &PluginRun) -> PluginStatus {
        if run.timed_out > 0 {
            PluginStatus::TimedOut
        } else if run.out_of_memory > 0 {
            PluginStatus::OutOfMemory
        } else if run.failed > 0 || run.rejected_findings > 0 {
            PluginStatus::Failed
        } else if !run.caps_hit.is_empty() {
            PluginStatus::Truncated
        } else if run.calls == 0 {
            PluginStatus::Skipped
        } else {
            PluginStatus::Ok
        }
    }

    /// True for statuses that `--fail-on-plugin-error` turns into exit 3.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            PluginStatus::Failed
                | PluginStatus::TimedOut
                | PluginStatus::OutOfMemory
                | PluginStatus::Truncated
        )
    }
}

/// One plugin's entry in the result.
#[derive(Clone, Debug, Serialize)]
pub struct PluginOutcome {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of its component.
    pub sha256: String,
    /// The contract version it targets.
    pub contract: String,
    /// Where it came from.
    pub origin: Origin,
    /// How it fared.
    pub status: PluginStatus,
    /// Call counters, errors and logs.
    pub run: PluginRun,
}

// ---------------------------------------------------------------------------
// Findings and packages, as output.
// ---------------------------------------------------------------------------

/// The plugin that reported a finding, as stamped by the host.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Provenance {
    /// Plugin id.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// sha256 of the plugin component.
    pub sha256: String,
}

/// The package a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageRef {
    /// Ecosystem.
    pub ecosystem: String,
    /// Name.
    pub name: String,
    /// Installed version.
    pub version: String,
}

/// The image layer a finding's file version comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LayerRef {
    /// 0-based layer index, bottom first.
    pub index: usize,
    /// The layer's diff id.
    pub diff_id: String,
    /// The history command that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// One finding of the scan, ready for output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `<plugin id>/<rule id>`.
    pub rule_id: String,
    /// Severity (the rule's default unless the plugin overrode it).
    pub severity: Severity,
    /// The rule's title.
    pub title: String,
    /// What the plugin said about this occurrence.
    pub message: String,
    /// The scan target.
    pub target: String,
    /// In-target path of the file.
    pub path: String,
    /// First line (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    /// Last line (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Location inside a structured document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
    /// The secret, redacted unless `--show-secrets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The image layer of the file version, for images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// For a file version deleted or replaced by a later layer: that
    /// layer's index. The bytes are still in the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_in_layer: Option<usize>,
    /// The package concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageRef>,
    /// Fixing versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    /// Other ids of the same problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Finding-specific URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Named facts the plugin attached (contract 0.2.0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Stable across line shifts: hash of rule, path, field and value.
    pub fingerprint: String,
    /// Who reported it.
    pub plugin: Provenance,
    /// With `--baseline`: whether the previous result had it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// Whether a finding was in the baseline result (`--baseline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the previous result: it gates.
    New,
    /// In the previous result: reported as suppressed, does not gate.
    Unchanged,
}

// ---------------------------------------------------------------------------
// Suppressions.
// ---------------------------------------------------------------------------

/// A `bulkhead:ignore RULE reason` comment found in a file the host read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InlineIgnore {
    /// In-target path of the file.
    pub path: String,
    /// The image layer of that file version.
    pub layer: Option<usize>,
    /// 1-based line of the comment; it covers this line and the next.
    pub line: u32,
    /// The rule named (id or alias).
    pub rule: String,
    /// The rest of the comment.
    pub reason: String,
}

/// What kind of decision suppressed a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// An `[[ignore]]` table of bulkhead.toml.
    Config,
    /// A `bulkhead:ignore` comment in the file.
    Inline,
    /// A VEX statement.
    Vex,
    /// The finding was in the `--baseline` result.
    Baseline,
    /// `--ignore-unfixed`: a vulnerability without a fixed version.
    Unfixed,
}

impl SuppressionKind {
    /// The name used in the JSON output.
    pub fn label(self) -> &'static str {
        match self {
            SuppressionKind::Config => "config",
            SuppressionKind::Inline => "inline",
            SuppressionKind::Vex => "vex",
            SuppressionKind::Baseline => "baseline",
            SuppressionKind::Unfixed => "unfixed",
        }
    }
}

/// Why a finding is suppressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// What suppressed it.
    pub kind: SuppressionKind,
    /// The reason given.
    pub reason: String,
    /// Where the decision is written (`bulkhead.toml [[ignore]] #2`,
    /// `app/.env:3`, the baseline file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The last day the suppression holds, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// VEX status (`not_affected`, `fixed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// VEX justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// A finding kept out of the gate, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuppressedFinding {
    /// The finding as it would have been reported.
    pub finding: Finding,
    /// What suppressed it.
    pub suppression: Suppression,
}

/// Why a suppression did not take part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaleWhy {
    /// It matched no finding of this scan.
    MatchedNothing,
    /// Its `expires` date has passed: it suppresses nothing any more.
    Expired,
    /// It names a rule no loaded plugin declares.
    UnknownRule,
}

impl StaleWhy {
    /// The name used in the JSON output.
    pub fn label(self) -> &'static str {
        match self {
            StaleWhy::MatchedNothing => "matched-nothing",
            StaleWhy::Expired => "expired",
            StaleWhy::UnknownRule => "unknown-rule",
        }
    }
}

/// A suppression that suppressed nothing, reported so it gets cleaned up
/// (or renewed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaleSuppression {
    /// Where it is written.
    pub source: String,
    /// The reason it gives.
    pub reason: String,
    /// Why it is stale.
    pub why: StaleWhy,
}

/// A package of the inventory, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Package {
    /// OSV ecosystem (`Debian:12`, `PyPI`, `npm`, ...).
    pub ecosystem: String,
    /// Name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Package URL.
    pub purl: String,
    /// Source package, where the ecosystem has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// Source package version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// In-target path of the file it was found in.
    pub path: String,
    /// The image layer that introduced that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// The plugin that found it.
    pub plugin: String,
}

// ---------------------------------------------------------------------------
// The target.
// ---------------------------------------------------------------------------

/// The kind of a target, as reported in output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A directory of files (a repository, a root filesystem).
    Directory,
    /// One file.
    File,
    /// `docker save` output.
    DockerArchive,
    /// An OCI image layout directory.
    OciLayout,
    /// A tar of an OCI image layout.
    OciArchive,
    /// An image pulled from a registry.
    Registry,
}

impl TargetKind {
    /// True for container images.
    pub fn is_image(self) -> bool {
        !matches!(self, TargetKind::Directory | TargetKind::File)
    }
}

/// The OS of an image, from `etc/os-release` (or the release files of
/// distributions without one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OsRelease {
    /// `ID`.
    pub id: String,
    /// `VERSION_ID`.
    pub version_id: String,
    /// `PRETTY_NAME`.
    pub pretty_name: String,
}

/// One layer of an image, as the manifest and config describe it.
#[derive(Clone, Debug, Serialize)]
pub struct LayerInfo {
    /// 0-based position, bottom layer first.
    pub index: usize,
    /// Digest of the uncompressed tar (`rootfs.diff_ids`).
    pub diff_id: String,
    /// Digest of the blob as stored, when the manifest gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Size of the blob as stored.
    pub size: u64,
    /// The history command that created the layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Where the blob is inside the image source.
    #[serde(skip)]
    pub blob_path: String,
}

/// How one layer went.
#[derive(Clone, Debug, Serialize)]
pub struct LayerOutcome {
    /// What the manifest and config say about it.
    #[serde(flatten)]
    pub info: LayerInfo,
    /// Uncompressed bytes streamed.
    pub uncompressed_bytes: u64,
    /// Tar entries.
    pub entries: u64,
    /// `gzip`, `zstd` or `none`.
    pub compression: &'static str,
    /// Why the layer was left out, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Entries skipped (unsafe paths, budget), with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Whether its plugin results came from the layer cache.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
}

/// What an image scan learned about the image.
#[derive(Clone, Debug, Serialize)]
pub struct ImageScan {
    /// `RepoTags[0]`, the `ref.name` annotation, or the registry reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Manifest digest (OCI and registry sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// Config digest (the image id).
    pub config_digest: String,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The OS, if the final filesystem says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OsRelease>,
    /// Layers, bottom first.
    pub layers: Vec<LayerOutcome>,
}

/// The scanned target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetInfo {
    /// As named by the user.
    pub name: String,
    /// Its kind.
    pub kind: TargetKind,
    /// For images: reference, digests, platform, OS and layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageScan>,
}

// ---------------------------------------------------------------------------
// The result.
// ---------------------------------------------------------------------------

/// Counts for the summary line.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Findings in total (suppressed ones not counted).
    pub findings: usize,
    /// Critical.
    pub critical: usize,
    /// High.
    pub high: usize,
    /// Medium.
    pub medium: usize,
    /// Low.
    pub low: usize,
    /// Info.
    pub info: usize,
    /// Regular files the walk met.
    pub files_walked: u64,
    /// Files handed to at least one plugin.
    pub files_analyzed: u64,
    /// Packages in the inventory.
    pub packages: usize,
    /// Findings suppressed (listed under `suppressed`).
    pub suppressed: usize,
}

impl Summary {
    /// Count of findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// Adds one finding of `severity` to the counts.
    pub fn add(&mut self, severity: Severity) {
        self.findings += 1;
        match severity {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// Everything a scan produced; serialized as the JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct ScanResult {
    /// Always `bulkhead-scan`.
    pub schema: &'static str,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `bulkhead` version.
    pub tool_version: &'static str,
    /// What was scanned.
    pub target: TargetInfo,
    /// False when part of the target could not be scanned (a layer left
    /// out, a bound hit): a gate must not pass such a result as clean.
    pub complete: bool,
    /// Counts.
    pub summary: Summary,
    /// Per plugin, sorted by id.
    pub plugins: Vec<PluginOutcome>,
    /// Findings, most severe first (suppressed ones are not here).
    pub findings: Vec<Finding>,
    /// Findings a suppression, the baseline or `--ignore-unfixed` kept
    /// out of the gate, in the same order.
    pub suppressed: Vec<SuppressedFinding>,
    /// Suppressions that matched nothing, expired or name an unknown rule.
    pub stale_suppressions: Vec<StaleSuppression>,
    /// Packages found (the inventory), sorted.
    pub packages: Vec<Package>,
    /// Paths that could not be read, layers left out, bounds hit.
    pub errors: Vec<String>,
}

impl ScanResult {
    /// True if any plugin failed, timed out, ran out of memory or had
    /// its output cut by a cap.
    pub fn has_plugin_errors(&self) -> bool {
        self.plugins.iter().any(|p| p.status.is_error())
    }

    /// True if a finding is at or above `threshold`.
    pub fn has_findings_at_or_above(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}
