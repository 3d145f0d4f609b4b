//! The package inventory: the curated `packages` plugin over an image
//! built from tar bytes, with the host stamping file and layer.

use serde_json::Value;

use crate::imagebuild::{ImageSpec, Item, LayerSpec, gzip_oci_layout};
use crate::support::scan_json;

fn file(path: &'static str, text: &str) -> Item {
    Item::File(path, text.as_bytes().to_vec(), 0o644)
}

const DPKG_STATUS: &str = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n\nPackage: removed-pkg\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n";

/// The OSV database of tests/fixtures/osv-db.
fn fixture_db() -> std::path::PathBuf {
    crate::support::root().join("tests/fixtures/osv-db")
}

/// Scans `target` with the fixture OSV database granted; the scan must
/// succeed.
fn scan_with_fixture_db(target: &std::path::Path) -> Value {
    let db = fixture_db();
    let run = scan_json(
        target,
        &[
            "--severity-threshold",
            "none",
            "--db",
            db.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

/// (name, version, path) of every package of the inventory.
fn package_triples(result: &Value) -> Vec<(String, String, String)> {
    result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let text = |key: &str| p[key].as_str().unwrap_or_default().to_string();
            (text("name"), text("version"), text("path"))
        })
        .collect()
}

/// Names of the packages the osv plugin reported vulnerable.
pub fn vulnerable_names(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "osv/vulnerability")
        .filter_map(|f| f["package"]["name"].as_str().map(str::to_string))
        .collect()
}

/// An image with every supported package source, and a package whose files
/// a later layer deletes.
pub fn inventory_image() -> tempfile::TempDir {
    let spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "ADD rootfs.tar /",
            items: vec![
                file(
                    "etc/os-release",
                    "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
                ),
                file("var/lib/dpkg/status", DPKG_STATUS),
                file(
                    "var/lib/dpkg/status.d/distroless-tzdata",
                    "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n",
                ),
            ],
        },
        LayerSpec {
            created_by: "RUN pip install requests==2.19.0 && npm ci && cargo build",
            items: vec![
                file(
                    "usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA",
                    "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n\nbody text Name: not-this\n",
                ),
                file(
                    "usr/lib/python3/dist-packages/Old_Lib-1.0.egg-info/PKG-INFO",
                    "Metadata-Version: 1.0\nName: Old_Lib\nVersion: 1.0\n",
                ),
                file(
                    "app/node_modules/lodash/package.json",
                    "{\"name\": \"lodash\", \"version\": \"4.17.20\"}",
                ),
                file(
                    "app/node_modules/@babel/core/package.json",
                    "{\"name\": \"@babel/core\", \"version\": \"7.23.0\"}",
                ),
                file(
                    "app/package-lock.json",
                    "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"app\"}, \"node_modules/minimist\": {\"version\": \"1.2.5\"}}}",
                ),
                file(
                    "src/Cargo.lock",
                    "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
                ),
                file(
                    "opt/deleted/six-1.16.0.dist-info/METADATA",
                    "Name: six\nVersion: 1.16.0\n",
                ),
            ],
        },
        LayerSpec {
            created_by: "RUN rm -rf /opt/deleted",
            items: vec![Item::Whiteout("opt/deleted")],
        },
    ]);
    gzip_oci_layout(&spec)
}

