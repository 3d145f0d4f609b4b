//! RubyGems' order (`Gem::Version#<=>`): `-` reads as `.pre.`; segments
//! are runs of digits (numbers, of any length) or of letters (text,
//! compared case-sensitively); trailing zeros of the release part and of
//! the pre-release part do not count; a text segment makes a pre-release,
//! older than any number in its place; a missing segment is 0.

use std::cmp::Ordering;

use super::numeric;

/// One segment: a number (its digits) or text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Segment<'a> {
    Number(&'a str),
    Text(&'a str),
}

impl Segment<'_> {
    fn is_zero(self) -> bool {
        matches!(self, Segment::Number(digits) if digits.bytes().all(|b| b == b'0'))
    }
}

/// `Gem::Version#canonical_segments`.
fn canonical(version: &str) -> Vec<Segment<'_>> {
    // `-` becomes `.pre.`: it only separates, and starts a pre-release.
    let mut segments: Vec<Segment> = Vec::new();
    for (index, piece) in version.trim().split('-').enumerate() {
        if index > 0 {
            segments.push(Segment::Text("pre"));
        }
        let mut rest = piece;
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
            rest = &rest[start..];
            let digits = rest.starts_with(|c: char| c.is_ascii_digit());
            let end = rest
                .find(|c: char| {
                    if digits {
                        !c.is_ascii_digit()
                    } else {
                        !c.is_ascii_alphabetic()
                    }
                })
                .unwrap_or(rest.len());
            segments.push(if digits {
                Segment::Number(&rest[..end])
            } else {
                Segment::Text(&rest[..end])
            });
            rest = &rest[end..];
        }
    }
    // Trailing zeros of the release part, then of the pre-release part.
    let text_at = segments
        .iter()
        .position(|s| matches!(s, Segment::Text(_)))
        .unwrap_or(segments.len());
    let mut prerelease = segments.split_off(text_at);
    while segments.last().is_some_and(|s| s.is_zero()) {
        segments.pop();
    }
    while prerelease.last().is_some_and(|s| s.is_zero()) {
        prerelease.pop();
    }
    segments.extend(prerelease);
    segments
}

/// RubyGems version order.
pub fn rubygems(a: &str, b: &str) -> Ordering {
    let (x, y) = (canonical(a), canonical(b));
    let zero = Segment::Number("0");
    for index in 0..x.len().max(y.len()) {
        let (p, q) = (
            *x.get(index).unwrap_or(&zero),
            *y.get(index).unwrap_or(&zero),
        );
        let order = match (p, q) {
            (Segment::Number(m), Segment::Number(n)) => numeric(m, n),
            (Segment::Text(m), Segment::Text(n)) => m.cmp(n),
            (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
        };
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}
