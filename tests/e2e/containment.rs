//! Containment (issue 10): hostile plugins and hostile images, one test per
//! way in. Each must finish within a stated bound, report what happened,
//! keep the other plugins' findings, and leave nothing behind. The bounds
//! are hang detectors, generous for a loaded 2-core machine running debug
//! builds; the measured figures are in docs/security.md (bench/hostile.sh).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::imagebuild::{self, Compression, ImageSpec, Item, LayerSpec, write_oci_layout};
use crate::images::AWS_KEY;
use crate::support::{
    Measured, assert_secret_found, bulkhead, findings_of, fixture_plugin, measured, plugin,
    target_with_secret,
};

/// `bulkhead scan TARGET --format json EXTRA...`, measured.
fn scan(case: &str, target: &Path, extra: &[&str]) -> Measured {
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(target)
        .args(["--format", "json", "--no-progress"])
        .args(extra);
    measured(case, command)
}

fn with_plugin(name: &str, extra: &[&str]) -> Vec<String> {
    let wasm = fixture_plugin(name);
    let mut args = vec![
        "--plugin".to_string(),
        wasm.to_str().expect("utf-8").to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

fn args(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

fn assert_within(measured: &Measured, bound: Duration) {
    assert!(
        measured.wall < bound,
        "took {:?} (bound {bound:?}); stderr: {}",
        measured.wall,
        measured.run.stderr
    );
}

// ---------------------------------------------------------------------------
// Hostile plugins.
// ---------------------------------------------------------------------------

#[test]
fn a_plugin_sleeping_in_wasi_is_timed_out_at_the_deadline() {
    let dir = target_with_secret();
    for index in 0..4 {
        std::fs::write(dir.path().join(format!("sleep-{index}.txt")), "z").expect("write");
    }
    let plugin_args = with_plugin("sleeper", &["--plugin-timeout", "2"]);
    let out = scan("plugin sleeps in WASI", dir.path(), &args(&plugin_args));
    // Four files, but the first timeout switches the plugin off: one
    // deadline, not four, and never the ten minutes it asked for.
    assert_within(&out, Duration::from_secs(30));
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    let result = out.run.json();
    let sleeper = plugin(&result, "sleeper");
    assert_eq!(sleeper["status"], "timed-out", "{sleeper:#}");
    // One timeout per worker at most (each may have started a call).
    let timed_out = sleeper["run"]["timed_out"].as_u64().unwrap_or(0);
    assert!((1..=2).contains(&timed_out), "{sleeper:#}");
    assert!(sleeper["run"]["skipped_calls"].as_u64() >= Some(1));
    assert_secret_found(&result);
}

#[test]
fn regex_compile_and_search_worst_cases_are_refused_or_timed_out() {
    let dir = target_with_secret();
    let mut big = std::fs::File::create(dir.path().join("regex-here.txt")).expect("create");
    let line = "abcdefghij-klmnopqrst.uvwxyz0123456789_ABCDEFGHIJ-".repeat(20) + "\n";
    for _ in 0..20_000 {
        big.write_all(line.as_bytes()).expect("write");
    }
    drop(big);
    let plugin_args = with_plugin("regexer", &["--plugin-timeout", "3"]);
    let out = scan("regex compile and search", dir.path(), &args(&plugin_args));
    assert_within(&out, Duration::from_secs(60));
    let result = out.run.json();
    let regexer = plugin(&result, "regexer");
    assert_eq!(regexer["status"], "timed-out", "{regexer:#}");
    let refusals: Vec<String> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == "regexer")
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        refusals
            .iter()
            .any(|m| m.starts_with("300 patterns: 300 patterns; at most 256")),
        "{refusals:?}"
    );
    assert!(
        refusals
            .iter()
            .any(|m| m.starts_with("huge pattern: pattern 0 does not compile")),
        "{refusals:?}"
    );
    assert!(
        refusals
            .iter()
            .any(|m| m.contains("at most 1024 regex patterns per plugin instance")),
        "the per-plugin compile budget: {refusals:?}"
    );
    assert_secret_found(&result);
}

#[test]
fn megabyte_paths_are_refused_before_any_resolution() {
    let dir = target_with_secret();
    std::fs::write(dir.path().join("path-here.txt"), "p").expect("write");
    let plugin_args = with_plugin("pather", &[]);
    let out = scan(
        "1 MB paths to open and list-dir",
        dir.path(),
        &args(&plugin_args),
    );
    assert_within(&out, Duration::from_secs(30));
    let result = out.run.json();
    assert_eq!(plugin(&result, "pather")["status"], "ok");
    assert_eq!(
        findings_of(&result, "pather"),
        vec![(
            "pather/answered".to_string(),
            "path-here.txt".to_string(),
            None
        )]
    );
    let message = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["plugin"]["id"] == "pather")
        .map(|f| f["message"].clone());
    assert_eq!(message, Some(Value::from("opened 0, listed 0")));
    assert_secret_found(&result);
}