#[test]
fn the_inventory_lists_exactly_the_installed_packages_with_purl_and_layer() {
    let dir = inventory_image();
    let matcher = crate::support::fixture_plugin("matcher");
    let run = scan_json(
        dir.path(),
        &[
            "--severity-threshold",
            "none",
            "--plugin",
            matcher.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    let packages: Vec<(String, String, String, String, u64)> = result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p: &Value| {
            (
                p["ecosystem"].as_str().unwrap_or_default().to_string(),
                p["name"].as_str().unwrap_or_default().to_string(),
                p["version"].as_str().unwrap_or_default().to_string(),
                p["purl"].as_str().unwrap_or_default().to_string(),
                p["layer"]["index"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, String, u64)> = [
        (
            "Debian:12",
            "bash",
            "5.2.15-2+b2",
            "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
            0,
        ),
        (
            "Debian:12",
            "libssl3",
            "3.0.11-1~deb12u2",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
            0,
        ),
        (
            "Debian:12",
            "tzdata",
            "2024a-0+deb12u1",
            "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12",
            0,
        ),
        ("PyPI", "Old_Lib", "1.0", "pkg:pypi/old-lib@1.0", 1),
        ("PyPI", "requests", "2.19.0", "pkg:pypi/requests@2.19.0", 1),
        (
            "crates.io",
            "smallvec",
            "1.6.0",
            "pkg:cargo/smallvec@1.6.0",
            1,
        ),
        (
            "npm",
            "@babel/core",
            "7.23.0",
            "pkg:npm/%40babel/core@7.23.0",
            1,
        ),
        ("npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", 1),
        ("npm", "minimist", "1.2.5", "pkg:npm/minimist@1.2.5", 1),
    ]
    .iter()
    .map(|(a, b, c, d, e)| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            *e,
        )
    })
    .collect();
    assert_eq!(
        packages, expected,
        "six (deleted) and removed-pkg (not installed) must be absent"
    );
    let libssl = result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "libssl3")
        .expect("libssl3");
    assert_eq!(libssl["source_name"], "openssl");
    assert_eq!(libssl["path"], "var/lib/dpkg/status");
    assert_eq!(result["summary"]["packages"], 9);

    // The post-scan phase: the matcher saw the merged inventory and the OS,
    // and its finding is located at the file and layer of the package.
    let vulnerable = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "matcher/vulnerable")
        .expect("post-scan finding");
    assert_eq!(
        vulnerable["message"],
        "lodash 4.17.20 is vulnerable (9 packages seen, debian 12)"
    );
    assert_eq!(vulnerable["severity"], "critical");
    assert_eq!(vulnerable["path"], "app/node_modules/lodash/package.json");
    assert_eq!(vulnerable["layer"]["index"], 1);
    assert_eq!(vulnerable["package"]["name"], "lodash");
    assert_eq!(vulnerable["fixed_versions"][0], "4.17.21");
    assert_eq!(vulnerable["aliases"].as_array().map(Vec::len), Some(2));
}

/// (package, severity, path, aliases, fixed versions) of a vulnerability.
type VulnKey = (String, String, String, Vec<String>, Vec<String>);

