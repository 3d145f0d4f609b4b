//! Secret detection rules shared by every plugin that looks for secrets
//! (the `secrets` plugin over file contents, and plugins that check values
//! such as environment variables). Enabled by the `secrets` feature.
//!
//! Each rule has keywords (lower-case; the host prefilters files with them
//! and [`Detector`] skips rules whose keywords are absent), a regex whose
//! `secret` group is the sensitive value, a minimum Shannon entropy that
//! drops placeholders like `AKIAAAAAAAAAAAAAAAAA`, and allow-rules: exact
//! documented example values and placeholder markers.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use crate::{File, HostRegexSet, Rule, Severity, shannon_entropy};

/// One secret-detection rule.
#[derive(Debug)]
pub struct SecretRule {
    /// Rule id, unique in the plugin.
    pub id: &'static str,
    /// Title shown in output.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What the rule detects.
    pub description: &'static str,
    /// Lower-case keywords; a file without any of them cannot match.
    pub keywords: &'static [&'static str],
    /// Regex with a named group `secret`.
    pub pattern: &'static str,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub min_entropy: f64,
    /// Documented example values that are never reported.
    pub allow: &'static [&'static str],
}

const ROTATE: &str = "Revoke the credential at its issuer, issue a new one, and deliver it at run \
     time (a secret manager, a mounted secret, or a build secret) instead of storing it in files \
     or image layers. Deleting the file in a later layer does not remove it from the image.";

/// Id of the catch-all rule, which yields to every specific rule.
const GENERIC: &str = "generic-secret";

/// Substrings (lower-case) that mark a value as a placeholder, not a secret.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "xxxxxx",
    "******",
    "......",
    "${",
    "$(",
    "{{",
    "<",
    ">",
    "%(",
    "changeme",
    "change_me",
    "placeholder",
    "dummy",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "insert",
    "replace",
    "sample",
    "fake",
];