#[test]
fn maximum_size_findings_over_many_files_stop_at_the_byte_budgets() {
    let dir = target_with_secret();
    for index in 0..20 {
        std::fs::write(dir.path().join(format!("spam-{index}.txt")), "s").expect("write");
    }
    crate::support::warm_compile_cache(&[&fixture_plugin("spammer")]);
    let plugin_args = with_plugin("spammer", &["--plugin-timeout", "60"]);
    let out = scan(
        "maximum-size findings over 20 files",
        dir.path(),
        &args(&plugin_args),
    );
    assert_within(&out, Duration::from_secs(300));
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    let result = out.run.json();
    let spammer = plugin(&result, "spammer");
    assert_eq!(spammer["status"], "truncated", "{spammer:#}");
    let caps = spammer["run"]["caps_hit"].to_string();
    assert!(
        caps.contains("bytes-per-call") && caps.contains("bytes-per-plugin"),
        "{caps}"
    );
    assert!(spammer["run"]["dropped_findings"].as_u64() > Some(3_000));
    // 64 MiB of kept findings at most, plus their JSON rendering.
    assert!(out.peak_mib < 400.0, "peak RSS {} MiB", out.peak_mib);
    assert_secret_found(&result);

    // A gate that must not pass a cut result says so.
    let mut strict = plugin_args.clone();
    strict.push("--fail-on-plugin-error".into());
    let out = scan(
        "maximum-size findings, --fail-on-plugin-error",
        dir.path(),
        &args(&strict),
    );
    assert_eq!(out.run.code, 3, "{}", out.run.stderr);
}

#[test]
fn a_huge_max_file_size_is_clamped_to_the_host_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("small.bin"), "s").expect("write");
    let big = std::fs::File::create(dir.path().join("big.bin")).expect("create");
    big.set_len(100 << 20).expect("sparse 100 MiB");
    let plugin_args = with_plugin("greedy", &["--no-builtin-plugins"]);
    let out = scan("max-file-size 2^64-1", dir.path(), &args(&plugin_args));
    assert_eq!(out.run.code, 0, "{}", out.run.stderr);
    let result = out.run.json();
    let got: Vec<String> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["path"], f["message"]))
        .collect();
    assert_eq!(got, vec!["\"small.bin\" \"1 bytes\""]);

    let mut larger = plugin_args.clone();
    larger.extend(["--max-file-size-mib".to_string(), "128".to_string()]);
    let result = scan(
        "max-file-size raised to 128 MiB by the user",
        dir.path(),
        &args(&larger),
    )
    .run
    .json();
    assert_eq!(result["findings"].as_array().map(Vec::len), Some(2));

    let mut list = bulkhead();
    list.args(["plugin", "list", "--format", "json", "--no-builtin-plugins"])
        .args(&plugin_args[..2]);
    let listed = crate::support::run(list).json();
    assert_eq!(listed[0]["interests"]["max_file_size"], 64u64 << 20);
}

