//! Plugins written in Python (componentize-py) and JavaScript
//! (ComponentizeJS), built from `examples/` by their own `build.sh` against
//! `wit/v0.2.0`, loaded with `--plugin` by the real binary. The same check
//! (credentials in plain text in `.npmrc` / `.pypirc`) is also written in
//! Rust (`tests/plugins/registry`): the three must report the same
//! findings.
//!
//! Building a component takes 10-30 s and compiling it with Cranelift
//! 30-60 s on the 2-core CI machine, so both are done once: the component
//! is kept under `target/polyglot/` keyed by the hash of its sources, the
//! WIT and the tool's version, and its compiled code in the shared compile
//! cache. The tools come from scripts/test (target/tools); a missing tool
//! fails the test, naming what to install.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{bulkhead, fixture_plugin, root, run, scan_json};

const RULE: &str = "plaintext-registry-credential";

/// One example plugin and the tool that builds it.
struct Example {
    /// Directory under `examples/`.
    dir: &'static str,
    /// Source files, hashed with `build.sh` for the build cache key.
    sources: &'static [&'static str],
    /// The build tool `build.sh` runs.
    tool: &'static str,
    /// How to install it when it is missing.
    install: &'static str,
}

const PYTHON: Example = Example {
    dir: "python-plugin",
    sources: &["app.py"],
    tool: "componentize-py",
    install: "pip install componentize-py==0.25.1 (scripts/test installs it into target/tools/venv)",
};

const JAVASCRIPT: Example = Example {
    dir: "js-plugin",
    sources: &["plugin.js"],
    tool: "componentize-js",
    install: "npm install @bytecodealliance/componentize-js@0.23.0 (scripts/test installs it into \
              target/tools/node)",
};

/// PATH with scripts/test's tool directories first.
fn tool_path() -> OsString {
    let tools = root().join("target/tools");
    let mut dirs = vec![tools.join("venv/bin"), tools.join("node/node_modules/.bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries join")
}

/// Where `name` is on `path`, if anywhere.
fn find_tool(name: &str, path: &OsString) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The example's component, built by its `build.sh` unless a component of
/// the same sources, WIT and tool version is already in `target/polyglot`.
fn build(example: &Example) -> PathBuf {
    let path = tool_path();
    let tool = find_tool(example.tool, &path).unwrap_or_else(|| {
        panic!(
            "{} is not installed, so examples/{} cannot be built: {}",
            example.tool, example.dir, example.install
        )
    });
    let version = Command::new(&tool)
        .arg("--version")
        .env("PATH", &path)
        .output()
        .unwrap_or_else(|err| panic!("running {} --version: {err}", tool.display()));
    assert!(
        version.status.success(),
        "{} --version failed: {}",
        tool.display(),
        String::from_utf8_lossy(&version.stderr)
    );

    let dir = root().join("examples").join(example.dir);
    let mut hasher = Sha256::new();
    hasher.update(&version.stdout);
    for file in ["build.sh"].iter().chain(example.sources) {
        hasher.update(file.as_bytes());
        hasher.update(std::fs::read(dir.join(file)).expect("example source"));
    }
    hasher.update(std::fs::read(root().join("wit/v0.2.0/plugin.wit")).expect("WIT"));
    let key: String = hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();

    let out_dir = root().join("target/polyglot");
    std::fs::create_dir_all(&out_dir).expect("create target/polyglot");
    let component = out_dir.join(format!("{}-{key}.wasm", example.dir));
    if component.exists() {
        return component;
    }
    let temp = out_dir.join(format!(
        ".{}-{key}.{}.wasm",
        example.dir,
        std::process::id()
    ));
    let started = Instant::now();
    let output = Command::new(dir.join("build.sh"))
        .arg(&temp)
        .env("PATH", &path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run build.sh");
    assert!(
        output.status.success() && temp.exists(),
        "examples/{}/build.sh failed:\n{}\n{}",
        example.dir,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "polyglot: built examples/{} in {:.1} s ({} bytes)",
        example.dir,
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&temp).map(|m| m.len()).unwrap_or(0)
    );
    // Older builds of this example are of no further use.
    if let Ok(entries) = std::fs::read_dir(&out_dir) {
        let prefix = format!("{}-", example.dir);
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    std::fs::rename(&temp, &component).expect("move the component into place");
    component
}

fn python_plugin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build(&PYTHON))
}

