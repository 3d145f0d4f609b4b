//! [`Detector`]: runs the rules whose keywords are present, over a buffer
//! (regexes compiled in the plugin, each on first use) or over a file
//! (regexes run natively by the host through [`HostRegexSet`], so only the
//! matched values are copied into the plugin), and settles overlaps.

use std::cell::OnceCell;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use super::keywords::{self, KeywordIndex};
use super::rule::SecretRule;
use super::rules::generic::GENERIC;
use super::values::{Quoting, generic_value_is_secret, is_code_identifier, secret_like_name};
use crate::{File, HostRegexSet};

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

/// The shared rules, ready to run. Build once with [`Detector::shared`].
pub struct Detector {
    rules: &'static [SecretRule],
    /// Each rule's regex for in-plugin scans, compiled when first needed.
    compiled: Vec<OnceLock<Option<Regex>>>,
    keywords: KeywordIndex,
    /// The keywords the plugin declares, in declaration order.
    declared: Vec<String>,
}

/// Most matches of one rule in one file.
const MAX_MATCHES_PER_RULE: u32 = 1_000;
/// Longest secret value copied into the plugin.
const MAX_SECRET_BYTES: u64 = 64 << 10;
/// Bytes before a generic candidate read to find its name and quote.
const CONTEXT_BYTES: u64 = 96;
/// Most patterns the host compiles into one regex set.
const PATTERNS_PER_SET: usize = 256;
/// Compiled-program size limit for in-plugin regexes.
const SIZE_LIMIT: usize = 8 << 20;

thread_local! {
    /// The rules compiled natively by the host, once per instance, in sets
    /// of at most [`PATTERNS_PER_SET`].
    static HOST_SETS: OnceCell<Result<Vec<HostRegexSet>, String>> = const { OnceCell::new() };
}

