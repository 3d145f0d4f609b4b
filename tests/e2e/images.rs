//! Container images built by the tests from tar bytes, scanned end to end.

use serde_json::{Value, json};

use crate::imagebuild::{
    self, Compression, ImageSpec, Item, LayerSpec, write_docker_25, write_docker_classic,
    write_oci_archive, write_oci_layout,
};
use crate::support::scan_json;

pub const AWS_KEY: &str = "AKIA2OGYBAH6RKWQLQ7P";
pub const GITHUB_PAT: &str = "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";
pub const SLACK_TOKEN: &str = "xoxb-3012345678901-4012345678901-Zq8XrT5vLm2NpK7wYb3HcD9s";
pub const GITLAB_TOKEN: &str = "glpat-Vx93KqLm2RtZ8pWn4HbY";
pub const STRIPE_KEY: &str = "sk_live_Rq83LmZx2VtN9pKw4HbYc7Ds";

fn file(path: &'static str, text: &str) -> Item {
    Item::File(path, text.as_bytes().to_vec(), 0o644)
}

/// A small image: a base layer with an OS and a secret, an app layer.
pub fn sample_image() -> ImageSpec {
    let mut spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "/bin/sh -c #(nop) ADD file:4e1d2b in / ",
            items: vec![
                Item::Dir("etc"),
                file(
                    "etc/os-release",
                    "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.1\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
                ),
                file("etc/deploy.env", &format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n")),
                Item::Dir("bin"),
                Item::File(
                    "bin/busybox",
                    vec![0x7f, b'E', b'L', b'F', 0, 0, 0, 0],
                    0o755,
                ),
                Item::Symlink("bin/sh", "/bin/busybox"),
            ],
        },
        LayerSpec {
            created_by: "COPY app/ /app/ # buildkit",
            items: vec![
                Item::Dir("app"),
                file(
                    "app/.env",
                    &format!("MODE=prod\nGITHUB_TOKEN={GITHUB_PAT}\n"),
                ),
            ],
        },
    ]);
    spec.config = json!({ "Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"] });
    spec
}

/// (rule, path, layer index, start line, removed_in_layer) of a finding.
pub type FindingKey = (String, String, Option<u64>, Option<u64>, Option<u64>);

/// The [`FindingKey`] of every finding.
pub fn finding_keys(result: &Value) -> Vec<FindingKey> {
    result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["layer"]["index"].as_u64(),
                f["start_line"].as_u64(),
                f["removed_in_layer"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn the_four_image_forms_give_identical_findings() {
    let spec = sample_image();
    let dir = tempfile::tempdir().expect("tempdir");
    let classic = dir.path().join("classic.tar");
    write_docker_classic(&spec, &classic);
    let docker25 = dir.path().join("docker25.tar");
    write_docker_25(&spec, &docker25);
    let layout = dir.path().join("layout");
    let built = imagebuild::build(&spec, Compression::Gzip);
    write_oci_layout(&built, Compression::Gzip, &layout);
    let archive = dir.path().join("oci.tar");
    let zstd_built = imagebuild::build(&spec, Compression::Zstd);
    write_oci_archive(&zstd_built, Compression::Zstd, &archive);

    let mut results = Vec::new();
    for (path, kind) in [
        (&classic, "docker-archive"),
        (&docker25, "docker-archive"),
        (&layout, "oci-layout"),
        (&archive, "oci-archive"),
    ] {
        let run = scan_json(path, &[]);
        assert_eq!(run.code, 1, "{}: {}", path.display(), run.stderr);
        let result = run.json();
        assert_eq!(result["target"]["kind"], kind, "{}", path.display());
        let image = &result["target"]["image"];
        assert_eq!(image["os"]["id"], "alpine");
        assert_eq!(image["os"]["version_id"], "3.20.1");
        assert_eq!(image["platform"], "linux/amd64");
        assert_eq!(
            image["layers"][1]["created_by"],
            "COPY app/ /app/ # buildkit"
        );
        assert!(
            result["errors"].as_array().is_some_and(Vec::is_empty),
            "{:#}",
            result["errors"]
        );
        results.push((path.display().to_string(), finding_keys(&result)));
    }
    let expected = vec![
        (
            "secrets/aws-access-key-id".to_string(),
            "etc/deploy.env".to_string(),
            Some(0),
            Some(1),
            None,
        ),
        (
            "secrets/github-pat".to_string(),
            "app/.env".to_string(),
            Some(1),
            Some(2),
            None,
        ),
    ];
    for (path, keys) in &results {
        let secrets: Vec<_> = keys
            .iter()
            .filter(|k| k.0.starts_with("secrets/"))
            .cloned()
            .collect();
        assert_eq!(secrets, expected, "{path}");
        assert_eq!(keys, &results[0].1, "{path} differs from {}", results[0].0);
    }
}

/// Three layers: a secret added in layer 1 and deleted in layer 2, a file
/// replaced in layer 2, an opaque directory in layer 2, and an empty-layer
/// history entry that must not shift the layer-to-command mapping.
pub fn three_layer_image() -> ImageSpec {
    let mut spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "/bin/sh -c #(nop) ADD file:base in / ",
            items: vec![
                file(
                    "etc/os-release",
                    "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
                ),
                Item::Dir("opt/tools"),
                Item::File("opt/tools/helper", b"\x7fELF-helper".to_vec(), 0o4755),
                file("opt/tools/notes.txt", &format!("stripe = {STRIPE_KEY}\n")),
            ],
        },
        LayerSpec {
            created_by: "COPY secrets.env config.yml /app/",
            items: vec![
                Item::Dir("app"),
                file(
                    "app/secrets.env",
                    &format!("# added by mistake\nAWS_ACCESS_KEY_ID={AWS_KEY}\n"),
                ),
                file(
                    "app/config.yml",
                    &format!("slack:\n  token: {SLACK_TOKEN}\n"),
                ),
            ],
        },
        LayerSpec {
            created_by: "RUN rm /app/secrets.env && rm -rf /opt/tools/* && update-config",
            items: vec![
                Item::Whiteout("app/secrets.env"),
                file(
                    "app/config.yml",
                    &format!("gitlab:\n  url: https://gitlab.internal\n  token: {GITLAB_TOKEN}\n"),
                ),
                Item::Opaque("opt/tools"),
                file("opt/tools/README", "tools moved\n"),
            ],
        },
    ]);
    spec.empty_history_before = vec![(1, "ENV APP_HOME=/app"), (2, "WORKDIR /app")];
    spec
}

