//! Packagist's order: PHP's `version_compare`
//! (ext/standard/versioning.c), which Composer compares normalized
//! versions with, after dropping a leading `v`. The version is split into
//! parts at `.`, `-`, `_`, `+` and wherever digits meet other characters;
//! numbers compare as numbers, other parts by their special form
//! (`dev` < `alpha`/`a` < `beta`/`b` < `RC`/`rc` < a number < `pl`/`p`,
//! matched as prefixes, anything else lowest), and a longer version wins
//! when its next part is a number, else that part is compared with a
//! number.

use std::cmp::Ordering;

use super::{is_number, numeric};

/// The parts of a version as `version_compare` canonicalizes it.
fn parts(version: &str) -> Vec<&str> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parts = Vec::new();
    for piece in v.split(['.', '-', '_', '+']) {
        let mut rest = piece;
        while !rest.is_empty() {
            let digits = rest.starts_with(|c: char| c.is_ascii_digit());
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(rest.len());
            parts.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    parts
}

/// The rank of a special form; a number ranks as `#`.
fn special(part: &str) -> i32 {
    const FORMS: [(&str, i32); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    if is_number(part) {
        return 4;
    }
    FORMS
        .iter()
        .find(|(form, _)| part.starts_with(form))
        .map_or(-1, |(_, rank)| *rank)
}

fn compare_part(a: &str, b: &str) -> Ordering {
    if is_number(a) && is_number(b) {
        numeric(a, b)
    } else {
        special(a).cmp(&special(b))
    }
}

/// PHP `version_compare` order.
pub fn packagist(a: &str, b: &str) -> Ordering {
    let (x, y) = (parts(a), parts(b));
    let common = x
        .iter()
        .zip(&y)
        .map(|(p, q)| compare_part(p, q))
        .find(|order| order.is_ne());
    if let Some(order) = common {
        return order;
    }
    // The longer one: a number after the common parts makes it newer;
    // otherwise its parts compare against a bare number, one by one, until
    // they differ or a number follows.
    let tail = |rest: &[&str]| -> Ordering {
        for (index, part) in rest.iter().enumerate() {
            if is_number(part) {
                return Ordering::Greater;
            }
            let order = compare_part(part, "#");
            if order.is_ne() || index + 1 == rest.len() {
                return order;
            }
        }
        Ordering::Equal
    };
    match x.len().cmp(&y.len()) {
        Ordering::Greater => tail(&x[y.len()..]),
        Ordering::Less => tail(&y[x.len()..]).reverse(),
        Ordering::Equal => Ordering::Equal,
    }
}
