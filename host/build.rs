//! Builds the curated plugins in `plugins/` for wasm32-wasip2 and embeds
//! them in the `bulkhead` binary, so `cargo run -- scan .` needs no other step.
//!
//! The plugins are compiled by a nested `cargo build` into their own target
//! directory (`target/wasm-plugins`), with the outer cargo's environment
//! removed so flags meant for the host never reach the guest build. A fresh
//! toolchain has no wasm32-wasip2 target, so it is added with rustup first.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "build_support.rs"]
mod build_support;

use build_support::{TARGET, clean_cargo, ensure_target};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest_dir
        .parent()
        .expect("host/ sits in the workspace")
        .to_path_buf();
    for watched in [
        "plugins",
        "sdk",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=BULKHEAD_SKIP_PLUGIN_BUILD");

    let plugins = curated_plugins(&root.join("plugins"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    let generated = out_dir.join("builtin_plugins.rs");

    if env::var_os("BULKHEAD_SKIP_PLUGIN_BUILD").is_some() {
        // For `cargo doc` and similar: a binary without curated plugins.
        fs::write(&generated, "pub static BUILTIN: &[(&str, &[u8])] = &[];\n")
            .expect("write generated file");
        return;
    }

    ensure_target();
    let target_dir = root.join("target").join("wasm-plugins");
    let mut cargo = clean_cargo(&root);
    cargo.args(["build", "--release", "--target", TARGET, "--target-dir"]);
    cargo.arg(&target_dir);
    for (package, _) in &plugins {
        cargo.args(["-p", package]);
    }
    let status = cargo.status().expect("run cargo for the plugins");
    assert!(status.success(), "building the curated plugins failed");

    let mut source = String::from("pub static BUILTIN: &[(&str, &[u8])] = &[\n");
    for (package, name) in &plugins {
        let artifact = target_dir
            .join(TARGET)
            .join("release")
            .join(format!("{}.wasm", package.replace('-', "_")));
        assert!(
            artifact.exists(),
            "missing plugin artifact {}",
            artifact.display()
        );
        source.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            artifact.display().to_string()
        ));
    }
    source.push_str("];\n");
    fs::write(&generated, source).expect("write generated file");
}

/// (package name, plugin name) for each `plugins/<name>/Cargo.toml`.
fn curated_plugins(dir: &Path) -> Vec<(String, String)> {
    let mut plugins: Vec<(String, String)> = fs::read_dir(dir)
        .expect("plugins/ exists")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").exists())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (format!("bulkhead-plugin-{name}"), name)
        })
        .collect();
    plugins.sort();
    plugins
}