fn js_plugin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| build(&JAVASCRIPT))
}

/// A target with credentials the check must find and look-alikes it must
/// not report.
fn fixture_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: &[(&str, &str)] = &[
        // Found: a scoped npm token (line 3).
        (
            "app/.npmrc",
            "registry=https://registry.npmjs.org/\n\
             ; the CI token, pasted in\n\
             //registry.npmjs.org/:_authToken=npm_Z3xQ9vL2kP8mR4tY7wB1nC6dF0hJ5sA2eG9u\n\
             always-auth=true\n",
        ),
        // Found: basic auth, quoted, in a global npmrc with CRLF line ends
        // (line 2).
        (
            "etc/npmrc",
            "registry=https://npm.internal.example/\r\n_auth = \"ZGVwbG95Omh1bnRlcjI=\"\r\n",
        ),
        // Found: two passwords, in `=` and `:` syntax (lines 8 and 13).
        (
            "home/builder/.pypirc",
            "[distutils]\n\
             index-servers =\n    pypi\n    internal\n\
             \n\
             [pypi]\n\
             username = __token__\n\
             password = pypi-AgEIcHlwaS5vcmcCJGE0ZjM5YzFlLTk4ZDItNGI3Ny1hZjM1LTFmYjA2NzQ4ZjdiNgACKlszLCJhYmMiXQ\n\
             \n\
             [internal]\n\
             repository = https://pypi.internal.example/\n\
             username: deploy\n\
             password: \"s3cr3t-Passw0rd\"\n",
        ),
        // Not found: environment references, a commented-out token, an
        // empty value.
        (
            "ci/.npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n\
             # //registry.npmjs.org/:_authToken=npm_Z3xQ9vL2kP8mR4tY7wB1nC6dF0hJ5sA2eG9u\n\
             _password=\n",
        ),
        (
            "ci/.pypirc",
            "[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\n",
        ),
        // Not found: not a registry configuration file.
        (
            "docs/npmrc.md",
            "Never write `_authToken=npm_Z3xQ9vL2kP8mR4tY7wB1nC6dF0hJ5sA2eG9u` into .npmrc\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write fixture");
    }
    dir
}

/// (path, line, field path) of every credential in [`fixture_tree`].
fn expected() -> Vec<(String, u64, String)> {
    [
        ("app/.npmrc", 3, "//registry.npmjs.org/:_authToken"),
        ("etc/npmrc", 2, "_auth"),
        ("home/builder/.pypirc", 8, "pypi.password"),
        ("home/builder/.pypirc", 13, "internal.password"),
    ]
    .iter()
    .map(|(path, line, field)| (path.to_string(), *line, field.to_string()))
    .collect()
}

/// One scan of [`fixture_tree`] with the Python, JavaScript and Rust
/// plugins side by side (and no curated plugin), shared by the tests.
fn scan() -> &'static Value {
    static RESULT: OnceLock<Value> = OnceLock::new();
    RESULT.get_or_init(|| {
        let python = python_plugin();
        let js = js_plugin();
        let rust = fixture_plugin("registry");
        let target = fixture_tree();
        let started = Instant::now();
        let result = scan_json(
            target.path(),
            &[
                "--no-builtin-plugins",
                "--stats",
                "--plugin",
                &python.to_string_lossy(),
                "--plugin",
                &js.to_string_lossy(),
                "--plugin",
                &rust.to_string_lossy(),
            ],
        );
        eprintln!(
            "polyglot: scan (compile or cache load included) in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            result
                .stderr
                .lines()
                .find(|l| l.starts_with("bulkhead-stats"))
                .unwrap_or("")
        );
        // Findings at high severity: exit code 1.
        assert_eq!(result.code, 1, "stderr:\n{}", result.stderr);
        result.json()
    })
}

