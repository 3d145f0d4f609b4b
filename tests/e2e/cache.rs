//! The on-disk compile cache: used on the second run, and a tampered
//! artifact is detected and recompiled, never loaded.

use std::path::{Path, PathBuf};

use crate::support::{assert_secret_found, run, target_with_secret};

fn scan_with_cache(target: &Path, cache: &Path) -> crate::support::Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bulkhead"));
    command
        .arg("scan")
        .arg(target)
        .args(["--format", "json", "--stats", "--cache-dir"])
        .arg(cache);
    run(command)
}

fn artifacts(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read cache dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "cwasm") {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn second_run_compiles_nothing_and_tampering_forces_a_recompile() {
    let target = target_with_secret();
    let cache = tempfile::tempdir().expect("tempdir");

    let cold = scan_with_cache(target.path(), cache.path());
    assert_eq!(cold.code, 1, "{}", cold.stderr);
    let stats = cold.stats();
    assert!(stats["compiled"].as_u64() >= Some(1), "{stats}");
    assert_eq!(stats["loaded_from_cache"], 0);
    assert_secret_found(&cold.json());

    let warm = scan_with_cache(target.path(), cache.path());
    let stats = warm.stats();
    assert_eq!(stats["compiled"], 0, "second run compiled: {stats}");
    assert!(stats["loaded_from_cache"].as_u64() >= Some(1));
    assert_eq!(
        warm.stdout, cold.stdout,
        "cached code gives the same result"
    );

    let files = artifacts(cache.path());
    assert!(!files.is_empty(), "no cache artifact written");
    for file in &files {
        let mut bytes = std::fs::read(file).expect("read artifact");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x40;
        std::fs::write(file, bytes).expect("tamper");
    }
    let tampered = scan_with_cache(target.path(), cache.path());
    let stats = tampered.stats();
    assert_eq!(
        stats["cache_rejected"].as_u64(),
        Some(files.len() as u64),
        "{stats}"
    );
    assert_eq!(stats["compiled"].as_u64(), Some(files.len() as u64));
    assert_eq!(stats["loaded_from_cache"], 0);
    assert_eq!(tampered.stdout, cold.stdout);
}