#[test]
fn thousands_of_keywords_and_globs_are_refused_at_load() {
    let dir = target_with_secret();
    let plugin_args = with_plugin("wordy", &[]);
    let out = scan("5,000 keywords and globs", dir.path(), &args(&plugin_args));
    assert_within(&out, Duration::from_secs(30));
    assert_eq!(out.run.code, 2);
    assert!(
        out.run.stderr.contains("declares 5000 globs (at most 512)"),
        "{}",
        out.run.stderr
    );
}

#[test]
fn escape_sequences_never_reach_the_terminal() {
    let dir = target_with_secret();
    std::fs::write(dir.path().join("escape-here\x1b[2J.txt"), "e").expect("write");
    let wasm = fixture_plugin("escaper");
    let mut command = bulkhead();
    command
        .arg("scan")
        .arg(dir.path())
        .args(["--no-progress", "--show-secrets", "--plugin"])
        .arg(&wasm);
    let out = measured("escape sequences in every field", command);
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    let table = &out.run.stdout;
    for (name, evil) in [
        ("ESC", "\x1b"),
        ("BEL", "\x07"),
        ("CSI", "\u{9b}"),
        ("RLO", "\u{202e}"),
    ] {
        assert!(!table.contains(evil), "{name} reached the table:\n{table}");
        assert!(!out.run.stderr.contains(evil), "{name} reached stderr");
    }
    assert!(table.contains("message\\x1b[2J"), "{table}");
    assert!(table.contains("field\\x1b"), "{table}");
    assert!(table.contains("secret\\x1b"), "{table}");
    assert!(table.contains("escape-here\\x1b[2J.txt"), "{table}");
    assert!(table.contains("1.0\\x1b"), "the version: {table}");

    let mut list = bulkhead();
    list.args(["plugin", "list", "--plugin"]).arg(&wasm);
    let listed = crate::support::run(list);
    assert!(!listed.stdout.contains('\x1b'), "{}", listed.stdout);
}

#[cfg(unix)]
#[test]
fn fifos_in_a_granted_or_scanned_directory_are_never_opened() {
    let outer = tempfile::tempdir().expect("tempdir");
    let db = outer.path().join("db");
    std::fs::create_dir_all(db.join("records")).expect("mkdir");
    std::fs::write(db.join("records/one.json"), "{}").expect("write");
    let target = outer.path().join("target");
    std::fs::create_dir_all(&target).expect("mkdir");
    std::fs::write(target.join("read-here.txt"), "trigger\n").expect("write");
    for fifo in [db.join("pipe"), target.join("pipe-in-target")] {
        let path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("c path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
    }
    let grant = format!("reader:vulnerability-db={}", db.display());
    let plugin_args = with_plugin(
        "reader",
        &[
            "--no-builtin-plugins",
            "--plugin-timeout",
            "5",
            "--grant",
            &grant,
        ],
    );
    let out = scan(
        "FIFO in granted and scanned directories",
        &target,
        &args(&plugin_args),
    );
    assert_within(&out, Duration::from_secs(30));
    let result = out.run.json();
    assert_eq!(plugin(&result, "reader")["status"], "ok", "{result:#}");
    let messages: Vec<&str> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"/data/pipe: refused (PermissionDenied)"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"pipe-in-target: refused"),
        "{messages:?}"
    );
}

// ---------------------------------------------------------------------------
// Hostile images.
// ---------------------------------------------------------------------------

/// A first layer with a secret every image test checks is still found.
fn secret_layer() -> LayerSpec {
    LayerSpec {
        created_by: "COPY app /app",
        items: vec![Item::File(
            "app/.env",
            format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n").into_bytes(),
            0o644,
        )],
    }
}

fn assert_image_secret_found(result: &Value) {
    let found = findings_of(result, "secrets");
    assert!(
        found
            .iter()
            .any(|(rule, path, _)| rule == "secrets/aws-access-key-id" && path == "app/.env"),
        "{found:?}"
    );
}

/// Writes `built` as an OCI layout in a new temporary directory.
fn layout_of(built: &imagebuild::Built, compression: Compression) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_oci_layout(built, compression, dir.path());
    dir
}

