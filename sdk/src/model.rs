//! Plain Rust types for what a plugin describes and reports, with builders.
//!
//! They mirror the records of `wit/v0.2.0/plugin.wit` and convert into the
//! generated bindings, so plugin code never touches the bindings directly.

use crate::bindings::bulkhead::plugin::{host, types as wit};
use crate::purl::Purl;
use crate::settings::SettingSpec;

pub use wit::{InstalledPackage, Note, OsIdentity, PackageRef, Severity};

/// One check a plugin can report.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Identifier unique within the plugin.
    pub id: String,
    /// One line saying what was found.
    pub title: String,
    /// Default severity.
    pub severity: Severity,
    /// What the rule checks and why it matters.
    pub description: String,
    /// How to fix it.
    pub remediation: String,
    /// Background URLs.
    pub references: Vec<String>,
    /// Earlier ids of the same rule; suppressions naming them still match.
    pub aliases: Vec<String>,
}

impl Rule {
    /// A rule with an id, a title and a default severity.
    pub fn new(id: &str, title: &str, severity: Severity) -> Self {
        Rule {
            id: id.to_string(),
            title: title.to_string(),
            severity,
            description: String::new(),
            remediation: String::new(),
            references: Vec::new(),
            aliases: Vec::new(),
        }
    }

    /// Adds an earlier id of this rule (`DF-016`), kept so that
    /// suppressions written against it still match.
    pub fn alias(mut self, id: &str) -> Self {
        self.aliases.push(id.to_string());
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }

    /// Sets the remediation.
    pub fn remediation(mut self, text: &str) -> Self {
        self.remediation = text.to_string();
        self
    }

    /// Adds a reference URL.
    pub fn reference(mut self, url: &str) -> Self {
        self.references.push(url.to_string());
        self
    }

    fn into_wit(self) -> wit::Rule {
        wit::Rule {
            id: self.id,
            title: self.title,
            severity: self.severity,
            description: self.description,
            remediation: self.remediation,
            references: self.references,
            aliases: self.aliases,
        }
    }
}

/// What a plugin wants to be called with.
#[derive(Clone, Debug)]
pub struct Interests {
    /// Path globs over in-target paths.
    pub path_globs: Vec<String>,
    /// Content keywords (case-insensitive) prefiltered by the host.
    pub keywords: Vec<String>,
    /// Largest file, in bytes, the plugin wants.
    pub max_file_size: u64,
    /// Whether to receive the image config.
    pub image_config: bool,
    /// Whether to receive the package inventory in post-scan.
    pub package_inventory: bool,
    /// Whether to also receive file versions deleted or replaced by a
    /// later image layer.
    pub include_deleted: bool,
    /// Files with any of these mode bits are handed over regardless of globs.
    pub mode_mask: u32,
    /// Name of a read-only directory the plugin needs (seen at `/data`).
    pub data_directory: Option<String>,
}

impl Default for Interests {
    fn default() -> Self {
        Interests {
            path_globs: Vec::new(),
            keywords: Vec::new(),
            max_file_size: 10 << 20,
            image_config: false,
            package_inventory: false,
            include_deleted: false,
            mode_mask: 0,
            data_directory: None,
        }
    }
}

impl Interests {
    /// Files matching any of these globs (10 MiB at most by default).
    pub fn files<I, S>(globs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Interests {
            path_globs: globs.into_iter().map(Into::into).collect(),
            ..Interests::default()
        }
    }

    /// Only files containing one of these keywords (case-insensitive).
    pub fn keywords<I, S>(mut self, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keywords = keywords.into_iter().map(Into::into).collect();
        self
    }

    /// Largest file handed over, in bytes.
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Ask for the image configuration.
    pub fn image_config(mut self) -> Self {
        self.image_config = true;
        self
    }

    /// Ask for the merged package inventory (post-scan phase).
    pub fn package_inventory(mut self) -> Self {
        self.package_inventory = true;
        self
    }

