//! Version orders, one per ecosystem family, as OSV's `ECOSYSTEM` ranges
//! need them. dpkg and PEP 440 use well-kept crates (`debversion`,
//! `pep440_rs`); the others have no crate that follows the reference tool
//! closely enough, so they are written out from their specifications here,
//! one module each. Every order is tested against osv-scanner's version
//! comparison suites (src/suites.rs) and the recorded outputs of dpkg, rpm
//! and PyPA `packaging` (tests/data/reference-orders, src/tests.rs).
//!
//! Each function is total: any two strings compare, whatever they hold,
//! in time linear in their length (numbers of any length compare as digit
//! strings, never parsed into machine integers that could overflow).

mod apk;
mod cran;
mod maven;
mod nuget;
mod packagist;
mod pypi;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;

pub use apk::apk;
pub use cran::cran;
pub use maven::maven;
pub use nuget::nuget;
pub use packagist::packagist;
pub use pypi::pep440;
pub use rpm::rpm;
pub use rubygems::rubygems;
pub use semver::semver_cmp;

/// A version order, named as findings state it (`version-order`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// dpkg (Debian, Ubuntu).
    Dpkg,
    /// apk-tools (Alpine, Wolfi, Chainguard).
    Apk,
    /// rpm's `rpmvercmp` (Red Hat family, SUSE, Mageia, Photon OS).
    Rpm,
    /// PEP 440, and PyPA's legacy order for other strings (PyPI).
    Pep440,
    /// Maven's version order specification.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// NuGet's SemVer 2.0 with four numbers and case-blind labels.
    NuGet,
    /// PHP's `version_compare`, as Composer uses it (Packagist).
    Packagist,
    /// R's `package_version` (CRAN).
    Cran,
    /// SemVer 2.0 after Go's `v` prefix and `+incompatible` suffix.
    Go,
    /// SemVer 2.0 precedence (npm, crates.io, Hex and anything else).
    SemVer,
}

impl Order {
    /// The order of `ecosystem` (`Debian:12`, `PyPI`, ...).
    pub fn of(ecosystem: &str) -> Order {
        let family = ecosystem.split(':').next().unwrap_or(ecosystem);
        match family {
            "Debian" | "Ubuntu" => Order::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Order::Apk,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia"
            | "Photon OS" => Order::Rpm,
            "PyPI" => Order::Pep440,
            "Maven" => Order::Maven,
            "RubyGems" => Order::RubyGems,
            "NuGet" => Order::NuGet,
            "Packagist" => Order::Packagist,
            "CRAN" => Order::Cran,
            "Go" => Order::Go,
            _ => Order::SemVer,
        }
    }

    /// The name findings give it.
    pub fn name(self) -> &'static str {
        match self {
            Order::Dpkg => "dpkg",
            Order::Apk => "apk",
            Order::Rpm => "rpm",
            Order::Pep440 => "PEP 440",
            Order::Maven => "Maven",
            Order::RubyGems => "RubyGems",
            Order::NuGet => "NuGet",
            Order::Packagist => "PHP version_compare",
            Order::Cran => "CRAN",
            Order::Go => "Go (SemVer)",
            Order::SemVer => "SemVer",
        }
    }

    /// Compares two versions in this order.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Order::Dpkg => dpkg(a, b),
            Order::Apk => apk(a, b),
            Order::Rpm => rpm(a, b),
            Order::Pep440 => pep440(a, b),
            Order::Maven => maven(a, b),
            Order::RubyGems => rubygems(a, b),
            Order::NuGet => nuget(a, b),
            Order::Packagist => packagist(a, b),
            Order::Cran => cran(a, b),
            Order::Go => semver_cmp(go_version(a), go_version(b)),
            Order::SemVer => semver_cmp(a, b),
        }
    }
}

/// Compares two versions of `ecosystem` (`Debian:12`, `PyPI`, ...).
#[cfg(test)]
pub fn compare(ecosystem: &str, a: &str, b: &str) -> Ordering {
    Order::of(ecosystem).compare(a, b)
}

/// The name of the order `ecosystem` uses.
#[cfg(test)]
pub fn order_name(ecosystem: &str) -> &'static str {
    Order::of(ecosystem).name()
}

/// A Go module version as SemVer: without its `v` and `+incompatible`.
fn go_version(v: &str) -> &str {
    let v = v.strip_prefix('v').unwrap_or(v);
    v.strip_suffix("+incompatible").unwrap_or(v)
}

/// dpkg's order (`[epoch:]upstream[-revision]`, `~` before anything) by
/// the `debversion` crate; a version it cannot parse compares as text
/// with numbers in it compared numerically.
pub fn dpkg(a: &str, b: &str) -> Ordering {
    match (
        a.parse::<debversion::Version>(),
        b.parse::<debversion::Version>(),
    ) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => natural(a, b),
    }
}

/// Compares runs of digits numerically and other runs as text: the order
/// for strings no specification reads.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let digit_x = x.starts_with(|c: char| c.is_ascii_digit());
        let digit_y = y.starts_with(|c: char| c.is_ascii_digit());
        let (px, rx) = split_run(x, digit_x);
        let (py, ry) = split_run(y, digit_y);
        let order = if digit_x && digit_y {
            numeric(px, py)
        } else {
            px.cmp(py)
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (rx, ry);
    }
}

/// The leading run of digits (or of non-digits) of `s`, and the rest.
fn split_run(s: &str, digits: bool) -> (&str, &str) {
    let end = s
        .find(|c: char| c.is_ascii_digit() != digits)
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Compares digit strings of any length numerically.
pub fn numeric(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// True for a non-empty string of ASCII digits.
fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
