//! Contract versions side by side: a plugin built against
//! `bulkhead:plugin@0.1.0` (the prebuilt component in
//! `tests/fixtures/plugins/legacy-v0.1.0`, never rebuilt) runs in the same
//! image scan as the curated 0.2.0 plugins, through every phase (files,
//! image config, post-scan inventory), and settings reach only the plugins
//! whose contract has them.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::imagebuild::{ImageSpec, Item, LayerSpec, gzip_oci_layout};
use crate::support::{findings_of, plugin, root, scan_json};

/// The prebuilt 0.1.0 component.
fn legacy_plugin() -> PathBuf {
    root().join("tests/fixtures/plugins/legacy-v0.1.0/legacy-v0.1.0.wasm")
}

const DPKG_STATUS: &[u8] = b"Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\n";

const PRIVILEGED_POD: &[u8] = b"apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
      securityContext:
        privileged: true
";

/// One image that gives both plugins something in every phase.
fn mixed_image() -> tempfile::TempDir {
    let mut spec = ImageSpec::new(vec![LayerSpec {
        items: vec![
            Item::File(
                "etc/os-release",
                b"ID=debian\nVERSION_ID=\"12\"\n".to_vec(),
                0o644,
            ),
            Item::File("var/lib/dpkg/status", DPKG_STATUS.to_vec(), 0o644),
            Item::File(
                "srv/notes.txt",
                b"ok\nLEGACY-TODO: rotate\n".to_vec(),
                0o644,
            ),
            Item::File("srv/pod.yaml", PRIVILEGED_POD.to_vec(), 0o644),
        ],
        created_by: "COPY . /",
    }]);
    spec.config = json!({ "Labels": { "legacy": "yes" } });
    gzip_oci_layout(&spec)
}

fn rules(result: &Value, plugin_id: &str) -> Vec<String> {
    let mut rules: Vec<String> = findings_of(result, plugin_id)
        .into_iter()
        .map(|(rule, _, _)| rule)
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn a_contract_0_1_plugin_runs_beside_0_2_plugins_in_every_phase() {
    let image = mixed_image();
    let legacy = legacy_plugin();
    let run = scan_json(
        image.path(),
        &[
            "--plugin",
            legacy.to_str().expect("utf-8 path"),
            "--severity-threshold",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    assert_eq!(plugin(&result, "legacy")["contract"], "0.1.0");
    assert_eq!(plugin(&result, "kubernetes")["contract"], "0.2.0");
    assert_eq!(plugin(&result, "legacy")["status"], "ok", "{result:#}");
    assert_eq!(
        rules(&result, "legacy"),
        [
            "legacy/config-label",
            "legacy/inventory-size",
            "legacy/todo-marker"
        ],
        "files, image config and post-scan all reached the 0.1.0 plugin"
    );
    let todo = findings_of(&result, "legacy")
        .into_iter()
        .find(|(rule, _, _)| rule == "legacy/todo-marker")
        .expect("todo finding");
    assert_eq!((todo.1.as_str(), todo.2), ("srv/notes.txt", Some(2)));
    // The 0.2.0 plugins did their part in the same scan: a post-scan
    // (Pod Security) finding with its properties, and the inventory.
    let pss = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["plugin"]["id"] == "kubernetes" && f["path"] == "srv/pod.yaml")
        .unwrap_or_else(|| panic!("a kubernetes finding on the pod: {result:#}"));
    assert!(pss["properties"].is_array(), "{pss:#}");
    assert!(
        result["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .any(|p| p["name"] == "zlib1g"),
        "{result:#}"
    );
}

#[test]
fn a_setting_for_a_contract_0_1_plugin_is_refused_naming_it() {
    let image = mixed_image();
    let legacy = legacy_plugin();
    let run = scan_json(
        image.path(),
        &[
            "--plugin",
            legacy.to_str().expect("utf-8 path"),
            "--plugin-setting",
            "legacy.anything=1",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("legacy"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no result on a refused setting");
}

#[test]
fn the_sdk_carries_the_same_wit_as_the_host() {
    let versions: Vec<String> = std::fs::read_dir(root().join("sdk/wit"))
        .expect("sdk/wit/ (the SDK packages its own copy)")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(versions.iter().any(|v| v == "v0.2.0"), "{versions:?}");
    for version in versions {
        let host = std::fs::read(root().join("wit").join(&version).join("plugin.wit"))
            .expect("wit/ of the host");
        let sdk = std::fs::read(root().join("sdk/wit").join(&version).join("plugin.wit"))
            .expect("sdk/wit/");
        assert!(
            host == sdk,
            "wit/{version} and sdk/wit/{version} differ: copy wit/ into sdk/wit/"
        );
    }
}
