//! Version orders, one per ecosystem family, as OSV's `ECOSYSTEM` ranges
//! need them: dpkg (Debian, Ubuntu), apk (Alpine), rpm (Red Hat family,
//! SUSE), PEP 440 (PyPI), SemVer (npm, crates.io; Go with its `v` prefix
//! and `+incompatible`), Maven and RubyGems. dpkg, PEP 440 and SemVer use
//! well-kept crates (`debversion`, `pep440_rs`, `semver`); apk, Maven and
//! RubyGems have none, and rpm's only crate is a whole package
//! reader/writer, so those are written out from their specifications. The
//! tests check dpkg, rpm and PEP 440 against the reference tools.

use std::cmp::Ordering;

/// Compares two versions of `ecosystem` (`Debian:12`, `PyPI`, ...).
pub fn compare(ecosystem: &str, a: &str, b: &str) -> Ordering {
    let family = ecosystem.split(':').next().unwrap_or(ecosystem);
    match family {
        "Debian" | "Ubuntu" => dpkg(a, b),
        "Alpine" | "Wolfi" | "Chainguard" => apk(a, b),
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia" | "Photon OS" => {
            rpm(a, b)
        }
        "PyPI" => pep440(a, b),
        "Maven" => maven(a, b),
        "RubyGems" => rubygems(a, b),
        "Go" => semver_cmp(go_version(a), go_version(b)),
        _ => semver_cmp(a, b),
    }
}

fn go_version(v: &str) -> &str {
    let v = v.strip_prefix('v').unwrap_or(v);
    v.strip_suffix("+incompatible").unwrap_or(v)
}

/// SemVer 2.0 precedence; falls back to a numeric-aware comparison for
/// strings that are not SemVer.
pub fn semver_cmp(a: &str, b: &str) -> Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp_precedence(&y),
        _ => natural(a, b),
    }
}

