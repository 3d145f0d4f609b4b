//! Hostile images: none may crash the host, hang, write outside a temp
//! area or read a host path. Each gets a clear error (or a warning on the
//! layer) and the rest of the image is still scanned unless `--strict`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::imagebuild::{self, Compression, ImageSpec, Item, LayerSpec, digest, write_oci_layout};
use crate::images::{AWS_KEY, GITHUB_PAT};
use crate::support::{Run, bulkhead, findings_of, fixture_plugin, plugin, run};

/// A base layer with a secret that must still be found whatever the other
/// layers do.
fn good_layer() -> LayerSpec {
    LayerSpec {
        created_by: "ADD base.tar /",
        items: vec![Item::File(
            "etc/app.env",
            format!("MODE=1\nAWS_ACCESS_KEY_ID={AWS_KEY}\n").into_bytes(),
            0o644,
        )],
    }
}

fn assert_good_layer_scanned(result: &Value) {
    let secrets = findings_of(result, "secrets");
    assert!(
        secrets.contains(&(
            "secrets/aws-access-key-id".to_string(),
            "etc/app.env".to_string(),
            Some(2)
        )),
        "the intact layer's finding is missing: {secrets:?}"
    );
}

/// Scans `target` from an empty working directory and checks nothing was
/// written there or beside the target.
fn scan_contained(target: &Path, extra: &[&str]) -> Run {
    let workdir = tempfile::tempdir().expect("tempdir");
    let parent = target.parent().expect("parent");
    let before = list(parent);
    let mut command = bulkhead();
    command
        .current_dir(workdir.path())
        .arg("scan")
        .arg(target)
        .args(["--format", "json"])
        .args(extra);
    let output = run(command);
    assert_eq!(
        list(workdir.path()),
        Vec::<String>::new(),
        "the scan wrote into its working directory"
    );
    assert_eq!(list(parent), before, "the scan wrote beside the target");
    output
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn layout(
    spec: &ImageSpec,
    compression: Compression,
) -> (tempfile::TempDir, std::path::PathBuf, imagebuild::Built) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("image");
    let built = imagebuild::build(spec, compression);
    write_oci_layout(&built, compression, &path);
    (dir, path, built)
}

fn layer_errors(result: &Value) -> String {
    result["errors"].to_string()
}

/// A scan that had to leave a layer out fails closed (exit 2) with the
/// report still written and marked incomplete; `--keep-going` accepts the
/// partial result and exits on the findings alone.
fn assert_incomplete(target: &Path, extra: &[&str]) -> Run {
    let output = scan_contained(target, extra);
    assert_eq!(
        output.code, 2,
        "an incomplete scan fails closed: {}",
        output.stderr
    );
    assert!(output.stderr.contains("incomplete"), "{}", output.stderr);
    assert_eq!(output.json()["complete"], false);
    let mut keep_going = extra.to_vec();
    keep_going.push("--keep-going");
    let partial = scan_contained(target, &keep_going);
    assert_eq!(partial.code, 1, "{}", partial.stderr);
    output
}

#[test]
fn entries_with_dot_dot_or_absolute_paths_stay_inside_the_image() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "COPY evil /",
            items: vec![
                raw_file(
                    b"../../../escape.env",
                    format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n"),
                ),
                raw_file(b"/abs/creds.env", format!("GITHUB_TOKEN={GITHUB_PAT}\n")),
            ],
        },
    ]);
    let (dir, path, _) = layout(&spec, Compression::Gzip);
    let output = scan_contained(&path, &[]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let result = output.json();
    assert_good_layer_scanned(&result);
    let warnings = result["target"]["image"]["layers"][1]["warnings"].to_string();
    assert!(
        warnings.contains("../../../escape.env") && warnings.contains("leaves the image root"),
        "{warnings}"
    );
    let secrets = findings_of(&result, "secrets");
    assert!(
        secrets.contains(&(
            "secrets/github-pat".to_string(),
            "abs/creds.env".to_string(),
            Some(1)
        )),
        "{secrets:?}"
    );
    assert!(
        secrets.iter().all(|(_, path, _)| !path.contains("..")),
        "{secrets:?}"
    );
    assert!(!dir.path().join("escape.env").exists());
}