#[test]
fn the_osv_matcher_reports_exactly_the_affected_packages_with_merged_aliases() {
    let dir = inventory_image();
    let result = scan_with_fixture_db(dir.path());
    let mut found: Vec<VulnKey> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "osv/vulnerability")
        .map(|f| {
            let strings = |v: &Value| {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            (
                f["package"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                strings(&f["aliases"]),
                strings(&f["fixed_versions"]),
            )
        })
        .collect();
    found.sort();
    let expected: Vec<VulnKey> = vec![
        (
            "Old_Lib",
            "medium",
            "usr/lib/python3/dist-packages/Old_Lib-1.0.egg-info/PKG-INFO",
            vec!["PYSEC-0000-last-affected"],
            vec![],
        ),
        (
            "libssl3",
            "medium",
            "var/lib/dpkg/status",
            vec!["DEBIAN-CVE-2024-0727"],
            vec!["3.0.13-1~deb12u1"],
        ),
        (
            "lodash",
            "high",
            "app/node_modules/lodash/package.json",
            vec!["CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"],
            vec!["4.17.21"],
        ),
        (
            "minimist",
            "critical",
            "app/package-lock.json",
            vec!["CVE-2021-44906", "GHSA-xvch-5gv4-984h"],
            vec!["0.2.4", "1.2.6"],
        ),
        (
            "requests",
            "high",
            "usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA",
            vec!["CVE-2018-18074", "GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"],
            vec!["2.20.0"],
        ),
        (
            "smallvec",
            "critical",
            "src/Cargo.lock",
            vec!["CVE-2021-25900", "GHSA-43w2-9j62-hq99", "RUSTSEC-2021-0003"],
            vec!["0.6.14", "1.6.1"],
        ),
    ]
    .into_iter()
    .map(|(a, b, c, d, e)| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.into_iter().map(String::from).collect(),
            e.into_iter().map(String::from).collect(),
        )
    })
    .collect();
    assert_eq!(
        found, expected,
        "withdrawn, limit-bounded, fixed-boundary (DSA-5532-1) and versions-list records must not match"
    );
    // Each finding says which range matched and in which order.
    let mut reasons: Vec<(&str, &str, &str)> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "osv/vulnerability")
        .map(|f| {
            let property = |name| crate::version_suites::property(f, name).unwrap_or("none");
            (
                f["package"]["name"].as_str().unwrap_or_default(),
                property("matched-range"),
                property("version-order"),
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        vec![
            ("Old_Lib", "introduced 0.5, last_affected 1.0", "PEP 440"),
            ("libssl3", "introduced 0, fixed 3.0.13-1~deb12u1", "dpkg"),
            ("lodash", "introduced 0, fixed 4.17.21", "SemVer"),
            ("minimist", "introduced 1.0.0, fixed 1.2.6", "SemVer"),
            ("requests", "introduced 0, fixed 2.20.0", "PEP 440"),
            ("smallvec", "introduced 1.0.0, fixed 1.6.1", "SemVer"),
        ]
    );
    let requests = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["package"]["name"] == "requests")
        .expect("requests");
    assert!(
        requests["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("CVE-2018-18074 in requests 2.19.0 (fixed in 2.20.0)")),
        "{}",
        requests["message"]
    );

    // Without a database the scan says so and everything else still runs.
    let bare = scan_json(dir.path(), &["--severity-threshold", "none"]).json();
    let notes: Vec<&str> = bare["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "osv/no-database")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(notes, vec!["no vulnerability database was granted (--db)"]);
    assert_eq!(bare["summary"]["packages"], 9);
}

/// (ecosystem, name, version, purl, source name, layer) of every package.
type OsPackage = (String, String, String, String, String, u64);

fn os_packages(result: &Value) -> Vec<OsPackage> {
    result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let text = |key: &str| p[key].as_str().unwrap_or_default().to_string();
            let layer = p["layer"]["index"].as_u64().unwrap_or(99);
            (
                text("ecosystem"),
                text("name"),
                text("version"),
                text("purl"),
                text("source_name"),
                layer,
            )
        })
        .collect()
}

fn os_package(e: &str, n: &str, v: &str, purl: &str, source: &str, layer: u64) -> OsPackage {
    (
        e.into(),
        n.into(),
        v.into(),
        purl.into(),
        source.into(),
        layer,
    )
}

#[test]
fn an_alpine_image_told_by_alpine_release_lists_its_final_apk_database() {
    // No os-release: the OS comes from etc/alpine-release. Layer 1 runs
    // `apk add` and rewrites the database; only the final version counts.
    let installed =
        "P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl\n\n";
    let spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "ADD alpine-minirootfs.tar.gz /",
            items: vec![
                file("etc/alpine-release", "3.20.3\n"),
                file("lib/apk/db/installed", installed),
            ],
        },
        LayerSpec {
            created_by: "RUN apk add --no-cache busybox",
            items: vec![file(
                "lib/apk/db/installed",
                &format!("{installed}P:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox\n"),
            )],
        },
    ]);
    let dir = gzip_oci_layout(&spec);
    let result = scan_json(dir.path(), &["--severity-threshold", "none"]).json();
    let apk = |name: &str, version: &str, source: &str| {
        let purl = format!("pkg:apk/alpine/{name}@{version}?arch=x86_64&distro=3.20.3");
        os_package("Alpine:v3.20", name, version, &purl, source, 1)
    };
    assert_eq!(
        os_packages(&result),
        vec![
            apk("busybox", "1.36.1-r29", "busybox"),
            apk("libcrypto3", "3.3.2-r0", "openssl"),
            apk("musl", "1.2.5-r0", "musl"),
        ],
        "each package once, from the database of layer 1"
    );
    let os = &result["target"]["image"]["os"];
    assert_eq!(
        (os["id"].as_str(), os["version_id"].as_str()),
        (Some("alpine"), Some("3.20.3"))
    );
}

