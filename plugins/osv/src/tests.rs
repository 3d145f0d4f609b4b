//! Version-order and CVSS tests (native): hand-picked cases, and the
//! orderings recorded from dpkg, rpm and PyPA `packaging`
//! (tests/data/reference-orders, written by scripts/reference-orders.py).

use std::cmp::Ordering::{Equal, Greater, Less};

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

/// The tables scripts/reference-orders.py recorded from the reference
/// tools themselves (`dpkg --compare-versions`, rpm 4.18's `rpm.vercmp`,
/// PyPA `packaging` 21.3): each line must hold both ways round.
const REFERENCE_TABLES: [(&str, &str, &str, usize); 3] = [
    (
        "dpkg",
        "Debian",
        include_str!("../../../tests/data/reference-orders/dpkg.txt"),
        1_000,
    ),
    (
        "rpm",
        "Rocky Linux",
        include_str!("../../../tests/data/reference-orders/rpm.txt"),
        1_000,
    ),
    (
        "pypa",
        "PyPI",
        include_str!("../../../tests/data/reference-orders/pypa.txt"),
        2_000,
    ),
];

#[test]
fn orders_agree_with_the_recorded_reference_tools() {
    for (tool, ecosystem, table, at_least) in REFERENCE_TABLES {
        let lines = super::suites::lines(table);
        assert!(
            lines.len() >= at_least,
            "{tool}: {} lines recorded, expected at least {at_least}",
            lines.len()
        );
        let wrong: Vec<String> = lines
            .iter()
            .filter(|line| {
                compare(ecosystem, &line.a, &line.b) != line.expected
                    || compare(ecosystem, &line.b, &line.a) != line.expected.reverse()
            })
            .map(|line| format!("{} {:?} {}", line.a, line.expected, line.b))
            .collect();
        assert!(
            wrong.is_empty(),
            "{tool} orders these otherwise:\n{}",
            wrong.join("\n")
        );
    }
}

#[test]
fn dpkg_and_pep440_tables_use_the_crates_not_the_fallback() {
    // The recorded dpkg lines are read by debversion and the PEP 440 ones
    // that PEP 440 allows by pep440_rs: the text fallback is not what
    // makes them agree.
    let dpkg = super::suites::lines(REFERENCE_TABLES[0].2);
    let unread: Vec<&str> = dpkg
        .iter()
        .flat_map(|line| [line.a.as_str(), line.b.as_str()])
        .filter(|v| v.parse::<debversion::Version>().is_err())
        .collect();
    assert!(unread.is_empty(), "{unread:?}");
    for version in ["1.0.post1.dev1", "1!0.5", "1.0+abc.7", "v1.0", "1.0-r2"] {
        assert!(version.parse::<pep440_rs::Version>().is_ok(), "{version}");
    }
}