    /// Also receive file versions that a later image layer deleted or
    /// replaced (their bytes are still in the image).
    pub fn include_deleted(mut self) -> Self {
        self.include_deleted = true;
        self
    }

    /// Ask for a read-only directory the user grants under `name` (for
    /// instance `vulnerability-db`); it appears at `/data`.
    pub fn data_directory(mut self, name: &str) -> Self {
        self.data_directory = Some(name.to_string());
        self
    }

    /// Also receive files whose mode has any of these bits (e.g. `0o6000`).
    pub fn mode_mask(mut self, bits: u32) -> Self {
        self.mode_mask = bits;
        self
    }
}

/// The plugin's description of itself.
#[derive(Clone, Debug)]
pub struct PluginInfo {
    /// Stable identifier.
    pub id: String,
    /// Plugin version.
    pub version: String,
    /// What the plugin checks.
    pub description: String,
    /// Every rule it may report.
    pub rules: Vec<Rule>,
    /// What it wants to receive.
    pub interests: Interests,
    /// The settings it accepts.
    pub settings: Vec<SettingSpec>,
}

impl PluginInfo {
    /// A plugin with no rules and no interests yet.
    pub fn new(id: &str, version: &str, description: &str) -> Self {
        PluginInfo {
            id: id.to_string(),
            version: version.to_string(),
            description: description.to_string(),
            rules: Vec::new(),
            interests: Interests::default(),
            settings: Vec::new(),
        }
    }

    /// Declares a setting the user may give (see [`crate::settings`]).
    pub fn setting(mut self, spec: SettingSpec) -> Self {
        self.settings.push(spec);
        self
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Adds several rules.
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.rules.extend(rules);
        self
    }

    /// Sets the interests.
    pub fn interests(mut self, interests: Interests) -> Self {
        self.interests = interests;
        self
    }

    pub(crate) fn into_wit(self) -> wit::PluginInfo {
        wit::PluginInfo {
            id: self.id,
            version: self.version,
            description: self.description,
            rules: self.rules.into_iter().map(Rule::into_wit).collect(),
            interests: wit::Interests {
                path_globs: self.interests.path_globs,
                keywords: self.interests.keywords,
                max_file_size: self.interests.max_file_size,
                image_config: self.interests.image_config,
                package_inventory: self.interests.package_inventory,
                include_deleted: self.interests.include_deleted,
                mode_mask: self.interests.mode_mask,
                data_directory: self.interests.data_directory,
            },
            settings: self
                .settings
                .into_iter()
                .map(SettingSpec::into_wit)
                .collect(),
        }
    }
}

/// One problem found; build it with [`Finding::new`] and the setters.
#[derive(Clone, Debug)]
pub struct Finding(wit::Finding);

impl Finding {
    /// A finding of rule `rule_id` with a message.
    pub fn new(rule_id: &str, message: impl Into<String>) -> Self {
        Finding(wit::Finding {
            rule_id: rule_id.to_string(),
            message: message.into(),
            lines: None,
            field_path: None,
            secret: None,
            severity: None,
            affected_package: None,
            fixed_versions: Vec::new(),
            aliases: Vec::new(),
            references: Vec::new(),
            properties: Vec::new(),
            path: None,
        })
    }

    /// Located on one line (1-based).
    pub fn line(self, line: u32) -> Self {
        self.lines(line, line)
    }

    /// Located on an inclusive range of lines (1-based).
    pub fn lines(mut self, start: u32, end: u32) -> Self {
        self.0.lines = Some(wit::LineRange {
            start,
            end: end.max(start),
        });
        self
    }

    /// Located at a field path inside a structured document.
    pub fn field_path(mut self, path: impl Into<String>) -> Self {
        self.0.field_path = Some(path.into());
        self
    }

