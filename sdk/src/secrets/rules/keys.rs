//! Formats that are secrets whoever issued them: private keys, JSON Web
//! Tokens, credentials in URLs and curl command lines, Kubernetes Secret
//! data, known default secrets.

use crate::Severity::{High, Medium};
use crate::secrets::checks::Check;
use crate::secrets::rule::SecretRule;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::raw("private-key", "Private key", High, &["private key"],
            concat!(
                r"(?i)(?P<secret>-----[ \t]*BEGIN[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?[ \t]*-----",
                r"(?:\\[rn]|\s)*(?:[^\r\n\\]{0,100}:[^\r\n\\]{0,200}(?:\\[rn]|[\r\n])+)*(?:\\[rn]|\s)*",
                r"[0-9A-Za-z+/=][0-9A-Za-z+/=\\\s]{30,}[0-9A-Za-z+/=](?:\\[rn]|\s)*",
                r"-----[ \t]*END[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?[ \t]*-----)"
            ).into())
            .describe("A PEM or OpenSSH private key block (RSA, EC, DSA, OpenSSH, PKCS#8, PGP), also with its base64 body wrapped with spaces or written with \\n escapes inside a JSON string.")
            .entropy(0.0)
            .peers("trivy:private-key; gitleaks:private-key"),
        SecretRule::raw("jwt", "JSON Web Token", Medium, &["eyj"],
            r"(?:^|[^0-9A-Za-z_\-])(?P<secret>eyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{16,})".into())
            .describe("A signed JSON Web Token whose header decodes to JSON naming its algorithm: a bearer credential valid until it expires.")
            .check(Check::JwtHeader)
            .allow(&[
                // jwt.io's published example token.
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            ])
            .peers("trivy:jwt-token; gitleaks:jwt"),
        SecretRule::token("jwt-base64", "Base64-encoded JSON Web Token", Medium, &["zxlk"],
            r"ZXlK[0-9A-Za-z+/]{60,}={0,2}")
            .describe("A JSON Web Token encoded once more in base64 (ZXlK...), as Kubernetes Secrets and CI variables hold them.")
            .check(Check::Base64Jwt)
            .peers("gitleaks:jwt-base64"),
        SecretRule::raw("password-in-url", "Password in URL", High, &["://"],
            r#"://[[:graph:]&&[^:@/"'<>]]{1,64}:(?P<secret>[[:graph:]&&[^:@/"'<>]]{3,128})@[0-9A-Za-z.\-_\[\]]+"#.into())
            .describe("A URL with embedded credentials (scheme://user:password@host).")
            .entropy(1.5)
            .allow(&["password", "passwd", "pass", "pwd", "secret", "token"])
            .peers("gitleaks:sidekiq-sensitive-url"),
        SecretRule::raw("curl-auth-header", "Credential in a curl Authorization header", High, &["curl"],
            concat!(
                r#"(?i)\bcurl\b(?:[^\r\n]*?\r?\n){0,4}?[^\r\n]*?[ \t](?:-H|--header)[ \t=]{0,5}["']?"#,
                r"(?:Authorization:[ \t]*(?:(?:Basic|Bearer|Token|Api-Token)[ \t]+)?",
                r"|(?:X-(?:[A-Za-z]{1,20}-)?)?(?:Api-?)?(?:Key|Token|Auth(?:-Token)?)[ \t]*:[ \t]*)",
                r"(?P<secret>[0-9A-Za-z_=~@.+/\-]{8,})",
            ).into())
            .describe("A token or Basic credential passed to curl in an Authorization or API-key header on the command line (and so in shell history and process listings).")
            .entropy(2.75)
            .peers("gitleaks:curl-auth-header"),
        SecretRule::raw("curl-auth-user", "Password in a curl --user option", High, &["curl"],
            concat!(
                r#"(?i)\bcurl\b(?:[^\r\n]*?\r?\n){0,4}?[^\r\n]*?[ \t](?:-u|--user)[ \t=]{1,5}"#,
                r#"["']?[^\s:"'$<>\[]{0,64}["']?:["']?(?P<secret>[^\s"'<>\[\]]{3,128})"#,
            ).into())
            .describe("A user:password passed to curl with -u/--user.")
            .entropy(2.0)
            .allow(&["password", "passwd", "pass", "pwd", "secret", "token", "apikey"])
            .peers("gitleaks:curl-auth-user"),
        SecretRule::raw("symfony-default-secret", "Symfony default secret", High, &["tokenisnotsosecret"],
            r"(?P<secret>ThisTokenIsNotSoSecretChangeIt|ThisEzPlatformTokenIsNotSoSecret_PleaseChangeIt)".into())
            .describe("Symfony's or eZ Platform's published default APP_SECRET left in place: it signs sessions and CSRF tokens, and everyone knows it.")
            .entropy(0.0)
            .known_default()
            .peers("trivy:symfony-default-secret"),
        SecretRule::raw("kubernetes-secret-data", "Kubernetes Secret with data", Medium,
            &["kind: secret", "kind: 'secret'", "kind: \"secret\""],
            concat!(
                r"(?m)^[ \t]*data:[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*",
                r#"[ \t]+[0-9A-Za-z_.\-]{1,100}:[ \t]*["']?(?P<secret>[0-9A-Za-z+/]{12,}={0,3})["']?[ \t]*\r?$"#,
            ).into())
            .describe("A Kubernetes Secret manifest (kind: Secret) whose data holds a value in the file itself: base64 is an encoding, not encryption.")
            .check(Check::Base64)
            .peers("gitleaks:kubernetes-secret-yaml"),
    ]
}