#[test]
fn links_pointing_out_of_the_image_never_reach_host_files() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "RUN ln -s",
            items: vec![
                Item::File("snoop-here.txt", b"trigger\n".to_vec(), 0o644),
                Item::Symlink("link-to-passwd", "../../../../../../../etc/passwd"),
                Item::Symlink("etc/abs-passwd", "/etc/passwd"),
                Item::Raw(
                    b"etc/shadow-link".to_vec(),
                    b'1',
                    0,
                    Vec::new(),
                    "../../../../etc/shadow",
                ),
            ],
        },
    ]);
    let (_dir, path, _) = layout(&spec, Compression::Gzip);
    let snooper = fixture_plugin("snooper");
    let output = scan_contained(&path, &["--plugin", snooper.to_str().expect("utf-8")]);
    let result = output.json();
    assert_eq!(
        findings_of(&result, "snooper"),
        crate::support::contained(),
        "{:#}",
        result["findings"]
    );
    assert!(!output.stdout.contains("root:x:0:0"));
    let warnings = result["target"]["image"]["layers"][1]["warnings"].to_string();
    assert!(
        warnings.contains("hard link leaves the image root"),
        "{warnings}"
    );
    assert_good_layer_scanned(&result);
}

#[test]
fn hard_link_cycles_do_not_hang_the_scan() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "RUN ln",
            items: vec![
                Item::Hardlink("cycle/a", "cycle/b"),
                Item::Hardlink("cycle/b", "cycle/a"),
                Item::Raw(b"cycle/self".to_vec(), b'1', 0, Vec::new(), "cycle/self"),
                Item::File("snoop-here.txt", b"trigger\n".to_vec(), 0o644),
                Item::Symlink("link-to-passwd", "cycle/a"),
            ],
        },
    ]);
    let (_dir, path, _) = layout(&spec, Compression::Gzip);
    let snooper = fixture_plugin("snooper");
    let started = std::time::Instant::now();
    let output = scan_contained(&path, &["--plugin", snooper.to_str().expect("utf-8")]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let result = output.json();
    assert_eq!(plugin(&result, "snooper")["status"], "ok");
    let warnings = result["target"]["image"]["layers"][1]["warnings"].to_string();
    assert!(warnings.contains("hard link to itself"), "{warnings}");
    assert_good_layer_scanned(&result);
}

#[test]
fn a_gzip_bomb_stops_at_the_limit_and_the_other_layers_are_scanned() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "ADD bomb /",
            items: vec![Item::File("bomb.bin", vec![0u8; 64 << 20], 0o644)],
        },
    ]);
    let (_dir, path, built) = layout(&spec, Compression::Gzip);
    assert!(
        built.layers[1].1.len() < 1 << 20,
        "the bomb is small when compressed"
    );
    let output = assert_incomplete(&path, &["--max-layer-size-mib", "8"]);
    let result = output.json();
    let errors = layer_errors(&result);
    assert!(
        errors.contains("layer 1") && errors.contains("inflates past the 8388608 byte limit"),
        "{errors}"
    );
    assert!(result["target"]["image"]["layers"][1]["error"].is_string());
    assert_good_layer_scanned(&result);

    let strict = scan_contained(&path, &["--max-layer-size-mib", "8", "--strict"]);
    assert_eq!(strict.code, 2);
    assert!(strict.stderr.contains("inflates past"), "{}", strict.stderr);
}

fn broken_layer_image(
    compression: Compression,
    damage: impl Fn(&mut Vec<u8>),
) -> (tempfile::TempDir, std::path::PathBuf) {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "COPY data /",
            items: vec![Item::File(
                "data/blob.bin",
                (0..400_000u32).flat_map(|i| i.to_le_bytes()).collect(),
                0o644,
            )],
        },
    ]);
    let mut built = imagebuild::build(&spec, compression);
    damage(&mut built.layers[1].1);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("image");
    // Digests are computed over the damaged blob, so the stream itself is
    // what fails, not the digest check.
    write_oci_layout(&built, compression, &path);
    (dir, path)
}

