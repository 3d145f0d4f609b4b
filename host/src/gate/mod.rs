//! Gate: after merge, before report. Decides which findings a team has
//! accepted on purpose and keeps them out of the exit code while keeping
//! them visible: `[[ignore]]` tables of bulkhead.toml, inline
//! `bulkhead:ignore` comments, `--vex` statements, `--ignore-unfixed`, and
//! `--baseline`.
//! Then `--severity` narrows what is reported.
//!
//! A finding is suppressed by the first of these that matches it, in that
//! order; every suppression that matched it counts as used. Suppressions
//! that matched nothing, that expired, or that name a rule no plugin
//! declares are listed as stale, so they get cleaned up.
//!
//! Matching is indexed (by fingerprint, rule, vulnerability id, package,
//! and for inline comments by file and line), so it stays linear in the
//! findings whatever the number of suppressions.

pub mod baseline;
pub mod vex;

use std::collections::{BTreeSet, HashMap};

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{Config, Date, Ignore, compile_glob};
use crate::model::{
    BaselineState, Finding, InlineIgnore, PluginInfo, ScanResult, Severity, StaleSuppression,
    StaleWhy, SuppressedFinding, Suppression, SuppressionKind,
};
use baseline::Baseline;
use vex::Vex;

/// What the gate applies.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// The `[[ignore]]` tables.
    pub config: Config,
    /// `--baseline`.
    pub baseline: Option<Baseline>,
    /// `--vex` statements.
    pub vex: Vex,
    /// The day expiry is judged on (`--now`, `SOURCE_DATE_EPOCH`, or the
    /// system clock).
    pub today: Date,
    /// `--severity`: the severities reported; `None` reports all.
    pub severities: Option<Vec<Severity>>,
    /// `--ignore-unfixed`.
    pub ignore_unfixed: bool,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            config: Config::default(),
            baseline: None,
            vex: Vex::default(),
            today: Date::today(),
            severities: None,
            ignore_unfixed: false,
        }
    }
}

/// Moves the findings that a suppression (configuration, inline comment,
/// VEX statement), `--ignore-unfixed` or the baseline covers into
/// `result.suppressed`, lists stale suppressions, applies `--severity` and
/// recounts the summary. `inline` are the `bulkhead:ignore` comments
/// dispatch found.
pub fn apply(
    result: &mut ScanResult,
    plugins: &[PluginInfo],
    inline: &[InlineIgnore],
    options: &GateOptions,
) -> Result<()> {
    let names = RuleNames::new(plugins);
    let mut config = ConfigIndex::new(&options.config, &names, options.today)?;
    let mut comments = InlineIndex::new(inline, &names);
    let purls = vex::purl_index(&result.packages);
    let no_purls = Vec::new();
    let findings = std::mem::take(&mut result.findings);
    for mut finding in findings {
        if let Some(baseline) = &options.baseline {
            finding.baseline = Some(if baseline.contains(&finding.fingerprint) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
        let config_hit = config.suppression(&finding);
        let inline_hit = comments.suppression(&finding);
        let suppression = config_hit
            .or(inline_hit)
            .or_else(|| {
                let package_purls = purls_of(&finding, &purls).unwrap_or(&no_purls);
                options.vex.suppression(&finding, package_purls)
            })
            .or_else(|| unfixed(&finding, options.ignore_unfixed))
            .or_else(|| in_baseline(&finding, options.baseline.as_ref()));
        match suppression {
            Some(suppression) => result.suppressed.push(SuppressedFinding {
                finding,
                suppression,
            }),
            None => result.findings.push(finding),
        }
    }
    result.stale_suppressions = config.stale();
    result.stale_suppressions.extend(comments.stale());
    if let Some(severities) = &options.severities {
        result.findings.retain(|f| severities.contains(&f.severity));
        result
            .suppressed
            .retain(|s| severities.contains(&s.finding.severity));
    }
    recount(result);
    Ok(())
}

/// The inventory purls of the finding's package.
fn purls_of<'a>(
    finding: &Finding,
    purls: &'a HashMap<(String, String, String), Vec<String>>,
) -> Option<&'a Vec<String>> {
    let package = finding.package.as_ref()?;
    purls.get(&(
        package.ecosystem.clone(),
        package.name.clone(),
        package.version.clone(),
    ))
}