#[test]
fn a_debian_image_without_os_release_is_told_by_debian_version() {
    let spec = ImageSpec::new(vec![LayerSpec {
        created_by: "ADD rootfs.tar /",
        items: vec![
            file("etc/debian_version", "12.5\n"),
            file("var/lib/dpkg/status", DPKG_STATUS),
        ],
    }]);
    let dir = gzip_oci_layout(&spec);
    let result = scan_json(dir.path(), &["--severity-threshold", "none"]).json();
    let os = &result["target"]["image"]["os"];
    assert_eq!(
        (os["id"].as_str(), os["version_id"].as_str()),
        (Some("debian"), Some("12"))
    );
    assert_eq!(os["pretty_name"], "Debian GNU/Linux 12.5");
    let ecosystems: Vec<&str> = result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| p["ecosystem"].as_str())
        .collect();
    assert_eq!(
        ecosystems,
        vec!["Debian:12", "Debian:12"],
        "bash and libssl3 (removed-pkg is not installed)"
    );
}

/// A Rocky Linux 9 style image whose rpm database (written by the real
/// `rpm`, tests/fixtures/rpm) sits in /usr/lib/sysimage/rpm behind the
/// /var/lib/rpm symlink, as on current Fedora and RHEL family images; a
/// copy of the database in a directory a later layer deletes.
fn rocky_image() -> tempfile::TempDir {
    let rpmdb = std::fs::read(crate::support::root().join("tests/fixtures/rpm/rpmdb.sqlite"))
        .expect("rpmdb fixture");
    let spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "ADD rocky-9-container.tar.xz /",
            items: vec![
                file(
                    "etc/os-release",
                    "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n",
                ),
                Item::File("usr/lib/sysimage/rpm/rpmdb.sqlite", rpmdb.clone(), 0o644),
                Item::Symlink("var/lib/rpm", "../../usr/lib/sysimage/rpm"),
            ],
        },
        LayerSpec {
            created_by: "COPY old-tool /opt/old-tool",
            items: vec![Item::File(
                "opt/old-tool/var/lib/rpm/rpmdb.sqlite",
                rpmdb.clone(),
                0o644,
            )],
        },
        LayerSpec {
            created_by: "RUN rm -rf /opt/old-tool",
            items: vec![Item::Whiteout("opt/old-tool")],
        },
    ]);
    gzip_oci_layout(&spec)
}

#[test]
fn a_rocky_image_lists_its_rpm_sqlite_database_with_epochs_and_source_packages() {
    let dir = rocky_image();
    let result = scan_with_fixture_db(dir.path());
    let packages = os_packages(&result);
    let names: Vec<&str> = packages.iter().map(|p| p.1.as_str()).collect();
    // tests/fixtures/rpm/expected.txt is what `rpm -qa` listed.
    let mut expected: Vec<&str> = include_str!("../fixtures/rpm/expected.txt")
        .lines()
        .filter_map(|line| line.split('|').next())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert!(packages.iter().all(|p| p.0 == "Rocky Linux:9" && p.5 == 0));
    let find = |name: &str| packages.iter().find(|p| p.1 == name).cloned().expect(name);
    assert_eq!(
        find("openssl-libs"),
        os_package(
            "Rocky Linux:9",
            "openssl-libs",
            "1:3.0.7-25.el9_3",
            "pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rocky-9.3&epoch=1",
            "openssl",
            0
        )
    );
    assert_eq!(find("python3-requests").4, "python-requests");
    let paths: Vec<&str> = result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| p["path"].as_str())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| *p == "usr/lib/sysimage/rpm/rpmdb.sqlite"),
        "{paths:?}"
    );

    // rpm version order with epochs: openssl-libs is before its fix, curl's
    // fix has an epoch that outranks its higher version, bash is exactly at
    // its fix and zlib's record is for another release.
    let mut vulnerable = vulnerable_names(&result);
    vulnerable.sort();
    assert_eq!(vulnerable, vec!["curl", "openssl-libs"]);
    let no_parse_problem = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["rule_id"] != "packages/unreadable-database");
    assert!(no_parse_problem, "{}", result["findings"]);
}

