//! One live plugin instance and its calls. Each call is a future driven to
//! completion on the calling thread under `tokio::time::timeout`: the wasm
//! code yields at every epoch tick (and traps past the deadline), host
//! waits (a WASI sleep, a regex search on a blocking thread) are abandoned
//! when the timeout fires. A call that did not return normally leaves the
//! instance unusable; the caller drops it (see [`CallResult`]).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use wasmtime::component::Resource;
use wasmtime::{Store, Trap, UpdateDeadline};

use super::contract::{self, Declared, v0_1_0, v0_2_0};
use super::host_api::{CallReport, FileHandle, HostState, InstanceEnv, Phase};
use super::{CallStatus, Pre, Shared};
use crate::model::{Note, OsRelease, ReportedPackage, SettingValue};
use crate::text::sanitize;
use crate::walk::{FileData, Snapshot};

/// The scanner a store holds, by contract version.
enum Scanner {
    V01(v0_1_0::Scanner),
    V02(v0_2_0::Scanner),
}

/// One live plugin instance.
pub struct Instance {
    store: Store<HostState>,
    scanner: Scanner,
    shared: Arc<Shared>,
}

/// What one call produced and how it ended.
#[derive(Debug)]
pub struct CallResult {
    /// How the call ended.
    pub status: CallStatus,
    /// What the plugin reported before it ended.
    pub report: CallReport,
    /// Wall time of the call.
    pub elapsed: Duration,
}

impl CallResult {
    /// True when the instance may be used again.
    pub fn instance_reusable(&self) -> bool {
        matches!(self.status, CallStatus::Ok | CallStatus::Failed(_)) && !self.report.trapped
    }
}

/// What the post-scan call receives.
pub struct PostScanInput<'a> {
    /// The merged inventory.
    pub packages: &'a [ReportedPackage],
    /// The OS of the image.
    pub os: Option<&'a OsRelease>,
    /// The plugin's own notes (0.2.0 plugins only).
    pub notes: &'a [Note],
}

/// Drives `future` on the calling thread until it finishes or `deadline`
/// passes.
fn drive<F: Future>(
    tokio: &tokio::runtime::Handle,
    deadline: Instant,
    future: F,
) -> Option<F::Output> {
    let timeout = deadline.saturating_duration_since(Instant::now());
    // The timer must be made inside the runtime's context.
    tokio
        .block_on(async { tokio::time::timeout(timeout, future).await })
        .ok()
}