impl Detector {
    /// The detector for [`super::rules()`], built on first use.
    pub fn shared() -> &'static Detector {
        static DETECTOR: OnceLock<Detector> = OnceLock::new();
        DETECTOR.get_or_init(|| {
            let rules = super::rules();
            Detector {
                rules,
                compiled: rules.iter().map(|_| OnceLock::new()).collect(),
                keywords: KeywordIndex::new(rules),
                declared: keywords::declared(rules),
            }
        })
    }

    /// Every secret in `data`, in order of position. Rules limited to some
    /// file names do not run (there is no file name).
    pub fn scan(&self, data: &[u8]) -> Vec<SecretMatch> {
        self.scan_named(data, None)
    }

    /// Every secret in `data`, the content of the file at `path`.
    pub fn scan_named(&self, data: &[u8], path: Option<&str>) -> Vec<SecretMatch> {
        let present = self.keywords.rules_present(data);
        let kind = FileKind::of(path.map(str::to_ascii_lowercase).as_deref());
        let mut found = Vec::new();
        let mut vetoes = Vec::new();
        for index in self.runnable(&present, path) {
            let rule = &self.rules[index];
            let Some(regex) = self.regex(index) else {
                continue;
            };
            for captures in regex.captures_iter(data) {
                let Some(secret) = captures.get(1) else {
                    continue;
                };
                let value = String::from_utf8_lossy(secret.as_bytes());
                let context = Context::around(data, secret.start(), secret.end());
                if accept(rule, &value, &context, kind) {
                    found.push(SecretMatch {
                        rule,
                        start: secret.start(),
                        end: secret.end(),
                        secret: value.into_owned(),
                        lines: None,
                    });
                } else if rule.id != GENERIC {
                    vetoes.push((secret.start(), secret.end()));
                }
            }
        }
        settle(found, &vetoes)
    }

    /// Every secret in `file`, searched natively by the host with the
    /// rules whose keywords the host found there (`keyword_hits`, as
    /// `File::matched_keywords` gives them). Only the secrets (and the
    /// few bytes before a generic candidate) are copied into the plugin.
    /// Falls back to reading the file and scanning in the plugin when the
    /// host gave no keyword hits.
    pub fn scan_file(
        &self,
        file: &File,
        keyword_hits: &[u32],
        max_size: u64,
    ) -> Result<Vec<SecretMatch>, String> {
        let path = file.path();
        if keyword_hits.is_empty() {
            return Ok(self.scan_named(&file.read_all(max_size)?, Some(&path)));
        }
        let present = keywords::rules_for_hits(self.rules, &self.declared, keyword_hits);
        let kind = FileKind::of(Some(&path.to_ascii_lowercase()));
        let mut vetoes = Vec::new();
        let found = HOST_SETS.with(|sets| -> Result<Vec<SecretMatch>, String> {
            let sets = sets
                .get_or_init(|| self.compile_host_sets())
                .as_ref()
                .map_err(|err| format!("host regex set: {err}"))?;
            let mut found = Vec::new();
            for index in self.runnable(&present, Some(&path)) {
                let Some(set) = sets.get(index / PATTERNS_PER_SET) else {
                    continue;
                };
                let pattern = (index % PATTERNS_PER_SET) as u32;
                let rule = &self.rules[index];
                for m in set.find_all(pattern, file, MAX_MATCHES_PER_RULE) {
                    let value_len = m
                        .group_end
                        .saturating_sub(m.group_start)
                        .min(MAX_SECRET_BYTES);
                    let from = if rule.id == GENERIC || rule.assigned {
                        m.group_start.saturating_sub(CONTEXT_BYTES)
                    } else {
                        m.group_start.saturating_sub(2)
                    };
                    let before = (m.group_start - from) as usize;
                    // One more byte after the value: the closing quote.
                    let bytes = file.read_at(from, (before as u64 + value_len + 1) as u32);
                    let end = (before + value_len as usize).min(bytes.len());
                    let value = String::from_utf8_lossy(&bytes[before.min(end)..end]);
                    let context = Context::around(&bytes, before.min(end), end);
                    if accept(rule, &value, &context, kind) {
                        found.push(SecretMatch {
                            rule,
                            start: m.group_start as usize,
                            end: m.group_end as usize,
                            secret: value.into_owned(),
                            lines: Some((m.start_line, m.end_line)),
                        });
                    } else if rule.id != GENERIC {
                        vetoes.push((m.group_start as usize, m.group_end as usize));
                    }
                }
            }
            Ok(found)
        })?;
        Ok(settle(found, &vetoes))
    }

    /// Checks a `name=value` pair (an environment variable, say): secrets
    /// in the value, and a credential-like name with a literal value.
    pub fn scan_assignment(&self, name: &str, value: &str) -> Vec<SecretMatch> {
        self.scan(format!("{name}={value}").as_bytes())
    }

    /// Indexes of the rules to run: keyword present, file name admitted,
    /// and the generic rule only outside test and example directories.
    fn runnable(&self, present: &[bool], path: Option<&str>) -> Vec<usize> {
        let lower = path.map(str::to_ascii_lowercase);
        let generic_admitted = !lower.as_deref().is_some_and(is_test_or_example_path)
            && !matches!(
                FileKind::of(lower.as_deref()),
                FileKind::Binary | FileKind::Docs
            );
        self.rules
            .iter()
            .enumerate()
            .filter(|(index, rule)| {
                present.get(*index).copied().unwrap_or(false)
                    && rule.applies_to(lower.as_deref())
                    && (rule.id != GENERIC || generic_admitted)
            })
            .map(|(index, _)| index)
            .collect()
    }

    fn regex(&self, index: usize) -> Option<&Regex> {
        self.compiled[index]
            .get_or_init(|| {
                RegexBuilder::new(&self.rules[index].pattern)
                    .size_limit(SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    fn compile_host_sets(&self) -> Result<Vec<HostRegexSet>, String> {
        let patterns: Vec<String> = self.rules.iter().map(|r| r.pattern.clone()).collect();
        patterns
            .chunks(PATTERNS_PER_SET)
            .map(HostRegexSet::compile)
            .collect()
    }
}

/// True for paths in test, fixture, example, sample or documentation
/// directories (Ansible's `molecule` test scenarios too), and for test and example files (`test_x.py`, `x_test.go`,
/// `x.spec.ts`, `.env.example`). The generic rule does not run there:
/// values in such files are samples by convention. `path` is lower-case.
pub fn is_test_or_example_path(path: &str) -> bool {
    const DIRECTORIES: &[&str] = &[
        "test",
        "tests",
        "testing",
        "testdata",
        "test-data",
        "test_data",
        "__tests__",
        "spec",
        "specs",
        "fixtures",
        "fixture",
        "__fixtures__",
        "mocks",
        "molecule",
        "__mocks__",
        "example",
        "examples",
        "sample",
        "samples",
        "demo",
        "demos",
        "doc",
        "docs",
    ];
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        let is_file = parts.peek().is_none();
        if !is_file && DIRECTORIES.contains(&part) {
            return true;
        }
        if is_file {
            let stem = part.split('.').next().unwrap_or(part);
            return stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem.ends_with("_spec")
                || stem == "conftest"
                || part.contains(".test.")
                || part.contains(".spec.")
                || part.contains("example")
                || part.contains("sample");
        }
    }
    false
}

/// What surrounds a matched value on its line: the bytes before it (up to
/// the line start) and the byte right after it.
struct Context<'a> {
    before: &'a [u8],
    after: Option<u8>,
}

/// What the file's name says about its content.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// Configuration, scripts, documents, or no file at all (a variable).
    Other,
    /// Source code in a programming language.
    Code,
    /// Python source, where `name: value` is never an assignment (it is
    /// YAML or prose in a docstring, or a type annotation).
    Python,
    /// Compiled or binary: the generic rule does not run there.
    Binary,
    /// Documentation (Markdown, reStructuredText, AsciiDoc, HTML): values
    /// there are examples; the generic rule does not run there either.
    Docs,
}

