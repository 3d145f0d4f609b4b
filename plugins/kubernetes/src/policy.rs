//! What a pod is judged against: a Pod Security Standards level at a
//! Kubernetes version, from the plugin's settings or from the
//! `pod-security.kubernetes.io/enforce` and `enforce-version` labels of its
//! Namespace.

use std::fmt;

/// Oldest Kubernetes 1.x minor version whose standards the plugin knows.
pub const OLDEST_MINOR: u32 = 25;
/// Newest Kubernetes 1.x minor version whose standards the plugin knows.
pub const NEWEST_MINOR: u32 = 37;

/// A Kubernetes 1.x version the plugin knows (1.25 ..= 1.37).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(u32);

impl Version {
    /// The oldest version known.
    pub const OLDEST: Version = Version(OLDEST_MINOR);
    /// The newest version known: the default.
    pub const NEWEST: Version = Version(NEWEST_MINOR);

    /// Kubernetes 1.`minor`, if known.
    pub fn new(minor: u32) -> Option<Version> {
        (OLDEST_MINOR..=NEWEST_MINOR)
            .contains(&minor)
            .then_some(Version(minor))
    }

    /// The minor version.
    pub fn minor(self) -> u32 {
        self.0
    }

    /// True from Kubernetes 1.`minor` on.
    pub fn at_least(self, minor: u32) -> bool {
        self.0 >= minor
    }

    /// Every version known, oldest first.
    pub fn known() -> impl Iterator<Item = Version> {
        (OLDEST_MINOR..=NEWEST_MINOR).map(Version)
    }

    /// The `kubernetes-version` setting: `1.34`, `v1.34` or `latest` (the
    /// newest known).
    pub fn parse_setting(text: &str) -> Result<Version, String> {
        let text = text.trim();
        if text == "latest" {
            return Ok(Version::NEWEST);
        }
        parse_minor(text.strip_prefix('v').unwrap_or(text))
            .and_then(Version::new)
            .ok_or_else(|| {
                format!(
                    "kubernetes-version {text:?} is not a version the kubernetes plugin knows: give one of {} (or latest, {})",
                    Version::known()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    Version::NEWEST
                )
            })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.0)
    }
}

/// The minor of `1.N` (N without leading zeros, as Kubernetes writes it).
fn parse_minor(text: &str) -> Option<u32> {
    let minor = text.strip_prefix("1.")?;
    let well_formed = !minor.is_empty()
        && minor.len() <= 4
        && minor.bytes().all(|b| b.is_ascii_digit())
        && (minor == "0" || !minor.starts_with('0'));
    well_formed.then(|| minor.parse().ok()).flatten()
}

/// A Pod Security Standards level; each includes the ones below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Unrestricted: nothing is checked.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Current pod hardening best practice.
    Restricted,
}

impl Level {
    /// `privileged`, `baseline` or `restricted`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    /// The name Kubernetes uses.
    pub fn name(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// The `pod-security-level` setting.
    pub fn parse_setting(text: &str) -> Result<Level, String> {
        Level::parse(text.trim()).ok_or_else(|| {
            format!(
                "pod-security-level {text:?} is not a Pod Security Standards level: give privileged, baseline or restricted"
            )
        })
    }
}

/// The level and version pods are judged at, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Violations of this level or below are reported.
    pub level: Level,
    /// The version whose standards apply.
    pub version: Version,
    /// The Namespace whose labels chose them, if any.
    pub namespace: Option<String>,
    /// Remarks on how the labels were read (an invalid value, a version
    /// pinned outside what is known), for the finding's message.
    pub remarks: Vec<String>,
}

impl Policy {
    /// The policy the plugin's settings give, for pods whose Namespace has
    /// no Pod Security labels (or is not in the scan).
    pub fn from_settings(level: Level, version: Version) -> Policy {
        Policy {
            level,
            version,
            namespace: None,
            remarks: Vec::new(),
        }
    }

