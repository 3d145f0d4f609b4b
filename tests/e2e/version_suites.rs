//! osv-scanner's version comparison suites through the real binary: for
//! each ecosystem, a target with one package per suite line at version A
//! (read by the curated inventory where it reads that ecosystem, else by
//! the `lister` test plugin) and an OSV database with one record per line,
//! `introduced 0, fixed B`. The package must be reported exactly when
//! A < B. The suites are fetched by scripts/version-suites.sh (see
//! tests/data/README.md); these tests fail, saying so, without them.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};

use crate::support::{fixture_plugin, scan_json, upstream_suite};

/// How the packages of a suite reach the inventory.
#[derive(Clone, Copy)]
enum Vehicle {
    /// `var/lib/dpkg/status` of a Debian 12 image.
    Dpkg,
    /// `lib/apk/db/installed` of an Alpine 3.20 image.
    Apk,
    /// A `*.dist-info/METADATA` per package.
    PythonMetadata,
    /// One jar with a `pom.properties` per package.
    Jar,
    /// An installed gem specification per package.
    Gemspecs,
    /// A .NET `*.deps.json`.
    DepsJson,
    /// An npm `package-lock.json` (v3).
    PackageLock,
    /// A `Cargo.lock`.
    CargoLock,
    /// The lister test plugin's `*.inventory` file.
    Lister,
}

/// The suite files of an ecosystem and how its packages are installed.
struct Suite {
    ecosystem: &'static str,
    files: &'static [&'static str],
    vehicle: Vehicle,
}

/// Where the suites are (scripts/upstream-suites fetches them).
fn suite_dir() -> PathBuf {
    upstream_suite("osv-scanner-versions")
}

/// One comparison line: versions A and B, and whether A < B.
struct Line {
    a: String,
    b: String,
    less: bool,
}

/// Every comparison line of the suite's files.
fn lines(files: &[&str]) -> Vec<Line> {
    let dir = suite_dir();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|err| panic!("{}: {err}", dir.join(file).display()));
        for line in text.lines() {
            if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") {
                continue;
            }
            let pieces: Vec<&str> = line.split(' ').collect();
            let [a, op, b] = pieces.as_slice() else {
                panic!("{file}: not `A op B`: {line:?}");
            };
            out.push(Line {
                a: a.to_string(),
                b: b.to_string(),
                less: *op == "<",
            });
        }
    }
    out
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// Package name of line `index`.
fn name(index: usize) -> String {
    format!("p{index}")
}

/// The name the inventory and the records give package `p<index>`: Maven
/// names are `group:artifact`.
fn package_name(vehicle: Vehicle, index: usize) -> String {
    match vehicle {
        Vehicle::Jar => format!("org.example:{}", name(index)),
        _ => name(index),
    }
}

/// Installs package `p<i>` at version A of every line into `target`.
fn install(target: &Path, vehicle: Vehicle, ecosystem: &str, versions: &[&str]) {
    let each = |f: &dyn Fn(usize, &str) -> String| -> String {
        versions.iter().enumerate().map(|(i, v)| f(i, v)).collect()
    };
    match vehicle {
        Vehicle::Dpkg => {
            write(
                &target.join("etc/os-release"),
                b"ID=debian\nVERSION_ID=\"12\"\n",
            );
            let status = each(&|i, v| {
                format!(
                    "Package: {}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {v}\n\n",
                    name(i)
                )
            });
            write(&target.join("var/lib/dpkg/status"), status.as_bytes());
        }
        Vehicle::Apk => {
            write(
                &target.join("etc/os-release"),
                b"ID=alpine\nVERSION_ID=3.20.3\n",
            );
            let installed = each(&|i, v| format!("P:{}\nV:{v}\nA:x86_64\n\n", name(i)));
            write(&target.join("lib/apk/db/installed"), installed.as_bytes());
        }
        Vehicle::PythonMetadata => {
            for (i, v) in versions.iter().enumerate() {
                let metadata = format!("Metadata-Version: 2.1\nName: {}\nVersion: {v}\n", name(i));
                let dir = format!("site-packages/{}-{i}.dist-info/METADATA", name(i));
                write(&target.join(dir), metadata.as_bytes());
            }
        }
        Vehicle::Jar => {
            let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (i, v) in versions.iter().enumerate() {
                let path = format!("META-INF/maven/org.example/{}/pom.properties", name(i));
                writer.start_file(path, options).expect("start");
                let properties =
                    format!("groupId=org.example\nartifactId={}\nversion={v}\n", name(i));
                writer.write_all(properties.as_bytes()).expect("write");
            }
            let bytes = writer.finish().expect("finish").into_inner();
            write(&target.join("opt/app/app.jar"), &bytes);
        }
        Vehicle::Gemspecs => {
            for (i, v) in versions.iter().enumerate() {
                let spec = format!(
                    "Gem::Specification.new do |s|\n  s.name = \"{}\".freeze\n  s.version = \"{v}\"\nend\n",
                    name(i)
                );
                let path = format!("usr/local/bundle/specifications/{}-{i}.gemspec", name(i));
                write(&target.join(path), spec.as_bytes());
            }
        }
        Vehicle::DepsJson => {
            let libraries: serde_json::Map<String, Value> = versions
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{}/{v}", name(i)), json!({"type": "package"})))
                .collect();
            let deps = json!({"libraries": libraries});
            write(
                &target.join("app/app.deps.json"),
                deps.to_string().as_bytes(),
            );
        }
        Vehicle::PackageLock => {
            let packages: serde_json::Map<String, Value> = versions
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("node_modules/{}", name(i)), json!({"version": v})))
                .collect();
            let lock = json!({"lockfileVersion": 3, "packages": packages});
            write(
                &target.join("app/package-lock.json"),
                lock.to_string().as_bytes(),
            );
        }
        Vehicle::CargoLock => {
            let lock =
                each(&|i, v| format!("[[package]]\nname = \"{}\"\nversion = \"{v}\"\n\n", name(i)));
            write(
                &target.join("src/Cargo.lock"),
                format!("version = 3\n\n{lock}").as_bytes(),
            );
        }
        Vehicle::Lister => {
            let listed = each(&|i, v| format!("{ecosystem}\t{}\t{v}\n", name(i)));
            write(&target.join("packages.inventory"), listed.as_bytes());
        }
    }
}

