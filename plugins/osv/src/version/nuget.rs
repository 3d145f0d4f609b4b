//! NuGet's order (`NuGet.Versioning`): SemVer 2.0 with up to four numeric
//! parts (missing ones are 0) and pre-release labels compared without
//! regard to case; build metadata ignored. Strings that are not of that
//! shape compare by the natural order.

use std::cmp::Ordering;

use super::is_number;
use super::natural;
use super::semver::{compare_labels, compare_numbers};

/// Numeric parts and pre-release labels (none for a release).
fn parse(version: &str) -> Option<(Vec<&str>, Option<Vec<&str>>)> {
    let v = version.trim();
    let v = v.split_once('+').map_or(v, |(before, _)| before);
    let (release, pre) = match v.split_once('-') {
        Some((release, pre)) => (release, Some(pre.split('.').collect())),
        None => (v, None),
    };
    let release: Vec<&str> = release.split('.').collect();
    release
        .iter()
        .all(|part| is_number(part))
        .then_some((release, pre))
}

/// NuGet version order.
pub fn nuget(a: &str, b: &str) -> Ordering {
    let (Some((ra, pa)), Some((rb, pb))) = (parse(a), parse(b)) else {
        return natural(a, b);
    };
    compare_numbers(&ra, &rb).then_with(|| match (&pa, &pb) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(p), Some(q)) => compare_labels(p, q, true),
    })
}
