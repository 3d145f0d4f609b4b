//! The worker pool: jobs in a bounded queue, one instance per worker and
//! plugin, a fresh instance after a trap, plugins switched off after a
//! timeout (or after repeated failures), and every call's output drawn
//! from its plugin's per-scan budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;

use anyhow::{Result, anyhow};
use crossbeam_channel::{Receiver, Sender};

use super::{RawNote, RecordCall, Wanted};
use crate::model::{InlineIgnore, PluginRun, RawFinding, RawPackage};
use crate::plugin::Plugin;
use crate::runtime::{CallResult, CallStatus, Instance, OutputBudget};
use crate::walk::{FileData, Snapshot};

/// Failed calls after which a plugin is not called again in this scan.
const MAX_FAILURES: u32 = 25;

/// Work for the pool.
pub enum Job {
    /// One file, with the plugins that want it.
    File {
        /// The file.
        file: Arc<FileData>,
        /// What `open` and `list-dir` see during the call.
        snapshot: Arc<dyn Snapshot>,
        /// The plugins to call, with their keywords found in the file.
        plugins: Vec<Wanted>,
    },
    /// The image configuration, for the plugins that asked for it.
    Config {
        /// The config blob as stored.
        json: Arc<str>,
        /// What `open` and `list-dir` see during the call.
        snapshot: Arc<dyn Snapshot>,
        /// Indexes of the plugins to call.
        plugins: Vec<usize>,
    },
}

impl Job {
    /// The calls this job asks for: (plugin, keywords found).
    fn calls(&self) -> Vec<(usize, &[u32])> {
        match self {
            Job::File { plugins, .. } => plugins
                .iter()
                .map(|w| (w.plugin, w.keywords.as_slice()))
                .collect(),
            Job::Config { plugins, .. } => plugins.iter().map(|p| (*p, &[][..])).collect(),
        }
    }

    /// In-target path (empty for the image config).
    fn path(&self) -> &str {
        match self {
            Job::File { file, .. } => &file.path,
            Job::Config { .. } => "",
        }
    }

    /// The image layer of the file version.
    fn layer(&self) -> Option<usize> {
        match self {
            Job::File { file, .. } => file.layer.as_ref().map(|tag| tag.index),
            Job::Config { .. } => None,
        }
    }

    /// Runs the job's call for one plugin on `instance`.
    fn call(&self, instance: &mut Instance, keywords: &[u32]) -> CallResult {
        match self {
            Job::File { file, snapshot, .. } => {
                instance.analyze_file(Arc::clone(file), Arc::clone(snapshot), keywords.to_vec())
            }
            Job::Config { json, snapshot, .. } => {
                instance.analyze_config(json, Arc::clone(snapshot))
            }
        }
    }
}

/// Per-plugin switches and budgets shared by the workers.
pub(crate) struct Health {
    disabled: Vec<AtomicBool>,
    failures: Vec<AtomicU32>,
    /// Each plugin's output budget for this scan.
    pub budgets: Vec<Arc<OutputBudget>>,
}

impl Health {
    /// Fresh switches, and a budget of `budget_bytes` per plugin.
    pub fn new(count: usize, budget_bytes: u64) -> Self {
        Health {
            disabled: (0..count).map(|_| AtomicBool::new(false)).collect(),
            failures: (0..count).map(|_| AtomicU32::new(0)).collect(),
            budgets: (0..count)
                .map(|_| Arc::new(OutputBudget::new(budget_bytes)))
                .collect(),
        }
    }

    /// A timeout switches the plugin off at once (every further call
    /// would cost the full deadline); out-of-memory and other failures do
    /// after [`MAX_FAILURES`] (they are cheap, and may be one odd file).
    pub fn observe(&self, plugin: usize, status: &CallStatus) {
        let disable = match status {
            CallStatus::Ok => false,
            CallStatus::TimedOut => true,
            CallStatus::OutOfMemory | CallStatus::Failed(_) => {
                self.failures[plugin].fetch_add(1, Ordering::Relaxed) + 1 >= MAX_FAILURES
            }
        };
        if disable {
            self.disabled[plugin].store(true, Ordering::Relaxed);
        }
    }

    /// True once the plugin is switched off for this scan.
    pub fn is_disabled(&self, plugin: usize) -> bool {
        self.disabled[plugin].load(Ordering::Relaxed)
    }
}

/// What the pool produced.
#[derive(Default)]
pub struct PoolOutput {
    /// Findings, unvalidated.
    pub findings: Vec<RawFinding>,
    /// Packages reported.
    pub packages: Vec<RawPackage>,
    /// Notes left for post-scan.
    pub notes: Vec<RawNote>,
    /// `bulkhead:ignore` comments in the files handed out.
    pub inline_ignores: Vec<InlineIgnore>,
    /// Per plugin.
    pub runs: Vec<PluginRun>,
}