    /// The sensitive value (redacted by the host unless the user asks).
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.0.secret = Some(value.into());
        self
    }

    /// Overrides the rule's default severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.0.severity = Some(severity);
        self
    }

    /// The package this finding is about.
    pub fn package(mut self, ecosystem: &str, name: &str, version: &str) -> Self {
        self.0.affected_package = Some(PackageRef {
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: version.to_string(),
        });
        self
    }

    /// Versions that fix it.
    pub fn fixed_versions(mut self, versions: Vec<String>) -> Self {
        self.0.fixed_versions = versions;
        self
    }

    /// Other identifiers of the same problem.
    pub fn aliases(mut self, aliases: Vec<String>) -> Self {
        self.0.aliases = aliases;
        self
    }

    /// URLs specific to this finding.
    pub fn references(mut self, urls: Vec<String>) -> Self {
        self.0.references = urls;
        self
    }

    /// Attaches a named fact (the version order used, the Kubernetes
    /// version judged at), shown in JSON and SARIF output.
    pub fn property(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.properties.push(wit::Property {
            name: name.to_string(),
            value: value.into(),
        });
        self
    }

    /// For post-scan findings: the file the finding is about (a path the
    /// plugin was called with, as its notes carry it).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.0.path = Some(path.into());
        self
    }
}

/// A package found in a file; build it with [`Package::new`] and report it
/// with [`Reporter::package`].
#[derive(Clone, Debug)]
pub struct Package(wit::InstalledPackage);

impl Package {
    /// A package of an OSV `ecosystem` (`Debian:12`, `PyPI`, `npm`, ...).
    /// Its purl defaults to none; set it with [`Package::purl`].
    pub fn new(ecosystem: impl Into<String>, name: &str, version: &str) -> Self {
        Package(wit::InstalledPackage {
            ecosystem: ecosystem.into(),
            name: name.to_string(),
            version: version.to_string(),
            purl: String::new(),
            source_name: None,
            source_version: None,
        })
    }

    /// Sets the package URL, encoded by [`Purl`].
    pub fn purl(mut self, purl: &Purl) -> Self {
        self.0.purl = purl.to_string();
        self
    }

    /// The source package it was built from (dpkg `Source`, apk origin,
    /// rpm source rpm); a version equal to the package's is left out.
    pub fn source(mut self, name: &str, version: Option<&str>) -> Self {
        if !name.is_empty() {
            self.0.source_name = Some(name.to_string());
        }
        self.0.source_version = version
            .filter(|v| !v.is_empty() && *v != self.0.version)
            .map(str::to_string);
        self
    }

    /// The package as the contract carries it.
    pub fn build(self) -> wit::InstalledPackage {
        self.0
    }
}

impl From<Package> for wit::InstalledPackage {
    fn from(package: Package) -> Self {
        package.0
    }
}

/// Sends findings and packages to the host for the current call.
///
/// Once the host's per-call cap is reached, [`Reporter::is_full`] turns true
/// and further reports are dropped; a plugin should stop scanning then.
#[derive(Debug, Default)]
pub struct Reporter {
    full: bool,
}

impl Reporter {
    pub(crate) fn new() -> Self {
        Reporter::default()
    }

    /// Reports a finding. Returns false once the host accepts no more.
    pub fn finding(&mut self, finding: Finding) -> bool {
        if !self.full && !host::report(&finding.0) {
            self.full = true;
        }
        !self.full
    }

    /// Reports a package. Returns false once the host accepts no more.
    pub fn package(&mut self, package: impl Into<wit::InstalledPackage>) -> bool {
        if !self.full && !host::report_package(&package.into()) {
            self.full = true;
        }
        !self.full
    }

    /// Leaves a note for this plugin's own post-scan call (see
    /// [`crate::PostScan::notes`]). Returns false once the host takes no
    /// more notes.
    pub fn note(&mut self, key: &str, value: &str) -> bool {
        host::note(key, value)
    }

    /// True once the host has refused a report in this call.
    pub fn is_full(&self) -> bool {
        self.full
    }
}
