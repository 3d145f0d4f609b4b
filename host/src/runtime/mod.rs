//! The plugin runtime: one wasmtime [`Engine`] per process, compiled
//! components cached on disk, and sandboxed calls into plugin instances.
//!
//! Every call is a future on tokio ([`instance`]) under a hard wall-clock
//! deadline that covers host work too: wasm code yields to the executor at
//! every epoch tick and traps once the deadline has passed, and the whole
//! call (WASI waits, regex work on blocking threads) is abandoned by
//! `tokio::time::timeout` at the deadline. Memory is capped per instance,
//! all memories and tables together ([`limits`]); what the host keeps of a
//! plugin's reports is capped in counts and bytes ([`host_api`]). The WASI
//! context grants nothing but a read-only data directory the user granted
//! to that plugin.
//!
//! Plugins built against any contract version in [`contract::VERSIONS`]
//! load side by side; past this module everything is in [`crate::model`]'s
//! terms.

pub mod cache;
pub mod contract;
pub mod host_api;
pub mod host_regex;
mod instance;
pub mod limits;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine};

use crate::digest::sha256_hex;
use cache::{CompileCache, Lookup};
use contract::{v0_1_0, v0_2_0};
use host_api::{HostState, InstanceEnv};

pub use contract::Declared;
pub use instance::{CallResult, Instance, PostScanInput};
pub use limits::{Limits, OutputBudget};

/// How often the epoch ticker advances: wasm yields to the executor at
/// each tick, so a deadline is met within about one tick.
const EPOCH_TICK: Duration = Duration::from_millis(5);

/// How a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallStatus {
    /// Returned normally.
    Ok,
    /// Returned an error, trapped or panicked; the message says which.
    Failed(String),
    /// Interrupted at the deadline (wasm code or a host wait).
    TimedOut,
    /// Tried to grow its memory or tables past the cap.
    OutOfMemory,
}

/// Counters of the compile cache, for `--stats` and the tests.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Components compiled with Cranelift in this process.
    pub compiled: AtomicU64,
    /// Components loaded from an authenticated cache artifact.
    pub loaded: AtomicU64,
    /// Cache artifacts rejected (bad tag, refused by wasmtime).
    pub rejected: AtomicU64,
}

/// What every instance of every component shares.
pub(crate) struct Shared {
    engine: Engine,
    limits: Limits,
    regexes: Arc<host_regex::RegexCache>,
    tokio: tokio::runtime::Handle,
}

/// The process-wide engine, linkers and compile cache.
pub struct Runtime {
    shared: Arc<Shared>,
    linker_v01: Linker<HostState>,
    linker_v02: Linker<HostState>,
    cache: Option<CompileCache>,
    stats: CacheStats,
    ticker_stop: Arc<AtomicBool>,
    /// Drives timers and blocking host work; shut down in the background
    /// on drop so an abandoned regex search never holds the process.
    tokio: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    /// Builds the engine and starts the epoch ticker. `cache` `None`
    /// disables the on-disk compile cache.
    pub fn new(limits: Limits, cache: Option<CompileCache>) -> Result<Self> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.wasm_component_model(true);
        // Each core module gets one memory; an instance's modules are
        // counted together by the limiter.
        config.wasm_multi_memory(false);
        config.max_wasm_stack(1 << 20);
        config.async_stack_size(2 << 20);
        let engine = wt(Engine::new(&config), "creating the wasmtime engine")?;

        let linker_v01 = linker(&engine, |linker| {
            v0_1_0::bulkhead::plugin::host::add_to_linker::<HostState, HasSelf<HostState>>(
                linker,
                |state| state,
            )
        })?;
        let linker_v02 = linker(&engine, |linker| {
            v0_2_0::bulkhead::plugin::host::add_to_linker::<HostState, HasSelf<HostState>>(
                linker,
                |state| state,
            )
        })?;

        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(64)
            .thread_name("bulkhead-runtime")
            .enable_time()
            .enable_io()
            .build()
            .map_err(|err| anyhow!("starting the async runtime: {err}"))?;
        let ticker_stop = start_ticker(&engine)?;
        let cache = cache.map(|cache| cache.for_engine(&engine));
        Ok(Runtime {
            shared: Arc::new(Shared {
                engine,
                limits,
                regexes: Arc::default(),
                tokio: tokio.handle().clone(),
            }),
            linker_v01,
            linker_v02,
            cache,
            stats: CacheStats::default(),
            ticker_stop,
            tokio: Some(tokio),
        })
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// Compile-cache counters.
    pub fn stats(&self) -> &CacheStats {
        &self.stats
    }