/// Every secret rule, in the order they are reported in `plugin list`.
pub static RULES: &[SecretRule] = &[
    SecretRule {
        id: "aws-access-key-id",
        title: "AWS access key ID",
        severity: Severity::Critical,
        description: "An AWS access key ID (AKIA/ASIA/ABIA/ACCA prefix). Paired with its secret key it grants the permissions of an IAM identity.",
        keywords: &["akia", "asia", "abia", "acca"],
        pattern: r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        min_entropy: 3.0,
        allow: &["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"],
    },
    SecretRule {
        id: "aws-secret-access-key",
        title: "AWS secret access key",
        severity: Severity::Critical,
        description: "A 40-character AWS secret access key assigned to a name containing aws and secret.",
        keywords: &["aws"],
        pattern: r#"(?i)aws[a-z0-9_.\-]{0,20}secret[a-z0-9_.\-]{0,20}["'\s]{0,8}[:=]>?\s{0,8}["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        min_entropy: 4.0,
        allow: &[
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        ],
    },
    SecretRule {
        id: "github-pat",
        title: "GitHub personal access token (classic)",
        severity: Severity::Critical,
        description: "A classic GitHub personal access token (ghp_).",
        keywords: &["ghp_"],
        pattern: r"(?P<secret>ghp_[0-9A-Za-z]{36})(?:[^0-9A-Za-z]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "github-fine-grained-pat",
        title: "GitHub fine-grained personal access token",
        severity: Severity::Critical,
        description: "A fine-grained GitHub personal access token (github_pat_).",
        keywords: &["github_pat_"],
        pattern: r"(?P<secret>github_pat_[0-9A-Za-z_]{82})(?:[^0-9A-Za-z_]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "github-token",
        title: "GitHub OAuth, app or refresh token",
        severity: Severity::Critical,
        description: "A GitHub OAuth access token (gho_), user-to-server or server-to-server app token (ghu_, ghs_) or refresh token (ghr_).",
        keywords: &["gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"(?P<secret>gh[ousr]_[0-9A-Za-z]{36})(?:[^0-9A-Za-z]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "gitlab-token",
        title: "GitLab token",
        severity: Severity::Critical,
        description: "A GitLab personal, project or group access token (glpat-), pipeline trigger token (glptt-), runner token (glrt-) or deploy token (gldt-).",
        keywords: &["glpat-", "glptt-", "glrt-", "gldt-"],
        pattern: r"(?P<secret>(?:glpat|glptt|glrt|gldt)-[0-9A-Za-z_\-]{20,64})(?:[^0-9A-Za-z_\-]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "slack-token",
        title: "Slack token",
        severity: Severity::High,
        description: "A Slack bot, user, app or configuration token (xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-, xoxe-).",
        keywords: &["xox"],
        pattern: r"(?P<secret>xox[abposre]-[0-9]{6,14}-[0-9A-Za-z\-]{8,128})",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "slack-webhook",
        title: "Slack incoming webhook URL",
        severity: Severity::High,
        description: "A Slack incoming webhook URL; anyone holding it can post to the channel.",
        keywords: &["hooks.slack.com"],
        pattern: r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{24,128})",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "stripe-secret-key",
        title: "Stripe live secret or restricted key",
        severity: Severity::Critical,
        description: "A Stripe live-mode secret (sk_live_) or restricted (rk_live_) API key. Test-mode keys are not reported.",
        keywords: &["sk_live_", "rk_live_"],
        pattern: r"(?P<secret>[sr]k_live_[0-9A-Za-z]{24,99})(?:[^0-9A-Za-z]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "sendgrid-api-key",
        title: "SendGrid API key",
        severity: Severity::High,
        description: "A SendGrid API key (SG.<id>.<secret>).",
        keywords: &["sg."],
        pattern: r"\b(?P<secret>SG\.[0-9A-Za-z\-_]{22}\.[0-9A-Za-z\-_]{43})(?:[^0-9A-Za-z\-_]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "twilio-api-key",
        title: "Twilio API key",
        severity: Severity::High,
        description: "A Twilio API key SID (SK followed by 32 hex digits) near the word twilio.",
        keywords: &["twilio"],
        pattern: r"(?i:twilio)[^\n]{0,80}?(?:^|[^0-9A-Za-z])(?P<secret>SK[0-9a-fA-F]{32})(?:[^0-9A-Za-z]|$)",
        min_entropy: 2.5,
        allow: &[],
    },
    SecretRule {
        id: "google-api-key",
        title: "Google API key",
        severity: Severity::High,
        description: "A Google Cloud / Firebase API key (AIza prefix).",
        keywords: &["aiza"],
        pattern: r"(?P<secret>AIza[0-9A-Za-z\-_]{35})(?:[^0-9A-Za-z\-_]|$)",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "gcp-service-account",
        title: "Google Cloud service account key file",
        severity: Severity::Critical,
        description: "A Google Cloud service account JSON key (type service_account with a private_key_id).",
        keywords: &["service_account"],
        // The keyword gate requires "service_account" in the same file.
        pattern: r#""private_key_id"\s*:\s*"(?P<secret>[0-9a-f]{40})""#,
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "azure-storage-key",
        title: "Azure storage account key",
        severity: Severity::Critical,
        description: "An Azure storage account key in a connection string (AccountKey=...).",
        keywords: &["accountkey"],
        pattern: r"(?i:AccountKey)\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==)",
        min_entropy: 4.0,
        allow: &[],
    },
    SecretRule {
        id: "npm-token",
        title: "npm access token",
        severity: Severity::Critical,
        description: "An npm access token (npm_ prefix); it can publish packages as its owner.",
        keywords: &["npm_"],
        pattern: r"\b(?P<secret>npm_[0-9A-Za-z]{36})\b",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "pypi-token",
        title: "PyPI upload token",
        severity: Severity::Critical,
        description: "A PyPI API token (pypi-AgEIcHlwaS5vcmc...); it can upload releases.",
        keywords: &["pypi-ageichlwas5vcmc"],
        pattern: r"(?P<secret>pypi-AgEIcHlwaS5vcmc[0-9A-Za-z\-_]{50,})",
        min_entropy: 3.0,
        allow: &[],
    },
    SecretRule {
        id: "jwt",
        title: "JSON Web Token",
        severity: Severity::Medium,
        description: "A JSON Web Token: a signed bearer credential that is valid until it expires.",
        keywords: &["eyj"],
        pattern: r"(?P<secret>eyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{16,})",
        min_entropy: 3.0,
        allow: &[
            // the jwt.io sample token
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ],
    },
    SecretRule {
        id: "private-key",
        title: "Private key",
        severity: Severity::High,
        description: "A PEM or OpenSSH private key block (RSA, EC, DSA, OpenSSH, PKCS#8, PGP).",
        keywords: &["private key"],
        pattern: r"(?P<secret>-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[^\r\n]{0,100}:[^\r\n]*\r?\n)*(?:\r?\n)?[A-Za-z0-9+/=\r\n]{64,}-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----)",
        min_entropy: 0.0,
        allow: &[],
    },
    SecretRule {
        id: "password-in-url",
        title: "Password in URL",
        severity: Severity::High,
        description: "A URL with embedded credentials (scheme://user:password@host).",
        keywords: &["://"],
        pattern: r#"://[[:graph:]&&[^:@/"'<>]]{1,64}:(?P<secret>[[:graph:]&&[^:@/"'<>]]{3,128})@[0-9A-Za-z.\-_\[\]]+"#,
        min_entropy: 1.5,
        allow: &["password", "passwd", "pass", "pwd", "secret", "token"],
    },
    SecretRule {
        id: "generic-secret",
        title: "Secret assigned to a credential-like name",
        severity: Severity::Medium,
        description: "A high-entropy value assigned to a name like secret, password, token or api_key (in config files, env files, source code).",
        keywords: &[
            "secret",
            "password",
            "passwd",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "private_key",
            "client_secret",
        ],
        pattern: r#"(?i)(?:secret|password|passwd|token|api[_\-]?key|access[_\-]?key|private[_\-]?key)[a-z0-9_.\-]{0,40}["']?\s{0,8}(?::|=|:=|=>)\s{0,8}["']?(?P<secret>[[:graph:]&&[^"'`,;(){}\[\]<>]]{12,200})"#,
        min_entropy: 3.7,
        allow: &[],
    },
];

/// A secret found in a buffer or a file.
#[derive(Debug, Clone)]
pub struct SecretMatch {
    /// The rule that matched.
    pub rule: &'static SecretRule,
    /// Byte offset where the secret starts.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
    /// The secret value itself.
    pub secret: String,
    /// 1-based first and last line, when the host computed them.
    pub lines: Option<(u32, u32)>,
}

/// Compiled rules. Build once with [`Detector::shared`].
pub struct Detector {
    regexes: Vec<Regex>,
    keywords: keyword_index::KeywordIndex,
}

impl Detector {
    /// The detector for [`RULES`], compiled on first use.
    pub fn shared() -> &'static Detector {
        static DETECTOR: OnceLock<Detector> = OnceLock::new();
        DETECTOR.get_or_init(|| Detector {
            regexes: RULES
                .iter()
                .map(|rule| {
                    // ASCII-only matching: secrets are ASCII, and Unicode
                    // classes would make the automata far larger.
                    RegexBuilder::new(&format!("(?-u){}", rule.pattern))
                        .size_limit(32 << 20)
                        .build()
                        .expect("built-in secret rule compiles")
                })
                .collect(),
            keywords: keyword_index::KeywordIndex::new(RULES),
        })
    }

    /// Every secret in `data`, in order of position.
    pub fn scan(&self, data: &[u8]) -> Vec<SecretMatch> {
        self.scan_rules(data, &self.keywords.rules_present(data))
    }

    fn scan_rules(&self, data: &[u8], present: &[bool]) -> Vec<SecretMatch> {
        let mut found = Vec::new();
        for (index, rule) in RULES.iter().enumerate() {
            if !present[index] {
                continue;
            }
            for captures in self.regexes[index].captures_iter(data) {
                let Some(secret) = captures.name("secret") else {
                    continue;
                };
                let value = String::from_utf8_lossy(secret.as_bytes()).into_owned();
                if is_allowed(rule, &value) {
                    continue;
                }
                let whole = captures.get(0).map_or(secret.range(), |m| m.range());
                found.push(SecretMatch {
                    rule,
                    start: secret.start().max(whole.start),
                    end: secret.end(),
                    secret: value,
                    lines: None,
                });
            }
        }
        settle(found)
    }

    /// Every secret in `file`, searched natively by the host with the
    /// rules whose keywords the host found there (`keyword_hits`, as
    /// `File::matched_keywords` gives them). Only the secrets themselves
    /// are copied into the plugin. Falls back to reading the file and
    /// scanning in wasm when the host gave no keyword hits.
    pub fn scan_file(
        &self,
        file: &File,
        keyword_hits: &[u32],
        max_size: u64,
    ) -> Result<Vec<SecretMatch>, String> {
        if keyword_hits.is_empty() {
            return Ok(self.scan(&file.read_all(max_size)?));
        }
        let present = rules_for_keywords(keyword_hits);
        let found = HOST_RULES.with(|set| -> Result<Vec<SecretMatch>, String> {
            let set = set.get_or_init(|| {
                let patterns: Vec<String> = RULES
                    .iter()
                    .map(|rule| format!("(?-u){}", rule.pattern))
                    .collect();
                HostRegexSet::compile(&patterns)
            });
            let set = set
                .as_ref()
                .map_err(|err| format!("host regex set: {err}"))?;
            let mut found = Vec::new();
            for (index, rule) in RULES
                .iter()
                .enumerate()
                .filter(|(index, _)| present[*index])
            {
                for m in set.find_all(index as u32, file, MAX_MATCHES_PER_RULE) {
                    let len =
                        (m.group_end.saturating_sub(m.group_start)).min(MAX_SECRET_BYTES) as u32;
                    let value =
                        String::from_utf8_lossy(&file.read_at(m.group_start, len)).into_owned();
                    if is_allowed(rule, &value) {
                        continue;
                    }
                    found.push(SecretMatch {
                        rule,
                        start: m.group_start as usize,
                        end: m.group_end as usize,
                        secret: value,
                        lines: Some((m.start_line, m.end_line)),
                    });
                }
            }
            Ok(found)
        })?;
        Ok(settle(found))
    }

    /// Checks a `name=value` pair (an environment variable, say): secrets
    /// in the value, and a credential-like name with a high-entropy value.
    pub fn scan_assignment(&self, name: &str, value: &str) -> Vec<SecretMatch> {
        self.scan(format!("{name}={value}").as_bytes())
    }
}

