//! What a matched value is, beyond its regex: a reference to a secret kept
//! elsewhere (an ARN, a vault path, `${VAR}`), a placeholder, a piece of
//! code (an identifier, a call, an attribute), or a literal that may be a
//! secret. The catch-all `generic-secret` rule reports only the last kind.

use crate::shannon_entropy;

/// Lower-case substrings that mark a value as a placeholder, not a secret.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "xxxxxx",
    "******",
    "......",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
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
    "notreal",
    "######",
    "not_real",
    "not-real",
];

/// Prefixes (lower-case) of values that name where a secret is kept:
/// secret-manager URIs and paths. The value itself is not the secret.
const REFERENCE_PREFIXES: &[&str] = &[
    "arn:",               // AWS ARNs: Secrets Manager, SSM Parameter Store, KMS, ...
    "vault:",             // vault:secret/data/app#password (bank-vaults, Spring)
    "vault://",           // vault:// URIs
    "secret/data/",       // Vault KV v2 paths
    "secret/",            // Vault KV v1 paths
    "kv/data/",           // Vault KV v2 under a kv mount
    "op://",              // 1Password secret references
    "sm://",              // Google Secret Manager (Spring Cloud GCP)
    "gcp:secretmanager:", // Google Secret Manager references
    "gcpsm://",
    "projects/", // projects/<p>/secrets/<name>/versions/<v>
    "ssm:",      // SSM parameter references
    "ssm://",
    "aws-secretsmanager:",
    "awssm:",
    "azurekeyvault://",
    "akv://",
    "keyvault:",
    "ref+", // vals references: ref+vault://, ref+awssecrets://, ...
    "doppler://",
    "infisical://",
    "bw://",
    "k8s://",
    "secretref:",
    "secretkeyref:",
    "file:",                // file:/run/secrets/db
    "env:",                 // env:DB_PASSWORD
    "@microsoft.keyvault(", // Azure App Service Key Vault references
];

/// True when `value` points at a secret kept elsewhere rather than being
/// one: ARNs, vault paths, secret-manager URIs, Kubernetes secret
/// references, and interpolations of variables (`${VAR}`, `$VAR`,
/// `%VAR%`, `{{ .Values.x }}`, `#{x}`).
pub fn is_reference(value: &str) -> bool {
    let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = value.to_ascii_lowercase();
    REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || lower.contains("{{resolve:")
        || lower.contains(".vault.azure.net/secrets/")
        || lower.contains("secretmanager.googleapis.com")
        || lower.starts_with("/run/secrets/")
        || lower.starts_with("/var/run/secrets/")
        || is_interpolation(value)
}

/// True for a value that is, or contains, a variable interpolation or
/// template expression.
pub fn is_interpolation(value: &str) -> bool {
    let bytes = value.as_bytes();
    if value.contains("${")
        || value.contains("$(")
        || value.contains("{{")
        || value.contains("#{")
        || value.contains("%(")
        || value.contains("<%")
        || value.contains("@{")
    {
        return true;
    }
    // $VAR or $var at the start: a shell or Compose variable.
    if bytes.first() == Some(&b'$')
        && bytes
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return true;
    }
    // %VAR% (Windows) anywhere.
    if let Some(open) = value.find('%') {
        let rest = &value[open + 1..];
        if let Some(close) = rest.find('%') {
            let name = &rest[..close];
            if !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && name.bytes().any(|b| b.is_ascii_alphabetic())
            {
                return true;
            }
        }
    }
    false
}

/// True when `value` is a documented placeholder (`changeme`, `<your key>`,
/// `xxxx`, `example`) or a variable reference.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
        || (lower.starts_with('<') && lower.ends_with('>'))
        || (lower.starts_with('[') && lower.ends_with(']'))
        || lower.ends_with("...")
        || is_interpolation(value)
        || is_one_repeated_char(value)
}

fn is_one_repeated_char(value: &str) -> bool {
    let mut bytes = value.bytes();
    match bytes.next() {
        Some(first) => value.len() >= 4 && bytes.all(|b| b == first),
        None => false,
    }
}

/// Words that make a variable name credential-like.
const SECRET_NAME_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "accesskey",
    "private_key",
    "privatekey",
    "credential",
    "auth_key",
];

