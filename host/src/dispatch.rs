//! Dispatch: decides which plugins get which file, natively, and runs the
//! calls in parallel.
//!
//! For every entry the walker yields: one `globset` match over all plugins'
//! path globs, then a size check, then (only if a candidate declared
//! keywords) one case-insensitive Aho-Corasick pass over the bytes for all
//! plugins' keywords. Files nobody wants are never read. Wanted files go to
//! a bounded queue served by worker threads; each worker keeps one instance
//! per plugin and replaces it after a trap.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;

use aho_corasick::AhoCorasick;
use anyhow::{Context, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::plugin::{Plugin, PluginSet};
use crate::runtime::host_api::LogLine;
use crate::runtime::{CallResult, CallStatus, Instance, wit};
use crate::source::Target;
use crate::walk::{FileData, Snapshot, WalkLimits, WalkStats};

/// Failed calls after which a plugin is not called again in this scan.
const MAX_FAILURES: u32 = 25;
/// Error messages and log lines kept per plugin.
const KEPT_MESSAGES: usize = 10;

/// A finding as the plugin reported it, with where the host saw it.
#[derive(Debug)]
pub struct RawFinding {
    /// Index of the plugin in the [`PluginSet`].
    pub plugin: usize,
    /// In-target path of the file analysed.
    pub path: String,
    /// Layer digest, for images.
    pub layer: Option<String>,
    /// What the plugin reported.
    pub finding: wit::Finding,
}

/// How one plugin's calls went.
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
    /// Findings refused past the per-call cap.
    pub dropped_findings: u64,
    /// Findings rejected for naming an undeclared rule (set by merge).
    pub rejected_findings: u64,
    /// Log lines dropped past the cap.
    pub dropped_logs: u64,
    /// The first error messages.
    pub errors: Vec<String>,
    /// The first log lines.
    pub logs: Vec<LogLine>,
    /// Time spent inside the plugin, in milliseconds (not in the JSON
    /// output: the same input must give the same bytes).
    #[serde(skip)]
    pub busy_ms: u64,
}

impl PluginRun {
    fn record(&mut self, path: &str, result: &CallResult) {
        self.calls += 1;
        self.busy_ms += result.elapsed.as_millis() as u64;
        self.dropped_findings += result.report.dropped_findings;
        self.dropped_logs += result.report.dropped_logs;
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
            self.note_error(error);
        }
        for line in &result.report.logs {
            if self.logs.len() < KEPT_MESSAGES {
                self.logs.push(line.clone());
            } else {
                self.dropped_logs += 1;
            }
        }
    }

    fn note_error(&mut self, error: String) {
        if self.errors.len() < KEPT_MESSAGES {
            self.errors.push(error);
        }
    }

    fn absorb(&mut self, other: PluginRun) {
        self.calls += other.calls;
        self.failed += other.failed;
        self.timed_out += other.timed_out;
        self.out_of_memory += other.out_of_memory;
        self.skipped_calls += other.skipped_calls;
        self.dropped_findings += other.dropped_findings;
        self.rejected_findings += other.rejected_findings;
        self.dropped_logs += other.dropped_logs;
        self.busy_ms += other.busy_ms;
        for error in other.errors {
            self.note_error(error);
        }
        for line in other.logs {
            if self.logs.len() < KEPT_MESSAGES {
                self.logs.push(line);
            }
        }
    }
}

/// Settings of one dispatch.
#[derive(Clone, Debug)]
pub struct DispatchOptions {
    /// Worker threads.
    pub workers: usize,
    /// Directory globs not entered.
    pub skip_dirs: Vec<String>,
    /// Walk limits.
    pub walk_limits: WalkLimits,
}

/// Everything the analyze phase produced.
pub struct DispatchOutput {
    /// Findings, unvalidated.
    pub findings: Vec<RawFinding>,
    /// Per plugin, in [`PluginSet`] order.
    pub runs: Vec<PluginRun>,
    /// What the walk met.
    pub walk: WalkStats,
    /// Files handed to at least one plugin.
    pub files_dispatched: u64,
}

/// The native prefilter for every plugin's interests.
pub struct Matcher {
    globs: GlobSet,
    glob_owner: Vec<usize>,
    keywords: Option<AhoCorasick>,
    keyword_owners: Vec<Vec<usize>>,
    wants_keywords: Vec<bool>,
    max_size: Vec<u64>,
}

