//! rpm's order: `[epoch:]version[-release]`, each part by `rpmvercmp`
//! (rpmio/rpmvercmp.c), as rpm 4.18's `rpm.vercmp` compares them.

use std::cmp::Ordering;

use super::numeric;

/// rpm's order over `[epoch:]version[-release]`: the epoch (missing is
/// 0) as a number, then the version, then the release, where no release
/// is older than any (even an empty one), as rpm 4.18's `rpm.vercmp` has it.
pub fn rpm(a: &str, b: &str) -> Ordering {
    let (ea, va, ra) = split(a);
    let (eb, vb, rb) = split(b);
    numeric(ea, eb)
        .then_with(|| rpmvercmp(va, vb))
        .then_with(|| match (ra, rb) {
            (Some(x), Some(y)) => rpmvercmp(x, y),
            (x, y) => x.is_some().cmp(&y.is_some()),
        })
}

/// Epoch, version and release, as rpm's `parseEVR` splits them: the epoch
/// before a `:` when it is all digits, the release after the last `-`.
fn split(evr: &str) -> (&str, &str, Option<&str>) {
    let (epoch, rest) = match evr.split_once(':') {
        Some((e, r)) if e.bytes().all(|c| c.is_ascii_digit()) => (e, r),
        _ => ("0", evr),
    };
    match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    }
}

/// rpm's `rpmvercmp` (rpmio/rpmvercmp.c): runs of digits compare as
/// numbers, runs of letters as text, separators only separate; `~` sorts
/// before anything (even the end), `^` after the end but before more.
fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut x, mut y) = (a, b);
    loop {
        x = x.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '~' && c != '^');
        y = y.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '~' && c != '^');
        // `~` sorts before everything, `^` after the end but before more.
        match (x.starts_with('~'), y.starts_with('~')) {
            (true, true) => {
                x = &x[1..];
                y = &y[1..];
                continue;
            }
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        match (x.starts_with('^'), y.starts_with('^')) {
            (true, true) => {
                x = &x[1..];
                y = &y[1..];
                continue;
            }
            (true, false) => {
                return if y.is_empty() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                };
            }
            (false, true) => {
                return if x.is_empty() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
            _ => {}
        }
        if x.is_empty() || y.is_empty() {
            return x.len().cmp(&y.len());
        }
        let digit = x.starts_with(|c: char| c.is_ascii_digit());
        let take = |s: &str| -> usize {
            s.find(|c: char| {
                if digit {
                    !c.is_ascii_digit()
                } else {
                    !c.is_ascii_alphabetic()
                }
            })
            .unwrap_or(s.len())
        };
        let (nx, ny) = (take(x), take(y));
        let (px, py) = (&x[..nx], &y[..ny]);
        if py.is_empty() {
            // Different kinds: numbers are newer than letters.
            return if digit {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let order = if digit { numeric(px, py) } else { px.cmp(py) };
        if order != Ordering::Equal {
            return order;
        }
        x = &x[nx..];
        y = &y[ny..];
    }
}
