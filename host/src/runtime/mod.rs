//! The plugin runtime: one wasmtime [`Engine`] per process, compiled
//! components cached on disk, and sandboxed calls into plugin instances.
//!
//! Every call runs under a wall-clock deadline (epoch interruption driven by
//! a ticker thread), a linear-memory cap (a [`wasmtime::ResourceLimiter`]),
//! caps on what the host accepts back (findings, packages, string sizes, log
//! lines; see [`host_api`]), and a WASI context with no preopened
//! directory, no environment, no arguments and no network. A call that traps
//! leaves its instance unusable, so the caller drops it and makes a new one
//! from the [`wasmtime::component::InstancePre`] for the next call.

pub mod cache;
pub mod host_api;
pub mod host_regex;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, HasSelf, Linker, Resource};
use wasmtime::{Config, Engine, Store, Trap};

use crate::walk::{FileData, Snapshot};
use cache::{CompileCache, Lookup};
use host_api::{CallReport, FileHandle, HostState};

/// Bindings for contract `bulkhead:plugin@0.1.0`. A later contract version
/// gets a module of its own beside this one.
pub mod v0_1_0 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.1.0",
        world: "bulkhead:plugin/scanner@0.1.0",
        imports: { default: trappable },
        with: {
            "bulkhead:plugin/host.file": super::host_api::FileHandle,
            "bulkhead:plugin/host.regex-set": super::host_regex::RegexSetHandle,
        },
    });
}

pub use v0_1_0::bulkhead::plugin::types as wit;

/// How often the epoch ticker advances; deadlines are rounded up to it.
const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The sandbox limits applied to every plugin call.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock deadline of one call.
    pub call_timeout: Duration,
    /// Largest linear memory (bytes) an instance may grow to.
    pub memory_bytes: usize,
    /// Findings accepted from one call; later ones are dropped and counted.
    pub max_findings_per_call: usize,
    /// Packages accepted from one call.
    pub max_packages_per_call: usize,
    /// Longest string field accepted (longer ones are truncated).
    pub max_string_bytes: usize,
    /// Longest list field accepted (longer ones are cut).
    pub max_list_items: usize,
    /// Log lines kept from one call.
    pub max_log_lines_per_call: usize,
    /// Largest single `file.read` answered.
    pub max_read_bytes: u32,
    /// Largest file a plugin may `open` by path.
    pub max_open_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            call_timeout: Duration::from_secs(10),
            memory_bytes: 256 << 20,
            max_findings_per_call: 10_000,
            max_packages_per_call: 100_000,
            max_string_bytes: 8 << 10,
            max_list_items: 64,
            max_log_lines_per_call: 100,
            max_read_bytes: 1 << 20,
            max_open_bytes: 64 << 20,
        }
    }
}

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallStatus {
    /// Returned normally.
    Ok,
    /// Returned an error, trapped or panicked; the message says which.
    Failed(String),
    /// Interrupted at the deadline.
    TimedOut,
    /// Tried to grow its memory past the cap.
    OutOfMemory,
}

/// Counters of the compile cache, for `--stats` and the tests.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Components compiled with Cranelift in this process.
    pub compiled: AtomicU64,
    /// Components loaded from a verified cache artifact.
    pub loaded: AtomicU64,
    /// Cache artifacts rejected (checksum mismatch or refused by wasmtime).
    pub rejected: AtomicU64,
}

/// The process-wide engine, linker and compile cache.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    cache: Option<CompileCache>,
    limits: Limits,
    stats: CacheStats,
    regexes: Arc<host_regex::RegexCache>,
    ticker_stop: Arc<AtomicBool>,
}

impl Runtime {
    /// Builds the engine and starts the epoch ticker. `cache_dir` `None`
    /// disables the on-disk compile cache.
    pub fn new(limits: Limits, cache_dir: Option<std::path::PathBuf>) -> Result<Self> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.wasm_component_model(true);
        config.max_wasm_stack(1 << 20);
        let engine = wt(Engine::new(&config), "creating the wasmtime engine")?;

