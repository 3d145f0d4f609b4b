//! apk-tools' order (Alpine, Wolfi, Chainguard). A valid version is
//! `number{.number}[letter]{_suffix[number]}[~hash][-rN]`: numbers compare
//! as numbers, except that after the first, a number with a leading zero
//! compares as text (`4.09 < 4.5`); no letter is older than a letter;
//! suffixes rank `_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` <
//! `_svn` < `_git` < `_hg` < `_p`; the `~hash` is ignored; then `-rN`.
//!
//! A version with anything else before its `-rN` (`6.6.2p1`, where
//! upstream's patch level lacks the `_`) is invalid to apk: two invalid
//! versions compare as text. Otherwise, anything left over after the
//! release (`1-r0-1`) only counts as being there: a version without such
//! a rest is newer than one equal to it up to that point.

use std::cmp::Ordering;

use super::numeric;

/// The suffixes in order, with no suffix (``) in its place.
const SUFFIXES: [&str; 10] = [
    "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
];
/// The rank of no suffix.
const NO_SUFFIX: usize = 4;

/// A version as apk reads it.
struct Apk<'a> {
    numbers: Vec<&'a str>,
    letter: Option<u8>,
    /// (rank, number) of each suffix.
    suffixes: Vec<(usize, &'a str)>,
    release: &'a str,
    /// What is left after the release (`1-r0-1`, `1-ruff`): it only
    /// counts as being there.
    rest: &'a str,
    /// Whether something other than `-r` follows the suffixes.
    invalid: bool,
}

/// Splits the leading ASCII digits off `s`.
fn digits(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
}

fn parse(version: &str) -> Apk<'_> {
    let mut apk = Apk {
        numbers: Vec::new(),
        letter: None,
        suffixes: Vec::new(),
        release: "0",
        rest: "",
        invalid: false,
    };
    let (first, mut s) = digits(version);
    if !first.is_empty() {
        apk.numbers.push(first);
        while let Some(after) = s.strip_prefix('.') {
            let (number, rest) = digits(after);
            if number.is_empty() {
                break;
            }
            apk.numbers.push(number);
            s = rest;
        }
    }
    if let Some(&letter) = s.as_bytes().first()
        && letter.is_ascii_lowercase()
    {
        apk.letter = Some(letter);
        s = &s[1..];
    }
    while let Some(after) = s.strip_prefix('_') {
        let name_end = after
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(after.len());
        let name = &after[..name_end];
        let Some(rank) = SUFFIXES.iter().position(|x| !name.is_empty() && *x == name) else {
            break;
        };
        let (number, rest) = digits(&after[name_end..]);
        apk.suffixes
            .push((rank, if number.is_empty() { "0" } else { number }));
        s = rest;
    }
    if let Some(after) = s.strip_prefix('~') {
        let end = after
            .find(|c: char| !matches!(c, '0'..='9' | 'a'..='f'))
            .unwrap_or(after.len());
        if end > 0 {
            s = &after[end..];
        }
    }
    if let Some(after) = s.strip_prefix("-r") {
        let (number, rest) = digits(after);
        apk.release = if number.is_empty() { "0" } else { number };
        s = rest;
    } else {
        apk.invalid = !s.is_empty();
    }
    apk.rest = s;
    apk
}

/// Number parts: a leading zero after the first makes it compare as text.
fn compare_numbers(a: &[&str], b: &[&str]) -> Ordering {
    for index in 0..a.len().max(b.len()) {
        let (x, y) = (*a.get(index).unwrap_or(&"0"), *b.get(index).unwrap_or(&"0"));
        let order = if index > 0 && (x.starts_with('0') || y.starts_with('0')) {
            x.cmp(y)
        } else {
            numeric(x, y)
        };
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}

fn compare_suffixes(a: &[(usize, &str)], b: &[(usize, &str)]) -> Ordering {
    let none = (NO_SUFFIX, "0");
    for index in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(index).unwrap_or(&none), b.get(index).unwrap_or(&none));
        let order = x.0.cmp(&y.0).then_with(|| numeric(x.1, y.1));
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}

/// apk version order.
pub fn apk(a: &str, b: &str) -> Ordering {
    let (x, y) = (parse(a), parse(b));
    if x.invalid && y.invalid {
        return a.cmp(b);
    }
    compare_numbers(&x.numbers, &y.numbers)
        .then_with(|| x.letter.cmp(&y.letter))
        .then_with(|| compare_suffixes(&x.suffixes, &y.suffixes))
        .then_with(|| numeric(x.release, y.release))
        .then_with(|| x.rest.is_empty().cmp(&y.rest.is_empty()))
}
