//! CRAN's order (R's `package_version`): numbers separated by `.` or `-`,
//! compared one by one; when one version is the other's prefix, the
//! longer is newer (`0.1.0 < 0.1.0.0`). Strings that are not of that shape
//! compare by the natural order.

use std::cmp::Ordering;

use super::{is_number, natural, numeric};

/// CRAN version order.
pub fn cran(a: &str, b: &str) -> Ordering {
    let (Some(x), Some(y)) = (parts(a), parts(b)) else {
        return natural(a, b);
    };
    x.iter()
        .zip(&y)
        .map(|(p, q)| numeric(p, q))
        .find(|order| order.is_ne())
        .unwrap_or_else(|| x.len().cmp(&y.len()))
}

/// The numbers of a version, or None when a part is not a number.
fn parts(version: &str) -> Option<Vec<&str>> {
    version
        .trim()
        .split(['.', '-'])
        .map(|part| is_number(part).then_some(part))
        .collect()
}