/// The summary's finding counts, from what is left in `findings`.
fn recount(result: &mut ScanResult) {
    let summary = &mut result.summary;
    summary.findings = 0;
    summary.critical = 0;
    summary.high = 0;
    summary.medium = 0;
    summary.low = 0;
    summary.info = 0;
    for finding in &result.findings {
        summary.add(finding.severity);
    }
    summary.suppressed = result.suppressed.len();
}

fn unfixed(finding: &Finding, ignore_unfixed: bool) -> Option<Suppression> {
    (ignore_unfixed && is_vulnerability(finding) && finding.fixed_versions.is_empty()).then(|| {
        Suppression {
            kind: SuppressionKind::Unfixed,
            reason: "no fixed version is available (--ignore-unfixed)".to_string(),
            source: None,
            expires: None,
            status: None,
            justification: None,
        }
    })
}

fn in_baseline(finding: &Finding, baseline: Option<&Baseline>) -> Option<Suppression> {
    let baseline = baseline?;
    baseline
        .contains(&finding.fingerprint)
        .then(|| Suppression {
            kind: SuppressionKind::Baseline,
            reason: format!("present in the baseline {}", baseline.label),
            source: Some(baseline.label.clone()),
            expires: None,
            status: None,
            justification: None,
        })
}

/// A vulnerability finding: it names a package and at least one
/// vulnerability id (the `osv` plugin puts every id, CVE first, in
/// `aliases`).
pub fn is_vulnerability(finding: &Finding) -> bool {
    finding.package.is_some() && !finding.aliases.is_empty()
}

/// Every name a rule answers to: `plugin/rule`, each alias bare
/// (`DF-036`) and namespaced (`dockerfile/DF-036`).
struct RuleNames {
    by_name: HashMap<String, Vec<String>>,
}

impl RuleNames {
    fn new(plugins: &[PluginInfo]) -> RuleNames {
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for plugin in plugins {
            for rule in &plugin.rules {
                let full = format!("{}/{}", plugin.id, rule.id);
                let mut add = |name: String| {
                    let ids = by_name.entry(name).or_default();
                    if !ids.contains(&full) {
                        ids.push(full.clone());
                    }
                };
                add(full.clone());
                for alias in &rule.aliases {
                    add(alias.clone());
                    add(format!("{}/{alias}", plugin.id));
                }
            }
        }
        RuleNames { by_name }
    }

    /// The full rule ids `name` stands for; empty if none.
    fn resolve(&self, name: &str) -> &[String] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

/// The `[[ignore]]` tables, indexed, with which were used.
struct ConfigIndex<'a> {
    ignores: &'a [Ignore],
    entries: Vec<ConfigEntry>,
    by_fingerprint: HashMap<String, Bucket>,
    by_rule: HashMap<String, Bucket>,
    by_vulnerability: HashMap<String, Bucket>,
    by_package: HashMap<String, Bucket>,
    label: String,
}

/// The entries filed under one key. Those with `paths` are found through
/// one glob set over all their globs, so a thousand entries for one rule,
/// each for its own directory, cost one match per finding, not a thousand.
struct Bucket {
    anywhere: Vec<usize>,
    globs: Vec<Glob>,
    glob_owner: Vec<usize>,
    set: GlobSet,
}

impl Bucket {
    fn new() -> Bucket {
        Bucket {
            anywhere: Vec::new(),
            globs: Vec::new(),
            glob_owner: Vec::new(),
            set: GlobSet::empty(),
        }
    }

    fn add(&mut self, at: usize, ignore: &Ignore) -> Result<()> {
        if ignore.paths.is_empty() {
            self.anywhere.push(at);
        }
        for glob in &ignore.paths {
            self.globs.push(compile_glob(glob)?);
            self.glob_owner.push(at);
        }
        Ok(())
    }

    /// Builds the glob set once every entry is added.
    fn seal(&mut self) -> Result<()> {
        let mut builder = GlobSetBuilder::new();
        for glob in self.globs.drain(..) {
            builder.add(glob);
        }
        self.set = builder.build()?;
        Ok(())
    }