    /// Compiles (or loads from the cache) a component and pre-links it
    /// against the contract version it exports.
    pub fn load(&self, wasm: &[u8]) -> Result<LoadedComponent> {
        let sha256 = sha256_hex(wasm);
        let component = self.compile_cached(wasm, &sha256)?;
        let ty = component.component_type();
        let exports =
            |version: &str| ty.get_export(&self.shared.engine, &contract::plugin_export(version));
        let pre = if exports("0.2.0").is_some() {
            let pre = wt(
                self.linker_v02.instantiate_pre(&component),
                "the component does not fit the bulkhead:plugin@0.2.0 world",
            )?;
            Pre::V02(wt(
                v0_2_0::ScannerPre::new(pre),
                "the component does not export bulkhead:plugin/plugin@0.2.0",
            )?)
        } else if exports("0.1.0").is_some() {
            let pre = wt(
                self.linker_v01.instantiate_pre(&component),
                "the component does not fit the bulkhead:plugin@0.1.0 world",
            )?;
            Pre::V01(wt(
                v0_1_0::ScannerPre::new(pre),
                "the component does not export bulkhead:plugin/plugin@0.1.0",
            )?)
        } else {
            bail!(
                "the component exports no bulkhead:plugin/plugin interface this host knows (versions {})",
                contract::VERSIONS.join(", ")
            );
        };
        Ok(LoadedComponent {
            pre,
            sha256,
            size: wasm.len(),
            shared: Arc::clone(&self.shared),
        })
    }

    fn compile_cached(&self, wasm: &[u8], sha256: &str) -> Result<Component> {
        if let Some(cache) = &self.cache {
            match cache.get(sha256) {
                Lookup::Hit(artifact) => {
                    // SAFETY: the artifact carries a MAC made with this
                    // user's key (kept outside the cache directory) over
                    // the engine configuration, the component's sha256 and
                    // the bytes: only this host, for this engine, wrote it.
                    match unsafe { Component::deserialize(&self.shared.engine, &artifact) } {
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
            self.shared.engine.precompile_component(wasm),
            "compiling the plugin component",
        )?;
        self.stats.compiled.fetch_add(1, Ordering::Relaxed);
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only costs time on the next run.
            let _ = cache.put(sha256, &artifact);
        }
        // SAFETY: the artifact was produced just now by this engine.
        wt(
            unsafe { Component::deserialize(&self.shared.engine, &artifact) },
            "loading the freshly compiled component",
        )
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
        if let Some(tokio) = self.tokio.take() {
            tokio.shutdown_background();
        }
    }
}

fn linker(
    engine: &Engine,
    add_host: impl FnOnce(&mut Linker<HostState>) -> wasmtime::Result<()>,
) -> Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wt(
        wasmtime_wasi::p2::add_to_linker_async(&mut linker),
        "linking the WASI interfaces",
    )?;
    wt(add_host(&mut linker), "linking the bulkhead host interface")?;
    Ok(linker)
}

fn start_ticker(engine: &Engine) -> Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let ticking_engine = engine.clone();
    let stopped = Arc::clone(&stop);
    thread::Builder::new()
        .name("bulkhead-epoch".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                thread::sleep(EPOCH_TICK);
                ticking_engine.increment_epoch();
            }
        })
        .map_err(|err| anyhow!("starting the epoch ticker: {err}"))?;
    Ok(stop)
}

/// A pre-linked component of one contract version.
#[derive(Clone)]
pub(crate) enum Pre {
    V01(v0_1_0::ScannerPre<HostState>),
    V02(v0_2_0::ScannerPre<HostState>),
}

/// A compiled, pre-linked component; instances are made from it cheaply.
#[derive(Clone)]
pub struct LoadedComponent {
    pre: Pre,
    sha256: String,
    size: usize,
    shared: Arc<Shared>,
}

impl LoadedComponent {
    /// sha256 of the component bytes, hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Size of the component in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The contract version the component targets.
    pub fn contract(&self) -> &'static str {
        match self.pre {
            Pre::V01(_) => "0.1.0",
            Pre::V02(_) => "0.2.0",
        }
    }

    /// A fresh instance in a fresh store, made under the call deadline.
    pub fn instantiate(&self, env: &InstanceEnv) -> Result<Instance> {
        Instance::new(&self.pre, Arc::clone(&self.shared), env)
    }
}

/// Converts a wasmtime result into an anyhow one, with context.
fn wt<T>(result: wasmtime::Result<T>, what: &str) -> Result<T> {
    result.map_err(|err| anyhow!("{what}: {err:#}"))
}
