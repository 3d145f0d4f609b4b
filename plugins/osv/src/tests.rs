//! Version-order and CVSS tests (native; `dpkg --compare-versions` is the
//! reference for the dpkg cases, see tests/e2e/osv.rs).

use std::cmp::Ordering::{self, Equal, Greater, Less};

use super::version::*;

#[test]
fn dpkg_orders_epochs_tildes_and_revisions() {
    assert_eq!(dpkg("1.0~rc1", "1.0"), Less);
    assert_eq!(dpkg("1.0", "1.0-1"), Less);
    assert_eq!(dpkg("1:0.9", "2.0"), Greater);
    assert_eq!(dpkg("2.7.4-1", "2.7.4-1~deb12u1"), Greater);
    assert_eq!(dpkg("1.2.3a", "1.2.3+b1"), Less);
    assert_eq!(dpkg("1.0-1", "1.0-01"), Equal);
}

#[test]
fn apk_orders_suffixes_letters_and_releases() {
    assert_eq!(apk("1.2.3_p1", "1.2.3"), Greater);
    assert_eq!(apk("1.2.3_rc1", "1.2.3"), Less);
    assert_eq!(apk("1.2.3_alpha", "1.2.3_beta"), Less);
    assert_eq!(apk("1.2.3a", "1.2.3"), Greater);
    assert_eq!(apk("1.2.3-r1", "1.2.3-r10"), Less);
    assert_eq!(apk("1.10.0", "1.9.9"), Greater);
}

#[test]
fn rpm_orders_epochs_and_releases() {
    assert_eq!(rpm("1:1.0-1", "2.0-1"), Greater);
    assert_eq!(rpm("1.0-1.el9", "1.0-2.el9"), Less);
    assert_eq!(rpm("1.0~rc1-1", "1.0-1"), Less);
    assert_eq!(rpm("1.0a", "1.0"), Greater);
    assert_eq!(rpm("1.10", "1.9"), Greater);
}

#[test]
fn pep440_orders_pre_post_and_dev_releases() {
    let ordered = [
        "1.0.dev1",
        "1.0a1",
        "1.0b2",
        "1.0rc1",
        "1.0",
        "1.0.post1",
        "1.1",
    ];
    for pair in ordered.windows(2) {
        assert_eq!(pep440(pair[0], pair[1]), Less, "{} < {}", pair[0], pair[1]);
    }
    assert_eq!(pep440("1.0", "1.0.0"), Equal);
    assert_eq!(pep440("2.19.1", "2.20.0"), Less);
}

#[test]
fn semver_and_go_orders() {
    assert_eq!(semver_cmp("1.0.0-alpha", "1.0.0"), Less);
    assert_eq!(semver_cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), Less);
    assert_eq!(compare("Go", "v1.2.3", "1.2.4"), Less);
    assert_eq!(compare("Go", "v2.0.0+incompatible", "v2.0.0"), Equal);
}

#[test]
fn maven_and_rubygems_orders() {
    assert_eq!(maven("1.0-alpha-1", "1.0"), Less);
    assert_eq!(maven("1.0-rc1", "1.0"), Less);
    assert_eq!(maven("1.0", "1.0-sp1"), Less);
    assert_eq!(maven("1.0.0", "1.0"), Equal);
    assert_eq!(rubygems("1.0.0.pre", "1.0.0"), Less);
    assert_eq!(rubygems("1.0.0.a", "1.0.0.b"), Less);
    assert_eq!(rubygems("1.10", "1.9"), Greater);
}

#[test]
fn cvss_base_scores() {
    let score = |v: &str| super::cvss::base_score(v).expect("valid vector");
    assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
    assert_eq!(score("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N"), 5.3);
    assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
}

#[test]
fn dpkg_order_agrees_with_dpkg_compare_versions_where_installed() {
    let pairs = [
        ("1.0~rc1", "1.0"),
        ("1.0", "1.0-1"),
        ("1:0.9", "2.0"),
        ("2.7.4-1~deb12u1", "2.7.4-1"),
        ("3.0.11-1~deb12u2", "3.0.13-1~deb12u1"),
        ("1.2.3a", "1.2.3+b1"),
        ("1.0-1", "1.0-01"),
        ("0.9.8g-15", "0.9.8-15"),
        ("5.2.15-2+b2", "5.2.15-2+b10"),
        ("1.0.0~~a", "1.0.0~"),
    ];
    for (a, b) in pairs {
        // The crate reads both (no fallback to the text order).
        assert!(
            a.parse::<debversion::Version>().is_ok() && b.parse::<debversion::Version>().is_ok()
        );
        let ours = dpkg(a, b);
        let Ok(status) = std::process::Command::new("dpkg")
            .args(["--compare-versions", a, "lt", b])
            .status()
        else {
            eprintln!("dpkg is not installed; checked against the unit cases only");
            return;
        };
        let less = status.success();
        let equal = std::process::Command::new("dpkg")
            .args(["--compare-versions", a, "eq", b])
            .status()
            .is_ok_and(|s| s.success());
        let reference = if less {
            Less
        } else if equal {
            Equal
        } else {
            Greater
        };
        assert_eq!(ours, reference, "{a} vs {b}");
    }
}