    /// Adds the entries that may match a finding at `path`.
    fn candidates(&self, path: &str, found: &mut BTreeSet<usize>) {
        found.extend(&self.anywhere);
        if !self.glob_owner.is_empty() {
            found.extend(
                self.set
                    .matches(path)
                    .into_iter()
                    .map(|glob| self.glob_owner[glob]),
            );
        }
    }
}

/// Files entry `at` under `key`.
fn file_under(
    map: &mut HashMap<String, Bucket>,
    key: String,
    at: usize,
    ignore: &Ignore,
) -> Result<()> {
    map.entry(key).or_insert_with(Bucket::new).add(at, ignore)
}

struct ConfigEntry {
    rules: Vec<String>,
    unknown_rule: bool,
    paths: Option<GlobSet>,
    expired: bool,
    used: bool,
}

impl<'a> ConfigIndex<'a> {
    fn new(config: &'a Config, names: &RuleNames, today: Date) -> Result<ConfigIndex<'a>> {
        let label = config
            .path
            .as_ref()
            .map_or("bulkhead.toml".to_string(), |p| p.display().to_string());
        let mut index = ConfigIndex {
            ignores: &config.ignores,
            entries: Vec::with_capacity(config.ignores.len()),
            by_fingerprint: HashMap::new(),
            by_rule: HashMap::new(),
            by_vulnerability: HashMap::new(),
            by_package: HashMap::new(),
            label,
        };
        for (at, ignore) in config.ignores.iter().enumerate() {
            let rules = ignore
                .rule
                .as_deref()
                .map_or(Vec::new(), |rule| names.resolve(rule).to_vec());
            let entry = ConfigEntry {
                unknown_rule: ignore.rule.is_some() && rules.is_empty(),
                rules,
                paths: path_set(ignore).with_context(|| format!("[[ignore]] #{}", ignore.index))?,
                expired: ignore.expires.is_some_and(|last| today > last),
                used: false,
            };
            if let Some(fingerprint) = &ignore.fingerprint {
                file_under(&mut index.by_fingerprint, fingerprint.clone(), at, ignore)?;
            } else if ignore.rule.is_some() {
                for rule in &entry.rules {
                    file_under(&mut index.by_rule, rule.clone(), at, ignore)?;
                }
            } else if let Some(vulnerability) = &ignore.vulnerability {
                let key = vulnerability.to_ascii_uppercase();
                file_under(&mut index.by_vulnerability, key, at, ignore)?;
            } else if let Some(package) = &ignore.package {
                file_under(&mut index.by_package, package.clone(), at, ignore)?;
            }
            index.entries.push(entry);
        }
        let maps = [
            &mut index.by_fingerprint,
            &mut index.by_rule,
            &mut index.by_vulnerability,
            &mut index.by_package,
        ];
        for map in maps {
            for bucket in map.values_mut() {
                bucket.seal()?;
            }
        }
        Ok(index)
    }

    /// The suppression of the first unexpired entry matching `finding`;
    /// every matching entry is marked used.
    fn suppression(&mut self, finding: &Finding) -> Option<Suppression> {
        let mut first: Option<usize> = None;
        for at in self.candidates(finding) {
            if self.entries[at].expired || !self.matches(at, finding) {
                continue;
            }
            self.entries[at].used = true;
            first.get_or_insert(at);
        }
        let ignore = &self.ignores[first?];
        Some(Suppression {
            kind: SuppressionKind::Config,
            reason: ignore.reason.clone(),
            source: Some(format!("{} [[ignore]] #{}", self.label, ignore.index)),
            expires: ignore.expires.map(|date| date.to_string()),
            status: None,
            justification: None,
        })
    }

    /// Entries that may match `finding`, each once, in file order.
    fn candidates(&self, finding: &Finding) -> BTreeSet<usize> {
        let mut found = BTreeSet::new();
        let mut take = |bucket: Option<&Bucket>| {
            if let Some(bucket) = bucket {
                bucket.candidates(&finding.path, &mut found);
            }
        };
        take(self.by_fingerprint.get(&finding.fingerprint));
        take(self.by_rule.get(&finding.rule_id));
        for id in &finding.aliases {
            take(self.by_vulnerability.get(&id.to_ascii_uppercase()));
        }
        if let Some(package) = &finding.package {
            take(self.by_package.get(&package.name));
        }
        found
    }

    fn matches(&self, at: usize, finding: &Finding) -> bool {
        let (entry, ignore) = (&self.entries[at], &self.ignores[at]);
        let rule_ok = ignore.rule.is_none() || entry.rules.contains(&finding.rule_id);
        let fingerprint_ok = ignore
            .fingerprint
            .as_ref()
            .is_none_or(|f| *f == finding.fingerprint);
        let vulnerability_ok = ignore.vulnerability.as_ref().is_none_or(|wanted| {
            finding
                .aliases
                .iter()
                .any(|id| id.eq_ignore_ascii_case(wanted))
        });
        let package_ok = ignore
            .package
            .as_ref()
            .is_none_or(|wanted| finding.package.as_ref().is_some_and(|p| p.name == *wanted));
        let paths_ok = entry
            .paths
            .as_ref()
            .is_none_or(|set| set.is_match(&finding.path));
        rule_ok && fingerprint_ok && vulnerability_ok && package_ok && paths_ok
    }

    /// Entries that expired, name an unknown rule, or matched nothing.
    fn stale(&self) -> Vec<StaleSuppression> {
        self.entries
            .iter()
            .zip(self.ignores)
            .filter_map(|(entry, ignore)| {
                let why = if entry.expired {
                    StaleWhy::Expired
                } else if entry.unknown_rule {
                    StaleWhy::UnknownRule
                } else if !entry.used {
                    StaleWhy::MatchedNothing
                } else {
                    return None;
                };
                Some(StaleSuppression {
                    source: format!("{} [[ignore]] #{}", self.label, ignore.index),
                    reason: ignore.reason.clone(),
                    why,
                })
            })
            .collect()
    }
}

fn path_set(ignore: &Ignore) -> Result<Option<GlobSet>> {
    if ignore.paths.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in &ignore.paths {
        builder.add(compile_glob(glob).with_context(|| format!("`paths` glob {glob:?}"))?);
    }
    Ok(Some(builder.build()?))
}

/// The inline comments, indexed by file and line, with which were used.
struct InlineIndex<'a> {
    comments: &'a [InlineIgnore],
    rules: Vec<Vec<String>>,
    used: Vec<bool>,
    by_line: HashMap<(&'a str, Option<usize>, u32), Vec<usize>>,
}

impl<'a> InlineIndex<'a> {
    fn new(comments: &'a [InlineIgnore], names: &RuleNames) -> InlineIndex<'a> {
        let mut by_line: HashMap<(&str, Option<usize>, u32), Vec<usize>> = HashMap::new();
        for (at, comment) in comments.iter().enumerate() {
            by_line
                .entry((comment.path.as_str(), comment.layer, comment.line))
                .or_default()
                .push(at);
        }
        InlineIndex {
            comments,
            rules: comments
                .iter()
                .map(|c| names.resolve(&c.rule).to_vec())
                .collect(),
            used: vec![false; comments.len()],
            by_line,
        }
    }

    /// The suppression of a comment on the finding's first line or the
    /// line above that names its rule.
    fn suppression(&mut self, finding: &Finding) -> Option<Suppression> {
        let line = finding.start_line?;
        let layer = finding.layer.as_ref().map(|l| l.index);
        let mut first = None;
        for on in [line, line.saturating_sub(1)] {
            let key = (finding.path.as_str(), layer, on);
            for &at in self.by_line.get(&key).into_iter().flatten() {
                if self.rules[at].contains(&finding.rule_id) {
                    self.used[at] = true;
                    first.get_or_insert(at);
                }
            }
        }
        let comment = &self.comments[first?];
        Some(Suppression {
            kind: SuppressionKind::Inline,
            reason: if comment.reason.is_empty() {
                "(no reason given)".to_string()
            } else {
                comment.reason.clone()
            },
            source: Some(inline_source(comment)),
            expires: None,
            status: None,
            justification: None,
        })
    }

    /// Comments that name an unknown rule or covered no finding of it.
    fn stale(&self) -> Vec<StaleSuppression> {
        self.comments
            .iter()
            .enumerate()
            .filter(|(at, _)| !self.used[*at])
            .map(|(at, comment)| StaleSuppression {
                source: format!("{} ({})", inline_source(comment), comment.rule),
                reason: comment.reason.clone(),
                why: if self.rules[at].is_empty() {
                    StaleWhy::UnknownRule
                } else {
                    StaleWhy::MatchedNothing
                },
            })
            .collect()
    }
}

fn inline_source(comment: &InlineIgnore) -> String {
    match comment.layer {
        Some(layer) => format!("layer {layer}: {}:{}", comment.path, comment.line),
        None => format!("{}:{}", comment.path, comment.line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Interests, Origin, PackageRef, Provenance, RuleInfo, SCHEMA_VERSION, Summary, TargetInfo,
        TargetKind,
    };

    fn plugin(id: &str, rules: &[(&str, &[&str])]) -> PluginInfo {
        PluginInfo {
            id: id.to_string(),
            version: "1".to_string(),
            description: String::new(),
            contract: "0.2.0".to_string(),
            sha256: "0".repeat(64),
            origin: Origin::Builtin,
            rules: rules
                .iter()
                .map(|(rule, aliases)| RuleInfo {
                    id: rule.to_string(),
                    title: rule.to_string(),
                    severity: Severity::High,
                    description: String::new(),
                    remediation: String::new(),
                    references: Vec::new(),
                    aliases: aliases.iter().map(|a| a.to_string()).collect(),
                })
                .collect(),
            interests: Interests {
                path_globs: Vec::new(),
                keywords: Vec::new(),
                max_file_size: 0,
                image_config: false,
                package_inventory: false,
                include_deleted: false,
                mode_mask: 0,
                data_directory: None,
            },
            settings: Vec::new(),
        }
    }

    fn finding(rule: &str, path: &str, line: u32, severity: Severity) -> Finding {
        Finding {
            rule_id: rule.to_string(),
            severity,
            title: rule.to_string(),
            message: String::new(),
            target: ".".to_string(),
            path: path.to_string(),
            start_line: Some(line),
            end_line: Some(line),
            field_path: None,
            secret: None,
            layer: None,
            removed_in_layer: None,
            package: None,
            fixed_versions: Vec::new(),
            aliases: Vec::new(),
            references: Vec::new(),
            properties: Vec::new(),
            fingerprint: crate::digest::fingerprint(&[rule, path]),
            plugin: Provenance {
                id: "p".to_string(),
                version: "1".to_string(),
                sha256: "0".repeat(64),
            },
            baseline: None,
        }
    }

    fn vulnerability(package: &str, ids: &[&str], fixed: &[&str]) -> Finding {
        let mut finding = finding("osv/vulnerability", "lib/METADATA", 1, Severity::High);
        finding.package = Some(PackageRef {
            ecosystem: "PyPI".to_string(),
            name: package.to_string(),
            version: "1.0".to_string(),
        });
        finding.aliases = ids.iter().map(|id| id.to_string()).collect();
        finding.fixed_versions = fixed.iter().map(|v| v.to_string()).collect();
        finding.fingerprint = crate::digest::fingerprint(&[package, ids[0]]);
        finding
    }

    fn result(findings: Vec<Finding>) -> ScanResult {
        ScanResult {
            schema: "bulkhead-scan",
            schema_version: SCHEMA_VERSION,
            tool_version: "0",
            target: TargetInfo {
                name: ".".to_string(),
                kind: TargetKind::Directory,
                image: None,
            },
            complete: true,
            summary: Summary::default(),
            plugins: Vec::new(),
            findings,
            suppressed: Vec::new(),
            stale_suppressions: Vec::new(),
            packages: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn options(config: &str) -> GateOptions {
        GateOptions {
            config: Config::parse(config).expect("config"),
            today: Date::parse("2026-06-01").expect("date"),
            ..GateOptions::default()
        }
    }

    fn plugins() -> Vec<PluginInfo> {
        vec![
            plugin("p", &[("a", &["OLD-1"]), ("b", &[])]),
            plugin("osv", &[("vulnerability", &[])]),
        ]
    }

    #[test]
    fn labels_are_the_json_names() {
        use SuppressionKind::*;
        for kind in [Config, Inline, Vex, Baseline, Unfixed] {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.label());
        }
        for why in [
            StaleWhy::MatchedNothing,
            StaleWhy::Expired,
            StaleWhy::UnknownRule,
        ] {
            assert_eq!(serde_json::to_value(why).expect("json"), why.label());
        }
    }

    #[test]
    fn unfixed_vulnerabilities_are_suppressed_only_when_asked() {
        let findings = vec![
            vulnerability("left", &["CVE-1"], &[]),
            vulnerability("fixed", &["CVE-2"], &["2.0"]),
            finding("p/a", "x", 1, Severity::High),
        ];
        let mut asked = result(findings.clone());
        let mut gate = options("");
        gate.ignore_unfixed = true;
        apply(&mut asked, &plugins(), &[], &gate).expect("apply");
        assert_eq!(asked.suppressed.len(), 1);
        assert_eq!(
            asked.suppressed[0].suppression.kind,
            SuppressionKind::Unfixed
        );
        assert_eq!(asked.summary.findings, 2);
        let mut plain = result(findings);
        apply(&mut plain, &plugins(), &[], &options("")).expect("apply");
        assert!(plain.suppressed.is_empty());
    }

    #[test]
    fn selectors_are_and_ed_and_the_first_matching_entry_wins() {
        let config = "[[ignore]]\nvulnerability = \"CVE-1\"\npackage = \"other\"\nreason = \"wrong package\"\n\
                      [[ignore]]\nvulnerability = \"cve-1\"\npackage = \"left\"\nreason = \"right one\"\n\
                      [[ignore]]\npackage = \"left\"\nreason = \"also matches\"\n";
        let mut scanned = result(vec![vulnerability("left", &["GHSA-x", "CVE-1"], &[])]);
        apply(&mut scanned, &plugins(), &[], &options(config)).expect("apply");
        assert_eq!(scanned.suppressed[0].suppression.reason, "right one");
        let stale: Vec<_> = scanned
            .stale_suppressions
            .iter()
            .map(|s| s.reason.as_str())
            .collect();
        assert_eq!(
            stale,
            ["wrong package"],
            "an entry that also matched is used, not stale"
        );
    }

    #[test]
    fn severity_filter_applies_after_matching_so_suppressions_are_not_called_stale() {
        let config = "[[ignore]]\nrule = \"OLD-1\"\nreason = \"alias\"\n";
        let mut scanned = result(vec![
            finding("p/a", "x", 1, Severity::Low),
            finding("p/b", "y", 1, Severity::Critical),
        ]);
        let mut gate = options(config);
        gate.severities = Some(vec![Severity::Critical]);
        apply(&mut scanned, &plugins(), &[], &gate).expect("apply");
        assert!(scanned.stale_suppressions.is_empty());
        assert!(
            scanned.suppressed.is_empty(),
            "the low one is not reported at all"
        );
        assert_eq!(scanned.summary.critical, 1);
        assert_eq!(scanned.summary.findings, 1);
    }

    #[test]
    fn many_suppressions_and_findings_match_in_linear_time() {
        let mut config = String::new();
        for at in 0..5_000 {
            config.push_str(&format!(
                "[[ignore]]\nrule = \"p/a\"\npaths = [\"dir{at}/**\"]\nreason = \"r\"\n"
            ));
        }
        let findings: Vec<Finding> = (0..5_000)
            .map(|at| finding("p/a", &format!("dir{at}/f"), 1, Severity::High))
            .collect();
        let comments: Vec<InlineIgnore> = (0..5_000)
            .map(|at| InlineIgnore {
                path: format!("dir{at}/f"),
                layer: None,
                line: 1,
                rule: "p/a".to_string(),
                reason: "r".to_string(),
            })
            .collect();
        let mut scanned = result(findings);
        let started = std::time::Instant::now();
        apply(&mut scanned, &plugins(), &comments, &options(&config)).expect("apply");
        assert_eq!(scanned.suppressed.len(), 5_000);
        assert!(
            scanned
                .suppressed
                .iter()
                .all(|s| s.suppression.kind == SuppressionKind::Config),
            "the configuration comes first"
        );
        assert!(
            scanned.stale_suppressions.is_empty(),
            "each matched its own finding"
        );
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}