#[test]
fn truncated_and_corrupt_streams_are_named_and_skipped() {
    type Damage = Box<dyn Fn(&mut Vec<u8>)>;
    let cases: [(Compression, &str, Damage); 3] = [
        (
            Compression::Gzip,
            "gzip",
            Box::new(|blob: &mut Vec<u8>| blob.truncate(blob.len() / 2)),
        ),
        (
            Compression::Zstd,
            "zstd",
            Box::new(|blob: &mut Vec<u8>| blob.truncate(blob.len() / 2)),
        ),
        (
            Compression::Gzip,
            "gzip",
            Box::new(|blob: &mut Vec<u8>| {
                let middle = blob.len() / 2;
                for byte in &mut blob[middle..middle + 64] {
                    *byte ^= 0x5a;
                }
            }),
        ),
    ];
    for (compression, name, damage) in cases {
        let (_dir, path) = broken_layer_image(compression, damage);
        let output = assert_incomplete(&path, &[]);
        let result = output.json();
        let errors = layer_errors(&result);
        assert!(
            errors.contains("layer 1")
                && (errors.contains(&format!("corrupt or truncated {name} stream"))
                    || errors.contains("digest mismatch")),
            "{name}: {errors}"
        );
        assert_good_layer_scanned(&result);
    }
}

#[test]
fn a_ten_gigabyte_entry_without_data_is_a_truncated_layer() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "ADD huge /",
            items: vec![Item::Raw(
                b"huge.bin".to_vec(),
                b'0',
                10 << 30,
                Vec::new(),
                "",
            )],
        },
    ]);
    let mut built = imagebuild::build(&spec, Compression::Gzip);
    // The builder padded a tar end marker; a real attacker stops right there.
    let tar = imagebuild::layer_tar(&spec.layers[1].items);
    built.layers[1] = (digest(&tar), imagebuild::compress(&tar, Compression::Gzip));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("image");
    write_oci_layout(&built, Compression::Gzip, &path);
    let started = std::time::Instant::now();
    let output = scan_contained(&path, &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let result = output.json();
    let errors = layer_errors(&result);
    assert!(
        errors.contains("layer 1") && errors.contains("truncated"),
        "{errors}"
    );
    assert_good_layer_scanned(&result);
}

#[test]
fn a_manifest_naming_a_missing_blob_is_an_error_naming_it() {
    let spec = ImageSpec::new(vec![good_layer(), good_layer()]);
    let (_dir, path, built) = layout(&spec, Compression::Gzip);
    let missing = digest(&built.layers[1].1);
    std::fs::remove_file(path.join("blobs/sha256").join(&missing[7..])).expect("remove blob");
    let output = scan_contained(&path, &[]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains(&missing) && output.stderr.contains("missing"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_blob_that_does_not_match_its_digest_is_named_and_left_out() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "COPY more /",
            items: vec![Item::File(
                "more/creds.env",
                format!("GITHUB_TOKEN={GITHUB_PAT}\n").into_bytes(),
                0o644,
            )],
        },
    ]);
    let (_dir, path, built) = layout(&spec, Compression::Gzip);
    let declared = digest(&built.layers[1].1);
    // Same length, different content: a swapped blob.
    let other = imagebuild::compress(
        &imagebuild::layer_tar(&[Item::File(
            "more/creds.env",
            b"GITHUB_TOKEN=none\n".to_vec(),
            0o644,
        )]),
        Compression::Gzip,
    );
    std::fs::write(path.join("blobs/sha256").join(&declared[7..]), other).expect("swap blob");
    let output = assert_incomplete(&path, &[]);
    let result = output.json();
    let errors = layer_errors(&result);
    assert!(
        errors.contains(&format!("digest mismatch for blob {declared}")),
        "{errors}"
    );
    assert!(
        findings_of(&result, "secrets")
            .iter()
            .all(|(_, path, _)| path != "more/creds.env")
    );
    assert_good_layer_scanned(&result);
}

#[test]
fn non_utf8_file_names_are_scanned_under_a_lossy_name() {
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "COPY latin1 /",
            items: vec![raw_file(
                b"caf\xe9/creds.env",
                format!("GITHUB_TOKEN={GITHUB_PAT}\n"),
            )],
        },
    ]);
    let (_dir, path, _) = layout(&spec, Compression::Gzip);
    let result = scan_contained(&path, &[]).json();
    let secrets = findings_of(&result, "secrets");
    assert!(
        secrets.contains(&(
            "secrets/github-pat".to_string(),
            "caf\u{fffd}/creds.env".to_string(),
            Some(1)
        )),
        "{secrets:?}"
    );
    assert_good_layer_scanned(&result);
}

