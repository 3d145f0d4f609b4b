//! Hostile plugins, built from `tests/plugins/`, loaded beside the curated
//! secrets plugin. Each must be contained and reported, and the secrets
//! plugin's finding must still be in the output.

use std::os::unix::fs::symlink;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{
    assert_secret_found, bulkhead, findings_of, fixture_plugin, plugin, scan_json,
    target_with_secret,
};

fn scan_with(name: &str, target: &std::path::Path, extra: &[&str]) -> Value {
    let wasm = fixture_plugin(name);
    let mut args = vec!["--plugin", wasm.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    let run = scan_json(target, &args);
    assert_eq!(
        run.code, 1,
        "findings exist, so exit 1; stderr: {}",
        run.stderr
    );
    run.json()
}

#[test]
fn a_plugin_that_loops_forever_is_timed_out_and_the_scan_finishes() {
    let dir = target_with_secret();
    for index in 0..5 {
        std::fs::write(dir.path().join(format!("more-{index}.txt")), "x").expect("write");
    }
    let started = Instant::now();
    let result = scan_with("looper", dir.path(), &["--plugin-timeout", "0.5"]);
    let elapsed = started.elapsed();
    let looper = plugin(&result, "looper");
    assert_eq!(looper["status"], "timed-out");
    assert!(looper["run"]["timed_out"].as_u64() >= Some(1));
    // After the first timeout the plugin is not called again, so six files
    // do not cost six deadlines.
    assert!(
        looper["run"]["skipped_calls"].as_u64() >= Some(1),
        "{looper:#}"
    );
    assert!(elapsed < Duration::from_secs(60), "scan took {elapsed:?}");
    assert_secret_found(&result);
}

#[test]
fn a_plugin_that_allocates_without_bound_is_capped() {
    let dir = target_with_secret();
    let result = scan_with("hog", dir.path(), &["--plugin-memory", "64"]);
    let hog = plugin(&result, "hog");
    assert_eq!(hog["status"], "out-of-memory", "{hog:#}");
    assert_secret_found(&result);
}

#[test]
fn a_panicking_plugin_is_reported_as_failed_with_its_message() {
    let dir = target_with_secret();
    let result = scan_with("panicker", dir.path(), &[]);
    let panicker = plugin(&result, "panicker");
    assert_eq!(panicker["status"], "failed");
    let errors = panicker["run"]["errors"].to_string();
    assert!(errors.contains("panicker refuses"), "{errors}");
    // A fresh instance is made after each trap: every file got its call.
    assert_eq!(panicker["run"]["calls"], panicker["run"]["failed"]);
    assert!(panicker["run"]["calls"].as_u64() >= Some(1));
    assert_secret_found(&result);
}

#[test]
fn a_plugin_cannot_read_host_files_environment_or_network() {
    let outer = tempfile::tempdir().expect("tempdir");
    // A file beside the target that `..` would reach.
    std::fs::write(
        outer.path().join("outside.txt"),
        "root:x:0:0:root:/root:/bin/sh\n",
    )
    .expect("write");
    let target = outer.path().join("target");
    std::fs::create_dir_all(target.join("app")).expect("mkdir");
    std::fs::write(
        target.join("app/.env"),
        "MODE=prod\nAWS_ACCESS_KEY_ID=AKIA2OGYBAH6RKWQLQ7P\n",
    )
    .expect("write");
    std::fs::write(target.join("snoop-here.txt"), "trigger\n").expect("write");
    symlink("/etc/passwd", target.join("link-to-passwd")).expect("symlink");

    let wasm = fixture_plugin("snooper");
    let mut command = bulkhead();
    command
        .env("BULKHEAD_TEST_SECRET_ENV", "should-not-be-visible")
        .arg("scan")
        .arg(&target)
        .args([
            "--format",
            "json",
            "--plugin",
            wasm.to_str().expect("utf-8"),
        ]);
    let run = crate::support::run(command);
    let result = run.json();
    let snooper = findings_of(&result, "snooper");
    assert_eq!(
        snooper,
        crate::support::contained(),
        "{:#}",
        result["findings"]
    );
    assert_eq!(plugin(&result, "snooper")["status"], "ok");
    // The walker did not follow the link either.
    assert!(!run.stdout.contains("root:x:0:0"));
    assert_secret_found(&result);
}

#[test]
fn a_flood_of_findings_and_a_huge_string_are_capped() {
    let dir = target_with_secret();
    std::fs::write(dir.path().join("flood-here.txt"), "trigger\n").expect("write");
    let report = tempfile::NamedTempFile::new().expect("temp file");
    let wasm = fixture_plugin("flooder");
    crate::support::warm_compile_cache(&[&wasm]);
    let stderr = tempfile::NamedTempFile::new().expect("temp file");
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(dir.path())
        .args([
            "--format",
            "json",
            "--max-findings-per-call",
            "1000",
            "--plugin-timeout",
            "60",
            "--output",
        ])
        .arg(report.path())
        .args(["--plugin", wasm.to_str().expect("utf-8"), "--stats"])
        .stdout(Stdio::null())
        .stderr(stderr.reopen().expect("reopen"));
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also reads its peak RSS"
    )]
    let child = command.spawn().expect("spawn");
    let (code, peak_rss_kib) = wait_with_peak_rss(child.id() as i32);
    assert_eq!(code, 1);
    let result: Value =
        serde_json::from_slice(&std::fs::read(report.path()).expect("report")).expect("json");
    crate::support::assert_valid_scan(&result);

    let flooder = plugin(&result, "flooder");
    let kept = findings_of(&result, "flooder").len();
    assert_eq!(kept, 1000, "the per-call cap");
    assert_eq!(flooder["run"]["dropped_findings"], 1_000_001 - 1000);
    let longest = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().map_or(0, str::len))
        .max()
        .unwrap_or(0);
    assert!(
        longest <= 4 << 10,
        "the 100 MB message was kept at {longest} bytes"
    );
    // Guest memory (the 100 MB string lives there) plus one lifted copy;
    // what the host keeps is capped in bytes (4 MiB per call).
    assert!(
        peak_rss_kib < 450 * 1024,
        "peak RSS {peak_rss_kib} KiB; stderr: {}",
        std::fs::read_to_string(stderr.path()).unwrap_or_default()
    );
    assert_secret_found(&result);
}