#[test]
fn a_damaged_rpm_database_keeps_what_it_could_read_and_says_why() {
    // Cut the real database after its first leaf pages: the rest of the
    // Packages tree points past the end of the file.
    let rpmdb = std::fs::read(crate::support::root().join("tests/fixtures/rpm/rpmdb.sqlite"))
        .expect("rpmdb fixture");
    let cut = rpmdb[..60 * 4096].to_vec();
    let spec = ImageSpec::new(vec![LayerSpec {
        created_by: "ADD damaged.tar /",
        items: vec![
            file("etc/os-release", "ID=rocky\nVERSION_ID=9.3\n"),
            Item::File("var/lib/rpm/rpmdb.sqlite", cut, 0o644),
        ],
    }]);
    let dir = gzip_oci_layout(&spec);
    let run = scan_json(dir.path(), &["--severity-threshold", "none"]);
    let result = run.json();
    let count = result["packages"].as_array().map_or(0, Vec::len);
    assert!(count > 0 && count < 12, "{count} packages");
    let problem = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "packages/unreadable-database")
        .expect("the damage is reported");
    assert_eq!(problem["path"], "var/lib/rpm/rpmdb.sqlite");
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|m| m.contains("out of the file")),
        "{}",
        problem["message"]
    );
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let dir = crate::support::root().join("tests/schemas/cyclonedx");
    let load = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect("schema")).expect("json")
    };
    let resource = |name: &str| jsonschema::Resource::from_contents(load(name)).expect("resource");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_resource(
            "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
            resource("spdx.SNAPSHOT.schema.json"),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
            resource("jsf-0.82.SNAPSHOT.schema.json"),
        )
        .build(&load("bom-1.6.SNAPSHOT.schema.json"))
        .expect("CycloneDX schema compiles")
}

#[test]
fn cyclonedx_output_validates_and_links_vulnerabilities_to_components() {
    let dir = inventory_image();
    let db = fixture_db();
    let args = [
        "--severity-threshold",
        "none",
        "--db",
        db.to_str().expect("utf-8"),
        "--format",
        "cyclonedx",
    ];
    let mut command = crate::support::bulkhead();
    command.arg("scan").arg(dir.path()).args(args);
    let first = crate::support::run(command);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let bom: Value = serde_json::from_str(&first.stdout).expect("CycloneDX is JSON");
    let validator = cyclonedx_validator();
    let errors: Vec<String> = validator
        .iter_errors(&bom)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = bom.clone();
    broken["components"][0]["type"] = Value::from("not-a-type");
    assert!(
        !validator.is_valid(&broken),
        "the validator rejects a bad document"
    );

    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    assert_eq!(bom["metadata"]["component"]["name"], "test/image:1.0");
    let components = bom["components"].as_array().expect("components");
    assert_eq!(components.len(), 9);
    let refs: Vec<&str> = components
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    let vulnerabilities = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    assert_eq!(vulnerabilities.len(), 6);
    for vulnerability in vulnerabilities {
        let target = vulnerability["affects"][0]["ref"].as_str().expect("ref");
        assert!(refs.contains(&target), "{target} is not a component");
    }
    let requests = vulnerabilities
        .iter()
        .find(|v| v["id"] == "CVE-2018-18074")
        .expect("requests CVE");
    assert_eq!(requests["ratings"][0]["severity"], "high");
    assert_eq!(requests["recommendation"], "Upgrade to 2.20.0");

    let mut again = crate::support::bulkhead();
    again.arg("scan").arg(dir.path()).args(args);
    assert_eq!(
        crate::support::run(again).stdout,
        first.stdout,
        "the same input gives the same SBOM"
    );
}

