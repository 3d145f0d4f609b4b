//! [`SecretRule`]: one kind of credential, and the builders the rule
//! tables use to write token formats once, the same way for every
//! provider.

use super::checks::Check;
use crate::Severity;

/// One secret-detection rule.
#[derive(Debug)]
pub struct SecretRule {
    /// Rule id, unique in the plugin; says what it finds (`openai-api-key`).
    pub id: &'static str,
    /// Title shown in output.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What the rule detects: the token format it was written from.
    pub description: &'static str,
    /// Lower-case keywords; a file without any of them cannot match.
    pub keywords: &'static [&'static str],
    /// Regex (Rust syntax over bytes, ASCII only) whose first group, named
    /// `secret`, is the sensitive value.
    pub pattern: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    pub min_entropy: f64,
    /// Documented example values that are never reported.
    pub allow: &'static [&'static str],
    /// Structural check (checksum, decoding) the value must pass.
    pub check: Check,
    /// Path endings (lower-case) the rule is limited to, when the format
    /// only means a secret in one kind of file (`settings.xml`); empty for
    /// every file.
    pub paths: &'static [&'static str],
    /// The peers' ids for the same finding (`trivy:github-pat`,
    /// `gitleaks:github-pat`), for docs/rules.md.
    pub peers: &'static str,
    /// Earlier ids of this rule.
    pub aliases: &'static [&'static str],
    /// The rule finds a published default value (Symfony's
    /// `ThisTokenIsNotSoSecretChangeIt`): placeholder words in it do not
    /// make it harmless.
    pub known_default: bool,
    /// The value was found by being assigned to a provider's name
    /// ([`SecretRule::named`]): a value made of words is code, not a key.
    pub assigned: bool,
    /// The value is a self-identifying token ([`SecretRule::token`]): one
    /// glued to a path or file name (`/x.ico-...`) is not reported.
    pub standalone: bool,
}

/// Characters that end a token whose alphabet is letters, digits, `_`, `-`.
const TOKEN_END: &str = r"(?:[^0-9A-Za-z_\-]|$)";

/// What may stand between a name and its value: quote, spaces, an
/// assignment operator of some language or format, spaces, a quote.
const ASSIGN: &str =
    r#"["']?[ \t]{0,4}(?:=|:=|::=|:::=|\.=|\?=|:|=>|,|>[ \t]*\r?\n?)[ \t]{0,8}["'`]?"#;

/// An optional type between a name and its operator (Go's `var x string =`).
const TYPE: &str = r"(?:[ \t]{1,4}[A-Za-z_][0-9A-Za-z_.\[\]]{0,20})?";

/// Characters that end an assigned value.
const VALUE_END: &str = r#"(?:["'`\s;,<]|\\[nrt]|$)"#;

impl SecretRule {
    /// A self-identifying token: `body` is the token's own regex (prefix,
    /// alphabet, length); it must start at a word start and end where the
    /// token's alphabet ends.
    pub fn token(
        id: &'static str,
        title: &'static str,
        severity: Severity,
        keywords: &'static [&'static str],
        body: &str,
    ) -> Self {
        Self::raw(
            id,
            title,
            severity,
            keywords,
            format!(r"\b{{start-half}}(?P<secret>{body}){TOKEN_END}"),
        )
        .standalone()
    }

    /// A token that may sit inside a longer word (its prefix alone is
    /// distinctive: `github_pat_`), ending where its alphabet ends.
    pub fn embedded_token(
        id: &'static str,
        title: &'static str,
        severity: Severity,
        keywords: &'static [&'static str],
        body: &str,
    ) -> Self {
        Self::raw(
            id,
            title,
            severity,
            keywords,
            format!(r"(?P<secret>{body}){TOKEN_END}"),
        )
    }

    /// A value of the shape `value` assigned to a name that contains one of
    /// `names` (a regex alternation, matched ignoring case):
    /// `DISCORD_CLIENT_SECRET = "..."`, `"asana_token": "..."`.
    pub fn named(
        id: &'static str,
        title: &'static str,
        severity: Severity,
        keywords: &'static [&'static str],
        names: &str,
        value: &str,
    ) -> Self {
        Self::raw(
            id,
            title,
            severity,
            keywords,
            format!(
                r"(?i:{names})[0-9A-Za-z_.\-]{{0,24}}{TYPE}{ASSIGN}(?P<secret>{value}){VALUE_END}"
            ),
        )
        .entropy(3.0)
        .assigned()
    }

    /// A rule with a hand-written regex; its first group must be
    /// `(?P<secret>...)`.
    pub fn raw(
        id: &'static str,
        title: &'static str,
        severity: Severity,
        keywords: &'static [&'static str],
        pattern: String,
    ) -> Self {
        SecretRule {
            id,
            title,
            severity,
            description: "",
            keywords,
            pattern: format!("(?-u){pattern}"),
            min_entropy: 3.0,
            allow: &[],
            check: Check::None,
            paths: &[],
            peers: "",
            aliases: &[],
            known_default: false,
            assigned: false,
            standalone: false,
        }
    }

    /// Sets the description: the format the rule was written from.
    pub fn describe(mut self, text: &'static str) -> Self {
        self.description = text;
        self
    }

    /// Sets the entropy floor.
    pub fn entropy(mut self, bits: f64) -> Self {
        self.min_entropy = bits;
        self
    }

    /// Documented example values that are never reported.
    pub fn allow(mut self, values: &'static [&'static str]) -> Self {
        self.allow = values;
        self
    }

    /// Sets the structural check.
    pub fn check(mut self, check: Check) -> Self {
        self.check = check;
        self
    }

    /// Limits the rule to files whose path ends with one of `endings`.
    pub fn paths(mut self, endings: &'static [&'static str]) -> Self {
        self.paths = endings;
        self
    }

    /// The peers' ids for the same finding.
    pub fn peers(mut self, ids: &'static str) -> Self {
        self.peers = ids;
        self
    }

    /// Earlier ids of this rule.
    pub fn aliases(mut self, ids: &'static [&'static str]) -> Self {
        self.aliases = ids;
        self
    }

    fn assigned(mut self) -> Self {
        self.assigned = true;
        self
    }

    fn standalone(mut self) -> Self {
        self.standalone = true;
        self
    }

    /// Marks a rule that finds a published default secret.
    pub fn known_default(mut self) -> Self {
        self.known_default = true;
        self
    }

    /// True when the rule applies to a file at `path` (lower-cased by the
    /// caller); rules without path endings apply everywhere.
    pub fn applies_to(&self, path: Option<&str>) -> bool {
        self.paths.is_empty()
            || path.is_some_and(|path| self.paths.iter().any(|end| path.ends_with(end)))
    }
}
