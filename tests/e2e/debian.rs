//! A real image built from real Debian packages by
//! `bench/build-debian-image.sh` (needs the Debian package registry, so it
//! is ignored by default; `.ci/run` runs it with `--ignored`).

use crate::images::finding_keys;
use crate::support::{root, scan_json};

#[test]
#[ignore = "downloads Debian packages; .ci/run runs it"]
fn a_real_debian_image_is_scanned_end_to_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("debian");
    let status = std::process::Command::new(root().join("bench/build-debian-image.sh"))
        .arg(&out)
        .status()
        .expect("run the image build script");
    assert!(status.success(), "building the Debian image failed");

    let mut keys = Vec::new();
    for target in [out.join("layout"), out.join("image.tar")] {
        let run = scan_json(&target, &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let result = run.json();
        let image = &result["target"]["image"];
        assert_eq!(image["os"]["id"], "debian", "{:#}", image["os"]);
        assert!(
            image["os"]["pretty_name"]
                .as_str()
                .is_some_and(|n| n.starts_with("Debian GNU/Linux"))
        );
        assert!(result["summary"]["files_walked"].as_u64() > Some(1000));
        assert!(
            result["errors"].as_array().is_some_and(Vec::is_empty),
            "{:#}",
            result["errors"]
        );
        let aws = result["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule_id"] == "secrets/aws-access-key-id")
            .expect("the deleted .env is still found");
        assert_eq!(aws["path"], "app/.env");
        assert_eq!(aws["layer"]["index"], 1);
        assert_eq!(aws["layer"]["created_by"], "COPY .env run.sh /app/");
        assert_eq!(aws["removed_in_layer"], 2);
        keys.push(finding_keys(&result));
    }
    assert_eq!(
        keys[0], keys[1],
        "OCI layout and docker-archive give the same findings"
    );
}
