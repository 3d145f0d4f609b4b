//! What a plugin written in Python or JavaScript costs against the same
//! check in Rust (docs/polyglot.md): component size, cold compile, warm
//! load from the on-disk cache, `info`, instantiation, and `analyze-file`
//! calls on a small and a 58 KiB `.npmrc`.
//!
//! It measures the components the e2e tests built (`cargo test -p bulkhead
//! --test e2e polyglot::` first): `target/polyglot/*.wasm` and
//! `target/wasm-plugins/wasm32-wasip2/release/bulkhead_test_plugin_registry.wasm`,
//! or the files given in `BULKHEAD_POLYGLOT` (colon-separated). Run with
//! `cargo bench -p bulkhead --bench polyglot`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bulkhead::plugin::{LoadOptions, PluginSet, PluginSource};
use bulkhead::runtime::cache::CompileCache;
use bulkhead::runtime::limits::OutputBudget;
use bulkhead::runtime::{CallStatus, Limits, Runtime};
use bulkhead::walk::{EmptySnapshot, FileData, Snapshot};

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn per_op(total: Duration, count: u32) -> String {
    let micros = total.as_secs_f64() * 1e6 / f64::from(count);
    if micros > 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

fn runtime_with_cache(dir: &Path) -> Runtime {
    let cache = CompileCache::open(dir.join("cache"), &dir.join("cache.key")).expect("cache");
    Runtime::new(Limits::default(), Some(cache)).expect("runtime")
}

fn components(root: &Path) -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("BULKHEAD_POLYGLOT") {
        return std::env::split_paths(&list).collect();
    }
    let mut found = vec![
        root.join("target/wasm-plugins/wasm32-wasip2/release/bulkhead_test_plugin_registry.wasm"),
    ];
    let mut built: Vec<PathBuf> = std::fs::read_dir(root.join("target/polyglot"))
        .map(|dir| {
            dir.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "wasm")
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    built.sort();
    found.extend(built);
    found
}

fn npmrc(lines: usize) -> Vec<u8> {
    let mut text = String::from("registry=https://registry.npmjs.org/\n");
    for i in 0..lines {
        text.push_str(&format!("@scope{i}:registry=https://npm.example/{i}/\n"));
    }
    text.push_str("//registry.npmjs.org/:_authToken=npm_Z3xQ9vL2kP8mR4tY7wB1nC6dF0hJ5sA2eG9u\n");
    text.into_bytes()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let options = LoadOptions {
        max_file_size: 64 << 20,
        settings: Default::default(),
        grants: Vec::new(),
    };
    let snapshot: Arc<dyn Snapshot> = Arc::new(EmptySnapshot);
    let small = Arc::new(FileData {
        path: "app/.npmrc".into(),
        mode: 0o100644,
        layer: None,
        bytes: npmrc(2),
    });
    let large = Arc::new(FileData {
        path: "app/.npmrc".into(),
        mode: 0o100644,
        layer: None,
        bytes: npmrc(1300),
    });
    println!(
        "| component | size | cold compile | warm load | warm plugin load (+ instance, info) | instantiate | call, {} B .npmrc | call, {} KiB .npmrc |",
        small.bytes.len(),
        large.bytes.len() >> 10
    );
    println!("|---|---|---|---|---|---|---|---|");
    for path in components(&root) {
        let wasm = std::fs::read(&path).unwrap_or_else(|err| {
            panic!(
                "{}: {err} (run the polyglot e2e tests first)",
                path.display()
            )
        });
        let cache = tempfile::tempdir().expect("tempdir");

        let runtime = runtime_with_cache(cache.path());
        let started = Instant::now();
        runtime.load(&wasm).expect("cold compile");
        let cold = started.elapsed();

        let runtime = runtime_with_cache(cache.path());
        let started = Instant::now();
        runtime.load(&wasm).expect("warm load");
        let warm = started.elapsed();

        // What a warm scan pays per plugin before its first call: cache
        // load, an instance, `info` and `validate-settings`.
        let runtime = runtime_with_cache(cache.path());
        let source = PluginSource::file(&path).expect("read");
        let started = Instant::now();
        let set = PluginSet::load(&runtime, vec![source], &options).expect("load plugin");
        let info = started.elapsed();
        let plugin = &set.plugins[0];

        let budget = Arc::new(OutputBudget::new(u64::MAX / 2));
        let rounds = 20;
        let started = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(plugin.instantiate(&budget).expect("instance"));
        }
        let instantiate = started.elapsed();

        let mut instance = plugin.instantiate(&budget).expect("instance");
        let mut call = |file: &Arc<FileData>, calls: u32| {
            let first = instance.analyze_file(Arc::clone(file), Arc::clone(&snapshot), vec![0]);
            assert_eq!(first.status, CallStatus::Ok, "{}", path.display());
            assert_eq!(first.report.findings.len(), 1, "{}", path.display());
            let started = Instant::now();
            for _ in 0..calls {
                let result =
                    instance.analyze_file(Arc::clone(file), Arc::clone(&snapshot), vec![0]);
                assert!(result.instance_reusable());
            }
            started.elapsed()
        };
        let small_calls = 2_000;
        let small_time = call(&small, small_calls);
        let large_calls = 100;
        let large_time = call(&large, large_calls);
        println!(
            "| {} ({}) | {:.1} MB | {} | {} | {} | {} | {} | {} |",
            plugin.info.id,
            path.file_name().unwrap_or_default().to_string_lossy(),
            wasm.len() as f64 / 1e6,
            ms(cold),
            ms(warm),
            ms(info),
            per_op(instantiate, rounds),
            per_op(small_time, small_calls),
            per_op(large_time, large_calls),
        );
    }
}