impl FileKind {
    /// The kind of the file at `path` (lower-case), by its extension.
    fn of(path: Option<&str>) -> Self {
        const CODE: &[&str] = &[
            "py", "pyi", "go", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "kts",
            "scala", "rb", "php", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "rs", "swift",
            "m", "mm", "pl", "pm", "lua", "r", "dart", "groovy", "ex", "exs", "erl", "hs", "ml",
            "clj", "vue", "svelte", "coffee", "el", "vim", "tcl", "ps1", "psm1",
        ];
        const BINARY: &[&str] = &[
            "pyc", "pyo", "so", "o", "a", "class", "dll", "exe", "dylib", "wasm", "bin", "dat",
            "db", "sqlite", "gz", "xz", "bz2", "zst", "zip", "jar", "whl", "png", "jpg", "jpeg",
            "gif", "ico", "pdf", "mo", "ttf", "otf", "woff", "woff2", "gpg", "pack", "idx",
        ];
        let Some(path) = path else {
            return FileKind::Other;
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        if matches!(extension, "py" | "pyi" | "pyx") {
            FileKind::Python
        } else if CODE.contains(&extension) {
            FileKind::Code
        } else if BINARY.contains(&extension) || name.contains(".so.") {
            FileKind::Binary
        } else if matches!(
            extension,
            "md" | "markdown" | "rst" | "adoc" | "asciidoc" | "html" | "htm"
        ) {
            FileKind::Docs
        } else {
            FileKind::Other
        }
    }
}

impl<'a> Context<'a> {
    /// The context of `data[start..end]`: up to [`CONTEXT_BYTES`] before it
    /// (an XML value may sit on the line after its element's name).
    fn around(data: &'a [u8], start: usize, end: usize) -> Self {
        let head = &data[..start.min(data.len())];
        let from = head.len().saturating_sub(CONTEXT_BYTES as usize);
        Context {
            before: &head[from..],
            after: data.get(end).copied(),
        }
    }

