//! Native tests of the shared rules: every rule compiles small, reports
//! its positive fixture on the right lines, and nothing in the negative
//! fixtures. The end-to-end tests check the same through the real binary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::bytes::RegexBuilder;

use super::*;
use crate::LineIndex;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/secrets")
}

/// Every file under `dir`, as (path relative to the fixtures root, bytes).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(fixtures())
                    .expect("under fixtures")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((relative, std::fs::read(&path).expect("read fixture")));
            }
        }
    }
    out.sort();
    out
}

type Key = (String, String, u64, u64);

fn found_in(dir: &str) -> BTreeSet<Key> {
    let mut found = BTreeSet::new();
    for (path, data) in files(&fixtures().join(dir)) {
        let lines = LineIndex::new(&data);
        for m in Detector::shared().scan_named(&data, Some(&path)) {
            let end = m.end.saturating_sub(1).max(m.start);
            found.insert((
                m.rule.id.to_string(),
                path.clone(),
                u64::from(lines.line_of(m.start)),
                u64::from(lines.line_of(end)),
            ));
        }
    }
    found
}

fn expected() -> BTreeSet<Key> {
    let text = std::fs::read(fixtures().join("expected.json")).expect("expected.json");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&text).expect("expected.json parses");
    list.iter()
        .map(|e| {
            (
                e["rule"].as_str().expect("rule").to_string(),
                e["path"].as_str().expect("path").to_string(),
                e["start"].as_u64().expect("start"),
                e["end"].as_u64().expect("end"),
            )
        })
        .collect()
}

#[test]
fn every_positive_fixture_is_found_on_its_lines_and_nothing_else() {
    let expected = expected();
    let found = found_in("positive");
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nunexpected {extra:#?}"
    );
    let covered: BTreeSet<&str> = expected.iter().map(|k| k.0.as_str()).collect();
    let declared: BTreeSet<&str> = rules().iter().map(|r| r.id).collect();
    assert_eq!(declared, covered, "every rule needs a positive fixture");
}

#[test]
fn negative_fixtures_give_nothing_and_every_rule_has_one() {
    let found = found_in("negative");
    assert!(found.is_empty(), "{found:#?}");
    // Secret references: ECS valueFrom ARNs, secretKeyRef, vault paths, ${VAR}.
    let found = found_in("references");
    assert!(found.is_empty(), "{found:#?}");
    let index = std::fs::read(fixtures().join("negative/providers/index.json")).expect("index");
    let index: Vec<serde_json::Value> = serde_json::from_slice(&index).expect("index parses");
    let covered: BTreeSet<&str> = index.iter().filter_map(|e| e["rule"].as_str()).collect();
    let declared: BTreeSet<&str> = rules().iter().map(|r| r.id).collect();
    assert_eq!(declared, covered, "every rule needs a negative fixture");
}

#[test]
fn rules_are_well_formed_and_small() {
    let mut ids = BTreeSet::new();
    let mut sizes = Vec::new();
    for rule in rules() {
        assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
        assert!(!rule.keywords.is_empty(), "{} has no keyword", rule.id);
        for keyword in rule.keywords {
            assert_eq!(*keyword, keyword.to_ascii_lowercase(), "{}", rule.id);
        }
        assert!(!rule.description.is_empty(), "{} is undescribed", rule.id);
        assert!(rule.pattern.len() <= 4096, "{} is over 4 KiB", rule.id);
        let regex = RegexBuilder::new(&rule.pattern)
            .build()
            .unwrap_or_else(|err| panic!("{}: {err}", rule.id));
        // The host reports group 1 as the secret.
        assert_eq!(
            regex.capture_names().nth(1),
            Some(Some("secret")),
            "{}: group 1 must be `secret`",
            rule.id
        );
        let size = compiled_size(&rule.pattern);
        assert!(size <= 1 << 20, "{} compiles to {size} bytes", rule.id);
        sizes.push((size, rule.id));
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    eprintln!("largest compiled regexes (bytes): {:?}", &sizes[..8]);
}

/// The smallest `size_limit` the pattern compiles under: the size of its
/// compiled program as the regex crate counts it.
fn compiled_size(pattern: &str) -> usize {
    let (mut low, mut high) = (0usize, 64 << 20);
    while low < high {
        let mid = (low + high) / 2;
        if RegexBuilder::new(pattern).size_limit(mid).build().is_ok() {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

#[test]
fn values_with_control_bytes_are_not_secrets() {
    let binary =
        b"\0public-key:\0../crypto/dh/dh_ameth.c\0priv_len\0password=\0X9.42abcdefgh1234\0";
    assert!(Detector::shared().scan(binary).is_empty());
    let text = b"password = \"q7Vx2LmN9pRt4WzY8bKc\"\n";
    assert_eq!(Detector::shared().scan(text).len(), 1);
}

#[test]
fn documented_examples_are_allowed() {
    let found =
        Detector::shared().scan(b"key = AKIAIOSFODNN7EXAMPLE\nreal = AKIA2OGYBAH6RKWQLQ7P\n");
    let values: Vec<_> = found.iter().map(|m| m.secret.as_str()).collect();
    assert_eq!(values, ["AKIA2OGYBAH6RKWQLQ7P"]);
}

#[test]
fn secret_references_are_never_secrets() {
    let task = br#"{
      "containerDefinitions": [{
        "name": "app",
        "secrets": [
          {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-Xy12Ab"},
          {"name": "API_TOKEN", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api/token"}
        ]
      }]
    }"#;
    assert!(Detector::shared().scan(task).is_empty());
    for value in [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "%DB_PASSWORD%",
        "vault:secret/data/app#password",
        "op://prod/db/password",
        "sm://project/db-password",
        "gcp:secretmanager:projects/p/secrets/db",
    ] {
        assert!(classify_variable("DB_PASSWORD", value).is_none(), "{value}");
    }
    assert!(matches!(
        classify_variable("DB_PASSWORD", "hunter2"),
        Some(VariableSecret::Name)
    ));
    assert!(matches!(
        classify_variable("GITHUB", "AKIA2OGYBAH6RKWQLQ7P"),
        Some(VariableSecret::Value(_))
    ));
}

#[test]
fn django_secret_keys_are_found_whatever_their_punctuation() {
    let settings = b"SECRET_KEY = 'django-insecure-)8^5w!k@x(9z#q&*m-_=+)v8$h%2jb0c!lt@r^e'\n";
    let found = Detector::shared().scan_named(settings, Some("app/settings.py"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule.id, "generic-secret");
}

#[test]
fn code_is_not_a_generic_secret() {
    let code = br#"
        token = oauth2client.GOOGLE_TOKEN_URI
        self.password = self.TOKEN
        api_key = V1LocalObjectReference
        secret = module.CDO_SECRET_NAME
        password = getpass.getpass(prompt)
        token: "Bearer %s"
        SECRET_KEY = os.environ["SECRET_KEY"]
        password = "${DB_PASSWORD}"
    "#;
    let found = Detector::shared().scan_named(code, Some("app/main.py"));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn generic_secrets_in_test_directories_are_not_reported() {
    let text = b"password = \"q7Vx2LmN9pRt4WzY8bKc\"\n";
    assert!(
        Detector::shared()
            .scan_named(text, Some("app/tests/conftest.py"))
            .is_empty()
    );
    assert_eq!(
        Detector::shared()
            .scan_named(text, Some("app/conf.py"))
            .len(),
        1
    );
}
