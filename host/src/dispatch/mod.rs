//! Dispatch: decides which plugins get which file, natively, and runs the
//! calls in parallel.
//!
//! For every entry the walker yields: one `globset` match over all plugins'
//! path globs (or their mode mask), then a size check, then (only if a
//! candidate declared keywords) one case-insensitive Aho-Corasick pass over
//! the bytes for all plugins' keywords. Files nobody wants are never read.
//! Wanted files go to a bounded queue served by worker threads ([`pool`]);
//! each worker keeps one instance per plugin and replaces it after a trap.
//!
//! [`files`] feeds the pool from a file tree as it is walked; [`image`]
//! streams an image's layers in parallel, builds the final filesystem, then
//! feeds the pool.

mod directives;
mod files;
pub(crate) mod image;
mod pool;
pub mod post;

pub use pool::default_workers;

use aho_corasick::{AhoCorasick, Input, MatchKind};
use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::model::{ImageScan, InlineIgnore, Note, PluginRun, RawFinding, RawPackage};
use crate::plugin::{Plugin, PluginSet};
use crate::runtime::{CallResult, CallStatus};
use crate::source::Target;
use crate::walk::WalkLimits;
use crate::walk::layer::LayerLimits;

/// Error messages and log lines kept per plugin.
const KEPT_MESSAGES: usize = 10;

/// Adds one call's outcome to a plugin's run.
pub(crate) trait RecordCall {
    /// Counts the call, its errors, drops and caps hit, and keeps its logs.
    fn record(&mut self, path: &str, result: &CallResult);
    /// Counts a call that could not be made (no instance).
    fn record_failure(&mut self, path: &str, message: &str);
    /// Adds another worker's run.
    fn absorb(&mut self, other: PluginRun);
}

impl RecordCall for PluginRun {
    fn record(&mut self, path: &str, result: &CallResult) {
        self.calls += 1;
        self.busy_ms += result.elapsed.as_millis() as u64;
        self.dropped_findings += result.report.dropped_findings;
        self.dropped_packages += result.report.dropped_packages;
        self.dropped_notes += result.report.dropped_notes;
        self.dropped_logs += result.report.dropped_logs;
        for cap in &result.report.caps_hit {
            note_cap(self, cap);
        }
        let error = match &result.status {
            CallStatus::Ok => None,
            CallStatus::Failed(message) => {
                self.failed += 1;
                Some(format!("{path}: {message}"))
            }
            CallStatus::TimedOut => {
                self.timed_out += 1;
                Some(format!("{path}: timed out"))
            }
            CallStatus::OutOfMemory => {
                self.out_of_memory += 1;
                Some(format!("{path}: out of memory"))
            }
        };
        if let Some(error) = error {
            note_error(self, error);
        }
        for line in &result.report.logs {
            if self.logs.len() < KEPT_MESSAGES {
                self.logs.push(line.clone());
            } else {
                self.dropped_logs += 1;
            }
        }
    }

    fn record_failure(&mut self, path: &str, message: &str) {
        self.calls += 1;
        self.failed += 1;
        note_error(self, format!("{path}: {message}"));
    }

    fn absorb(&mut self, other: PluginRun) {
        self.calls += other.calls;
        self.failed += other.failed;
        self.timed_out += other.timed_out;
        self.out_of_memory += other.out_of_memory;
        self.skipped_calls += other.skipped_calls;
        self.dropped_findings += other.dropped_findings;
        self.dropped_packages += other.dropped_packages;
        self.dropped_notes += other.dropped_notes;
        self.rejected_findings += other.rejected_findings;
        self.dropped_logs += other.dropped_logs;
        self.busy_ms += other.busy_ms;
        for cap in &other.caps_hit {
            note_cap(self, cap);
        }
        for error in other.errors {
            note_error(self, error);
        }
        for line in other.logs {
            if self.logs.len() < KEPT_MESSAGES {
                self.logs.push(line);
            }
        }
    }
}

fn note_error(run: &mut PluginRun, error: String) {
    if run.errors.len() < KEPT_MESSAGES {
        run.errors.push(error);
    }
}

fn note_cap(run: &mut PluginRun, cap: &str) {
    if let Err(at) = run
        .caps_hit
        .binary_search_by(|known| known.as_str().cmp(cap))
    {
        run.caps_hit.insert(at, cap.to_string());
    }
}

