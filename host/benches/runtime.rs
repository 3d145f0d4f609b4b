//! Plugin runtime figures: cold compile, warm load from the on-disk cache,
//! instantiation, and the overhead of one `analyze-file` call, measured on
//! the curated secrets plugin. Run with `cargo bench --bench runtime`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bulkhead::plugin::{LoadOptions, PluginSet, PluginSource};
use bulkhead::runtime::cache::CompileCache;
use bulkhead::runtime::limits::OutputBudget;
use bulkhead::runtime::{Limits, Runtime};
use bulkhead::walk::{EmptySnapshot, FileData, Snapshot};

fn per_op(total: Duration, count: u32) -> String {
    let micros = total.as_secs_f64() * 1e6 / f64::from(count);
    if micros > 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

/// A runtime over the compile cache in `dir` (key kept beside it).
fn runtime_with_cache(dir: &std::path::Path) -> Runtime {
    let cache = CompileCache::open(dir.join("cache"), &dir.join("cache.key")).expect("cache");
    Runtime::new(Limits::default(), Some(cache)).expect("runtime")
}

/// The curated plugins, loaded as a scan loads them.
fn curated(runtime: &Runtime) -> PluginSet {
    let options = LoadOptions {
        max_file_size: 64 << 20,
        settings: Default::default(),
        grants: Vec::new(),
    };
    PluginSet::load(runtime, PluginSource::builtins(), &options).expect("plugins")
}

fn main() {
    let cache = tempfile::tempdir().expect("tempdir");

    let started = Instant::now();
    let runtime = runtime_with_cache(cache.path());
    let set = curated(&runtime);
    println!(
        "cold load (compile + info) of {} plugin(s): {:?}",
        set.plugins.len(),
        started.elapsed()
    );

    let started = Instant::now();
    let warm_runtime = runtime_with_cache(cache.path());
    let warm = curated(&warm_runtime);
    println!("warm load (cache + info): {:?}", started.elapsed());
    drop(warm);

    let plugin = set
        .plugins
        .iter()
        .find(|p| p.info.id == "secrets")
        .expect("secrets plugin");
    let budget = Arc::new(OutputBudget::new(u64::MAX / 2));
    let rounds = 200;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(plugin.instantiate(&budget).expect("instance"));
    }
    println!(
        "instantiate: {} per instance",
        per_op(started.elapsed(), rounds)
    );

    let snapshot: Arc<dyn Snapshot> = Arc::new(EmptySnapshot);
    let mut instance = plugin.instantiate(&budget).expect("instance");
    let file = Arc::new(FileData {
        path: "empty.txt".into(),
        mode: 0o100644,
        layer: None,
        bytes: Vec::new(),
    });
    // Warm the plugin's lazily compiled regexes.
    instance.analyze_file(Arc::clone(&file), Arc::clone(&snapshot), Vec::new());
    let calls = 5_000;
    let started = Instant::now();
    for _ in 0..calls {
        let result = instance.analyze_file(Arc::clone(&file), Arc::clone(&snapshot), Vec::new());
        assert!(result.instance_reusable());
    }
    println!(
        "analyze-file call on an empty file: {} per call",
        per_op(started.elapsed(), calls)
    );

    let text: Vec<u8> = b"just some configuration text without secrets; password_file=/run/x\n"
        .iter()
        .copied()
        .cycle()
        .take(1 << 20)
        .collect();
    let big = Arc::new(FileData {
        path: "big.txt".into(),
        mode: 0o100644,
        layer: None,
        bytes: text,
    });
    // The keyword hits the host's prefilter would pass for this text.
    let hits: Vec<u32> = plugin
        .info
        .interests
        .keywords
        .iter()
        .enumerate()
        .filter(|(_, k)| ["password", "://"].contains(&k.as_str()))
        .map(|(i, _)| i as u32)
        .collect();
    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        let result = instance.analyze_file(Arc::clone(&big), Arc::clone(&snapshot), hits.clone());
        assert_eq!(
            result.status,
            bulkhead::runtime::CallStatus::Ok,
            "{:?}",
            result.status
        );
    }
    let elapsed = started.elapsed();
    let fallback = Instant::now();
    let result = instance.analyze_file(Arc::clone(&big), Arc::clone(&snapshot), Vec::new());
    assert_eq!(
        result.status,
        bulkhead::runtime::CallStatus::Ok,
        "{:?}",
        result.status
    );
    println!(
        "the same without keyword hits (regexes in wasm): {:?}",
        fallback.elapsed()
    );
    println!(
        "secrets scan of a 1 MiB text file (host regexes): {} per call ({:.0} MB/s)",
        per_op(elapsed, rounds),
        f64::from(rounds) * 1.048576 / elapsed.as_secs_f64()
    );
}