/// Most matches of one rule in one file.
const MAX_MATCHES_PER_RULE: u32 = 1_000;
/// Longest secret value copied into the plugin.
const MAX_SECRET_BYTES: u64 = 64 << 10;

thread_local! {
    /// The rules compiled natively by the host, once per instance.
    static HOST_RULES: std::cell::OnceCell<Result<HostRegexSet, String>> = const { std::cell::OnceCell::new() };
}

/// Which rules have a keyword among `keyword_hits` (indexes into
/// [`keywords`]).
fn rules_for_keywords(keyword_hits: &[u32]) -> Vec<bool> {
    static DECLARED: OnceLock<Vec<String>> = OnceLock::new();
    let declared = DECLARED.get_or_init(keywords);
    let mut present = vec![false; RULES.len()];
    for hit in keyword_hits {
        let Some(keyword) = declared.get(*hit as usize) else {
            continue;
        };
        for (index, rule) in RULES.iter().enumerate() {
            present[index] |= rule.keywords.contains(&keyword.as_str());
        }
    }
    present
}

/// Orders matches by position; a value a specific rule recognised is not
/// reported again as a generic secret.
fn settle(mut found: Vec<SecretMatch>) -> Vec<SecretMatch> {
    let specific: Vec<(usize, usize)> = found
        .iter()
        .filter(|m| m.rule.id != GENERIC)
        .map(|m| (m.start, m.end))
        .collect();
    found.retain(|m| {
        m.rule.id != GENERIC || !specific.iter().any(|(s, e)| m.start < *e && *s < m.end)
    });
    found.sort_by_key(|m| (m.start, m.rule.id));
    found
}

