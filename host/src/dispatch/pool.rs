//! The worker pool: files in a bounded queue, one instance per worker and
//! plugin, a fresh instance after a trap, plugins switched off after a
//! timeout or out-of-memory (every further call would cost as much).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;

use anyhow::{Result, anyhow};
use crossbeam_channel::{Receiver, Sender};

use super::{PluginRun, RawFinding, RawPackage, Wanted};
use crate::plugin::Plugin;
use crate::runtime::{CallStatus, Instance};
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
        /// For an image file version no longer in the final filesystem:
        /// the layer that removed or replaced it.
        removed_in: Option<usize>,
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

    /// A timeout switches the plugin off at once (every further call
    /// would cost the full deadline); out-of-memory and other failures do
    /// after [`MAX_FAILURES`] (they are cheap, and may be one odd file).
    fn observe(&self, plugin: usize, status: &CallStatus) {
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

    fn is_disabled(&self, plugin: usize) -> bool {
        self.disabled[plugin].load(Ordering::Relaxed)
    }
}

/// What the pool produced.
pub struct PoolOutput {
    /// Findings, unvalidated.
    pub findings: Vec<RawFinding>,
    /// Packages reported.
    pub packages: Vec<RawPackage>,
    /// Per plugin.
    pub runs: Vec<PluginRun>,
}

/// Runs `workers` threads over the jobs that `feed` sends, then merges
/// their results. `feed` runs on the calling thread.
pub fn run<R>(
    plugins: &[Plugin],
    workers: usize,
    feed: impl FnOnce(&Sender<Job>) -> R,
) -> Result<(PoolOutput, R)> {
    let health = Health::new(plugins.len());
    let workers = workers.max(1);
    let (sender, receiver) = crossbeam_channel::bounded::<Job>(workers * 4);
    let (outputs, fed) = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let receiver = receiver.clone();
                let health = &health;
                scope.spawn(move || run_worker(plugins, receiver, health))
            })
            .collect();
        drop(receiver);
        let fed = feed(&sender);
        drop(sender);
        let outputs: Vec<_> = handles.into_iter().map(|handle| handle.join()).collect();
        (outputs, fed)
    });

    let mut findings = Vec::new();
    let mut packages = Vec::new();
    let mut runs = vec![PluginRun::default(); plugins.len()];
    for output in outputs {
        let output = output.map_err(|_| anyhow!("a dispatch worker panicked"))?;
        findings.extend(output.findings);
        packages.extend(output.packages);
        for (run, worker_run) in runs.iter_mut().zip(output.runs) {
            run.absorb(worker_run);
        }
    }
    Ok((
        PoolOutput {
            findings,
            packages,
            runs,
        },
        fed,
    ))
}

fn run_worker(plugins: &[Plugin], jobs: Receiver<Job>, health: &Health) -> PoolOutput {
    let mut instances: Vec<Option<Instance>> = (0..plugins.len()).map(|_| None).collect();
    let mut output = PoolOutput {
        findings: Vec::new(),
        packages: Vec::new(),
        runs: vec![PluginRun::default(); plugins.len()],
    };
    for job in jobs {
        let (calls, path, layer, removed_in): (Vec<(usize, &[u32])>, _, _, _) = match &job {
            Job::File {
                file,
                plugins,
                removed_in,
                ..
            } => (
                plugins
                    .iter()
                    .map(|w| (w.plugin, w.keywords.as_slice()))
                    .collect(),
                file.path.as_str(),
                file.layer.as_ref().map(|tag| tag.index),
                *removed_in,
            ),
            Job::Config { plugins, .. } => (
                plugins.iter().map(|p| (*p, &[][..])).collect(),
                "",
                None,
                None,
            ),
        };
        let label = if path.is_empty() {
            "image config"
        } else {
            path
        };
        for (index, keywords) in calls {
            let run = &mut output.runs[index];
            if health.is_disabled(index) {
                run.skipped_calls += 1;
                continue;
            }
            let mut instance = match instances[index].take() {
                Some(instance) => instance,
                None => match plugins[index].component.instantiate() {
                    Ok(instance) => instance,
                    Err(err) => {
                        run.record_failure(label, &format!("{err:#}"));
                        health.observe(index, &CallStatus::Failed(String::new()));
                        continue;
                    }
                },
            };
            let result = match &job {
                Job::File { file, snapshot, .. } => {
                    instance.analyze_file(Arc::clone(file), Arc::clone(snapshot), keywords.to_vec())
                }
                Job::Config { json, snapshot, .. } => {
                    instance.analyze_config(json, Arc::clone(snapshot))
                }
            };
            run.record(label, &result);
            health.observe(index, &result.status);
            if result.instance_reusable() {
                instances[index] = Some(instance);
            }
            for finding in result.report.findings {
                output.findings.push(RawFinding {
                    plugin: index,
                    path: path.to_string(),
                    layer,
                    removed_in,
                    finding,
                });
            }
            // A package in a file version that a later layer removed is
            // not installed in the image.
            if removed_in.is_none() {
                for package in result.report.packages {
                    output.packages.push(RawPackage {
                        plugin: index,
                        path: path.to_string(),
                        layer,
                        package,
                    });
                }
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