impl Matcher {
    /// Compiles the globs and keywords of every plugin.
    pub fn new(plugins: &[Plugin]) -> Result<Matcher> {
        let mut globs = GlobSetBuilder::new();
        let mut glob_owner = Vec::new();
        let mut keyword_list: Vec<String> = Vec::new();
        let mut keyword_owners: Vec<Vec<usize>> = Vec::new();
        for (index, plugin) in plugins.iter().enumerate() {
            for glob in &plugin.interests.path_globs {
                let compiled = GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .with_context(|| format!("plugin {}: glob {glob:?}", plugin.id))?;
                globs.add(compiled);
                glob_owner.push(index);
            }
            for keyword in &plugin.interests.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keyword_list.iter().position(|k| *k == keyword) {
                    Some(at) => keyword_owners[at].push(index),
                    None => {
                        keyword_list.push(keyword);
                        keyword_owners.push(vec![index]);
                    }
                }
            }
        }
        let keywords = if keyword_list.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&keyword_list)
                    .context("building the keyword automaton")?,
            )
        };
        Ok(Matcher {
            globs: globs.build().context("building the glob set")?,
            glob_owner,
            keywords,
            keyword_owners,
            wants_keywords: plugins
                .iter()
                .map(|p| !p.interests.keywords.is_empty())
                .collect(),
            max_size: plugins.iter().map(|p| p.interests.max_file_size).collect(),
        })
    }

    /// Plugins whose globs match `path` and whose size limit admits `size`.
    pub fn candidates(&self, path: &str, size: u64) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .globs
            .matches(path)
            .into_iter()
            .map(|glob| self.glob_owner[glob])
            .filter(|plugin| size <= self.max_size[*plugin])
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Keeps the candidates without keywords, and those with a keyword
    /// present in `bytes` (one pass for all plugins, stopping early once
    /// every keyword-wanting candidate is satisfied).
    pub fn filter_by_keywords(&self, candidates: Vec<usize>, bytes: &[u8]) -> Vec<usize> {
        let Some(automaton) = &self.keywords else {
            return candidates;
        };
        let mut pending: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|p| self.wants_keywords[*p])
            .collect();
        if pending.is_empty() {
            return candidates;
        }
        let mut hit: Vec<usize> = Vec::new();
        for found in automaton.find_overlapping_iter(bytes) {
            for owner in &self.keyword_owners[found.pattern().as_usize()] {
                if let Some(at) = pending.iter().position(|p| p == owner) {
                    hit.push(pending.swap_remove(at));
                }
            }
            if pending.is_empty() {
                break;
            }
        }
        candidates
            .into_iter()
            .filter(|p| !self.wants_keywords[*p] || hit.contains(p))
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

/// One file for the workers.
struct Job {
    file: Arc<FileData>,
    plugins: Vec<usize>,
}

/// Per-plugin switches shared by the workers.
struct Health {
    disabled: Vec<AtomicBool>,
    failures: Vec<AtomicU32>,
}

impl Health {
    fn new(count: usize) -> Self {
        Health {
            disabled: (0..count).map(|_| AtomicBool::new(false)).collect(),
            failures: (0..count).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// After a timeout or out-of-memory the plugin is not called again:
    /// every further call would cost the full deadline. Other failures
    /// disable it after [`MAX_FAILURES`].
    fn observe(&self, plugin: usize, status: &CallStatus) {
        let disable = match status {
            CallStatus::Ok => false,
            CallStatus::TimedOut | CallStatus::OutOfMemory => true,
            CallStatus::Failed(_) => {
                self.failures[plugin].fetch_add(1, Ordering::Relaxed) + 1 >= MAX_FAILURES
            }
        };
        if disable {
            self.disabled[plugin].store(true, Ordering::Relaxed);
        }
    }

    fn is_disabled(&self, plugin: usize) -> bool {
        self.disabled[plugin].load(Ordering::Relaxed)
    }
}

/// Runs the analyze phase over `target`.
pub fn analyze(
    target: &Target,
    set: &PluginSet,
    options: &DispatchOptions,
) -> Result<DispatchOutput> {
    let plugins = &set.plugins;
    let matcher = Matcher::new(plugins)?;
    let skip = build_skip_set(&options.skip_dirs)?;
    let snapshot = target.snapshot();
    let health = Health::new(plugins.len());
    let workers = options.workers.max(1);
    let (sender, receiver) = crossbeam_channel::bounded::<Job>(workers * 4);

    let mut walk_stats = WalkStats::default();
    let mut dispatched = 0u64;
    let worker_outputs = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let receiver = receiver.clone();
                let snapshot = Arc::clone(&snapshot);
                let health = &health;
                scope.spawn(move || run_worker(plugins, receiver, snapshot, health))
            })
            .collect();
        drop(receiver);