#[test]
fn spdx_output_validates_and_lists_packages_with_purls_and_advisories() {
    let dir = inventory_image();
    let db = fixture_db();
    let spdx_run = || {
        let mut command = crate::support::bulkhead();
        command
            .arg("scan")
            .arg(dir.path())
            .args([
                "--severity-threshold",
                "none",
                "--format",
                "spdx-json",
                "--db",
            ])
            .arg(&db)
            .env("SOURCE_DATE_EPOCH", "1700000000");
        crate::support::run(command)
    };
    let first = spdx_run();
    assert_eq!(first.code, 0, "{}", first.stderr);
    let document: Value = serde_json::from_str(&first.stdout).expect("SPDX is JSON");
    let schema: Value = serde_json::from_slice(
        &std::fs::read(crate::support::root().join("tests/schemas/spdx-2.3.json")).expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("SPDX 2.3 schema");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = document.clone();
    broken["packages"][10]["externalRefs"][0]["referenceCategory"] = Value::from("NOT-A-CATEGORY");
    assert!(
        !validator.is_valid(&broken),
        "the validator rejects a bad document"
    );

    assert_eq!(document["spdxVersion"], "SPDX-2.3");
    assert_eq!(document["creationInfo"]["created"], "2023-11-14T22:13:20Z");
    let packages = document["packages"].as_array().expect("packages");
    // The image, its OS and the nine packages of the inventory.
    assert_eq!(packages.len(), 11);
    assert_eq!(packages[0]["primaryPackagePurpose"], "CONTAINER");
    assert_eq!(packages[0]["name"], "test/image:1.0");
    let os = packages
        .iter()
        .find(|p| p["primaryPackagePurpose"] == "OPERATING_SYSTEM")
        .expect("OS package");
    assert_eq!(
        (os["name"].as_str(), os["versionInfo"].as_str()),
        (Some("debian"), Some("12"))
    );
    let ids: Vec<&str> = packages
        .iter()
        .filter_map(|p| p["SPDXID"].as_str())
        .collect();
    let relationships = document["relationships"].as_array().expect("relationships");
    assert_eq!(
        relationships.len(),
        11,
        "DESCRIBES the image, which CONTAINS the rest"
    );
    for relationship in relationships {
        let to = relationship["relatedSpdxElement"]
            .as_str()
            .expect("element");
        assert!(ids.contains(&to), "{to} is not a package");
    }
    let requests = packages
        .iter()
        .find(|p| p["name"] == "requests")
        .expect("requests");
    let references: Vec<(&str, &str)> = requests["externalRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| {
            Some((
                r["referenceCategory"].as_str()?,
                r["referenceLocator"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(
        references,
        vec![
            ("PACKAGE-MANAGER", "pkg:pypi/requests@2.19.0"),
            ("SECURITY", "https://osv.dev/vulnerability/CVE-2018-18074"),
        ]
    );
    assert!(
        requests["sourceInfo"]
            .as_str()
            .is_some_and(|s| s.starts_with("found in usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA (layer 1, sha256:")),
        "{}",
        requests["sourceInfo"]
    );
    assert_eq!(
        spdx_run().stdout,
        first.stdout,
        "SOURCE_DATE_EPOCH makes the SBOM reproducible"
    );
}

#[test]
fn osv_all_zip_archives_are_read_like_record_folders() {
    let dir = inventory_image();
    let source = fixture_db();
    let db = tempfile::tempdir().expect("tempdir");
    for folder in ["PyPI", "crates.io", "Debian"] {
        std::fs::create_dir_all(db.path().join(folder)).expect("mkdir");
        for entry in std::fs::read_dir(source.join(folder))
            .expect("read")
            .flatten()
        {
            std::fs::copy(entry.path(), db.path().join(folder).join(entry.file_name()))
                .expect("copy");
        }
    }
    // npm as osv.dev publishes it: npm/all.zip.
    std::fs::create_dir_all(db.path().join("npm")).expect("mkdir");
    let mut archive =
        zip::ZipWriter::new(std::fs::File::create(db.path().join("npm/all.zip")).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in std::fs::read_dir(source.join("npm"))
        .expect("read")
        .flatten()
    {
        archive
            .start_file(entry.file_name().to_string_lossy(), options)
            .expect("start");
        std::io::Write::write_all(&mut archive, &std::fs::read(entry.path()).expect("record"))
            .expect("write");
    }
    archive.finish().expect("finish");

    let result = scan_json(
        dir.path(),
        &[
            "--severity-threshold",
            "none",
            "--db",
            db.path().to_str().expect("utf-8"),
        ],
    )
    .json();
    let mut npm: Vec<&str> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "osv/vulnerability" && f["package"]["ecosystem"] == "npm")
        .filter_map(|f| f["package"]["name"].as_str())
        .collect();
    npm.sort();
    assert_eq!(npm, vec!["lodash", "minimist"]);
}

/// A zip archive with these entries.
fn jar(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).expect("start");
        std::io::Write::write_all(&mut writer, data).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn java_archives_nested_jars_and_manifests_are_inventoried_and_matched() {
    let log4j = jar(&[(
        "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        b"#Created by Apache Maven\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n".to_vec(),
    )]);
    let app = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\n"
                .to_vec(),
        ),
        (
            "META-INF/maven/com.example/shop/pom.properties",
            b"groupId=com.example\nartifactId=shop\nversion=1.4.0\n".to_vec(),
        ),
        ("BOOT-INF/lib/log4j-core-2.14.1.jar", log4j),
    ]);
    let guava = jar(&[(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\nBundle-SymbolicName: com.google.guava\nImplementation-Title: guava\nImplementation-Vendor-Id: com.google.guava\nBundle-Version: 31.1.0\n".to_vec(),
    )]);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("opt/app/lib")).expect("mkdir");
    std::fs::write(dir.path().join("opt/app/shop.jar"), app).expect("write");
    std::fs::write(dir.path().join("opt/app/lib/guava.jar"), guava).expect("write");
    let result = scan_with_fixture_db(dir.path());
    let packages = package_triples(&result);
    assert_eq!(
        packages,
        vec![
            (
                "com.example:shop".to_string(),
                "1.4.0".to_string(),
                "opt/app/shop.jar".to_string()
            ),
            (
                "com.google.guava:guava".to_string(),
                "31.1.0".to_string(),
                "opt/app/lib/guava.jar".to_string()
            ),
            (
                "org.apache.logging.log4j:log4j-core".to_string(),
                "2.14.1".to_string(),
                "opt/app/shop.jar".to_string()
            ),
        ]
    );
    let log4shell = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "osv/vulnerability")
        .expect("Log4Shell");
    assert_eq!(log4shell["severity"], "critical");
    assert_eq!(log4shell["path"], "opt/app/shop.jar");
    assert!(log4shell["message"].as_str().is_some_and(|m| {
        m.starts_with("CVE-2021-44228 in org.apache.logging.log4j:log4j-core 2.14.1")
    }));
}