/// Settings of one dispatch.
#[derive(Clone, Debug)]
pub struct DispatchOptions {
    /// Worker threads.
    pub workers: usize,
    /// Directory globs not entered (file trees).
    pub skip_dirs: Vec<String>,
    /// Walk limits (file trees).
    pub walk_limits: WalkLimits,
    /// Limits per image layer.
    pub layer_limits: LayerLimits,
    /// Most file bytes an image scan keeps in memory between its phases.
    pub max_kept_bytes: u64,
    /// Most file bytes a directory scan reads.
    pub max_tree_bytes: u64,
    /// Most bytes of findings, packages and notes kept per plugin.
    pub plugin_budget_bytes: u64,
    /// Fail the scan on the first broken layer instead of skipping it.
    pub strict: bool,
    /// Draw a progress line on stderr (when it is a terminal).
    pub progress: bool,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        DispatchOptions {
            workers: default_workers(),
            skip_dirs: vec![".git".to_string()],
            walk_limits: WalkLimits::default(),
            layer_limits: LayerLimits::default(),
            max_kept_bytes: 2 << 30,
            max_tree_bytes: 64 << 30,
            plugin_budget_bytes: crate::runtime::Limits::default().max_bytes_per_plugin,
            strict: false,
            progress: false,
        }
    }
}

/// A note with the plugin that left it and the layer of its file.
#[derive(Debug)]
pub struct RawNote {
    /// Index of the plugin in the [`PluginSet`].
    pub plugin: usize,
    /// The image layer of the file it was left from.
    pub layer: Option<usize>,
    /// The note.
    pub note: Note,
}

/// Everything the analyze phase produced.
pub struct DispatchOutput {
    /// Findings, unvalidated.
    pub findings: Vec<RawFinding>,
    /// Packages found in files of the final filesystem.
    pub packages: Vec<RawPackage>,
    /// Notes plugins left for their post-scan calls.
    pub notes: Vec<RawNote>,
    /// `bulkhead:ignore` comments in the files handed to plugins, sorted.
    pub inline_ignores: Vec<InlineIgnore>,
    /// False when part of the target was left out (a layer, a bound hit).
    pub complete: bool,
    /// Per plugin, in [`PluginSet`] order.
    pub runs: Vec<PluginRun>,
    /// Regular files met.
    pub files_walked: u64,
    /// Files handed to at least one plugin.
    pub files_dispatched: u64,
    /// Problems met on the way (unreadable paths, broken layers).
    pub errors: Vec<String>,
    /// For images: layers, OS identity.
    pub image: Option<ImageScan>,
}

/// Runs the analyze phase over `target`.
pub fn analyze(
    target: &Target,
    set: &PluginSet,
    options: &DispatchOptions,
) -> Result<DispatchOutput> {
    let mut output = match target {
        Target::Files(tree) => files::analyze(tree, set, options)?,
        Target::Image { image, .. } => image::analyze(image, set, options)?,
    };
    // A file sent to plugins twice (an image's early and late phases)
    // yields its directives twice.
    output.inline_ignores.sort();
    output.inline_ignores.dedup();
    output
        .notes
        .sort_by(|a, b| (a.plugin, &a.note).cmp(&(b.plugin, &b.note)));
    // Workers finish in any order; sort what they noted so output is stable.
    for run in &mut output.runs {
        run.errors.sort();
        run.logs
            .sort_by(|a, b| a.message.cmp(&b.message).then(a.level.cmp(&b.level)));
    }
    Ok(output)
}

/// A plugin that wants a file, with the keywords of its own that the
/// prefilter found there (indexes into its declared keywords).
#[derive(Clone, Debug)]
pub struct Wanted {
    /// Plugin index.
    pub plugin: usize,
    /// Indexes of its keywords present in the file.
    pub keywords: Vec<u32>,
}

/// The native prefilter for every plugin's interests.
pub struct Matcher {
    globs: GlobSet,
    glob_owner: Vec<usize>,
    keywords: Option<AhoCorasick>,
    /// The distinct keywords, lower-cased, in pattern order.
    keyword_list: Vec<String>,
    /// For each keyword pattern: (plugin, index in that plugin's keywords).
    keyword_owners: Vec<Vec<(usize, u32)>>,
    wants_keywords: Vec<bool>,
    max_size: Vec<u64>,
    mode_masks: Vec<u32>,
}

