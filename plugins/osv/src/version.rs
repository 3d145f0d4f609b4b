//! Version orders, one per ecosystem family, as OSV's `ECOSYSTEM` ranges
//! need them: dpkg (Debian, Ubuntu), apk (Alpine), rpm (Red Hat family,
//! SUSE), PEP 440 (PyPI), SemVer (npm, crates.io; Go with its `v` prefix
//! and `+incompatible`), Maven and RubyGems. SemVer uses the `semver`
//! crate; the others have no well-kept crate usable here and are written
//! out from their specifications.

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

/// dpkg: `[epoch:]upstream[-revision]`; `~` sorts before anything, even
/// the end of the string; letters before other symbols.
pub fn dpkg(a: &str, b: &str) -> Ordering {
    let split = |v: &str| -> (u64, String, String) {
        let (epoch, rest) = match v.split_once(':') {
            Some((e, r)) if e.chars().all(|c| c.is_ascii_digit()) => (e.parse().unwrap_or(0), r),
            _ => (0, v),
        };
        match rest.rsplit_once('-') {
            Some((up, rev)) => (epoch, up.to_string(), rev.to_string()),
            None => (epoch, rest.to_string(), String::new()),
        }
    };
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| dpkg_part(&ua, &ub))
        .then_with(|| dpkg_part(&ra, &rb))
}

fn dpkg_order(c: Option<char>) -> i32 {
    match c {
        None => 0,
        Some('~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => c as i32,
        Some(c) => c as i32 + 256,
    }
}

/// dpkg's `verrevcmp` on one part.
fn dpkg_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit prefix.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = dpkg_order(a.get(i).map(|c| *c as char).filter(|c| !c.is_ascii_digit()));
            let bc = dpkg_order(b.get(j).map(|c| *c as char).filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            if i < a.len() && !a[i].is_ascii_digit() {
                i += 1;
            }
            if j < b.len() && !b[j].is_ascii_digit() {
                j += 1;
            }
        }
        // Numeric part.
        let start_a = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let start_b = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let order = numeric(
            std::str::from_utf8(&a[start_a..i]).unwrap_or(""),
            std::str::from_utf8(&b[start_b..j]).unwrap_or(""),
        );
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
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

/// A segment of a PEP 440 local version: numbers sort above words.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum LocalPart {
    Word(String),
    Number(u64),
}

/// PEP 440 sort key, as the PyPA `packaging` library builds it.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pep440Key {
    epoch: u64,
    /// Release numbers, trailing zeros removed (`1.0` is `1`).
    release: Vec<u64>,
    /// (rank, number): a < b < rc; a dev release of the final version sorts
    /// below every pre-release (-1), a final release above them (3).
    pre: (i32, u64),
    /// None sorts first.
    post: Option<u64>,
    /// (0, n) for devN, (1, 0) without: dev releases come first.
    dev: (i32, u64),
    /// None sorts first; then segment by segment.
    local: Option<Vec<LocalPart>>,
}

/// Leading decimal digits of `text` (saturating) and the rest.
fn leading_number(text: &str) -> (Option<u64>, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if end == 0 {
        return (None, text);
    }
    (Some(text[..end].parse().unwrap_or(u64::MAX)), &text[end..])
}

/// `text` without one leading `-`, `_` or `.` separator.
fn skip_separator(text: &str) -> &str {
    text.strip_prefix(['-', '_', '.']).unwrap_or(text)
}

/// A PEP 440 segment at the start of `rest`: a separator, one of `words`
/// (with its rank), then an optional separator and number (0 when absent).
/// Advances `rest` past it.
fn segment(rest: &mut &str, words: &[(&str, i32)]) -> Option<(i32, u64)> {
    let body = skip_separator(rest);
    let (word, rank) = words.iter().find(|(word, _)| body.starts_with(word))?;
    let after = &body[word.len()..];
    let (number, after_number) = leading_number(skip_separator(after));
    *rest = if number.is_some() {
        after_number
    } else {
        after
    };
    Some((*rank, number.unwrap_or(0)))
}

/// Parses a PEP 440 version leniently (what it cannot read is ignored):
/// `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` with the spelling
/// variants PEP 440 normalizes (`alpha`, `c`, `pre`, `-N` for post, `rev`).
fn pep440_key(version: &str) -> Pep440Key {
    let lower = version.trim().to_ascii_lowercase();
    let text = lower.strip_prefix('v').unwrap_or(&lower);
    let (public, local) = match text.split_once('+') {
        Some((public, local)) => (public, Some(local)),
        None => (text, None),
    };
    let local = local.map(|local| {
        local
            .split(['.', '-', '_'])
            .filter(|part| !part.is_empty())
            .map(|part| match part.parse() {
                Ok(number) => LocalPart::Number(number),
                Err(_) => LocalPart::Word(part.to_string()),
            })
            .collect()
    });
    let (epoch, mut rest) = match public.split_once('!') {
        Some((epoch, rest)) => (epoch.parse().unwrap_or(0), rest),
        None => (0, public),
    };
    let mut release = Vec::new();
    while let (Some(number), after) = leading_number(rest) {
        release.push(number);
        rest = after;
        match rest.strip_prefix('.') {
            Some(next) if next.starts_with(|c: char| c.is_ascii_digit()) => rest = next,
            _ => break,
        }
    }
    while release.len() > 1 && release.last() == Some(&0) {
        release.pop();
    }
    let pre = segment(
        &mut rest,
        &[
            ("alpha", 0),
            ("a", 0),
            ("beta", 1),
            ("b", 1),
            ("preview", 2),
            ("pre", 2),
            ("rc", 2),
            ("c", 2),
        ],
    );
    let post = match rest.strip_prefix('-').map(leading_number) {
        Some((Some(number), after)) => {
            rest = after;
            Some(number)
        }
        _ => segment(&mut rest, &[("post", 0), ("rev", 0), ("r", 0)]).map(|(_, n)| n),
    };
    let dev = segment(&mut rest, &[("dev", 0)]).map(|(_, n)| n);
    let pre = match (pre, post, dev) {
        (Some(pre), _, _) => pre,
        (None, None, Some(_)) => (-1, 0),
        _ => (3, 0),
    };
    Pep440Key {
        epoch,
        release,
        pre,
        post,
        dev: dev.map_or((1, 0), |n| (0, n)),
        local,
    }
}

/// PEP 440 order (PyPI).
pub fn pep440(a: &str, b: &str) -> Ordering {
    pep440_key(a).cmp(&pep440_key(b))
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