    /// The bytes before the value on its own line.
    fn line_before(&self) -> &'a [u8] {
        let start = self
            .before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |at| at + 1);
        &self.before[start..]
    }

    /// A token glued to the end of a file name or a path segment
    /// (`box.ico-7a38...`, `/static/sk-...`) is part of that name.
    fn glued(&self) -> bool {
        let line = self.line_before();
        match line {
            [.., b'.'] | [.., b'-'] => true,
            [.., previous, b'/'] => !matches!(previous, b'/' | b':'),
            [b'/'] => false,
            _ => false,
        }
    }
}

/// Keeps a candidate that is not allowed by its rule and, for the generic
/// rule, that is a literal assigned to a credential-like name.
fn accept(rule: &SecretRule, value: &str, context: &Context, kind: FileKind) -> bool {
    if super::is_allowed(rule, value)
        || (rule.standalone && context.glued())
        || (rule.assigned && is_code_identifier(value))
    {
        return false;
    }
    if rule.assigned {
        let before = trim_end(context.before, b"\"'`");
        return !name_before(before).is_some_and(|(name, _)| names_a_location(name));
    }
    if rule.id != GENERIC {
        return true;
    }
    let Some((quoting, name, colon)) = assignment(context) else {
        return false;
    };
    let in_code = matches!(kind, FileKind::Code | FileKind::Python);
    // In source code a literal is a quoted string; a bare right-hand side
    // is an expression. In Python, `name: value` is a type annotation or
    // YAML and prose inside a docstring.
    if (in_code && quoting == Quoting::Bare) || (colon && kind == FileKind::Python) {
        return false;
    }
    secret_like_name(name) && generic_value_is_secret(value, quoting, in_code)
}

/// The name a value is assigned to and how the value is quoted, read
/// backwards from the value, and whether the operator is a colon after a
/// bare name (YAML): `"password": "` -> (quoted, `password`),
/// `self.token = ` -> (bare, `token`), `var apiToken string = "` ->
/// (quoted, `apiToken`), `<sonarToken>` + newline -> (bare, `sonarToken`),
/// `setProperty("API_TOKEN", "` -> (quoted, `API_TOKEN`). `None` when the
/// quoting does not close where the value ends (the value is a longer
/// string with spaces, or a bare value runs on) or no assignment is there.
fn assignment<'a>(context: &Context<'a>) -> Option<(Quoting, &'a str, bool)> {
    let mut rest = context.before;
    let quoting = match rest.last() {
        Some(q @ (b'"' | b'\'' | b'`')) => {
            if context.after != Some(*q) {
                return None;
            }
            rest = &rest[..rest.len() - 1];
            Quoting::Quoted
        }
        _ => {
            if context
                .after
                .is_some_and(|b| !b.is_ascii_whitespace() && !b"\\<".contains(&b))
            {
                return None;
            }
            Quoting::Bare
        }
    };
    let (name, colon) = name_before(rest)?;
    Some((quoting, name, colon))
}