/// The Go binary of tests/fixtures/go-binary (built by its build.sh) and
/// the Go version that built it.
fn go_fixture() -> (Vec<u8>, String) {
    let dir = crate::support::root().join("tests/fixtures/go-binary");
    let binary = std::fs::read(dir.join("server")).expect("tests/fixtures/go-binary/server");
    let go = std::fs::read_to_string(dir.join("go-version.txt")).expect("go-version.txt");
    (binary, go.trim().to_string())
}

#[test]
fn modules_of_a_go_binary_are_inventoried() {
    let (binary, go_version) = go_fixture();
    let target = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(target.path().join("usr/local/bin")).expect("mkdir");
    let server = target.path().join("usr/local/bin/server");
    std::fs::write(&server, binary).expect("write");
    std::fs::set_permissions(
        &server,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
    )
    .expect("chmod");
    // An executable without Go build information: the keyword prefilter
    // keeps it from the plugin.
    let script = target.path().join("usr/local/bin/script.sh");
    std::fs::write(&script, "#!/bin/sh\necho not go\n").expect("write");
    std::fs::set_permissions(
        &script,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
    )
    .expect("chmod");

    let result = scan_json(target.path(), &["--severity-threshold", "none"]).json();
    let go: Vec<&Value> = result["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["ecosystem"] == "Go")
        .collect();
    let names: Vec<&str> = go.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, vec!["example.com/greeting", "stdlib"], "{go:#?}");
    let greeting = go[0];
    assert_eq!(greeting["version"], "v1.2.3");
    assert_eq!(greeting["purl"], "pkg:golang/example.com/greeting@v1.2.3");
    assert_eq!(
        greeting["source_name"], "../greeting",
        "the replace directive is noted"
    );
    assert_eq!(greeting["path"], "usr/local/bin/server");
    let stdlib = format!("v{}", go_version.trim_start_matches("go"));
    assert_eq!(go[1]["version"], stdlib.as_str(), "{:#}", go[1]);
    let calls = result["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == "go-binaries")
        .expect("plugin")["run"]["calls"]
        .clone();
    assert_eq!(calls, 1, "only the Go binary passes the keyword prefilter");
}

#[test]
fn crates_in_a_cargo_auditable_binary_are_inventoried_and_matched() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The dependency record cargo auditable embeds, zlib-compressed, in a
    // `.dep-v0` section of a real ELF executable.
    let audit = br#"{"packages":[
        {"name":"server","version":"0.3.0","source":"local","root":true,"dependencies":[1,2]},
        {"name":"smallvec","version":"1.6.0","source":"crates.io","dependencies":[]},
        {"name":"regex","version":"1.10.2","source":"crates.io","dependencies":[]}]}"#;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, audit).expect("compress");
    std::fs::write(
        dir.path().join("dep-v0.zz"),
        encoder.finish().expect("compress"),
    )
    .expect("write");
    let target = dir.path().join("target");
    std::fs::create_dir_all(target.join("usr/bin")).expect("mkdir");
    std::fs::copy("/bin/true", target.join("usr/bin/plain")).expect("copy an ELF");
    let status = std::process::Command::new("objcopy")
        .arg("--add-section")
        .arg(format!(
            ".dep-v0={}",
            dir.path().join("dep-v0.zz").display()
        ))
        .args([
            "--set-section-flags",
            ".dep-v0=noload,readonly",
            "/bin/true",
        ])
        .arg(target.join("usr/bin/server"))
        .status()
        .expect("objcopy (binutils)");
    assert!(status.success());

    let result = scan_with_fixture_db(&target);
    let crates = package_triples(&result);
    assert_eq!(
        crates,
        vec![
            (
                "regex".to_string(),
                "1.10.2".to_string(),
                "usr/bin/server".to_string()
            ),
            (
                "smallvec".to_string(),
                "1.6.0".to_string(),
                "usr/bin/server".to_string()
            ),
        ],
        "the local root crate is not a crates.io package; the plain ELF has no record"
    );
    assert_eq!(vulnerable_names(&result), vec!["smallvec"]);
    let calls = result["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == "rust-binaries")
        .expect("plugin")["run"]["calls"]
        .clone();
    assert_eq!(
        calls, 1,
        "only the audited binary passes the keyword prefilter"
    );
}