    /// The policy of a pod in Namespace `name`, labelled `enforce` and
    /// `enforce_version` (each as found, if found), in a cluster whose
    /// defaults are `defaults`. As the admission controller does, an
    /// invalid level means restricted and an invalid version means latest;
    /// `latest` is the cluster's version, and a version newer than the
    /// cluster is judged at the cluster's version.
    pub fn for_namespace(
        name: &str,
        enforce: Option<&str>,
        enforce_version: Option<&str>,
        defaults: &Policy,
    ) -> Policy {
        let mut remarks = Vec::new();
        let level = match enforce {
            None => defaults.level,
            Some(text) => Level::parse(text).unwrap_or_else(|| {
                remarks.push(format!(
                    "enforce label {text:?} is invalid: judged restricted"
                ));
                Level::Restricted
            }),
        };
        let version = match enforce_version {
            None | Some("latest") => defaults.version,
            Some(text) => match text.strip_prefix('v').and_then(parse_minor) {
                None => {
                    remarks.push(format!(
                        "enforce-version label {text:?} is invalid: judged at latest"
                    ));
                    defaults.version
                }
                Some(minor) if minor > defaults.version.minor() => {
                    remarks.push(format!(
                        "pinned {text}, newer than the cluster's {}",
                        defaults.version
                    ));
                    defaults.version
                }
                Some(minor) if minor < OLDEST_MINOR => {
                    remarks.push(format!(
                        "pinned {text}, judged at the oldest version known, {}",
                        Version::OLDEST
                    ));
                    Version::OLDEST
                }
                Some(minor) => Version::new(minor).unwrap_or(defaults.version),
            },
        };
        Policy {
            level,
            version,
            namespace: Some(name.to_string()),
            remarks,
        }
    }

    /// How the finding's message says what it was judged at, e.g.
    /// `Pod Security Standards baseline, Kubernetes 1.34, set by the labels
    /// of namespace prod`.
    pub fn describe(&self, level: Level) -> String {
        let mut text = format!(
            "Pod Security Standards {}, Kubernetes {}",
            level.name(),
            self.version
        );
        if let Some(namespace) = &self.namespace {
            text.push_str(&format!(", set by the labels of namespace {namespace}"));
            if !self.remarks.is_empty() {
                text.push_str(": ");
                text.push_str(&self.remarks.join("; "));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_the_versions_known() {
        assert_eq!(Version::parse_setting("1.34"), Ok(Version(34)));
        assert_eq!(Version::parse_setting("v1.30"), Ok(Version(30)));
        assert_eq!(Version::parse_setting("latest"), Ok(Version::NEWEST));
        for bad in ["1.24", "1.38", "1.034", "2.1", "1.", "", "1.3x"] {
            let error = Version::parse_setting(bad).expect_err(bad);
            assert!(
                error.contains("1.25, 1.26") && error.contains("1.37"),
                "{error}"
            );
        }
        assert_eq!(Level::parse_setting("baseline"), Ok(Level::Baseline));
        assert!(Level::parse_setting("strict").is_err());
    }

    #[test]
    fn namespace_labels_read_as_admission_reads_them() {
        let cluster = Policy::from_settings(Level::Restricted, Version(34));
        let pinned = Policy::for_namespace("a", Some("baseline"), Some("v1.30"), &cluster);
        assert_eq!(
            (pinned.level, pinned.version),
            (Level::Baseline, Version(30))
        );
        assert!(pinned.remarks.is_empty());
        let latest = Policy::for_namespace("a", None, Some("latest"), &cluster);
        assert_eq!(
            (latest.level, latest.version),
            (Level::Restricted, Version(34))
        );
        let newer = Policy::for_namespace("a", Some("privileged"), Some("v1.36"), &cluster);
        assert_eq!(
            (newer.level, newer.version),
            (Level::Privileged, Version(34))
        );
        let older = Policy::for_namespace("a", None, Some("v1.22"), &cluster);
        assert_eq!(older.version, Version::OLDEST);
        let invalid = Policy::for_namespace("a", Some("strict"), Some("1.30"), &cluster);
        assert_eq!(
            (invalid.level, invalid.version),
            (Level::Restricted, Version(34))
        );
        assert_eq!(invalid.remarks.len(), 2);
        assert!(
            invalid.describe(Level::Baseline).starts_with(
                "Pod Security Standards baseline, Kubernetes 1.34, set by the labels of namespace a: enforce label"
            )
        );
    }
}