/// A layer whose `etc/os-release` is a symlink to `target`, written with a
/// GNU long link entry as tar does for targets over 100 bytes.
fn long_link_layer(target: &[u8]) -> LayerSpec {
    let mut data = target.to_vec();
    data.push(0);
    LayerSpec {
        created_by: "RUN ln -s",
        items: vec![
            Item::Raw(b"././@LongLink".to_vec(), b'K', data.len() as u64, data, ""),
            Item::Symlink("etc/os-release", "x"),
        ],
    }
}

#[test]
fn long_and_deep_symlinks_at_os_release_are_refused_quickly() {
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "600 KB symlink at etc/os-release",
            format!("/{}", "a/".repeat(300_000)).into_bytes(),
            "name, link or PAX records are over 262144 bytes",
        ),
        (
            "100 KB symlink at etc/os-release",
            format!("/{}", "a/".repeat(50_000)).into_bytes(),
            "link target longer than 65536 bytes; entry skipped",
        ),
        (
            "60 KB symlink of 30,000 components",
            "a/".repeat(30_000).into_bytes(),
            "",
        ),
    ];
    for (case, target, expected) in cases {
        let spec = ImageSpec::new(vec![secret_layer(), long_link_layer(&target)]);
        let built = imagebuild::build(&spec, Compression::Gzip);
        let dir = layout_of(&built, Compression::Gzip);
        let out = scan(case, dir.path(), &["--keep-going"]);
        assert_within(&out, Duration::from_secs(60));
        assert_eq!(out.run.code, 1, "{case}: {}", out.run.stderr);
        let result = out.run.json();
        assert!(result["target"]["image"]["os"].is_null(), "{case}");
        let layer = result["target"]["image"]["layers"][1].to_string();
        assert!(layer.contains(expected), "{case}: {layer}");
        assert_image_secret_found(&result);
    }
}

#[test]
fn one_blob_listed_a_thousand_times_is_read_once() {
    let spec = ImageSpec::new(vec![secret_layer()]);
    let mut built = imagebuild::build(&spec, Compression::Gzip);
    let layer = built.layers[0].clone();
    built.layers = vec![layer; 1_000];
    let repeated = ImageSpec::new(vec![secret_layer(); 1_000]);
    let built = imagebuild::assemble(&repeated, built.layers);
    let dir = layout_of(&built, Compression::Gzip);
    let out = scan("one blob listed 1,000 times", dir.path(), &[]);
    assert_within(&out, Duration::from_secs(60));
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    let result = out.run.json();
    assert_eq!(result["complete"], true);
    assert_eq!(
        result["target"]["image"]["layers"].as_array().map(Vec::len),
        Some(1_000)
    );
    assert_image_secret_found(&result);
}

/// A gzip layer whose first entry is a GNU long name of `size` bytes of
/// `a`, streamed into the encoder so the test never holds it whole.
fn long_name_layer(size: u64) -> (String, Vec<u8>) {
    use sha2::{Digest, Sha256};
    let mut header = tar::Header::new_gnu();
    header.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
    header.set_entry_type(tar::EntryType::new(b'L'));
    header.set_size(size);
    header.set_mode(0o644);
    header.set_cksum();
    let mut hasher = Sha256::new();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut write = |bytes: &[u8]| {
        hasher.update(bytes);
        encoder.write_all(bytes).expect("gzip");
    };
    write(header.as_bytes());
    let chunk = vec![b'a'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let take = left.min(chunk.len() as u64) as usize;
        write(&chunk[..take]);
        left -= take as u64;
    }
    let pad = (512 - size % 512) % 512;
    write(&vec![0u8; pad as usize]);
    let file = imagebuild::layer_tar(&[Item::File("x", b"x".to_vec(), 0o644)]);
    write(&file);
    let diff_id = format!("sha256:{:x}", hasher.finalize());
    (diff_id, encoder.finish().expect("gzip"))
}