#[test]
fn a_million_tiny_files_keep_memory_bounded() {
    let files = 1_000_000u32;
    let dir = tempfile::tempdir().expect("tempdir");
    // Stream the layer straight into gzip: 512 MB of tar headers.
    let mut hasher = Sha256::new();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for index in 0..files {
        let mut header = tar::Header::new_gnu();
        header
            .set_path(format!("m/{:03}/{index:07}", index % 1000))
            .expect("path");
        header.set_size(0);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        hasher.update(header.as_bytes());
        encoder.write_all(header.as_bytes()).expect("write");
    }
    hasher.update([0u8; 1024]);
    encoder.write_all(&[0u8; 1024]).expect("write");
    let blob = encoder.finish().expect("gzip");
    let diff_id = format!("sha256:{}", hex(&hasher.finalize()));
    let base = imagebuild::layer_tar(&good_layer().items);
    let spec = ImageSpec::new(vec![
        good_layer(),
        LayerSpec {
            created_by: "RUN touch many",
            items: vec![],
        },
    ]);
    let built = imagebuild::assemble(
        &spec,
        vec![
            (
                digest(&base),
                imagebuild::compress(&base, Compression::Gzip),
            ),
            (diff_id, blob),
        ],
    );
    let path = dir.path().join("image");
    write_oci_layout(&built, Compression::Gzip, &path);

    let report = dir.path().join("report.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_bulkhead"));
    command
        .env("BULKHEAD_CACHE_DIR", crate::support::shared_cache())
        .arg("scan")
        .arg(&path)
        .args(["--format", "json", "--output"])
        .arg(&report)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4, which also reads its peak RSS"
    )]
    let child = command.spawn().expect("spawn");
    let (code, peak_kib) = crate::sandbox::wait_with_peak_rss(child.id() as i32);
    assert_eq!(code, 1);
    let result: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    assert_eq!(
        result["target"]["image"]["layers"][1]["entries"],
        json!(files)
    );
    assert_good_layer_scanned(&result);
    // The layer index costs about a hundred bytes a file; the 512 MB of
    // tar is never held.
    assert!(
        peak_kib < 600 * 1024,
        "peak RSS {peak_kib} KiB for {files} files"
    );
}

#[test]
fn nested_indexes_are_bounded_and_a_self_referencing_index_is_refused() {
    let spec = ImageSpec::new(vec![good_layer()]);
    let (_dir, path, _) = layout(&spec, Compression::Gzip);
    let index: Value =
        serde_json::from_slice(&std::fs::read(path.join("index.json")).expect("index"))
            .expect("json");

    // Nine levels of real, correctly hashed nested indexes: past the limit.
    let mut top = index.clone();
    for _ in 0..9 {
        let bytes = serde_json::to_vec(&top).expect("json");
        let name = digest(&bytes);
        std::fs::write(path.join("blobs/sha256").join(&name[7..]), &bytes).expect("write");
        top = json!({ "schemaVersion": 2, "manifests": [{ "mediaType": "application/vnd.oci.image.index.v1+json", "digest": name, "size": bytes.len() }] });
    }
    std::fs::write(
        path.join("index.json"),
        serde_json::to_vec(&top).expect("json"),
    )
    .expect("write");
    let output = scan_contained(&path, &[]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("nest deeper than 8"),
        "{}",
        output.stderr
    );

    // An index blob that lists itself: content addressing makes a real
    // cycle impossible, so the blob cannot match its name.
    let fake = format!("sha256:{}", "e".repeat(64));
    let looping = json!({ "schemaVersion": 2, "manifests": [{ "mediaType": "application/vnd.oci.image.index.v1+json", "digest": fake, "size": 10 }] });
    std::fs::write(
        path.join("blobs/sha256").join(&fake[7..]),
        serde_json::to_vec(&looping).expect("json"),
    )
    .expect("write");
    std::fs::write(
        path.join("index.json"),
        serde_json::to_vec(&looping).expect("json"),
    )
    .expect("write");
    let output = scan_contained(&path, &[]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains(&format!("digest mismatch for blob {fake}")),
        "{}",
        output.stderr
    );
}

/// A regular file entry whose name bytes are written as given.
fn raw_file(name: &[u8], text: String) -> Item {
    let data = text.into_bytes();
    Item::Raw(name.to_vec(), b'0', data.len() as u64, data, "")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
