//! SemVer 2.0 precedence (<https://semver.org/#spec-item-11>), read as
//! leniently as npm's `semver` reads versions: an optional `v`, any number
//! of numeric parts (missing ones are 0), numbers of any length, build
//! metadata ignored. Strings that are not of that shape compare by the
//! natural order.

use std::cmp::Ordering;

use super::{is_number, natural, numeric};

/// A version split into its numeric release parts and its pre-release
/// identifiers (none for a release).
struct SemVer<'a> {
    release: Vec<&'a str>,
    pre: Option<Vec<&'a str>>,
}

fn parse(version: &str) -> Option<SemVer<'_>> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split_once('+').map_or(v, |(before, _)| before);
    let (release, pre) = match v.split_once('-') {
        Some((release, pre)) => (release, Some(pre.split('.').collect())),
        None => (v, None),
    };
    let release: Vec<&str> = release.split('.').collect();
    release
        .iter()
        .all(|part| is_number(part))
        .then_some(SemVer { release, pre })
}

/// Compares release parts as numbers, the shorter padded with zeros.
pub(super) fn compare_numbers(a: &[&str], b: &[&str]) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| numeric(a.get(i).unwrap_or(&"0"), b.get(i).unwrap_or(&"0")))
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// SemVer's pre-release precedence: numeric identifiers as numbers and
/// before alphanumeric ones, which compare as ASCII; a longer list wins
/// when the shorter is its prefix. `fold` makes letters case-blind.
pub(super) fn compare_labels(a: &[&str], b: &[&str], fold: bool) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (is_number(x), is_number(y)) {
            (true, true) => numeric(x, y),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) if fold => x
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(y.bytes().map(|c| c.to_ascii_lowercase())),
            (false, false) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// SemVer 2.0 precedence; the natural order for strings that are not
/// SemVer-shaped.
pub fn semver_cmp(a: &str, b: &str) -> Ordering {
    let (Some(x), Some(y)) = (parse(a), parse(b)) else {
        return natural(a, b);
    };
    compare_numbers(&x.release, &y.release).then_with(|| match (&x.pre, &y.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(p), Some(q)) => compare_labels(p, q, false),
    })
}