/// Name endings (lower-case, after `_`, `-` or `.`) that describe a secret
/// rather than hold it: where it is (`_FILE`, `_PATH`, `_URL`, `_ARN`),
/// what it is called or how it looks (`_NAME`, `_TYPE`, `_LENGTH`), how it
/// is handled (`_TIMEOUT`, `_HEADER`), or a digest of it (`_HASH`).
const POINTER_SUFFIXES: &[&str] = &[
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "url",
    "uri",
    "urls",
    "endpoint",
    "host",
    "arn",
    "ref",
    "name",
    "names",
    "type",
    "types",
    "kind",
    "id",
    "ids",
    "length",
    "len",
    "size",
    "count",
    "max",
    "min",
    "timeout",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "age",
    "header",
    "headers",
    "field",
    "fields",
    "param",
    "prefix",
    "suffix",
    "format",
    "pattern",
    "regex",
    "policy",
    "version",
    "env",
    "var",
    "label",
    "placeholder",
    "hint",
    "message",
    "msg",
    "text",
    "title",
    "help",
    "error",
    "hash",
    "hashed",
    "digest",
    "algorithm",
    "algo",
    "method",
    "mode",
    "enabled",
    "required",
    "source",
    "provider",
    "store",
    "backend",
    "class",
    "scope",
    "scopes",
    "style",
    "template",
    "location",
    "key_id",
    "keyid",
    "region",
    "manager",
    "mount",
    "secret_name",
    "generator",
    "validator",
    "dialog",
    "input",
    "button",
    "reset",
    "strength",
    "policy",
    "rotation",
    "rules",
    "mask",
    "encoding",
    "encoder",
    "provider",
    "service",
    "option",
    "options",
    "flag",
    "status",
    "state",
    "count",
    "index",
];

/// Name beginnings that make it a flag, a counter or a function rather
/// than a stored credential.
const POINTER_PREFIXES: &[&str] = &[
    "is_",
    "has_",
    "use_",
    "enable_",
    "disable_",
    "max_",
    "min_",
    "num_",
    "get_",
    "set_",
    "no_",
    "show_",
    "allow_",
    "require_",
    "validate_",
    "check_",
    "verify_",
    "generate_",
    "new_",
    "default_",
    "reset_",
    "forgot_",
    "confirm_",
    "public_",
    "publishable_",
];

/// Words that make a name something other than a credential even when it
/// contains one of [`SECRET_NAME_WORDS`]: CSRF tokens protect a form, they
/// grant nothing; public keys are public.
const NOT_SECRET_WORDS: &[&str] = &[
    "csrf",
    "xsrf",
    "public_key",
    "publishable",
    "page_token",
    "next_token",
    "continuation_token",
    "sync_token",
    "tokeniz",
    "notsosecret",
    "jsonwebtoken",
];

/// True for a variable name like `DB_PASSWORD` or `apiToken`; names that
/// point at a secret or describe it (`*_FILE`, `*_PATH`, `*_ARN`, `*_URL`,
/// `*_NAME`, `*_LENGTH`, `MAX_*`) are not.
pub fn secret_like_name(name: &str) -> bool {
    let lower = snake_case(name);
    if !SECRET_NAME_WORDS.iter().any(|word| lower.contains(word))
        || NOT_SECRET_WORDS.iter().any(|word| lower.contains(word))
    {
        return false;
    }
    let last = lower.rsplit(['_', '-', '.']).next().unwrap_or("");
    // Collections of secrets (`keyVaultToStoreSecrets`, `tokens`) hold
    // names or structures, not one literal secret.
    if matches!(last, "secrets" | "tokens" | "passwords" | "keys") {
        return false;
    }
    let holds_secret_id = lower.ends_with("secret_id") || lower.ends_with("secretid");
    if POINTER_SUFFIXES.contains(&last) && !holds_secret_id {
        return false;
    }
    if POINTER_SUFFIXES
        .iter()
        .any(|s| s.contains('_') && lower.ends_with(&format!("_{s}")))
    {
        return false;
    }
    !POINTER_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// `apiToken` -> `api_token`, `DB_PASSWORD` -> `db_password`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let bytes = name.as_bytes();
    for (index, byte) in bytes.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| bytes[i]);
        if byte.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase()) {
            out.push('_');
        }
        out.push(match byte {
            b'-' | b'.' => '_',
            _ => byte.to_ascii_lowercase() as char,
        });
    }
    out
}

