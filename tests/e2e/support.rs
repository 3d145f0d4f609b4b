//! Helpers for the end-to-end tests: the real `bulkhead` binary, real
//! plugins compiled to wasm32-wasip2, real files on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

#[path = "../../host/build_support.rs"]
#[allow(dead_code)]
mod build_support;

/// The test plugins under `tests/plugins/`: the hostile ones, and
/// `registry`, the Rust yardstick of the polyglot tests.
pub const FIXTURE_PLUGINS: &[&str] = &[
    "looper", "hog", "panicker", "snooper", "flooder", "liar", "reader", "matcher", "sleeper",
    "regexer", "pather", "spammer", "greedy", "wordy", "escaper", "lister", "registry",
];

/// A public suite that is not redistributed here (tests/upstream-suites.txt),
/// as scripts/upstream-suites fetches it into `$BULKHEAD_UPSTREAM` (default
/// `target/upstream`). Panics, saying how to get it, when it is missing:
/// the tests that read it are `#[ignore]`d by default and run by that script.
pub fn upstream_suite(name: &str) -> PathBuf {
    let base = std::env::var_os("BULKHEAD_UPSTREAM")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/upstream"));
    let dir = base.join(name);
    assert!(
        dir.is_dir(),
        "{} is missing: run scripts/upstream-suites (it fetches the pinned suites of \
         tests/upstream-suites.txt and runs these tests)",
        dir.display()
    );
    dir
}

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
    /// Standard output parsed as JSON. A scan result is also checked
    /// against docs/bulkhead-scan.schema.json, so every JSON output test
    /// validates the schema users rely on.
    pub fn json(&self) -> Value {
        let value: Value = serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "stdout is not JSON ({err}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        });
        assert_valid_scan(&value);
        value
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

/// A run of the binary with its wall time and peak resident set.
pub struct Measured {
    /// What it printed and returned.
    pub run: Run,
    /// Wall time.
    pub wall: std::time::Duration,
    /// Peak resident set, MiB.
    pub peak_mib: f64,
}

/// Runs `command` to completion, measuring wall time and peak RSS (from
/// `wait4`). When `BULKHEAD_FIGURES` names a file, appends
/// `case<TAB>wall ms<TAB>peak MiB` to it (bench/hostile.sh collects them
/// for docs/security.md).
pub fn measured(case: &str, mut command: Command) -> Measured {
    let out = tempfile::NamedTempFile::new().expect("temp");
    let err = tempfile::NamedTempFile::new().expect("temp");
    command
        .stdin(Stdio::null())
        .stdout(out.reopen().expect("reopen"))
        .stderr(err.reopen().expect("reopen"));
    let started = std::time::Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also reads its peak RSS"
    )]
    let child = command.spawn().expect("spawn bulkhead");
    let (code, peak_kib) = crate::sandbox::wait_with_peak_rss(child.id() as i32);
    let wall = started.elapsed();
    let peak_mib = peak_kib as f64 / 1024.0;
    if let Some(path) = std::env::var_os("BULKHEAD_FIGURES") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(file, "{case}\t{}\t{peak_mib:.0}", wall.as_millis());
        }
    }
    Measured {
        run: Run {
            code,
            stdout: std::fs::read_to_string(out.path()).unwrap_or_default(),
            stderr: std::fs::read_to_string(err.path()).unwrap_or_default(),
        },
        wall,
        peak_mib,
    }
}

/// The JSON output schema, compiled once.
fn scan_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_slice(
            &std::fs::read(root().join("docs/bulkhead-scan.schema.json")).expect("schema file"),
        )
        .expect("schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("schema compiles")
    })
}

/// Panics with every violation if `value` is a scan result that does not
/// match docs/bulkhead-scan.schema.json.
pub fn assert_valid_scan(value: &Value) {
    // A scan result is told by its shape as well as by its `schema` field,
    // so a result that lost the field is still checked (and fails).
    let declared = value.get("schema").and_then(Value::as_str) == Some("bulkhead-scan");
    let shaped = value.get("target").is_some() && value.get("findings").is_some();
    if !declared && !shaped {
        return;
    }
    assert!(declared, "a scan result without `schema: bulkhead-scan`");
    let errors: Vec<String> = scan_validator()
        .iter_errors(value)
        .take(10)
        .map(|err| format!("{} at {}", err, err.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "the scan result does not match docs/bulkhead-scan.schema.json:\n{}",
        errors.join("\n")
    );
}

/// Compiles the curated plugins and `extra` plugin files into the shared
/// compile cache, so a test that measures peak memory measures the scan,
/// not Cranelift compiling plugins for the first time.
pub fn warm_compile_cache(extra: &[&Path]) {
    let mut command = bulkhead();
    command.args(["plugin", "list"]);
    for plugin in extra {
        command.arg("--plugin").arg(plugin);
    }
    let warmed = run(command);
    assert_eq!(
        warmed.code, 0,
        "warming the compile cache: {}",
        warmed.stderr
    );
}