/// Compares runs of digits numerically and other runs as text.
fn natural(a: &str, b: &str) -> Ordering {
    let split = |s: &str| -> Vec<(bool, String)> {
        let mut parts: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match parts.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => parts.push((digit, c.to_string())),
            }
        }
        parts
    };
    let (x, y) = (split(a), split(b));
    for (p, q) in x.iter().zip(&y) {
        let order = match (p.0, q.0) {
            (true, true) => numeric(&p.1, &q.1),
            _ => p.1.cmp(&q.1),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    x.len().cmp(&y.len())
}

/// Compares digit strings of any length numerically.
fn numeric(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
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

/// rpm's `rpmvercmp` over `[epoch:]version[-release]`.
pub fn rpm(a: &str, b: &str) -> Ordering {
    let split = |v: &str| -> (u64, String, String) {
        let (epoch, rest) = match v.split_once(':') {
            Some((e, r)) if e.chars().all(|c| c.is_ascii_digit()) => (e.parse().unwrap_or(0), r),
            _ => (0, v),
        };
        match rest.rsplit_once('-') {
            Some((ver, rel)) => (epoch, ver.to_string(), rel.to_string()),
            None => (epoch, rest.to_string(), String::new()),
        }
    };
    let (ea, va, ra) = split(a);
    let (eb, vb, rb) = split(b);
    ea.cmp(&eb).then_with(|| rpmvercmp(&va, &vb)).then_with(|| {
        if ra.is_empty() || rb.is_empty() {
            Ordering::Equal
        } else {
            rpmvercmp(&ra, &rb)
        }
    })
}

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

/// apk: dotted numbers, an optional letter, then `_suffix[N]` parts
/// (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` < `_svn` < `_git`
/// < `_hg` < `_p`), then `-rN`.
pub fn apk(a: &str, b: &str) -> Ordering {
    fn parse(v: &str) -> (Vec<u64>, u8, Vec<(i32, u64)>, u64) {
        let (body, release) = match v.rsplit_once("-r") {
            Some((body, r)) if r.chars().all(|c| c.is_ascii_digit()) => {
                (body, r.parse().unwrap_or(0))
            }
            _ => (v, 0),
        };
        let mut parts = body.split('_');
        let main = parts.next().unwrap_or("");
        let letter_pos = main.find(|c: char| c.is_ascii_alphabetic());
        let (numbers, letter) = match letter_pos {
            Some(p) => (&main[..p], main.as_bytes()[p]),
            None => (main, 0),
        };
        let numbers = numbers.split('.').map(|n| n.parse().unwrap_or(0)).collect();
        let suffixes = parts
            .map(|suffix| {
                let name: String = suffix
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let number = suffix[name.len()..].parse().unwrap_or(0);
                let rank = match name.as_str() {
                    "alpha" => -4,
                    "beta" => -3,
                    "pre" => -2,
                    "rc" => -1,
                    "cvs" => 1,
                    "svn" => 2,
                    "git" => 3,
                    "hg" => 4,
                    "p" => 5,
                    _ => 0,
                };
                (rank, number)
            })
            .collect();
        (numbers, letter, suffixes, release)
    }
    let (na, la, sa, ra) = parse(a);
    let (nb, lb, sb, rb) = parse(b);
    for i in 0..na.len().max(nb.len()) {
        let order = na.get(i).unwrap_or(&0).cmp(nb.get(i).unwrap_or(&0));
        if order != Ordering::Equal {
            return order;
        }
    }
    la.cmp(&lb)
        .then_with(|| {
            for i in 0..sa.len().max(sb.len()) {
                let order = sa
                    .get(i)
                    .unwrap_or(&(0, 0))
                    .cmp(sb.get(i).unwrap_or(&(0, 0)));
                if order != Ordering::Equal {
                    return order;
                }
            }
            Ordering::Equal
        })
        .then_with(|| ra.cmp(&rb))
}

/// PEP 440 order (PyPI) by the `pep440_rs` crate (uv's); a version it
/// cannot parse compares as text with numbers compared numerically.
pub fn pep440(a: &str, b: &str) -> Ordering {
    match (
        a.trim().parse::<pep440_rs::Version>(),
        b.trim().parse::<pep440_rs::Version>(),
    ) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => natural(a, b),
    }
}

/// Maven: dot/hyphen separated items; trailing zeros before a qualifier
/// are dropped (`1.0-alpha` is `1-alpha`); qualifiers order
/// alpha < beta < milestone < rc < snapshot < "" (release) < sp < others.
pub fn maven(a: &str, b: &str) -> Ordering {
    #[derive(PartialEq, Eq, PartialOrd, Ord, Clone)]
    enum Item {
        Qualifier(i32, String),
        Number(u64),
    }
    fn items(v: &str) -> Vec<Item> {
        let lower = v.to_ascii_lowercase();
        let mut out: Vec<Item> = Vec::new();
        let trim = |out: &mut Vec<Item>| {
            while out.last() == Some(&Item::Number(0)) {
                out.pop();
            }
        };
        // Items split on `.` and `-`, and where letters meet digits.
        let mut tokens: Vec<String> = Vec::new();
        for part in lower.split(['.', '-']).filter(|t| !t.is_empty()) {
            let mut current = String::new();
            for c in part.chars() {
                if current
                    .chars()
                    .last()
                    .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit())
                {
                    tokens.push(std::mem::take(&mut current));
                }
                current.push(c);
            }
            tokens.push(current);
        }
        for token in tokens.iter().map(String::as_str) {
            if token.chars().all(|c| c.is_ascii_digit()) {
                out.push(Item::Number(token.parse().unwrap_or(0)));
                continue;
            }
            trim(&mut out);
            let rank = match token {
                "alpha" | "a" => -5,
                "beta" | "b" => -4,
                "milestone" | "m" => -3,
                "rc" | "cr" => -2,
                "snapshot" => -1,
                "ga" | "final" | "release" => 0,
                "sp" => 1,
                _ => 2,
            };
            if rank != 0 {
                out.push(Item::Qualifier(rank, token.to_string()));
            }
        }
        trim(&mut out);
        out
    }
    let (x, y) = (items(a), items(b));
    for i in 0..x.len().max(y.len()) {
        let order = match (x.get(i), y.get(i)) {
            (Some(p), Some(q)) => p.cmp(q),
            // A number, or a qualifier after the release (sp), is newer
            // than nothing; a pre-release qualifier is older.
            (Some(p), None) => {
                if matches!(p, Item::Number(_) | Item::Qualifier(1.., _)) {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (None, Some(q)) => {
                if matches!(q, Item::Number(_) | Item::Qualifier(1.., _)) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// RubyGems: segments split on dots (and letter/digit boundaries); a
/// segment with letters makes a prerelease, which sorts before the release.
pub fn rubygems(a: &str, b: &str) -> Ordering {
    fn segments(v: &str) -> Vec<Result<u64, String>> {
        let mut out = Vec::new();
        for part in v.replace('-', ".pre.").split('.') {
            let mut current = String::new();
            let mut digits = None;
            for c in part.chars() {
                let is_digit = c.is_ascii_digit();
                if digits.is_some_and(|d| d != is_digit) {
                    out.push(if digits == Some(true) {
                        Ok(current.parse().unwrap_or(0))
                    } else {
                        Err(current.clone())
                    });
                    current.clear();
                }
                digits = Some(is_digit);
                current.push(c);
            }
            if !current.is_empty() {
                out.push(if digits == Some(true) {
                    Ok(current.parse().unwrap_or(0))
                } else {
                    Err(current)
                });
            }
        }
        // Canonical form: zeros before the first letter segment and at the
        // end do not count (`1.0.0.pre` is `1.pre`).
        if let Some(first_letters) = out.iter().position(Result::is_err) {
            let mut at = first_letters;
            while at > 0 && out[at - 1] == Ok(0) {
                let _zero = out.remove(at - 1);
                at -= 1;
            }
        }
        while matches!(out.last(), Some(Ok(0))) {
            out.pop();
        }
        out
    }
    let (x, y) = (segments(a), segments(b));
    for i in 0..x.len().max(y.len()) {
        let order = match (x.get(i), y.get(i)) {
            (Some(Ok(p)), Some(Ok(q))) => p.cmp(q),
            (Some(Err(p)), Some(Err(q))) => p.cmp(q),
            (Some(Ok(_)), Some(Err(_))) => Ordering::Greater,
            (Some(Err(_)), Some(Ok(_))) => Ordering::Less,
            (Some(Ok(_)), None) => Ordering::Greater,
            (Some(Err(_)), None) => Ordering::Less,
            (None, Some(Ok(_))) => Ordering::Less,
            (None, Some(Err(_))) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}