/// Words that make a variable name credential-like.
const SECRET_NAME_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "private_key",
    "credential",
    "auth_key",
];

/// True for a variable name like `DB_PASSWORD` or `apiToken`; names that
/// point at a secret (`*_FILE`, `*_PATH`, `*_ARN`) are not.
pub fn secret_like_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAME_WORDS.iter().any(|word| lower.contains(word))
        && !(lower.ends_with("_file") || lower.ends_with("_path") || lower.ends_with("_arn"))
}

/// Why a variable (an environment entry, an ARG) holds a secret.
#[derive(Debug, Clone)]
pub enum VariableSecret {
    /// Its value matched a secret rule.
    Value(SecretMatch),
    /// Its name is credential-like and it has a literal value.
    Name,
}

/// Checks one `name=value` variable with the shared rules: a value that is
/// a secret, or a credential-like name with a literal value.
pub fn classify_variable(name: &str, value: &str) -> Option<VariableSecret> {
    if let Some(found) = Detector::shared()
        .scan_assignment(name, value)
        .into_iter()
        .next()
    {
        return Some(VariableSecret::Value(found));
    }
    (!value.is_empty() && secret_like_name(name)).then_some(VariableSecret::Name)
}

/// True when `value` is a documented example or an obvious placeholder.
pub fn is_allowed(rule: &SecretRule, value: &str) -> bool {
    if rule
        .allow
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(value))
    {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if rule.id != "private-key" && PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if shannon_entropy(value.as_bytes()) < rule.min_entropy {
        return true;
    }
    rule.id == GENERIC && !looks_random(value)
}

