//! The curated image-config plugin over images built from tar bytes.

use serde_json::json;

use crate::imagebuild::{ImageSpec, Item, LayerSpec, gzip_oci_layout};
use crate::images::AWS_KEY;
use crate::support::{findings_of, plugin, scan_json};

fn scan_image(spec: &ImageSpec) -> serde_json::Value {
    let dir = gzip_oci_layout(spec);
    let run = scan_json(dir.path(), &["--severity-threshold", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

fn rules_of(result: &serde_json::Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == "image-config")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["field_path"]
                    .as_str()
                    .or(f["path"].as_str())
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn an_insecure_image_triggers_every_rule() {
    let mut spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "ADD https://example.com/rootfs.tar.gz /",
            items: vec![
                Item::File("usr/bin/passwd", b"\x7fELF".to_vec(), 0o4755),
                Item::File("usr/bin/wall", b"\x7fELF".to_vec(), 0o2755),
                Item::File("usr/bin/ls", b"\x7fELF".to_vec(), 0o755),
                Item::Dir("opt/old"),
                Item::File("opt/old/su", b"\x7fELF".to_vec(), 0o4755),
            ],
        },
        LayerSpec {
            created_by: "/bin/sh -c curl -fsSL https://get.example.com/install.sh | bash && apt-get update",
            items: vec![
                Item::File(
                    "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
                    b"x".to_vec(),
                    0o644,
                ),
                Item::File("var/lib/apt/lists/lock", Vec::new(), 0o640),
                Item::Opaque("opt/old"),
            ],
        },
    ]);
    spec.config = json!({
        "User": "0:0",
        "Env": ["PATH=/usr/bin", format!("AWS_ACCESS_KEY_ID={AWS_KEY}"), "DEBIAN_FRONTEND=noninteractive"],
        "ExposedPorts": { "22/tcp": {}, "8080/tcp": {} },
    });
    let result = scan_image(&spec);
    assert_eq!(
        plugin(&result, "image-config")["status"],
        "ok",
        "{:#}",
        plugin(&result, "image-config")
    );
    let expected: Vec<(String, String)> = vec![
        ("image-config/add-remote-url", "history[0].created_by"),
        ("image-config/curl-pipe-shell", "history[1].created_by"),
        ("image-config/no-healthcheck", "config.Healthcheck"),
        ("image-config/package-cache", "/var/lib/apt/lists"),
        ("image-config/root-user", "config.User"),
        ("image-config/secret-in-env", "config.Env[1]"),
        ("image-config/setuid-file", "usr/bin/passwd"),
        ("image-config/setuid-file", "usr/bin/wall"),
        (
            "image-config/ssh-port-exposed",
            "config.ExposedPorts.22/tcp",
        ),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(
        rules_of(&result),
        expected,
        "opt/old/su is hidden by the opaque dir; ls is not setuid"
    );
    let env = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "image-config/secret-in-env")
        .expect("env finding");
    assert_eq!(env["severity"], "critical");
    assert_eq!(env["secret"], "AKIA****LQ7P");
}

#[test]
fn a_hardened_image_has_no_image_config_findings() {
    let mut spec = ImageSpec::new(vec![LayerSpec {
        created_by: "COPY --chown=app app /app # buildkit",
        items: vec![
            Item::File("app/server", b"\x7fELF".to_vec(), 0o755),
            Item::Dir("var/lib/apt/lists"),
            Item::File("var/lib/apt/lists/lock", Vec::new(), 0o640),
        ],
    }]);
    spec.config = json!({
        "User": "10001:10001",
        "Env": ["PATH=/usr/bin", "API_TOKEN_FILE=/run/secrets/api_token", "LOG_LEVEL=info"],
        "ExposedPorts": { "8080/tcp": {} },
        "Healthcheck": { "Test": ["CMD", "/app/server", "--health"], "Interval": 30_000_000_000u64 },
    });
    let result = scan_image(&spec);
    assert_eq!(rules_of(&result), vec![]);
    assert_eq!(findings_of(&result, "secrets"), vec![]);
    assert_eq!(
        plugin(&result, "image-config")["status"],
        "ok",
        "{:#}",
        plugin(&result, "image-config")
    );
}

#[test]
fn dockerfile_rules_run_on_the_dockerfile_rebuilt_from_image_history() {
    let mut spec = ImageSpec::new(vec![
        LayerSpec {
            created_by: "/bin/sh -c #(nop) ADD file:4e1d2bcd in / ",
            items: vec![Item::File("etc/os-release", b"ID=debian\n".to_vec(), 0o644)],
        },
        LayerSpec {
            created_by: "/bin/sh -c apt-get update",
            items: vec![Item::File("var/lib/apt/lists/lock", Vec::new(), 0o640)],
        },
        LayerSpec {
            created_by: "RUN /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit",
            items: vec![Item::File("usr/local/bin/tool", b"\x7fELF".to_vec(), 0o755)],
        },
        LayerSpec {
            created_by: "RUN /bin/sh -c apk upgrade && echo \"root:Tr0ub4dor-and-3\" | chpasswd # buildkit",
            items: vec![Item::File(
                "etc/shadow",
                b"root:$6$x$y:19000::::::\n".to_vec(),
                0o640,
            )],
        },
    ]);
    // The classic builder records exec forms Go-style, without commas.
    spec.empty_history_before = vec![
        (2, "ENV DB_PASSWORD=hunter2hunter2"),
        (2, "EXPOSE map[22/tcp:{}]"),
        (
            3,
            "/bin/sh -c #(nop)  CMD [\"/bin/sh\" \"-c\" \"python app.py\"]",
        ),
    ];
    spec.config = json!({ "User": "app", "Healthcheck": { "Test": ["CMD", "true"] } });
    let result = scan_image(&spec);
    let mut found: Vec<(String, String)> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["plugin"]["id"] == "dockerfile")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["field_path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    // History index: 0 ADD, 1 apt-get update, 2 ENV, 3 EXPOSE, 4 curl | sh,
    // 5 CMD in shell form, 6 apk upgrade and chpasswd.
    let expected: Vec<(String, String)> = [
        ("dockerfile/apt-update-alone", "history[1].created_by"),
        ("dockerfile/curl-pipe-shell", "history[4].created_by"),
        ("dockerfile/package-upgrade", "history[6].created_by"),
        ("dockerfile/password-set-in-run", "history[6].created_by"),
        ("dockerfile/secret-in-arg-or-env", "history[2].created_by"),
        (
            "dockerfile/shell-form-entrypoint-or-cmd",
            "history[5].created_by",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(
        found, expected,
        "ADD file:... (add-instead-of-copy) and the root/healthcheck rules do not apply to history"
    );
    let password = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "dockerfile/password-set-in-run")
        .expect("password finding");
    let shown = password["secret"].as_str().unwrap_or_default();
    assert!(
        shown.starts_with("Tr") && shown.contains('*') && !shown.contains("b4dor"),
        "the password is reported redacted: {password:#}"
    );
}
