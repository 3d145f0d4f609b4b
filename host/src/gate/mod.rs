//! Gate: after merge, before report. Decides which findings a team has
//! accepted on purpose and keeps them out of the exit code while keeping
//! them visible: `[[ignore]]` tables of bulkhead.toml, inline
//! `bulkhead:ignore` comments, `--ignore-unfixed`, and `--baseline`.
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

use std::collections::{BTreeSet, HashMap};

use anyhow::{Context, Result};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::{Config, Date, Ignore};
use crate::model::{
    BaselineState, Finding, InlineIgnore, PluginInfo, ScanResult, Severity, StaleSuppression,
    StaleWhy, SuppressedFinding, Suppression, SuppressionKind,
};
use baseline::Baseline;

/// What the gate applies.
#[derive(Clone, Debug)]
pub struct GateOptions {
    /// The `[[ignore]]` tables.
    pub config: Config,
    /// `--baseline`.
    pub baseline: Option<Baseline>,
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
            today: Date::today(),
            severities: None,
            ignore_unfixed: false,
        }
    }
}

/// Compiles a `paths` glob the way plugin globs are: `*` stays inside a
/// directory, `**` crosses them.
pub fn compile_glob(glob: &str) -> Result<Glob> {
    Ok(GlobBuilder::new(glob).literal_separator(true).build()?)
}

/// Moves the findings that a suppression, the baseline or
/// `--ignore-unfixed` covers into `result.suppressed`, lists stale
/// suppressions, applies `--severity` and recounts the summary.
/// `inline` are the `bulkhead:ignore` comments dispatch found.
pub fn apply(
    result: &mut ScanResult,
    plugins: &[PluginInfo],
    inline: &[InlineIgnore],
    options: &GateOptions,
) -> Result<()> {
    let names = RuleNames::new(plugins);
    let mut config = ConfigIndex::new(&options.config, &names, options.today)?;
    let mut comments = InlineIndex::new(inline, &names);
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
    by_fingerprint: HashMap<String, Vec<usize>>,
    by_rule: HashMap<String, Vec<usize>>,
    by_vulnerability: HashMap<String, Vec<usize>>,
    by_package: HashMap<String, Vec<usize>>,
    label: String,
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
                index
                    .by_fingerprint
                    .entry(fingerprint.clone())
                    .or_default()
                    .push(at);
            } else if ignore.rule.is_some() {
                for rule in &entry.rules {
                    index.by_rule.entry(rule.clone()).or_default().push(at);
                }
            } else if let Some(vulnerability) = &ignore.vulnerability {
                index
                    .by_vulnerability
                    .entry(vulnerability.to_ascii_uppercase())
                    .or_default()
                    .push(at);
            } else if let Some(package) = &ignore.package {
                index
                    .by_package
                    .entry(package.clone())
                    .or_default()
                    .push(at);
            }
            index.entries.push(entry);
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
        let mut take = |list: Option<&Vec<usize>>| found.extend(list.into_iter().flatten());
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