impl Matcher {
    /// Compiles the globs and keywords of every plugin.
    pub fn new(plugins: &[Plugin]) -> Result<Matcher> {
        let mut globs = GlobSetBuilder::new();
        let mut glob_owner = Vec::new();
        let mut keyword_list: Vec<String> = Vec::new();
        let mut keyword_owners: Vec<Vec<(usize, u32)>> = Vec::new();
        for (index, plugin) in plugins.iter().enumerate() {
            for glob in &plugin.info.interests.path_globs {
                let compiled = GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .with_context(|| format!("plugin {}: glob {glob:?}", plugin.info.id))?;
                globs.add(compiled);
                glob_owner.push(index);
            }
            for (position, keyword) in plugin.info.interests.keywords.iter().enumerate() {
                let keyword = keyword.to_ascii_lowercase();
                let owner = (index, position as u32);
                match keyword_list.iter().position(|k| *k == keyword) {
                    Some(at) => keyword_owners[at].push(owner),
                    None => {
                        keyword_list.push(keyword);
                        keyword_owners.push(vec![owner]);
                    }
                }
            }
        }
        // Leftmost search over lower-cased bytes keeps the automaton's SIMD
        // prefilter (an overlapping or case-insensitive search loses it and
        // runs about three times slower); `filter_by_keywords` recovers
        // every keyword present by checking all of them at each match site.
        let keywords = if keyword_list.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&keyword_list)
                    .context("building the keyword automaton")?,
            )
        };
        Ok(Matcher {
            globs: globs.build().context("building the glob set")?,
            glob_owner,
            keywords,
            keyword_list,
            keyword_owners,
            wants_keywords: plugins
                .iter()
                .map(|p| !p.info.interests.keywords.is_empty())
                .collect(),
            max_size: plugins
                .iter()
                .map(|p| p.info.interests.max_file_size)
                .collect(),
            mode_masks: plugins.iter().map(|p| p.info.interests.mode_mask).collect(),
        })
    }

    /// Plugins whose globs match `path` (or whose mode mask matches
    /// `mode`) and whose size limit admits `size`.
    pub fn candidates(&self, path: &str, size: u64, mode: u32) -> Vec<usize> {
        let by_mode = self
            .mode_masks
            .iter()
            .enumerate()
            .filter(|(_, mask)| **mask & mode != 0)
            .map(|(plugin, _)| plugin);
        let mut found: Vec<usize> = self
            .globs
            .matches(path)
            .into_iter()
            .map(|glob| self.glob_owner[glob])
            .chain(by_mode)
            .filter(|plugin| size <= self.max_size[*plugin])
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Keeps the candidates without keywords, and those with a keyword
    /// present in `bytes`, with the indexes of their keywords found. One
    /// pass over the bytes for all plugins' keywords.
    pub fn filter_by_keywords(&self, candidates: Vec<usize>, bytes: &[u8]) -> Vec<Wanted> {
        let mut hits: Vec<Vec<u32>> = vec![Vec::new(); candidates.len()];
        let needs_pass = candidates.iter().any(|p| self.wants_keywords[*p]);
        if let (Some(automaton), true) = (&self.keywords, needs_pass) {
            let present = keywords_present(automaton, &self.keyword_list, bytes);
            for (pattern, owners) in self.keyword_owners.iter().enumerate() {
                if !present[pattern] {
                    continue;
                }
                for (plugin, position) in owners {
                    if let Some(at) = candidates.iter().position(|c| c == plugin) {
                        hits[at].push(*position);
                    }
                }
            }
        }
        candidates
            .into_iter()
            .zip(hits)
            .filter(|(plugin, hits)| !self.wants_keywords[*plugin] || !hits.is_empty())
            .map(|(plugin, mut keywords)| {
                keywords.sort_unstable();
                Wanted { plugin, keywords }
            })
            .collect()
    }

    /// Drops the candidates whose size limit `size` exceeds.
    fn admitting(&self, candidates: Vec<usize>, size: u64) -> Vec<usize> {
        candidates
            .into_iter()
            .filter(|p| size <= self.max_size[*p])
            .collect()
    }

    /// The largest size any of `candidates` accepts.
    fn read_limit(&self, candidates: &[usize]) -> u64 {
        candidates
            .iter()
            .map(|p| self.max_size[*p])
            .max()
            .unwrap_or(0)
    }
}

/// Which of `keywords` (lower-case, in the automaton's pattern order)
/// occur in `bytes`, ignoring ASCII case. The leftmost automaton is
/// restarted one byte past each match start, and every keyword is checked
/// at each match site, so keywords overlapping one another are all found.
fn keywords_present(automaton: &AhoCorasick, keywords: &[String], bytes: &[u8]) -> Vec<bool> {
    let lower = bytes.to_ascii_lowercase();
    let mut present = vec![false; keywords.len()];
    let mut missing = keywords.len();
    let mut from = 0;
    while let Some(found) = automaton.find(Input::new(&lower).range(from..)) {
        let site = found.start();
        for (pattern, keyword) in keywords.iter().enumerate() {
            if !present[pattern] && lower[site..].starts_with(keyword.as_bytes()) {
                present[pattern] = true;
                missing -= 1;
            }
        }
        if missing == 0 || site + 1 >= lower.len() {
            break;
        }
        from = site + 1;
    }
    present
}

pub(crate) fn build_skip_set(globs: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        // A bare name skips that directory anywhere in the tree.
        let pattern = if glob.contains('/') {
            glob.clone()
        } else {
            format!("**/{glob}")
        };
        builder.add(
            GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .with_context(|| format!("invalid --skip-dir glob {glob:?}"))?,
        );
    }
    Ok(builder.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_keywords_are_all_found_whatever_their_case() {
        let keywords: Vec<String> = ["access_token", "token", "en", "secret", "absent"]
            .map(String::from)
            .to_vec();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&keywords)
            .expect("automaton");
        let present = keywords_present(&automaton, &keywords, b"export ACCESS_TOKEN=x # Secret");
        assert_eq!(present, vec![true, true, true, true, false]);
        assert_eq!(keywords_present(&automaton, &keywords, b""), vec![false; 5]);
    }
}
