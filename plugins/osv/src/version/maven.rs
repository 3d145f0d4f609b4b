//! Maven's order, per Maven's version order specification
//! (<https://maven.apache.org/pom.html#version-order-specification>):
//!
//! - the version is split into tokens at `.` and `-` and wherever digits
//!   meet other characters (which counts as `-`), each token keeping the
//!   separator before it; an empty token is `0`;
//! - case does not matter; `cr` is `rc`; `ga`, `final` and `release` are
//!   empty; `a`, `b`, `m` directly followed by a digit are `alpha`, `beta`,
//!   `milestone`;
//! - trailing "null" tokens (`0`, empty) are trimmed from the end and again
//!   before each remaining `-`, from the end to the start;
//! - the shorter version is padded with nulls of the other's separator,
//!   and tokens compare as: `.qualifier` < `-qualifier` < `-number` <
//!   `.number`; numbers as numbers; qualifiers alpha < beta < milestone <
//!   rc < snapshot < "" < sp < anything else (alphabetically).

use std::cmp::Ordering;

use super::{is_number, numeric};

/// One token: its separator (`.`, `-`, or none for the first), its
/// normalized text, and whether it is padding.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    dash: bool,
    text: String,
    padding: bool,
}

impl Token {
    fn is_null(&self) -> bool {
        self.text.is_empty() || self.text == "0"
    }
}

/// The known qualifiers in order; others come after them.
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn qualifier_rank(text: &str) -> usize {
    QUALIFIERS
        .iter()
        .position(|q| *q == text)
        .unwrap_or(QUALIFIERS.len())
}

/// Normalizes one token; `more` says whether a digit follows directly.
fn normalize(raw: &str, more: bool) -> String {
    let lower = raw.to_ascii_lowercase();
    match lower.as_str() {
        "" => "0".to_string(),
        "cr" => "rc".to_string(),
        "ga" | "final" | "release" => String::new(),
        "a" if more => "alpha".to_string(),
        "b" if more => "beta".to_string(),
        "m" if more => "milestone".to_string(),
        digits if is_number(digits) => {
            let trimmed = digits.trim_start_matches('0');
            if trimmed.is_empty() { "0" } else { trimmed }.to_string()
        }
        _ => lower,
    }
}

/// The tokens of a version, trailing nulls trimmed.
fn tokens(version: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut dash = false;
    let mut rest = version.trim();
    loop {
        let end = rest.find(['.', '-']).unwrap_or(rest.len());
        let piece = &rest[..end];
        // Split the piece where digits meet other characters.
        let mut first = true;
        let mut at = 0;
        loop {
            let digits = piece[at..].starts_with(|c: char| c.is_ascii_digit());
            let run = piece[at..]
                .find(|c: char| c.is_ascii_digit() != digits)
                .map_or(piece.len(), |n| at + n);
            tokens.push(Token {
                dash: if first { dash } else { true },
                text: normalize(&piece[at..run], run < piece.len()),
                padding: false,
            });
            first = false;
            at = run;
            if at >= piece.len() {
                break;
            }
        }
        let Some(separator) = rest[end..].chars().next() else {
            break;
        };
        dash = separator == '-';
        rest = &rest[end + 1..];
    }
    trim(&mut tokens);
    tokens
}

/// Removes trailing nulls, then again before each remaining `-` token,
/// walking from the end to the start (the first token always stays).
fn trim(tokens: &mut Vec<Token>) {
    let mut index = tokens.len().saturating_sub(1);
    let mut kept: Vec<bool> = vec![true; tokens.len()];
    while index > 0 {
        if tokens[index].is_null() {
            kept[index] = false;
            index -= 1;
            continue;
        }
        // Skip back to this group's `-` token, then past it.
        while index > 0 && !tokens[index].dash {
            index -= 1;
        }
        if index == 0 {
            break;
        }
        index -= 1;
    }
    let mut flags = kept.into_iter();
    tokens.retain(|_| flags.next().unwrap_or(true));
}

/// The padding that stands against `other` in the shorter version.
fn padding(other: &Token) -> Token {
    Token {
        dash: other.dash,
        text: if !other.dash && other.text != "sp" {
            "0".to_string()
        } else {
            String::new()
        },
        padding: true,
    }
}

/// `.qualifier` < `-qualifier` < `-number` < `.number`.
fn kind_rank(token: &Token) -> u8 {
    match (is_number(&token.text), token.dash) {
        (false, false) => 0,
        (false, true) => 1,
        (true, true) => 2,
        (true, false) => 3,
    }
}

fn compare_tokens(a: &Token, b: &Token) -> Ordering {
    if a.dash != b.dash {
        return kind_rank(a).cmp(&kind_rank(b));
    }
    let (na, nb) = (is_number(&a.text), is_number(&b.text));
    if na && nb {
        return numeric(&a.text, &b.text);
    }
    // A number (that is not padding) is newer than any qualifier.
    if na && !a.padding {
        return Ordering::Greater;
    }
    if nb && !b.padding {
        return Ordering::Less;
    }
    let (ra, rb) = (qualifier_rank(&a.text), qualifier_rank(&b.text));
    if ra == QUALIFIERS.len() && rb == QUALIFIERS.len() {
        a.text.cmp(&b.text)
    } else {
        ra.cmp(&rb)
    }
}

/// Maven version order.
pub fn maven(a: &str, b: &str) -> Ordering {
    let (x, y) = (tokens(a), tokens(b));
    for index in 0..x.len().max(y.len()) {
        let (p, q) = match (x.get(index), y.get(index)) {
            (Some(p), Some(q)) => (p.clone(), q.clone()),
            (Some(p), None) => (p.clone(), padding(p)),
            (None, Some(q)) => (padding(q), q.clone()),
            (None, None) => break,
        };
        if p.dash == q.dash && p.text == q.text {
            continue;
        }
        return compare_tokens(&p, &q);
    }
    Ordering::Equal
}