/// The name an operator at the end of `before` assigns to (the value and
/// its opening quote already removed).
fn name_before(before: &[u8]) -> Option<(&str, bool)> {
    let mut rest = trim_end(before, b" \t");
    let on_next_line = rest.last() == Some(&b'\n');
    if on_next_line {
        rest = trim_end(rest, b" \t\r\n");
    }
    let operator_len = rest
        .iter()
        .rev()
        .take_while(|b| b"=:>?,.".contains(b))
        .count();
    if operator_len == 0 || operator_len > 4 {
        return None;
    }
    let operator = &rest[rest.len() - operator_len..];
    if on_next_line && operator != b">" {
        return None;
    }
    rest = trim_end(&rest[..rest.len() - operator_len], b" \t");
    let quoted_name = matches!(rest.last(), Some(b'"' | b'\''));
    rest = trim_end(rest, b"\"'");
    let mut name = trailing_word(rest)?;
    let mut head = &rest[..rest.len() - name.len()];
    if !secret_like_name(name) {
        // Go and friends put a type between the name and `=`.
        let before_type = trim_end(head, b" \t");
        if before_type.len() < head.len()
            && let Some(previous) = trailing_word(before_type)
        {
            name = previous;
            head = &before_type[..before_type.len() - previous.len()];
        }
    }
    if quoted_name {
        head = trim_end(head, b"\"'");
    }
    let line_start = head
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |at| at + 1);
    let line_head = &head[line_start..];
    match operator {
        // `setProperty("API_TOKEN", "...")`: a comma assigns only to a
        // quoted first argument.
        b"," if !(quoted_name && trim_end(line_head, b" \t").ends_with(b"(")) => return None,
        // `key: value` starts a line (or follows `{`, `,`, `- `); after
        // words it is prose: `Next page token: ...`, `:param token: ...`.
        b":" if !quoted_name
            && line_head
                .iter()
                .any(|b| b.is_ascii_alphanumeric() || *b == b':') =>
        {
            return None;
        }
        b">" if !head.ends_with(b"<") => return None,
        _ => {}
    }
    let name = name.rsplit('.').next().unwrap_or(name);
    let bare_colon = operator == b":" && !quoted_name;
    Some((name.trim_start_matches(['$', '@']), bare_colon))
}

/// A name that says its value is a place or a version, not a key:
/// `SOURCEGRAPH_URL`, `sourcegraph_commit`.
fn names_a_location(name: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "url", "uri", "endpoint", "host", "hostname", "path", "file", "dir", "commit", "sha",
        "hash", "digest", "version", "region", "zone", "name",
    ];
    let lower = name.to_ascii_lowercase();
    ENDINGS.iter().any(|end| {
        lower.ends_with(end)
            && lower[..lower.len() - end.len()]
                .chars()
                .last()
                .is_some_and(|c| c == '_' || c == '-' || c == '.')
    }) || name
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .is_some_and(|(at, _)| {
            at > 0 && ENDINGS.contains(&name[at..].to_ascii_lowercase().as_str())
        })
}

/// The identifier-like word at the end of `bytes`.
fn trailing_word(bytes: &[u8]) -> Option<&str> {
    let len = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || b"_.-$@".contains(b))
        .count();
    if len == 0 {
        return None;
    }
    std::str::from_utf8(&bytes[bytes.len() - len..]).ok()
}

fn trim_end<'a>(mut bytes: &'a [u8], set: &[u8]) -> &'a [u8] {
    while let Some(last) = bytes.last() {
        if !set.contains(last) {
            break;
        }
        bytes = &bytes[..bytes.len() - 1];
    }
    bytes
}

/// Orders matches by position and drops duplicates: a value a specific
/// rule recognised is not reported again as a generic secret, nor is a
/// value a specific rule rejected (`vetoes`: a token whose checksum fails,
/// a documented example), and a match
/// inside another rule's larger match (the JWT inside a stateless GitHub
/// App token) is reported once, by the outer rule.
fn settle(mut found: Vec<SecretMatch>, vetoes: &[(usize, usize)]) -> Vec<SecretMatch> {
    found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let specific: Vec<(usize, usize, &'static str)> = found
        .iter()
        .filter(|m| m.rule.id != GENERIC)
        .map(|m| (m.start, m.end, m.rule.id))
        .collect();
    let mut kept: Vec<SecretMatch> = Vec::with_capacity(found.len());
    for m in found {
        let shadowed = if m.rule.id == GENERIC {
            specific.iter().any(|(s, e, _)| m.start < *e && *s < m.end)
                || vetoes.iter().any(|(s, e)| m.start < *e && *s < m.end)
        } else {
            specific.iter().any(|(s, e, id)| {
                *id != m.rule.id && *s <= m.start && m.end <= *e && (*s, *e) != (m.start, m.end)
            }) || kept
                .iter()
                .any(|k| (k.start, k.end) == (m.start, m.end) && k.rule.id != GENERIC)
        };
        if !shadowed {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| (m.start, m.rule.id));
    kept
}