        let mut linker = Linker::new(&engine);
        wt(
            wasmtime_wasi::p2::add_to_linker_sync(&mut linker),
            "linking the WASI interfaces",
        )?;
        wt(
            v0_1_0::bulkhead::plugin::host::add_to_linker::<HostState, HasSelf<HostState>>(
                &mut linker,
                |state| state,
            ),
            "linking the bulkhead host interface",
        )?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        let ticking_engine = engine.clone();
        let stop = Arc::clone(&ticker_stop);
        thread::Builder::new()
            .name("bulkhead-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    thread::sleep(EPOCH_TICK);
                    ticking_engine.increment_epoch();
                }
            })
            .map_err(|err| anyhow!("starting the epoch ticker: {err}"))?;

        let cache = cache_dir.map(|dir| CompileCache::new(dir, &engine));
        Ok(Runtime {
            engine,
            linker,
            cache,
            limits,
            stats: CacheStats::default(),
            regexes: Arc::default(),
            ticker_stop,
        })
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compile-cache counters.
    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// Compiles (or loads from the cache) a component and pre-links it.
    pub fn load(&self, wasm: &[u8]) -> Result<LoadedComponent> {
        let sha256 = hex(&Sha256::digest(wasm));
        let component = self.compile_cached(wasm, &sha256)?;
        let pre = wt(
            self.linker.instantiate_pre(&component),
            "the component does not fit the bulkhead:plugin@0.1.0 world",
        )?;
        let pre = wt(
            v0_1_0::ScannerPre::new(pre),
            "the component does not export bulkhead:plugin/plugin@0.1.0",
        )?;
        Ok(LoadedComponent {
            pre,
            sha256,
            engine: self.engine.clone(),
            limits: self.limits.clone(),
            regexes: Arc::clone(&self.regexes),
            data_dir: None,
        })
    }

    fn compile_cached(&self, wasm: &[u8], sha256: &str) -> Result<Component> {
        if let Some(cache) = &self.cache {
            match cache.get(sha256) {
                Lookup::Hit(artifact) => {
                    // SAFETY: the artifact was written by this host for this
                    // engine configuration (the key includes both) and its
                    // checksum matched the header written with it.
                    match unsafe { Component::deserialize(&self.engine, &artifact) } {
                        Ok(component) => {
                            self.stats.loaded.fetch_add(1, Ordering::Relaxed);
                            return Ok(component);
                        }
                        Err(_) => {
                            self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                Lookup::Rejected => {
                    self.stats.rejected.fetch_add(1, Ordering::Relaxed);
                }
                Lookup::Miss => {}
            }
        }
        let artifact = wt(
            self.engine.precompile_component(wasm),
            "compiling the plugin component",
        )?;
        self.stats.compiled.fetch_add(1, Ordering::Relaxed);
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only costs time on the next run.
            let _ = cache.put(sha256, &artifact);
        }
        // SAFETY: the artifact was produced just now by this engine.
        wt(
            unsafe { Component::deserialize(&self.engine, &artifact) },
            "loading the freshly compiled component",
        )
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// A compiled, pre-linked component; instances are made from it cheaply.
#[derive(Clone)]
pub struct LoadedComponent {
    pre: v0_1_0::ScannerPre<HostState>,
    sha256: String,
    engine: Engine,
    limits: Limits,
    regexes: Arc<host_regex::RegexCache>,
    data_dir: Option<Arc<std::path::PathBuf>>,
}

impl LoadedComponent {
    /// The same component, whose instances see `dir` read-only at `/data`.
    pub fn with_data_dir(&self, dir: std::path::PathBuf) -> LoadedComponent {
        LoadedComponent {
            data_dir: Some(Arc::new(dir)),
            ..self.clone()
        }
    }

    /// sha256 of the component bytes, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// A fresh instance in a fresh store.
    pub fn instantiate(&self) -> Result<Instance> {
        let state = HostState::new(
            self.limits.clone(),
            Arc::clone(&self.regexes),
            self.data_dir.as_deref().map(|dir| dir.as_path()),
        )
        .map_err(|err| anyhow!("opening the granted data directory: {err:#}"))?;
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(deadline_ticks(self.limits.call_timeout));
        store.epoch_deadline_trap();
        let scanner = self
            .pre
            .instantiate(&mut store)
            .map_err(|err| anyhow!("instantiating the plugin: {err:#}"))?;
        Ok(Instance { store, scanner })
    }
}

fn deadline_ticks(timeout: Duration) -> u64 {
    (timeout.as_micros() / EPOCH_TICK.as_micros()).max(1) as u64 + 1
}

/// One live plugin instance. After a call that did not return normally the
/// instance must be dropped (see [`Instance::call`]'s result).
pub struct Instance {
    store: Store<HostState>,
    scanner: v0_1_0::Scanner,
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

impl Instance {
    /// Calls `info`, under the same limits as every other call.
    pub fn info(&mut self) -> Result<wit::PluginInfo> {
        self.begin(None);
        let plugin = self.scanner.bulkhead_plugin_plugin();
        let outcome = plugin.call_info(&mut self.store);
        outcome.map_err(|err| anyhow!("{}", self.describe_trap(&err)))
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
        self.begin(Some(snapshot));
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
        let plugin = self.scanner.bulkhead_plugin_plugin();
        let outcome =
            plugin.call_analyze_file(&mut self.store, Resource::<FileHandle>::new_borrow(rep));
        let _ = self.store.data_mut().table.delete(handle);
        self.finish(started, outcome)
    }

    /// Analyze phase for the image configuration JSON.
    pub fn analyze_config(&mut self, config_json: &str, snapshot: Arc<dyn Snapshot>) -> CallResult {
        let started = Instant::now();
        self.begin(Some(snapshot));
        let plugin = self.scanner.bulkhead_plugin_plugin();
        let outcome = plugin.call_analyze_config(&mut self.store, config_json);
        self.finish(started, outcome)
    }

    /// Post-scan phase with the merged inventory.
    pub fn post_scan(
        &mut self,
        packages: &[wit::InstalledPackage],
        os: Option<&wit::OsIdentity>,
    ) -> CallResult {
        let started = Instant::now();
        self.begin(None);
        let plugin = self.scanner.bulkhead_plugin_plugin();
        let outcome = plugin.call_post_scan(&mut self.store, packages, os);
        self.finish(started, outcome)
    }

    fn begin(&mut self, snapshot: Option<Arc<dyn Snapshot>>) {
        let timeout = self.store.data().limits.call_timeout;
        self.store.set_epoch_deadline(deadline_ticks(timeout));
        self.store.data_mut().begin_call(snapshot);
    }

    fn finish(
        &mut self,
        started: Instant,
        outcome: wasmtime::Result<Result<(), String>>,
    ) -> CallResult {
        let status = match outcome {
            Ok(Ok(())) => CallStatus::Ok,
            Ok(Err(message)) => CallStatus::Failed(host_api::sanitize(&message, 1024)),
            Err(err) => {
                self.store.data_mut().call.trapped = true;
                self.classify_trap(&err)
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
        host_api::sanitize(&text, 1024)
    }
}

/// Converts a wasmtime result into an anyhow one, with context.
fn wt<T>(result: wasmtime::Result<T>, what: &str) -> Result<T> {
    result.map_err(|err| anyhow!("{what}: {err:#}"))
}

/// Lower-case hex of a byte slice.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