#[test]
fn findings_for_undeclared_rules_are_rejected() {
    let dir = target_with_secret();
    std::fs::write(dir.path().join("lie-here.txt"), "trigger\n").expect("write");
    let result = scan_with("liar", dir.path(), &[]);
    let liar = plugin(&result, "liar");
    assert_eq!(liar["status"], "failed");
    assert_eq!(liar["run"]["rejected_findings"], 2);
    assert_eq!(
        findings_of(&result, "liar"),
        vec![(
            "liar/declared".to_string(),
            "lie-here.txt".to_string(),
            Some(1)
        )]
    );
    // No finding claims to come from the secrets plugin except its own.
    for finding in result["findings"].as_array().expect("findings") {
        let rule = finding["rule_id"].as_str().expect("rule");
        let id = finding["plugin"]["id"].as_str().expect("plugin id");
        assert!(
            rule.starts_with(&format!("{id}/")),
            "{rule} reported by {id}"
        );
    }
    assert_secret_found(&result);
}

#[test]
fn strict_mode_turns_plugin_failures_into_exit_3() {
    let dir = target_with_secret();
    let wasm = fixture_plugin("panicker");
    let run = scan_json(
        dir.path(),
        &[
            "--plugin",
            wasm.to_str().expect("utf-8"),
            "--fail-on-plugin-error",
        ],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
}

/// Waits for `pid` and returns its exit code and peak resident set (KiB).
///
/// The peak is the high-water mark of the child's own memory (`VmHWM` in
/// /proc), polled every 2 ms until it exits. Not `wait4`'s `ru_maxrss`:
/// Linux carries the spawning process's peak across `exec` into it, so a
/// child of this (large) test process would report the test's memory.
pub fn wait_with_peak_rss(pid: i32) -> (i32, i64) {
    let mut peak_kib = 0i64;
    loop {
        if let Some(hwm) = high_water_kib(pid) {
            peak_kib = peak_kib.max(hwm);
        }
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain data; wait4 fills it for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(waited >= 0, "wait4 failed");
        if waited == pid {
            let code = if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                -1
            };
            return (code, peak_kib);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// `VmHWM` of a running process, KiB (none once it has exited).
fn high_water_kib(pid: i32) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[test]
fn a_granted_data_directory_is_readable_read_only_and_confined() {
    let outer = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        outer.path().join("outside.txt"),
        "root:x:0:0:root:/root:/bin/sh\n",
    )
    .expect("write");
    let db = outer.path().join("db");
    std::fs::create_dir_all(db.join("records")).expect("mkdir");
    std::fs::write(db.join("records/one.json"), "{\"id\": \"GHSA-1\"}").expect("write");
    let target = outer.path().join("target");
    std::fs::create_dir_all(&target).expect("mkdir");
    std::fs::write(target.join("read-here.txt"), "trigger\n").expect("write");
    let wasm = fixture_plugin("reader");
    let wasm = wasm.to_str().expect("utf-8");

    let granted = scan_json(
        &target,
        &[
            "--no-builtin-plugins",
            "--plugin",
            wasm,
            "--grant",
            &format!("reader:vulnerability-db={}", db.display()),
        ],
    );
    assert_eq!(granted.code, 0, "{}", granted.stderr);
    let result = granted.json();
    let messages: Vec<String> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["rule_id"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        messages,
        vec!["reader/read: read 16 bytes from /data/records/one.json"]
    );
    assert!(!db.join("planted.txt").exists(), "the grant is read-only");

    let ungranted = scan_json(&target, &["--no-builtin-plugins", "--plugin", wasm]).json();
    assert_eq!(ungranted["findings"][0]["message"], "no data directory");

    let unknown = scan_json(
        &target,
        &[
            "--no-builtin-plugins",
            "--plugin",
            wasm,
            "--grant",
            &format!("reader:osv-db={}", db.display()),
        ],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("cannot grant \"osv-db\" to plugin reader"),
        "{}",
        unknown.stderr
    );

    // A grant belongs to the plugin it names: `--db` grants the curated
    // osv plugin, never another plugin that asks for the same name.
    let not_osv = scan_json(
        &target,
        &[
            "--no-builtin-plugins",
            "--plugin",
            wasm,
            "--db",
            db.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(not_osv.code, 2);
    assert!(
        not_osv
            .stderr
            .contains("to plugin \"osv\": no such plugin is loaded"),
        "{}",
        not_osv.stderr
    );
}
