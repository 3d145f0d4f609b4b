//! Helpers for the end-to-end tests: the real `bulkhead` binary, real
//! plugins compiled to wasm32-wasip2, real files on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

#[path = "../../host/build_support.rs"]
#[allow(dead_code)]
mod build_support;

/// The hostile test plugins under `tests/plugins/`.
pub const FIXTURE_PLUGINS: &[&str] = &[
    "looper", "hog", "panicker", "snooper", "flooder", "liar", "reader", "matcher", "lister",
];

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ is in the workspace")
        .to_path_buf()
}

/// Compile cache shared by tests that do not test the cache itself, so each
/// plugin is compiled once per test run rather than once per test.
pub fn shared_cache() -> PathBuf {
    root().join("target").join("e2e-compile-cache")
}

/// Path of a hostile test plugin's component, building all of them once.
pub fn fixture_plugin(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        build_support::ensure_target();
        let target_dir = root().join("target").join("wasm-plugins");
        let mut cargo = build_support::clean_cargo(&root());
        cargo.args([
            "build",
            "--release",
            "--target",
            build_support::TARGET,
            "--target-dir",
        ]);
        cargo.arg(&target_dir);
        for plugin in FIXTURE_PLUGINS {
            cargo.args(["-p", &format!("bulkhead-test-plugin-{plugin}")]);
        }
        let status = cargo.status().expect("run cargo for the test plugins");
        assert!(status.success(), "building the test plugins failed");
        target_dir.join(build_support::TARGET).join("release")
    });
    let path = dir.join(format!("bulkhead_test_plugin_{name}.wasm"));
    assert!(path.exists(), "missing {}", path.display());
    path
}

/// The `bulkhead` binary with the shared compile cache.
pub fn bulkhead() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bulkhead"));
    command.env("BULKHEAD_CACHE_DIR", shared_cache());
    command.env_remove("NO_COLOR");
    command
}

/// What one run of the binary gave.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "stdout is not JSON ({err}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The `bulkhead-stats` line printed by `--stats`.
    pub fn stats(&self) -> Value {
        let line = self
            .stderr
            .lines()
            .find_map(|line| line.strip_prefix("bulkhead-stats "))
            .unwrap_or_else(|| panic!("no stats line in stderr:\n{}", self.stderr));
        serde_json::from_str(line).expect("stats line is JSON")
    }
}

/// Runs `command` to completion.
pub fn run(mut command: Command) -> Run {
    let output = command.stdin(Stdio::null()).output().expect("run bulkhead");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `bulkhead scan <path> --format json <extra...>`.
pub fn scan_json(path: &Path, extra: &[&str]) -> Run {
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(path)
        .args(["--format", "json"])
        .args(extra);
    run(command)
}

/// The plugin entry with this id in a JSON result.
pub fn plugin<'a>(result: &'a Value, id: &str) -> &'a Value {
    result["plugins"]
        .as_array()
        .expect("plugins array")
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no plugin {id} in {result:#}"))
}

/// Findings of one plugin, as (rule id, path, start line).
pub fn findings_of(result: &Value, plugin_id: &str) -> Vec<(String, String, Option<u64>)> {
    result["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["plugin"]["id"] == plugin_id)
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["start_line"].as_u64(),
            )
        })
        .collect()
}

/// A temporary target directory holding one real secret in `app/.env`,
/// so every test can check the secrets plugin still reported it.
pub fn target_with_secret() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("app")).expect("mkdir");
    std::fs::write(
        dir.path().join("app/.env"),
        "MODE=prod\nAWS_ACCESS_KEY_ID=AKIA2OGYBAH6RKWQLQ7P\n",
    )
    .expect("write");
    dir
}

/// Asserts the secret of [`target_with_secret`] is among the findings.
pub fn assert_secret_found(result: &Value) {
    let secrets = findings_of(result, "secrets");
    assert!(
        secrets.contains(&(
            "secrets/aws-access-key-id".to_string(),
            "app/.env".to_string(),
            Some(2)
        )),
        "the secrets plugin's finding is missing: {secrets:?}"
    );
}

/// What the snooper plugin reports when every escape attempt failed.
pub fn contained() -> Vec<(String, String, Option<u64>)> {
    vec![(
        "snooper/contained".to_string(),
        "snoop-here.txt".to_string(),
        None,
    )]
}