impl Instance {
    /// Instantiates `pre` in a fresh store, under the call deadline.
    pub(super) fn new(pre: &Pre, shared: Arc<Shared>, env: &InstanceEnv) -> Result<Instance> {
        let state = HostState::new(shared.limits.clone(), Arc::clone(&shared.regexes), env)
            .map_err(|err| anyhow!("opening the granted data directory: {err:#}"))?;
        let mut store = Store::new(&shared.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|context| {
            if Instant::now() >= context.data().deadline {
                Ok(UpdateDeadline::Interrupt)
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        store.data_mut().begin_call(Phase::Setup, "", None);
        let deadline = store.data().deadline;
        let scanner = drive(&shared.tokio, deadline, async {
            match pre {
                Pre::V01(pre) => pre.instantiate_async(&mut store).await.map(Scanner::V01),
                Pre::V02(pre) => pre.instantiate_async(&mut store).await.map(Scanner::V02),
            }
        });
        let scanner = match scanner {
            Some(Ok(scanner)) => scanner,
            Some(Err(err)) => {
                let hit_cap = store.data().limiter.hit_cap();
                let what = if hit_cap {
                    "out of memory".to_string()
                } else {
                    format!("{err:#}")
                };
                return Err(anyhow!(
                    "instantiating the plugin: {}",
                    sanitize(&what, 1024)
                ));
            }
            None => return Err(anyhow!("instantiating the plugin: timed out")),
        };
        store.data_mut().end_call();
        Ok(Instance {
            store,
            scanner,
            shared,
        })
    }

    /// Calls `info`, under the same limits as every other call.
    pub fn info(&mut self) -> Result<Declared> {
        self.store.data_mut().begin_call(Phase::Setup, "", None);
        let deadline = self.store.data().deadline;
        let Instance {
            store,
            scanner,
            shared,
        } = self;
        let outcome = drive(&shared.tokio, deadline, async {
            match scanner {
                Scanner::V01(s) => s
                    .bulkhead_plugin_plugin()
                    .call_info(&mut *store)
                    .await
                    .map(contract::declared_from_v1),
                Scanner::V02(s) => s
                    .bulkhead_plugin_plugin()
                    .call_info(&mut *store)
                    .await
                    .map(contract::declared_from_v2),
            }
        });
        match outcome {
            Some(Ok(declared)) => Ok(declared),
            Some(Err(err)) => Err(anyhow!("{}", self.describe_trap(&err))),
            None => Err(anyhow!("timed out")),
        }
    }

    /// Calls `validate-settings` (0.2.0 plugins; 0.1.0 ones accept none).
    /// The outer error is a trap; the inner one the plugin's refusal.
    pub fn validate_settings(
        &mut self,
        settings: &[(String, SettingValue)],
    ) -> Result<Result<(), String>> {
        self.store.data_mut().begin_call(Phase::Setup, "", None);
        let deadline = self.store.data().deadline;
        let Instance {
            store,
            scanner,
            shared,
        } = self;
        let given: Vec<_> = settings
            .iter()
            .map(|(name, value)| v0_2_0::bulkhead::plugin::types::Setting {
                name: name.clone(),
                value: contract::setting_to_v2(value),
            })
            .collect();
        let outcome = drive(&shared.tokio, deadline, async {
            match scanner {
                Scanner::V01(_) => Ok(Ok(())),
                Scanner::V02(s) => {
                    s.bulkhead_plugin_plugin()
                        .call_validate_settings(&mut *store, &given)
                        .await
                }
            }
        });
        match outcome {
            Some(Ok(verdict)) => Ok(verdict.map_err(|message| sanitize(&message, 1024))),
            Some(Err(err)) => Err(anyhow!("{}", self.describe_trap(&err))),
            None => Err(anyhow!("timed out")),
        }
    }

    /// Analyze phase for one file; `keywords` are the indexes of the
    /// plugin's declared keywords the host's prefilter found in it.
    pub fn analyze_file(
        &mut self,
        file: Arc<FileData>,
        snapshot: Arc<dyn Snapshot>,
        keywords: Vec<u32>,
    ) -> CallResult {
        let started = Instant::now();
        let path = file.path.clone();
        self.store
            .data_mut()
            .begin_call(Phase::Analyze, &path, Some(snapshot));
        let handle = match self.store.data_mut().table.push(FileHandle {
            data: file,
            keywords,
        }) {
            Ok(handle) => handle,
            Err(err) => {
                let status = CallStatus::Failed(format!("resource table: {err}"));
                return CallResult {
                    status,
                    report: self.store.data_mut().end_call(),
                    elapsed: started.elapsed(),
                };
            }
        };
        let rep = handle.rep();
        let deadline = self.store.data().deadline;
        let Instance {
            store,
            scanner,
            shared,
        } = self;
        let outcome = drive(&shared.tokio, deadline, async {
            let borrow = Resource::<FileHandle>::new_borrow(rep);
            match scanner {
                Scanner::V01(s) => {
                    s.bulkhead_plugin_plugin()
                        .call_analyze_file(&mut *store, borrow)
                        .await
                }
                Scanner::V02(s) => {
                    s.bulkhead_plugin_plugin()
                        .call_analyze_file(&mut *store, borrow)
                        .await
                }
            }
        });
        if outcome.is_some() {
            let _ = self.store.data_mut().table.delete(handle);
        }
        self.finish(started, outcome)
    }

    /// Analyze phase for the image configuration JSON.
    pub fn analyze_config(&mut self, config_json: &str, snapshot: Arc<dyn Snapshot>) -> CallResult {
        let started = Instant::now();
        self.store
            .data_mut()
            .begin_call(Phase::Analyze, "", Some(snapshot));
        let deadline = self.store.data().deadline;
        let Instance {
            store,
            scanner,
            shared,
        } = self;
        let outcome = drive(&shared.tokio, deadline, async {
            match scanner {
                Scanner::V01(s) => {
                    s.bulkhead_plugin_plugin()
                        .call_analyze_config(&mut *store, config_json)
                        .await
                }
                Scanner::V02(s) => {
                    s.bulkhead_plugin_plugin()
                        .call_analyze_config(&mut *store, config_json)
                        .await
                }
            }
        });
        self.finish(started, outcome)
    }

    /// Post-scan phase with the merged inventory and the plugin's notes.
    pub fn post_scan(&mut self, input: &PostScanInput<'_>) -> CallResult {
        let started = Instant::now();
        self.store.data_mut().begin_call(Phase::PostScan, "", None);
        let deadline = self.store.data().deadline;
        let Instance {
            store,
            scanner,
            shared,
        } = self;
        let outcome = drive(&shared.tokio, deadline, async {
            match scanner {
                Scanner::V01(s) => {
                    let packages: Vec<_> =
                        input.packages.iter().map(contract::package_to_v1).collect();
                    let os = input
                        .os
                        .map(|os| v0_1_0::bulkhead::plugin::types::OsIdentity {
                            id: os.id.clone(),
                            version_id: os.version_id.clone(),
                            pretty_name: os.pretty_name.clone(),
                        });
                    s.bulkhead_plugin_plugin()
                        .call_post_scan(&mut *store, &packages, os.as_ref())
                        .await
                }
                Scanner::V02(s) => {
                    use v0_2_0::bulkhead::plugin::types as wit;
                    let input = wit::PostScanInput {
                        packages: input.packages.iter().map(contract::package_to_v2).collect(),
                        os: input.os.map(|os| wit::OsIdentity {
                            id: os.id.clone(),
                            version_id: os.version_id.clone(),
                            pretty_name: os.pretty_name.clone(),
                        }),
                        notes: input
                            .notes
                            .iter()
                            .map(|note| wit::Note {
                                path: note.path.clone(),
                                key: note.key.clone(),
                                value: note.value.clone(),
                            })
                            .collect(),
                    };
                    s.bulkhead_plugin_plugin()
                        .call_post_scan(&mut *store, &input)
                        .await
                }
            }
        });
        self.finish(started, outcome)
    }

    fn finish(
        &mut self,
        started: Instant,
        outcome: Option<wasmtime::Result<Result<(), String>>>,
    ) -> CallResult {
        let status = match outcome {
            Some(Ok(Ok(()))) => CallStatus::Ok,
            Some(Ok(Err(message))) => CallStatus::Failed(sanitize(&message, 1024)),
            Some(Err(err)) => {
                self.store.data_mut().call.trapped = true;
                self.classify_trap(&err)
            }
            None => {
                // The deadline passed inside a host call or a yield: the
                // store is mid-call and must not be used again.
                self.store.data_mut().call.trapped = true;
                CallStatus::TimedOut
            }
        };
        CallResult {
            status,
            report: self.store.data_mut().end_call(),
            elapsed: started.elapsed(),
        }
    }

    fn classify_trap(&self, err: &wasmtime::Error) -> CallStatus {
        if self.store.data().limiter.hit_cap() {
            return CallStatus::OutOfMemory;
        }
        if matches!(err.downcast_ref::<Trap>(), Some(Trap::Interrupt)) {
            return CallStatus::TimedOut;
        }
        CallStatus::Failed(self.describe_trap(err))
    }

    fn describe_trap(&self, err: &wasmtime::Error) -> String {
        let panic = self.store.data().panic_message();
        let trap = err
            .downcast_ref::<Trap>()
            .map(|trap| trap.to_string())
            .unwrap_or_else(|| format!("{err:#}"));
        let text = match panic {
            Some(panic) => format!("{trap}: {panic}"),
            None => trap,
        };
        sanitize(&text, 1024)
    }
}