#[test]
fn a_gibibyte_long_name_is_refused_without_buffering_it() {
    let secret = imagebuild::build(&ImageSpec::new(vec![secret_layer()]), Compression::Gzip);
    let layers = vec![secret.layers[0].clone(), long_name_layer(1 << 30)];
    let spec = ImageSpec::new(vec![
        secret_layer(),
        LayerSpec {
            created_by: "ADD long /",
            items: Vec::new(),
        },
    ]);
    let built = imagebuild::assemble(&spec, layers);
    let dir = layout_of(&built, Compression::Gzip);
    crate::support::warm_compile_cache(&[]);
    let out = scan("GiB-long entry name", dir.path(), &[]);
    assert_within(&out, Duration::from_secs(120));
    assert_eq!(out.run.code, 2, "incomplete: {}", out.run.stderr);
    let result = out.run.json();
    assert_eq!(result["complete"], false);
    assert!(
        result["errors"]
            .to_string()
            .contains("name, link or PAX records are over 262144 bytes"),
        "{}",
        result["errors"]
    );
    assert!(out.peak_mib < 300.0, "peak RSS {} MiB", out.peak_mib);
    assert_image_secret_found(&result);
}

#[test]
fn a_layer_replacing_a_huge_directory_over_and_over_is_linear() {
    let mut items: Vec<Item> = (0..50_000)
        .map(|i| {
            Item::File(
                Box::leak(format!("d/f{i}").into_boxed_str()),
                Vec::new(),
                0o644,
            )
        })
        .collect();
    items.extend((0..50_000).map(|_| Item::File("d", Vec::new(), 0o644)));
    let spec = ImageSpec::new(vec![
        secret_layer(),
        LayerSpec {
            created_by: "RUN churn",
            items,
        },
    ]);
    let built = imagebuild::build(&spec, Compression::Gzip);
    let dir = layout_of(&built, Compression::Gzip);
    let out = scan("50,000 d/fN then 50,000 d", dir.path(), &[]);
    assert_within(&out, Duration::from_secs(120));
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    assert_image_secret_found(&out.run.json());
}

#[test]
fn a_non_utf8_whiteout_hides_only_the_file_with_its_exact_name() {
    let spec = ImageSpec::new(vec![
        secret_layer(),
        LayerSpec {
            created_by: "COPY build /",
            items: vec![Item::Raw(
                b"\xff/Dockerfile".to_vec(),
                b'0',
                24,
                b"FROM debian:latest\nRUN x\n"[..24].to_vec(),
                "",
            )],
        },
        LayerSpec {
            created_by: "RUN rm -rf /\\xfe",
            items: vec![Item::Raw(b".wh.\xfe".to_vec(), b'0', 0, Vec::new(), "")],
        },
    ]);
    let built = imagebuild::build(&spec, Compression::Gzip);
    let dir = layout_of(&built, Compression::Gzip);
    let out = scan("colliding non-UTF-8 whiteout", dir.path(), &[]);
    assert_eq!(out.run.code, 1, "{}", out.run.stderr);
    let result = out.run.json();
    // The dockerfile plugin only sees the final filesystem: the file is
    // there, because the whiteout named another (byte-different) path.
    let dockerfile = findings_of(&result, "dockerfile");
    assert!(
        dockerfile
            .iter()
            .any(|(_, path, _)| path == "\u{fffd}/Dockerfile"),
        "{dockerfile:?}"
    );
    assert_image_secret_found(&result);
}

#[test]
fn a_zstd_bomb_stops_at_the_limit() {
    let spec = ImageSpec::new(vec![
        secret_layer(),
        LayerSpec {
            created_by: "ADD bomb /",
            items: vec![Item::File("bomb.bin", vec![0u8; 64 << 20], 0o644)],
        },
    ]);
    let built = imagebuild::build(&spec, Compression::Zstd);
    assert!(built.layers[1].1.len() < 1 << 20, "small when compressed");
    let dir = layout_of(&built, Compression::Zstd);
    let out = scan("zstd bomb", dir.path(), &["--max-layer-size-mib", "8"]);
    assert_within(&out, Duration::from_secs(60));
    assert_eq!(out.run.code, 2, "{}", out.run.stderr);
    let result = out.run.json();
    assert!(
        result["errors"]
            .to_string()
            .contains("inflates past the 8388608 byte limit"),
        "{}",
        result["errors"]
    );
    assert_image_secret_found(&result);
}

