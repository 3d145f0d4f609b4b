//! Secret detection rules shared by every plugin that looks for secrets
//! (the `secrets` plugin over file contents, and the plugins that check
//! values such as environment variables: image config, ECS, Kubernetes,
//! Dockerfile). Enabled by the `secrets` feature.
//!
//! Each rule ([`SecretRule`]) has keywords (lower-case; the host prefilters
//! files with them and [`Detector`] runs only the rules whose keywords are
//! present), a regex whose `secret` group is the sensitive value, a minimum
//! Shannon entropy, a structural [`Check`] where the format has one
//! (GitHub's and npm's CRC32, a JWT header), and allow-rules: documented
//! example values and placeholder markers.
//!
//! Values that *refer* to a secret kept elsewhere are never secrets, in
//! any plugin: ARNs, vault paths, secret-manager URIs, `${VAR}`, `$VAR`,
//! `%VAR%` ([`is_reference`]).
//!
//! Modules: `rule` (the rule type and its builders), `rules` (the tables,
//! one module per family of providers), `checks` (checksums, decoders),
//! `values` (references, placeholders, code versus literal values),
//! `keywords` (the keyword index), `detector` (running the rules).

mod checks;
mod detector;
mod keywords;
mod rule;
mod rules;
mod values;

use std::sync::OnceLock;

pub use checks::{Check, crc32, crc32_base62};
pub use detector::{Detector, SecretMatch, is_test_or_example_path};
pub use rule::SecretRule;
pub use values::{
    Quoting, generic_value_is_secret, is_identifier_like, is_interpolation, is_placeholder,
    is_reference, secret_like_name,
};

use crate::Rule;

const ROTATE: &str = "Revoke the credential at its issuer, issue a new one, and deliver it at run \
     time (a secret manager, a mounted secret, or a build secret) instead of storing it in files \
     or image layers. Deleting the file in a later layer does not remove it from the image.";

/// Every secret rule, in the order they are reported in `plugin list`.
pub fn rules() -> &'static [SecretRule] {
    static RULES: OnceLock<Vec<SecretRule>> = OnceLock::new();
    RULES.get_or_init(rules::all)
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
/// a secret, or a credential-like name with a literal value. A value that
/// refers to a secret kept elsewhere (an ARN, a vault path, `${VAR}`) or
/// is a placeholder is neither.
pub fn classify_variable(name: &str, value: &str) -> Option<VariableSecret> {
    let value = value.trim();
    if value.is_empty() || is_reference(value) || is_placeholder(value) {
        return None;
    }
    if let Some(found) = Detector::shared()
        .scan_assignment(name, value)
        .into_iter()
        .next()
    {
        return Some(VariableSecret::Value(found));
    }
    secret_like_name(name).then_some(VariableSecret::Name)
}

/// True when `value` is a documented example or an obvious placeholder for
/// `rule`, fails the rule's structural check, or is too regular to be a
/// secret.
pub fn is_allowed(rule: &SecretRule, value: &str) -> bool {
    if rule
        .allow
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(value))
    {
        return true;
    }
    if !rule.known_default && rule.id != "private-key" && is_placeholder(value) {
        return true;
    }
    if crate::shannon_entropy(value.as_bytes()) < rule.min_entropy {
        return true;
    }
    !rule.check.passes(value)
}

/// The secret rules as plugin rules, for `PluginInfo`. The peers' ids go
/// into the description (`Peers: ...`), where docs/rules.md reads them.
pub fn plugin_rules() -> Vec<Rule> {
    rules()
        .iter()
        .map(|rule| {
            let description = if rule.peers.is_empty() {
                rule.description.to_string()
            } else {
                format!("{} Peers: {}.", rule.description, rule.peers)
            };
            let mut plugin_rule = Rule::new(rule.id, rule.title, rule.severity)
                .description(&description)
                .remediation(ROTATE)
                .reference("https://owasp.org/Top10/A02_2021-Cryptographic_Failures/");
            for alias in rule.aliases {
                plugin_rule = plugin_rule.alias(alias);
            }
            plugin_rule
        })
        .collect()
}

/// Every keyword of every rule, for `Interests::keywords`.
pub fn keywords() -> Vec<String> {
    keywords::declared(rules())
}

#[cfg(test)]
mod tests;