/// A plugin's findings as (path, line, field path), sorted.
fn found(result: &Value, plugin: &str) -> Vec<(String, u64, String)> {
    let mut found: Vec<_> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == plugin)
        .map(|f| {
            assert_eq!(f["rule_id"], format!("{plugin}/{RULE}"), "{f:#}");
            (
                f["path"].as_str().expect("path").to_string(),
                f["start_line"].as_u64().expect("line"),
                f["field_path"].as_str().expect("field path").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A plugin's findings without what names the plugin, in a stable order.
fn comparable(result: &Value, plugin: &str) -> Vec<Value> {
    let mut findings: Vec<Value> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == plugin)
        .map(|f| {
            let mut f = f.clone();
            let object = f.as_object_mut().expect("finding object");
            object.remove("plugin");
            object.remove("fingerprint");
            object.remove("title");
            let rule = object["rule_id"].as_str().expect("rule id").to_string();
            object.insert(
                "rule_id".into(),
                rule.rsplit('/').next().unwrap_or_default().into(),
            );
            f
        })
        .collect();
    findings.sort_by_key(|f| f.to_string());
    findings
}

fn assert_plugin_ok(result: &Value, id: &str) {
    let entry = crate::support::plugin(result, id);
    assert_eq!(entry["status"], "ok", "{entry:#}");
    assert_eq!(entry["contract"], "0.2.0", "{entry:#}");
    assert!(
        entry["run"]["errors"]
            .as_array()
            .is_some_and(|e| e.is_empty()),
        "{entry:#}"
    );
}

#[test]
fn python_plugin_reports_plaintext_registry_credentials() {
    let result = scan();
    assert_plugin_ok(result, "registry-auth-py");
    assert_eq!(found(result, "registry-auth-py"), expected());
}

#[test]
fn javascript_plugin_reports_plaintext_registry_credentials() {
    let result = scan();
    assert_plugin_ok(result, "registry-auth-js");
    assert_eq!(found(result, "registry-auth-js"), expected());
}

#[test]
fn python_javascript_and_rust_report_identical_findings() {
    let result = scan();
    assert_plugin_ok(result, "registry-auth-rs");
    let rust = comparable(result, "registry-auth-rs");
    assert_eq!(rust.len(), expected().len(), "{rust:#?}");
    assert_eq!(comparable(result, "registry-auth-py"), rust);
    assert_eq!(comparable(result, "registry-auth-js"), rust);
    // The secret went through `report` and is redacted by the host alike.
    assert!(
        rust.iter()
            .any(|f| f["secret"] == "s3****rd" && f["field_path"] == "internal.password"),
        "{rust:#?}"
    );
}

#[test]
fn a_target_without_credentials_gives_no_polyglot_finding() {
    // Build (or reuse) the components first, outside the timing below.
    let (python, js) = (python_plugin(), js_plugin());
    let _ = scan();
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        target.path().join(".npmrc"),
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    )
    .expect("write");
    std::fs::write(
        target.path().join(".pypirc"),
        "[pypi]\npassword = ${PYPI_TOKEN}\n",
    )
    .expect("write");
    let result = scan_json(
        target.path(),
        &[
            "--no-builtin-plugins",
            "--stats",
            "--plugin",
            &python.to_string_lossy(),
            "--plugin",
            &js.to_string_lossy(),
        ],
    );
    assert_eq!(result.code, 0, "stderr:\n{}", result.stderr);
    let json = result.json();
    assert_eq!(json["findings"], Value::Array(Vec::new()), "{json:#}");
    // Both plugins were called (the files passed the host's keyword
    // prefilter) and stayed healthy.
    for id in ["registry-auth-py", "registry-auth-js"] {
        assert_plugin_ok(&json, id);
        assert_eq!(
            crate::support::plugin(&json, id)["run"]["calls"],
            2,
            "{json:#}"
        );
    }
    // The components' compiled code came from the cache filled by the
    // first scan: a large component is compiled once, not per scan.
    let stats = result.stats();
    assert_eq!(stats["compiled"], 0, "{stats}");
    assert_eq!(stats["loaded_from_cache"], 2, "{stats}");
}

#[test]
fn polyglot_plugins_are_listed_with_their_rules() {
    let (python, js) = (python_plugin(), js_plugin());
    let _ = scan();
    let mut command = bulkhead();
    command
        .args(["plugin", "list", "--no-builtin-plugins", "--format", "json"])
        .arg("--plugin")
        .arg(python)
        .arg("--plugin")
        .arg(js);
    let listed = run(command);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let text = &listed.stdout;
    for id in ["registry-auth-py", "registry-auth-js"] {
        assert!(text.contains(id), "{id} missing from:\n{text}");
    }
    assert!(text.contains(RULE), "{text}");
}