/// Shortest literal the generic rule reports.
pub const GENERIC_MIN_LEN: usize = 10;
/// Entropy floor (bits per character, over the whole printable value) of a
/// generic secret.
pub const GENERIC_MIN_ENTROPY: f64 = 3.0;

/// Words that, inside a generic value, make it a placeholder or a
/// description (`"mysecretpassword"`, `"token-header"`).
/// Words that, inside a generic value (read with leetspeak undone:
/// `P@ssw0rd` is `password`), make it a sample or a description:
/// `"mysecretpassword"`, `"token-header"`, `"testing123!"`.
const GENERIC_VALUE_WORDS: &[&str] = &[
    "pass", "secret", "token", "apikey", "api_key", "test", "admin", "welcome", "letmein",
    "default", "demo", "qwerty", "changeme",
];

/// `P@ssw0rd` -> `password`: the usual letter-for-digit swaps undone.
fn unleet(lower: &str) -> String {
    lower
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// Prefixes of credentials that are harmless by design: Stripe test-mode
/// keys reach only test data, publishable keys are meant for browsers.
const HARMLESS_PREFIXES: &[&str] = &["sk_test_", "rk_test_", "pk_test_", "pk_live_"];

/// How a generic candidate value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// Between matching quotes: a string literal.
    Quoted,
    /// Bare: a config value, or code.
    Bare,
}

/// Decides whether a value assigned to a credential-like name is a literal
/// secret: long enough, varied enough (entropy over all its printable
/// characters, whatever they are), and not a placeholder, a reference, a
/// path, a URL or a piece of code.
pub fn generic_value_is_secret(value: &str, quoting: Quoting, in_code: bool) -> bool {
    let length = value.len();
    let (min_len, min_entropy) = if in_code {
        (GENERIC_MIN_LEN_IN_CODE, GENERIC_MIN_ENTROPY_IN_CODE)
    } else {
        (GENERIC_MIN_LEN, GENERIC_MIN_ENTROPY)
    };
    if !(min_len..=200).contains(&length)
        || GENERIC_PUBLISHED_EXAMPLES.contains(&value)
        || value.bytes().any(|b| !b.is_ascii_graphic())
        || is_placeholder(value)
        || is_reference(value)
        || looks_like_location(value)
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let plain = unleet(&lower);
    if GENERIC_VALUE_WORDS
        .iter()
        .any(|w| lower.contains(w) || plain.contains(w))
        || HARMLESS_PREFIXES.iter().any(|p| lower.starts_with(p))
    {
        return false;
    }
    if quoting == Quoting::Bare && looks_like_code(value) {
        return false;
    }
    if is_format_string(value)
        || is_identifier_like(value)
        || is_number_like(value)
        || has_sample_run(value)
        || has_keyboard_run(&lower)
        // A value ending in 123 is a person's sample password: `privacy123`.
        || lower
            .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
            .ends_with("123")
        || is_path_expression(value)
        || is_snake_identifier(value)
        || decodes_to_prose(value)
    {
        return false;
    }
    shannon_entropy(value.as_bytes()) >= min_entropy
}

/// Source code holds more names and sample values than configuration
/// does: there a generic secret needs 16 characters and 3.6 bits each.
pub const GENERIC_MIN_LEN_IN_CODE: usize = 16;
/// Entropy floor of a generic secret in source code (16 random base62
/// characters average 3.7).
pub const GENERIC_MIN_ENTROPY_IN_CODE: f64 = 3.6;

/// Values published as examples in standards and manuals.
const GENERIC_PUBLISHED_EXAMPLES: &[&str] = &[
    // RFC 6749 (OAuth 2.0): the access token, refresh token and code of its examples.
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    // Jetty's manual and modules: its default keystore and key manager
    // passwords, obfuscated.
    "OBF:1vny1zlo1x8e1vnw1vn61x8g1zlu1vn4",
    "OBF:1u2u1wml1z7s1z7a1wnl1u2g",
];

/// `StreamDescription.Shards[-1].ShardId`: an attribute path with indexes
/// (JMESPath, JSONPath), as API descriptions name fields.
fn is_path_expression(value: &str) -> bool {
    if !value.contains('[') {
        return false;
    }
    let mut plain = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    is_attribute_chain(&plain) || (is_identifier_syntax(&plain) && is_identifier_like(&plain))
}