#[test]
fn a_jar_full_of_compressible_nested_jars_stays_within_budget() {
    let mut entries: Vec<(String, Vec<u8>)> = vec![(
        "META-INF/maven/com.example/bomb/pom.properties".to_string(),
        b"groupId=com.example\nartifactId=bomb\nversion=1.0\n".to_vec(),
    )];
    // Eight nested "jars" of 60 MB of zeros: a few MB compressed, 480 MB
    // inflated, more than the plugin's 256 MiB memory.
    for index in 0..8 {
        entries.push((
            format!("BOOT-INF/lib/filler-{index}.jar"),
            vec![0u8; 60 << 20],
        ));
    }
    let borrowed: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let bomb = jar(&borrowed);
    drop(entries);
    assert!(bomb.len() < 8 << 20, "the archive is small: {}", bomb.len());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bomb.jar"), bomb).expect("write");
    let result = scan_json(dir.path(), &["--severity-threshold", "none"]).json();
    let packages = result["plugins"]
        .as_array()
        .expect("plugins")
        .iter()
        .find(|p| p["id"] == "packages")
        .expect("plugin")
        .clone();
    assert_eq!(packages["status"], "ok", "{packages:#}");
    assert_eq!(
        package_triples(&result),
        vec![(
            "com.example:bomb".to_string(),
            "1.0".to_string(),
            "bomb.jar".to_string()
        )]
    );
}