/// The inventory ecosystem of a suite's packages (the OS ones carry
/// their release).
fn inventory_ecosystem(suite: &Suite) -> &'static str {
    match suite.vehicle {
        Vehicle::Dpkg => "Debian:12",
        Vehicle::Apk => "Alpine:v3.20",
        _ => suite.ecosystem,
    }
}

/// An OSV database with one record per line, `introduced 0, fixed B`, as
/// the `all.zip` osv.dev publishes per ecosystem.
fn database(db: &Path, vehicle: Vehicle, ecosystem: &str, fixed: &[&str]) {
    let folder = db.join(ecosystem.split(':').next().unwrap_or(ecosystem));
    std::fs::create_dir_all(&folder).expect("mkdir");
    let mut writer =
        zip::ZipWriter::new(std::fs::File::create(folder.join("all.zip")).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, b) in fixed.iter().enumerate() {
        let record = json!({
            "id": format!("SUITE-{i}"),
            "summary": "version suite line",
            "affected": [{
                "package": {"ecosystem": ecosystem, "name": package_name(vehicle, i)},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": b}]}],
            }],
        });
        writer
            .start_file(format!("SUITE-{i}.json"), options)
            .expect("start");
        writer
            .write_all(record.to_string().as_bytes())
            .expect("write");
    }
    writer.finish().expect("finish");
}

/// The value of a finding property (`properties` is a list of
/// `{name, value}`).
pub fn property<'a>(finding: &'a Value, name: &str) -> Option<&'a str> {
    finding["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?["value"]
        .as_str()
}

/// Runs one suite through the binary; panics listing every line where
/// the report and A < B disagree.
fn run_suite(suite: &Suite) {
    let lines = lines(suite.files);
    assert!(!lines.is_empty(), "{}: no lines", suite.ecosystem);
    let versions: Vec<&str> = lines.iter().map(|line| line.a.as_str()).collect();
    let fixed: Vec<&str> = lines.iter().map(|line| line.b.as_str()).collect();
    let ecosystem = inventory_ecosystem(suite);
    let scratch = tempfile::tempdir().expect("tempdir");
    let work = match std::env::var_os("BULKHEAD_KEEP_SUITE_TARGETS") {
        Some(dir) => keep(Path::new(&dir), suite, &lines),
        None => scratch.path().to_path_buf(),
    };
    let (target, db) = (work.join("target"), work.join("db"));
    install(&target, suite.vehicle, ecosystem, &versions);
    database(&db, suite.vehicle, ecosystem, &fixed);

    let lister = fixture_plugin("lister");
    let mut args = vec![
        "--severity-threshold",
        "none",
        "--db",
        db.to_str().expect("utf-8"),
        "--max-findings-per-call",
        "1000000",
        "--plugin-timeout",
        "600",
        "--stats",
    ];
    if matches!(suite.vehicle, Vehicle::Lister) {
        args.extend(["--plugin", lister.to_str().expect("utf-8")]);
    }
    let started = Instant::now();
    let run = scan_json(&target, &args);
    let wall = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();

    let inventoried = result["packages"].as_array().map_or(0, Vec::len);
    assert_eq!(
        inventoried,
        lines.len(),
        "{}: every line's package is in the inventory",
        suite.ecosystem
    );
    let mut reported: HashMap<String, Value> = HashMap::new();
    for finding in result["findings"].as_array().expect("findings") {
        if finding["rule_id"] == "osv/vulnerability" {
            let package = finding["package"]["name"].as_str().unwrap_or_default();
            reported.insert(package.to_string(), finding.clone());
        }
    }
    let mut wrong = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if reported.contains_key(&package_name(suite.vehicle, i)) != line.less {
            let op = if line.less { "<" } else { ">=" };
            wrong.push(format!(
                "{} {op} {} expected, reported: {}",
                line.a, line.b, !line.less
            ));
        }
    }
    // Each finding says why: the range it matched and the one order the
    // ecosystem uses.
    let orders: BTreeSet<String> = reported
        .values()
        .map(|f| property(f, "version-order").unwrap_or("?").to_string())
        .collect();
    assert!(
        orders.len() <= 1 && !orders.contains("?"),
        "{}: every finding names the one version order used: {orders:?}",
        suite.ecosystem
    );
    for (index, fixed_version) in fixed.iter().enumerate() {
        if let Some(finding) = reported.get(&package_name(suite.vehicle, index)) {
            assert_eq!(
                property(finding, "matched-range"),
                Some(format!("introduced 0, fixed {fixed_version}").as_str()),
                "{finding:#}"
            );
        }
    }
    // `--stats` prints each plugin's busy time on standard error.
    let busy = run
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("bulkhead-stats "))
        .and_then(|stats| serde_json::from_str::<Value>(stats).ok())
        .map_or(Value::Null, |stats| {
            stats["plugins"]["osv"]["busy_ms"].clone()
        });
    eprintln!(
        "{} | {} of {} agree | {:?} | osv busy {busy} ms | scan {:.1} s",
        suite.ecosystem,
        lines.len() - wrong.len(),
        lines.len(),
        orders,
        wall.as_secs_f64()
    );
    assert!(
        wrong.is_empty(),
        "{}: {} of {} lines disagree:\n{}",
        suite.ecosystem,
        wrong.len(),
        lines.len(),
        wrong.join("\n")
    );
}

