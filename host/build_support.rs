//! Shared by `host/build.rs` and the end-to-end tests: running a nested
//! `cargo build` of wasm32-wasip2 plugins from inside a cargo process.

use std::env;
use std::path::Path;
use std::process::Command;

/// The plugin target.
pub const TARGET: &str = "wasm32-wasip2";

/// A cargo command without the outer build's environment.
pub fn clean_cargo(root: &Path) -> Command {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command.current_dir(root);
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let outer = (key.starts_with("CARGO_") && key != "CARGO_HOME")
            || key.starts_with("RUSTC")
            || key.starts_with("RUSTDOC")
            || matches!(
                key.as_ref(),
                "RUSTFLAGS"
                    | "TARGET"
                    | "HOST"
                    | "OUT_DIR"
                    | "OPT_LEVEL"
                    | "PROFILE"
                    | "DEBUG"
                    | "NUM_JOBS"
            );
        if outer {
            command.env_remove(key.as_ref());
        }
    }
    command
}

/// Adds the wasm32-wasip2 target to the active toolchain when it is missing.
pub fn ensure_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    let installed = sysroot
        .map(|root| Path::new(&root).join("lib/rustlib").join(TARGET).exists())
        .unwrap_or(false);
    if !installed {
        let status = Command::new("rustup")
            .args(["target", "add", TARGET])
            .status()
            .expect("run rustup to add the wasm32-wasip2 target");
        assert!(status.success(), "rustup target add {TARGET} failed");
    }
}