/// A generic value must mix character classes; words, paths and
/// identifiers (`my_database_password_here`) are not secrets.
fn looks_random(value: &str) -> bool {
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let classes = [has_digit, has_lower, has_upper]
        .iter()
        .filter(|c| **c)
        .count();
    // Paths, URLs and cloud resource names point at a secret; they are not one.
    let path_like = value.starts_with('/')
        || value.starts_with("./")
        || value.contains("://")
        || value.starts_with("arn:")
        || value.starts_with("projects/");
    let dotted_ident = value.split('.').count() > 2 && !has_digit;
    classes >= 2 && has_digit && !path_like && !dotted_ident
}

/// The secret rules as plugin rules, for `PluginInfo`.
pub fn plugin_rules() -> Vec<Rule> {
    RULES
        .iter()
        .map(|rule| {
            Rule::new(rule.id, rule.title, rule.severity)
                .description(rule.description)
                .remediation(ROTATE)
                .reference("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/")
        })
        .collect()
}

/// Every keyword of every rule, for `Interests::keywords`.
pub fn keywords() -> Vec<String> {
    let mut all: Vec<String> = RULES
        .iter()
        .flat_map(|rule| rule.keywords.iter().map(|k| k.to_string()))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Which rules have a keyword present in a buffer: one case-insensitive
/// Aho-Corasick pass for all keywords of all rules.
mod keyword_index {
    use aho_corasick::AhoCorasick;

    use super::SecretRule;

    pub struct KeywordIndex {
        automaton: AhoCorasick,
        /// Rule index of each keyword pattern.
        owner: Vec<usize>,
        rule_count: usize,
    }

    impl KeywordIndex {
        pub fn new(rules: &'static [SecretRule]) -> Self {
            let (keywords, owner): (Vec<&str>, Vec<usize>) = rules
                .iter()
                .enumerate()
                .flat_map(|(index, rule)| rule.keywords.iter().map(move |k| (*k, index)))
                .unzip();
            KeywordIndex {
                automaton: AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(keywords)
                    .expect("built-in keywords compile"),
                owner,
                rule_count: rules.len(),
            }
        }

        pub fn rules_present(&self, data: &[u8]) -> Vec<bool> {
            let mut present = vec![false; self.rule_count];
            let mut missing = self.rule_count;
            for found in self.automaton.find_overlapping_iter(data) {
                let rule = self.owner[found.pattern().as_usize()];
                if !present[rule] {
                    present[rule] = true;
                    missing -= 1;
                    if missing == 0 {
                        break;
                    }
                }
            }
            present
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        let detector = Detector::shared();
        assert_eq!(detector.regexes.len(), RULES.len());
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
        let ids: Vec<_> = found.iter().map(|m| m.secret.as_str()).collect();
        assert_eq!(ids, ["AKIA2OGYBAH6RKWQLQ7P"]);
    }
}