#[test]
fn bombs_in_several_layers_stop_at_the_image_limit() {
    // Three different blobs (the same blob listed thrice is read once).
    let bomb = |name: &'static str| LayerSpec {
        created_by: "ADD bomb /",
        items: vec![Item::File(name, vec![0u8; 40 << 20], 0o644)],
    };
    let spec = ImageSpec::new(vec![
        secret_layer(),
        bomb("bomb1.bin"),
        bomb("bomb2.bin"),
        bomb("bomb3.bin"),
    ]);
    let built = imagebuild::build(&spec, Compression::Gzip);
    let dir = layout_of(&built, Compression::Gzip);
    let out = scan(
        "bombs in three layers",
        dir.path(),
        &["--max-layer-size-mib", "64", "--max-image-size-mib", "100"],
    );
    assert_within(&out, Duration::from_secs(60));
    assert_eq!(out.run.code, 2, "{}", out.run.stderr);
    let result = out.run.json();
    assert!(
        result["errors"]
            .to_string()
            .contains("together inflate past the image's byte limit"),
        "{}",
        result["errors"]
    );
    assert_image_secret_found(&result);
}

/// A lockfile of `count` crates, each with one OSV record that affects it,
/// in `dir/target` and `dir/db/crates.io/all.zip`.
fn many_vulnerable_crates(dir: &Path, count: usize) {
    let target = dir.join("target");
    std::fs::create_dir_all(&target).expect("mkdir");
    let mut lock = String::from("version = 3\n");
    for index in 0..count {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"crate-{index}\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    std::fs::write(target.join("Cargo.lock"), lock).expect("write lock");
    std::fs::create_dir_all(dir.join("db/crates.io")).expect("mkdir");
    let file = std::fs::File::create(dir.join("db/crates.io/all.zip")).expect("create");
    let mut archive = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for index in 0..count {
        let record = serde_json::json!({
            "id": format!("RUSTSEC-2099-{index:05}"),
            "modified": "2026-01-01T00:00:00Z",
            "summary": "test record",
            "affected": [{
                "package": { "ecosystem": "crates.io", "name": format!("crate-{index}") },
                "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": "2.0.0" }] }]
            }]
        });
        archive
            .start_file(format!("RUSTSEC-2099-{index:05}.json"), options)
            .expect("start");
        archive
            .write_all(record.to_string().as_bytes())
            .expect("write record");
    }
    archive.finish().expect("finish");
}

#[test]
fn more_than_ten_thousand_vulnerabilities_are_all_reported_from_one_post_scan_call() {
    const CRATES: usize = 12_000;
    let dir = tempfile::tempdir().expect("tempdir");
    many_vulnerable_crates(dir.path(), CRATES);
    let db = dir.path().join("db");
    let out = scan(
        "12,000 vulnerabilities from one post-scan call",
        &dir.path().join("target"),
        // The point is the caps, not speed: a loaded machine gets time.
        &[
            "--db",
            db.to_str().expect("utf-8"),
            "--plugin-timeout",
            "100",
        ],
    );
    assert_within(&out, Duration::from_secs(120));
    let result = out.run.json();
    let osv = plugin(&result, "osv");
    assert_eq!(osv["status"], "ok", "{osv:#}");
    assert_eq!(osv["run"]["dropped_findings"], 0, "{osv:#}");
    let reported = findings_of(&result, "osv")
        .iter()
        .filter(|(rule, _, _)| rule == "osv/vulnerability")
        .count();
    assert_eq!(reported, CRATES, "every vulnerable crate is reported");
}