/// With `BULKHEAD_KEEP_SUITE_TARGETS=DIR`, the suite's target and database
/// are written to `DIR/<ecosystem>/` and kept, with `expected.txt` (`p<i>`
/// and 1 where A < B), for bench/version-suites.py to time release builds
/// on.
fn keep(dir: &Path, suite: &Suite, lines: &[Line]) -> PathBuf {
    let work = dir.join(suite.ecosystem.replace(' ', "-"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("mkdir");
    let expected: String = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let name = package_name(suite.vehicle, i);
            format!("{name}\t{}\n", u8::from(line.less))
        })
        .collect();
    write(&work.join("expected.txt"), expected.as_bytes());
    let lister = matches!(suite.vehicle, Vehicle::Lister);
    write(&work.join("needs-lister"), if lister { b"1" } else { b"0" });
    work
}

macro_rules! suite_test {
    ($test:ident, $ecosystem:literal, $vehicle:ident, [$($file:literal),+]) => {
        #[test]
        #[ignore = "needs the upstream suites: scripts/upstream-suites"]
        fn $test() {
            run_suite(&Suite {
                ecosystem: $ecosystem,
                files: &[$($file),+],
                vehicle: Vehicle::$vehicle,
            });
        }
    };
}

suite_test!(
    debian_suite_through_the_binary,
    "Debian",
    Dpkg,
    ["debian-versions.txt", "debian-versions-generated.txt"]
);
suite_test!(
    alpine_suite_through_the_binary,
    "Alpine",
    Apk,
    ["alpine-versions.txt", "alpine-versions-generated.txt"]
);
suite_test!(
    pypi_suite_through_the_binary,
    "PyPI",
    PythonMetadata,
    ["pypi-versions.txt", "pypi-versions-generated.txt"]
);
suite_test!(
    maven_suite_through_the_binary,
    "Maven",
    Jar,
    ["maven-versions.txt", "maven-versions-generated.txt"]
);
suite_test!(
    rubygems_suite_through_the_binary,
    "RubyGems",
    Gemspecs,
    ["rubygems-versions.txt", "rubygems-versions-generated.txt"]
);
suite_test!(
    nuget_suite_through_the_binary,
    "NuGet",
    DepsJson,
    ["nuget-versions.txt"]
);
suite_test!(
    npm_suite_through_the_binary,
    "npm",
    PackageLock,
    ["semver-versions.txt"]
);
suite_test!(
    crates_io_suite_through_the_binary,
    "crates.io",
    CargoLock,
    ["semver-versions.txt"]
);
suite_test!(
    go_suite_through_the_binary,
    "Go",
    Lister,
    ["semver-versions.txt"]
);
suite_test!(
    red_hat_suite_through_the_binary,
    "Red Hat",
    Lister,
    ["redhat-versions.txt"]
);
suite_test!(
    packagist_suite_through_the_binary,
    "Packagist",
    Lister,
    ["packagist-versions.txt", "packagist-versions-generated.txt"]
);
suite_test!(
    cran_suite_through_the_binary,
    "CRAN",
    Lister,
    ["cran-versions.txt", "cran-versions-generated.txt"]
);