        walk_stats = target.walk(
            &options.walk_limits,
            &|dir| skip.is_match(dir),
            &mut |entry| {
                let candidates = matcher.candidates(entry.path(), entry.size());
                if candidates.is_empty() {
                    return;
                }
                let bytes = match entry.read(matcher.read_limit(&candidates)) {
                    Ok(bytes) => bytes,
                    Err(_) => return,
                };
                let size = bytes.len() as u64;
                let candidates: Vec<usize> = candidates
                    .into_iter()
                    .filter(|p| size <= matcher.max_size[*p])
                    .collect();
                let wanted = matcher.filter_by_keywords(candidates, &bytes);
                if wanted.is_empty() {
                    return;
                }
                dispatched += 1;
                let file = Arc::new(FileData {
                    path: entry.path().to_string(),
                    mode: entry.mode(),
                    layer: None,
                    bytes,
                });
                // Workers only stop when the channel closes, so a send fails
                // only if every worker panicked; the join below reports that.
                let _ = sender.send(Job {
                    file,
                    plugins: wanted,
                });
            },
        );
        drop(sender);
        handles
            .into_iter()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });

    let mut findings = Vec::new();
    let mut runs = vec![PluginRun::default(); plugins.len()];
    for output in worker_outputs {
        let output = output.map_err(|_| anyhow::anyhow!("a dispatch worker panicked"))?;
        findings.extend(output.findings);
        for (run, worker_run) in runs.iter_mut().zip(output.runs) {
            run.absorb(worker_run);
        }
    }
    // Workers finish in any order; sort what they noted so output is stable.
    for run in &mut runs {
        run.errors.sort();
        run.logs
            .sort_by(|a, b| a.message.cmp(&b.message).then(a.level.cmp(&b.level)));
    }
    Ok(DispatchOutput {
        findings,
        runs,
        walk: walk_stats,
        files_dispatched: dispatched,
    })
}

fn build_skip_set(globs: &[String]) -> Result<GlobSet> {
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

struct WorkerOutput {
    findings: Vec<RawFinding>,
    runs: Vec<PluginRun>,
}

fn run_worker(
    plugins: &[Plugin],
    jobs: crossbeam_channel::Receiver<Job>,
    snapshot: Arc<dyn Snapshot>,
    health: &Health,
) -> WorkerOutput {
    let mut instances: Vec<Option<Instance>> = (0..plugins.len()).map(|_| None).collect();
    let mut output = WorkerOutput {
        findings: Vec::new(),
        runs: vec![PluginRun::default(); plugins.len()],
    };
    for job in jobs {
        for &index in &job.plugins {
            let run = &mut output.runs[index];
            if health.is_disabled(index) {
                run.skipped_calls += 1;
                continue;
            }
            let instance = match instances[index].take() {
                Some(instance) => instance,
                None => match plugins[index].component.instantiate() {
                    Ok(instance) => instance,
                    Err(err) => {
                        run.calls += 1;
                        run.failed += 1;
                        run.note_error(format!("{}: {err:#}", job.file.path));
                        health.observe(index, &CallStatus::Failed(String::new()));
                        continue;
                    }
                },
            };
            let mut instance = instance;
            let result = instance.analyze_file(Arc::clone(&job.file), Arc::clone(&snapshot));
            run.record(&job.file.path, &result);
            health.observe(index, &result.status);
            if result.instance_reusable() {
                instances[index] = Some(instance);
            }
            for finding in result.report.findings {
                output.findings.push(RawFinding {
                    plugin: index,
                    path: job.file.path.clone(),
                    layer: job.file.layer.clone(),
                    finding,
                });
            }
        }
    }
    output
}

/// Default worker count: the machine's parallelism.
pub fn default_workers() -> usize {
    thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}