impl PoolOutput {
    fn for_plugins(count: usize) -> Self {
        PoolOutput {
            runs: vec![PluginRun::default(); count],
            ..PoolOutput::default()
        }
    }

    /// Keeps what one call reported, located at the job's file.
    fn collect(&mut self, plugin: usize, job: &Job, result: CallResult) {
        let (path, layer) = (job.path(), job.layer());
        for finding in result.report.findings {
            self.findings.push(RawFinding {
                plugin,
                path: path.to_string(),
                layer,
                removed_in: None,
                finding,
            });
        }
        for package in result.report.packages {
            self.packages.push(RawPackage {
                plugin,
                path: path.to_string(),
                layer,
                package,
            });
        }
        for note in result.report.notes {
            self.notes.push(RawNote {
                plugin,
                layer,
                note,
            });
        }
    }

    fn absorb(&mut self, other: PoolOutput) {
        self.findings.extend(other.findings);
        self.packages.extend(other.packages);
        self.notes.extend(other.notes);
        self.inline_ignores.extend(other.inline_ignores);
        for (run, worker_run) in self.runs.iter_mut().zip(other.runs) {
            run.absorb(worker_run);
        }
    }
}

/// Runs `workers` threads over the jobs that `feed` sends, then merges
/// their results. `feed` runs on the calling thread.
pub fn run<R>(
    plugins: &[Plugin],
    health: &Health,
    workers: usize,
    feed: impl FnOnce(&Sender<Job>) -> R,
) -> Result<(PoolOutput, R)> {
    let workers = workers.max(1);
    let (sender, receiver) = crossbeam_channel::bounded::<Job>(workers * 4);
    let (outputs, fed) = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let receiver = receiver.clone();
                scope.spawn(move || Worker::new(plugins, health).run(receiver))
            })
            .collect();
        drop(receiver);
        let fed = feed(&sender);
        drop(sender);
        let outputs: Vec<_> = handles.into_iter().map(|handle| handle.join()).collect();
        (outputs, fed)
    });

    let mut merged = PoolOutput::for_plugins(plugins.len());
    for output in outputs {
        merged.absorb(output.map_err(|_| anyhow!("a dispatch worker panicked"))?);
    }
    Ok((merged, fed))
}

/// One worker thread: its instances (one per plugin, made on first use)
/// and what its calls produced.
struct Worker<'a> {
    plugins: &'a [Plugin],
    health: &'a Health,
    instances: Vec<Option<Instance>>,
    output: PoolOutput,
}

impl<'a> Worker<'a> {
    fn new(plugins: &'a [Plugin], health: &'a Health) -> Self {
        Worker {
            plugins,
            health,
            instances: (0..plugins.len()).map(|_| None).collect(),
            output: PoolOutput::for_plugins(plugins.len()),
        }
    }

    fn run(mut self, jobs: Receiver<Job>) -> PoolOutput {
        for job in jobs {
            if let Job::File { file, .. } = &job {
                let layer = file.layer.as_ref().map(|tag| tag.index);
                self.output.inline_ignores.extend(super::directives::find(
                    &file.path,
                    layer,
                    &file.bytes,
                ));
            }
            for (plugin, keywords) in job.calls() {
                self.call(plugin, &job, keywords);
            }
        }
        self.output
    }

    /// One call of `plugin` for `job`, on this worker's instance.
    fn call(&mut self, plugin: usize, job: &Job, keywords: &[u32]) {
        let label = match job.path() {
            "" => "image config",
            path => path,
        };
        if self.health.is_disabled(plugin) {
            self.output.runs[plugin].skipped_calls += 1;
            return;
        }
        let Some(mut instance) = self.instance(plugin, label) else {
            return;
        };
        let result = job.call(&mut instance, keywords);
        self.output.runs[plugin].record(label, &result);
        self.health.observe(plugin, &result.status);
        if result.instance_reusable() {
            self.instances[plugin] = Some(instance);
        }
        self.output.collect(plugin, job, result);
    }

    /// This worker's instance of `plugin`, made if it has none.
    fn instance(&mut self, plugin: usize, label: &str) -> Option<Instance> {
        if let Some(instance) = self.instances[plugin].take() {
            return Some(instance);
        }
        match self.plugins[plugin].instantiate(&self.health.budgets[plugin]) {
            Ok(instance) => Some(instance),
            Err(err) => {
                self.output.runs[plugin].record_failure(label, &format!("{err:#}"));
                self.health
                    .observe(plugin, &CallStatus::Failed(String::new()));
                None
            }
        }
    }
}

/// Default worker count: the machine's parallelism.
pub fn default_workers() -> usize {
    thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}
