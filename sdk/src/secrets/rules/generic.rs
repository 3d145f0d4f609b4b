//! The catch-all rule: a literal value assigned to a credential-like name.
//! Its regex only finds candidates; `values::generic_value_is_secret`
//! decides, after the detector has looked at the name and the quoting.

use crate::Severity::Medium;
use crate::secrets::rule::SecretRule;

/// Id of the catch-all rule, which yields to every specific rule.
pub const GENERIC: &str = "generic-secret";

/// The catch-all rule.
pub fn rule() -> SecretRule {
    SecretRule::raw(
        GENERIC,
        "Secret assigned to a credential-like name",
        Medium,
        &[
            "secret", "password", "passwd", "passphrase", "token", "apikey", "api_key", "api-key",
            "api.key", "access_key", "accesskey", "access-key", "private_key", "privatekey",
            "auth_key", "authkey", "credential",
        ],
        concat!(
            r"(?im)(?:^|[^0-9A-Za-z_.:/\-])[0-9A-Za-z_.\-$@]{0,40}",
            r"(?:secret|passw(?:or)?d|passphrase|token|api[_.\-]?key|access[_.\-]?key|private[_.\-]?key|auth[_.\-]?key|credentials?)",
            // An optional type between name and operator (Go's `var x string =`).
            r#"[0-9A-Za-z_.\-]{0,30}(?:[ \t]{1,4}[A-Za-z_][0-9A-Za-z_.\[\]]{0,20})?"#,
            r#"["']?[ \t]{0,4}(?:=|:=|::=|:::=|\.=|\?=|:|=>|,|>[ \t]*\r?\n?)[ \t]{0,8}["'`]?"#,
            r#"(?P<secret>[^ \t\r\n"'`\\<]{10,200})"#,
        )
        .into(),
    )
    .describe("A literal value assigned to a name like secret, password, token or api_key (in config files, env files, source code), with at least 10 printable characters of any kind and 3 bits of entropy per character; references (ARNs, vault paths, ${VAR}), placeholders, paths, URLs and code (identifiers, attribute chains, calls, format strings), sample values (runs like abcdef or 123456) are not reported, nor are values in test and example directories. It yields to every specific rule.")
    .entropy(0.0)
}