/// Base64 of a sentence (`bm90IG15IHJlYWwgcGFzc3dvcmQ=`, "not my real
/// password") is a sample someone encoded, not a key.
fn decodes_to_prose(value: &str) -> bool {
    if value.len() < 12 {
        return false;
    }
    super::checks::decode_base64(value.as_bytes()).is_some_and(|text| {
        text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && text.contains(&b' ')
            && text.iter().filter(|b| b.is_ascii_alphabetic()).count() * 10 >= text.len() * 7
    })
}

/// Runs along a keyboard row (`asdf`, `qwer`, `zxcv`, either way), the
/// way people type sample values.
fn has_keyboard_run(lower: &str) -> bool {
    const ROWS: &[&str] = &[
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "poiuytrewq",
        "lkjhgfdsa",
        "mnbvcxz",
    ];
    lower.contains("asdasd")
        || lower.as_bytes().windows(4).any(|w| {
            let w = std::str::from_utf8(w).unwrap_or("");
            ROWS.iter().any(|row| row.contains(w))
        })
}

/// Paths, URLs, e-mail addresses, host names and MIME types locate or
/// describe something; they are not secrets themselves (credentials inside
/// URLs are the `password-in-url` rule's).
fn looks_like_location(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("../")
        || value.starts_with("~/")
        || value.contains("://")
        || value.contains(":\\")
        || (value.contains('@') && value.contains('.') && !value.contains(':'))
        || is_relative_path(value)
        || [
            ".com", ".org", ".net", ".io", ".json", ".yaml", ".yml", ".txt", ".pem", ".key", ".crt",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// `prod/db/password`, `app/config.yaml`: segments that are words, not
/// the random slashes of a base64 value.
fn is_relative_path(value: &str) -> bool {
    value.contains('/')
        && value
            .split('/')
            .all(|segment| segment.len() <= 3 || is_identifier_like(segment))
}

/// A bare value that is an expression: a call, an index, an attribute
/// chain, an operator, a collection.
fn looks_like_code(value: &str) -> bool {
    let bytes = value.as_bytes();
    if value.bytes().any(|b| {
        matches!(
            b,
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' | b',' | b';'
        )
    }) {
        return true;
    }
    if matches!(
        bytes.first(),
        Some(b'$' | b'@' | b'&' | b'*' | b'!' | b'-' | b'+' | b'=' | b'|' | b':')
    ) {
        return true;
    }
    // `scmVersion=` in a `name= name= ...` list.
    let unpadded = value.trim_end_matches('=');
    if unpadded.len() < value.len()
        && unpadded.len() < 16
        && !unpadded.bytes().any(|b| b.is_ascii_digit())
        && is_identifier_syntax(unpadded)
    {
        return true;
    }
    value.contains("->")
        || value.contains("::")
        || value.contains("&&")
        || value.contains("||")
        || is_attribute_chain(value)
        || is_snake_identifier(value)
}

/// `self.TOKEN`, `oauth2client.GOOGLE_TOKEN_URI`, `settings.SECRET_KEY`:
/// identifiers joined by dots.
/// A random segment (`s.ZC9Ecf4M5g9o34Q6RkzGsj0z`) is not an attribute.
fn is_attribute_chain(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    let has_word = |part: &str, min: usize| {
        letter_pieces(part)
            .into_iter()
            .any(|piece| piece.len() >= min && is_word_like(piece))
    };
    parts.len() >= 2
        && parts.iter().all(|part| is_identifier_syntax(part))
        && parts
            .iter()
            .all(|part| part.len() < 8 || part.contains('_') || has_word(part, 4))
        && parts.iter().any(|part| has_word(part, 3))
}

/// `private_key_pkcs8_pem`, `GS_SERVICE_CLIENT_ID`, `mount_path`: words
/// joined by underscores, few digits.
fn is_snake_identifier(value: &str) -> bool {
    let trimmed = value.trim_start_matches('_');
    let segments: Vec<&str> = trimmed.split('_').collect();
    let wordy = segments
        .iter()
        .filter(|s| letter_pieces(s).into_iter().any(is_word_like))
        .count();
    // Digits only as whole segments or at a segment's end (`pkcs8`, `64`).
    let digits_placed = segments.iter().all(|s| {
        let letters_end = s.bytes().take_while(u8::is_ascii_alphabetic).count();
        s.bytes().skip(letters_end).all(|b| b.is_ascii_digit())
    });
    segments.len() >= 2
        && is_identifier_syntax(value)
        && segments.iter().all(|s| !s.is_empty() && s.len() <= 14)
        && digits_placed
        && wordy * 2 >= segments.len()
}

fn is_identifier_syntax(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

/// Four or more consecutive characters of the alphabet or digits in a row
/// (`abcd`, `1234`, `WXYZ`): values typed by a person to look like a key or
/// a password, not generated (a random value has one in about ten
/// thousand).
fn has_sample_run(value: &str) -> bool {
    let mut run = 1;
    for pair in value.as_bytes().windows(2) {
        let (a, b) = (pair[0].to_ascii_lowercase(), pair[1].to_ascii_lowercase());
        if a.is_ascii_alphanumeric() && b == a.wrapping_add(1) {
            run += 1;
            if run >= 4 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// printf and format-string templates: `%s`, `{0}`, `{}`.
fn is_format_string(value: &str) -> bool {
    ["%s", "%d", "%v", "%x", "{}", "{0}", "{1}", "\\n", "\\t"]
        .iter()
        .any(|f| value.contains(f))
}

/// Numbers, versions, dates, UUID-free hex of one kind: `1.2.3`,
/// `2024-01-01`, `1234567890`.
fn is_number_like(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':' | b'_' | b'+' | b'T' | b'Z'))
}

/// A name made of words rather than random characters: `V1LocalObjectReference`,
/// `GOOGLE_TOKEN_URI`, `my-database-password`, `x-api-key`. Measured as the
/// share of letters that sit in pronounceable pieces of three or more
/// letters, with few digits.
pub fn is_identifier_like(value: &str) -> bool {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let symbols = value
        .bytes()
        .filter(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'_' | b'-' | b'.' | b'/' | b':'))
        .count();
    if digits > 2 || symbols > 0 {
        return false;
    }
    let mut letters = 0usize;
    let mut in_words = 0usize;
    for piece in letter_pieces(value) {
        letters += piece.len();
        if is_word_like(piece) {
            in_words += piece.len();
        }
    }
    // Short pieces without vowels (`Psc`, `NDB`, `V`) are acronyms in names
    // and noise in random strings: they count for neither side, only in
    // the total.
    in_words >= 5 && in_words * 10 >= letters * 6
}

/// An identifier as code writes it (`sumOfExposures`,
/// `GOOGLE_TOKEN_URI`, `x-api-key`): made of words, and shaped by camel
/// case, separators or capitals. A plain run of lower-case letters is not
/// enough: random lower-case keys look like that too.
pub fn is_code_identifier(value: &str) -> bool {
    let bytes = value.as_bytes();
    let camel = bytes
        .windows(2)
        .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
    let separated = value.contains(['_', '-', '.']);
    let capitals = bytes.iter().all(|b| !b.is_ascii_lowercase());
    (camel || separated || capitals) && is_identifier_like(value)
}

/// Splits `value` into runs of letters, cutting at non-letters and at a
/// lower-to-upper case change (`fooBar` -> `foo`, `Bar`; `HTTPServer` ->
/// `HTTPServer` as one upper run, which is fine for this measure).
fn letter_pieces(value: &str) -> Vec<&str> {
    let bytes = value.as_bytes();
    let mut pieces = Vec::new();
    let mut start: Option<usize> = None;
    for index in 0..=bytes.len() {
        let byte = bytes.get(index).copied();
        let is_letter = byte.is_some_and(|b| b.is_ascii_alphabetic());
        let upper = byte.is_some_and(|b| b.is_ascii_uppercase());
        let previous = index.checked_sub(1).map(|i| bytes[i]);
        let next_lower = bytes.get(index + 1).is_some_and(u8::is_ascii_lowercase);
        // fooBar -> foo|Bar; NDBModel -> NDB|Model.
        let camel_break = is_letter
            && upper
            && previous
                .is_some_and(|p| p.is_ascii_lowercase() || (p.is_ascii_uppercase() && next_lower));
        if let Some(from) = start
            && (!is_letter || camel_break)
        {
            pieces.push(&value[from..index]);
            start = None;
        }
        if is_letter && start.is_none() {
            start = Some(index);
        }
    }
    pieces
}

/// Three or more letters with vowels where words have them (`y` counted)
/// and no long consonant cluster: `Local`, `TOKEN`, `String`; not `Vx`,
/// `qRtZ`, `Xkcdwq`, which random keys are made of.
fn is_word_like(piece: &str) -> bool {
    if piece.len() < 3 {
        return false;
    }
    let lower = piece.to_ascii_lowercase();
    let vowels = lower.bytes().filter(|b| b"aeiouy".contains(b)).count();
    let mut run = 0usize;
    let mut longest_run = 0usize;
    for byte in lower.bytes() {
        if b"aeiouy".contains(&byte) {
            run = 0;
        } else {
            run += 1;
            longest_run = longest_run.max(run);
        }
    }
    // Pieces break at lower->upper changes, so `ABcd` is one piece: upper
    // then lower runs longer than one letter are not how words are written.
    let upper_after_first = piece.bytes().skip(1).filter(u8::is_ascii_uppercase).count();
    let mixed = upper_after_first > 0 && upper_after_first < piece.len() - 1;
    // Short words may have one vowel (`String`, `Script`); longer ones one
    // in five letters.
    let voiced = if lower.len() <= 6 {
        vowels >= 1 && longest_run <= 3
    } else {
        vowels * 5 >= lower.len() && longest_run <= 4
    };
    voiced && !mixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_recognised() {
        for value in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/password",
            "vault:secret/data/app#password",
            "secret/data/prod/db",
            "op://vault/item/password",
            "sm://my-project/db-password",
            "gcp:secretmanager:projects/p/secrets/s",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "%DB_PASSWORD%",
            "{{ .Values.db.password }}",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
            "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db/)",
            "ref+vault://secret/app#/password",
        ] {
            assert!(is_reference(value), "{value}");
        }
        assert!(!is_reference("q7Vx2LmN9pRt4WzY8bKc"));
        assert!(!is_reference("100%"));
    }

    #[test]
    fn names_that_point_at_or_describe_a_secret_are_not_secret_like() {
        for name in [
            "DB_PASSWORD",
            "apiToken",
            "client_secret",
            "SECRET_KEY",
            "vault_secret_id",
        ] {
            assert!(secret_like_name(name), "{name}");
        }
        for name in [
            "DB_PASSWORD_FILE",
            "TOKEN_URL",
            "secret_arn",
            "passwordLength",
            "MAX_TOKENS",
            "token_type",
            "PASSWORD_HASH",
            "is_secret",
            "HOSTNAME",
        ] {
            assert!(!secret_like_name(name), "{name}");
        }
    }

    #[test]
    fn code_and_identifiers_are_not_generic_secrets() {
        for (value, quoting) in [
            ("oauth2client.GOOGLE_TOKEN_URI", Quoting::Bare),
            ("self.TOKEN", Quoting::Bare),
            ("V1LocalObjectReference", Quoting::Bare),
            ("getpass.getpass(prompt)", Quoting::Bare),
            ("os.environ[", Quoting::Bare),
            ("GOOGLE_TOKEN_URI", Quoting::Quoted),
            ("x-goog-api-key", Quoting::Quoted),
            ("my_database_password_here", Quoting::Quoted),
            ("Bearer %s", Quoting::Quoted),
            ("${DB_PASSWORD}", Quoting::Bare),
            ("/run/secrets/db", Quoting::Bare),
            ("1234567890", Quoting::Quoted),
            ("authorization", Quoting::Quoted),
        ] {
            assert!(!generic_value_is_secret(value, quoting, false), "{value}");
        }
    }

    #[test]
    fn literal_secrets_of_any_alphabet_are_generic_secrets() {
        for (value, quoting) in [
            ("q7Vx2LmN9pRt4WzY8bKc", Quoting::Bare),
            (
                "django-insecure-k3#x@(9z)w!5^q&*m-_=+)v8$h%2j",
                Quoting::Quoted,
            ),
            ("Tr0ub4dor&3horse!", Quoting::Bare),
            ("5f4dcc3b5aa765d61d8327deb882cf99", Quoting::Quoted),
            ("JBSWY3DPEHPK3PXPJBSWY3DP", Quoting::Quoted),
        ] {
            assert!(generic_value_is_secret(value, quoting, false), "{value}");
        }
    }
}
