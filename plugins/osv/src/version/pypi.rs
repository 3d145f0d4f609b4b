//! PyPI's order: PEP 440 by the `pep440_rs` crate (uv's) for versions PEP
//! 440 reads, and PyPA `packaging`'s `LegacyVersion` order for the rest
//! (`0.7.4.svn.r2010`, `2014-01-12T15-52-10`), which sorts every legacy
//! version before every PEP 440 version, as pip did while it accepted them.

use std::cmp::Ordering;

/// Most parts of a legacy version looked at (a version string is short;
/// this only bounds a hostile one).
const MAX_LEGACY_PARTS: usize = 256;

/// PEP 440 order, legacy versions first.
pub fn pep440(a: &str, b: &str) -> Ordering {
    match (
        a.trim().parse::<pep440_rs::Version>(),
        b.trim().parse::<pep440_rs::Version>(),
    ) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => legacy_key(a).cmp(&legacy_key(b)),
    }
}

/// `packaging`'s `_legacy_cmpkey` (packaging 21.3, version.py): the
/// lower-cased version split into runs of digits, runs of letters, `.`
/// and `-` and whatever lies between them; numbers zero-padded to eight
/// digits, other parts marked with `*`, some renamed (`pre`, `preview`,
/// `rc` are `c`; `dev` is `@`; `-` is `final-`), `*final` appended;
/// `-` before a pre-release tag and zeros before any tag dropped.
fn legacy_key(version: &str) -> Vec<String> {
    let mut key: Vec<String> = Vec::new();
    for part in legacy_parts(&version.to_lowercase())
        .into_iter()
        .take(MAX_LEGACY_PARTS)
        .chain(std::iter::once("*final".to_string()))
    {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while key.last().is_some_and(|p| p == "*final-") {
                    key.pop();
                }
            }
            while key.last().is_some_and(|p| p == "00000000") {
                key.pop();
            }
        }
        key.push(part);
    }
    key
}

/// The parts `re.split(r"(\d+|[a-z]+|\.|-)", version)` yields, renamed
/// and marked, without the empty ones and the dots.
fn legacy_parts(version: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut between = String::new();
    let mut chars = version.chars().peekable();
    let push = |parts: &mut Vec<String>, part: &str| {
        let part = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        if part.is_empty() || part == "." {
            return;
        }
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            parts.push(format!("{part:0>8}"));
        } else {
            parts.push(format!("*{part}"));
        }
    };
    while let Some(&c) = chars.peek() {
        let run_of = |c: char| -> Option<u8> {
            if c.is_ascii_digit() {
                Some(0)
            } else if c.is_ascii_lowercase() {
                Some(1)
            } else if c == '.' || c == '-' {
                Some(2)
            } else {
                None
            }
        };
        let Some(kind) = run_of(c) else {
            between.push(c);
            chars.next();
            continue;
        };
        push(&mut parts, &std::mem::take(&mut between));
        let mut run = String::new();
        run.push(c);
        chars.next();
        if kind != 2 {
            while let Some(&next) = chars.peek() {
                if run_of(next) != Some(kind) {
                    break;
                }
                run.push(next);
                chars.next();
            }
        }
        push(&mut parts, &run);
    }
    push(&mut parts, &between);
    parts
}