/// Runs `program args...` and reads its standard output, or None when the
/// reference tool is not installed.
fn reference_output(program: &str, args: &[String]) -> Option<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// -1/0/1 as printed by the reference tools.
fn ordering_of(text: &str) -> Ordering {
    match text.trim() {
        "-1" => Less,
        "0" => Equal,
        "1" => Greater,
        other => panic!("reference printed {other:?}"),
    }
}

#[test]
fn rpm_order_agrees_with_rpm_vercmp_where_installed() {
    let pairs = [
        ("1:1.0-1", "2.0-1"),
        ("1.0-1.el9", "1.0-2.el9"),
        ("1.0~rc1-1", "1.0-1"),
        ("1.0a", "1.0"),
        ("1.10", "1.9"),
        ("3.0.7-25.el9_3", "3.0.7-27.el9"),
        ("1:3.0.7-25.el9_3", "1:3.0.7-27.el9"),
        ("7.76.1-26.el9_3.2", "1:7.0.0-1.el9"),
        ("5.1.8-6.el9_1", "5.1.8-6.el9_1"),
        ("1.0^git1-1", "1.0-1"),
        ("1.0^git1-1", "1.0.1-1"),
        ("2.0.1-1", "2.0.a-1"),
        ("1.0-1.fc39", "1.0-1.fc39.1"),
        ("0:1.0-1", "1.0-1"),
    ];
    // rpm's own comparison through its Lua interpreter (`rpm` from Debian's
    // package of that name; .ci/run installs it).
    let script: String = pairs
        .iter()
        .map(|(a, b)| format!("%{{lua: print(rpm.vercmp('{a}', '{b}'))}}\n"))
        .collect();
    let Some(printed) = reference_output("rpm", &["--eval".into(), script]) else {
        eprintln!("rpm is not installed; checked against the unit cases only");
        return;
    };
    let reference: Vec<Ordering> = printed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(ordering_of)
        .collect();
    assert_eq!(reference.len(), pairs.len(), "{printed}");
    for ((a, b), expected) in pairs.iter().zip(reference) {
        assert_eq!(rpm(a, b), expected, "{a} vs {b}");
    }
}

#[test]
fn pep440_order_agrees_with_pypa_packaging_where_installed() {
    let pairs = [
        ("1.0.post1", "1.0"),
        ("1.0rc1", "1.0"),
        ("1.0a1", "1.0b1"),
        ("1.0.dev1", "1.0a1"),
        ("1.0", "1.0.0"),
        ("1!0.5", "2.0"),
        ("1.0+local.1", "1.0"),
        ("1.0.post1.dev1", "1.0.post1"),
        ("2.19.0", "2.20.0"),
        ("1.0c1", "1.0rc1"),
        ("1.0-1", "1.0.post1"),
        ("1.0.0a0", "1.0.0.dev0"),
        ("1.0beta2", "1.0b1"),
        ("1.0alpha1", "1.0a2"),
        ("1.0rc1.post1", "1.0rc1"),
        ("1.0-r2", "1.0.post1"),
        ("v1.0", "1.0"),
    ];
    // PEP 440's own example of a sorted sequence, pair by pair.
    let sequence = [
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0rc1.dev456",
        "1.0rc1",
        "1.0",
        "1.0+abc.5",
        "1.0+abc.7",
        "1.0+5",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.15",
        "1.1.dev1",
    ];
    let pairs: Vec<(&str, &str)> = pairs
        .into_iter()
        .chain(sequence.windows(2).map(|w| (w[0], w[1])))
        .chain(sequence.windows(2).map(|w| (w[1], w[0])))
        .collect();
    // The PyPA `packaging` library (pip vendors it) is the reference.
    let program = "import sys\n\
        try:\n    from packaging.version import Version\n\
        except ImportError:\n    from pip._vendor.packaging.version import Version\n\
        args = sys.argv[1:]\n\
        for a, b in zip(args[::2], args[1::2]):\n    \
        x, y = Version(a), Version(b)\n    \
        print((x > y) - (x < y))\n";
    let mut args = vec!["-c".to_string(), program.to_string()];
    for (a, b) in &pairs {
        args.push(a.to_string());
        args.push(b.to_string());
    }
    let Some(printed) = reference_output("python3", &args) else {
        eprintln!("python3 with packaging is not installed; checked against the unit cases only");
        return;
    };
    let reference: Vec<Ordering> = printed.lines().map(ordering_of).collect();
    assert_eq!(reference.len(), pairs.len(), "{printed}");
    for ((a, b), expected) in pairs.iter().zip(reference) {
        let parsed = |v: &str| v.parse::<pep440_rs::Version>().is_ok();
        assert!(parsed(a) && parsed(b), "{a} / {b} read by pep440_rs");
        assert_eq!(pep440(a, b), expected, "{a} vs {b}");
    }
}