#[test]
fn deleted_secrets_are_reported_as_removed_with_their_layer_and_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = dir.path().join("layout");
    let built = imagebuild::build(&three_layer_image(), Compression::Gzip);
    write_oci_layout(&built, Compression::Gzip, &layout);
    let run = scan_json(&layout, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let result = run.json();
    let secrets: Vec<_> = finding_keys(&result)
        .into_iter()
        .filter(|k| k.0.starts_with("secrets/"))
        .collect();
    let key = |rule: &str, path: &str, layer: u64, line: u64, removed: Option<u64>| {
        (
            format!("secrets/{rule}"),
            path.to_string(),
            Some(layer),
            Some(line),
            removed,
        )
    };
    let mut expected = vec![
        key("aws-access-key-id", "app/secrets.env", 1, 2, Some(2)),
        key("slack-token", "app/config.yml", 1, 2, Some(2)),
        key("gitlab-token", "app/config.yml", 2, 3, None),
        key("stripe-secret-key", "opt/tools/notes.txt", 0, 1, Some(2)),
    ];
    expected.sort();
    let mut secrets_sorted = secrets.clone();
    secrets_sorted.sort();
    assert_eq!(secrets_sorted, expected);

    let aws = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "secrets/aws-access-key-id")
        .expect("aws finding");
    assert_eq!(
        aws["layer"]["created_by"],
        "COPY secrets.env config.yml /app/"
    );
    assert_eq!(aws["layer"]["diff_id"], built.layers[1].0);
    let message = aws["message"].as_str().expect("message");
    assert!(
        message.contains("removed in layer 2; still present in the image's layer 1 blob"),
        "{message}"
    );
    let sarif_run = crate::support::run({
        let mut command = crate::support::bulkhead();
        command.arg("scan").arg(&layout).args(["--format", "sarif"]);
        command
    });
    let sarif: Value = serde_json::from_str(&sarif_run.stdout).expect("SARIF");
    let validator = crate::output::sarif_validator();
    assert!(
        validator.is_valid(&sarif),
        "{:?}",
        validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let aws_result = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "secrets/aws-access-key-id")
        .expect("aws result");
    assert_eq!(
        aws_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/secrets.env"
    );
    assert_eq!(aws_result["properties"]["layer"]["index"], 1);
    assert_eq!(aws_result["properties"]["removedInLayer"], 2);
    let layers = &result["target"]["image"]["layers"];
    assert_eq!(
        layers[2]["created_by"],
        "RUN rm /app/secrets.env && rm -rf /opt/tools/* && update-config"
    );
    assert_eq!(result["target"]["image"]["os"]["id"], "debian");
}
