//! OSV's evaluation of an `affected` entry for one version
//! (<https://ossf.github.io/osv-schema/#evaluation>), saying which events
//! matched so that a finding can show its reasoning.

use std::cmp::Ordering;

use crate::record::{Affected, Event};
use crate::version::Order;

/// Why a version is affected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The range that matched, as events: `introduced 0, fixed 2.20.0`;
    /// or `listed version 1.0` for an explicit `versions` entry.
    pub range: String,
    /// The version order used (`PEP 440`, `dpkg`, `SemVer`), or
    /// `exact` for a listed version.
    pub order: &'static str,
}

/// Whether `version` of a package of `ecosystem` is affected by this
/// entry, and why (the range when one matches, else the listed version). `ECOSYSTEM` ranges use the ecosystem's order, `SEMVER`
/// ranges SemVer's (Go's for Go); `GIT` ranges name commits, not versions.
pub fn affected_by(affected: &Affected, ecosystem: &str, version: &str) -> Option<Match> {
    // Ranges first: they say more than a listed version.
    for range in &affected.ranges {
        let order = match range.kind.as_str() {
            "ECOSYSTEM" => Order::of(ecosystem),
            "SEMVER" if Order::of(ecosystem) == Order::Go => Order::Go,
            "SEMVER" => Order::SemVer,
            _ => continue,
        };
        if let Some(events) = matching_events(&range.events, order, version) {
            return Some(Match {
                range: events,
                order: order.name(),
            });
        }
    }
    affected
        .versions
        .iter()
        .any(|v| v == version)
        .then(|| Match {
            range: format!("listed version {version}"),
            order: "exact",
        })
}

/// The version an event names.
fn event_version(event: &Event) -> &str {
    event
        .introduced
        .as_deref()
        .or(event.fixed.as_deref())
        .or(event.last_affected.as_deref())
        .or(event.limit.as_deref())
        .unwrap_or_default()
}

/// Evaluates one range: events sorted by version (`0` first), walked in
/// order; `introduced` at or below the version turns it affected, `fixed`
/// at or below (or `last_affected` below) turns it unaffected; `limit`s
/// bound the whole range. Returns the events that decided, as text.
fn matching_events(events: &[Event], order: Order, version: &str) -> Option<String> {
    let cmp = |a: &str, b: &str| order.compare(a, b);
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by(|a, b| match (event_version(a), event_version(b)) {
        ("0", "0") => Ordering::Equal,
        ("0", _) => Ordering::Less,
        (_, "0") => Ordering::Greater,
        (x, y) => cmp(x, y),
    });
    let mut opened: Option<usize> = None;
    for (index, event) in sorted.iter().enumerate() {
        if let Some(introduced) = &event.introduced {
            if introduced == "0" || cmp(version, introduced).is_ge() {
                opened = Some(index);
            }
        } else if let Some(fixed) = &event.fixed {
            if cmp(version, fixed).is_ge() {
                opened = None;
            }
        } else if let Some(last) = &event.last_affected
            && cmp(version, last).is_gt()
        {
            opened = None;
        }
    }
    let opened = opened?;
    let limits: Vec<&str> = sorted.iter().filter_map(|e| e.limit.as_deref()).collect();
    if !limits
        .iter()
        .all(|limit| *limit == "*" || cmp(version, limit).is_lt())
    {
        return None;
    }
    let mut text = format!("introduced {}", event_version(sorted[opened]));
    // The event that closes the range above the version, if any.
    let closing = sorted[opened + 1..]
        .iter()
        .find(|e| e.fixed.is_some() || e.last_affected.is_some());
    if let Some(event) = closing {
        let kind = if event.fixed.is_some() {
            "fixed"
        } else {
            "last_affected"
        };
        text.push_str(&format!(", {kind} {}", event_version(event)));
    }
    for limit in limits {
        text.push_str(&format!(", limit {limit}"));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Range;

    fn entry(kind: &str, events: &[(&str, &str)]) -> Affected {
        let events = events
            .iter()
            .map(|(kind, version)| {
                let v = Some(version.to_string());
                match *kind {
                    "introduced" => Event {
                        introduced: v,
                        ..Event::default()
                    },
                    "fixed" => Event {
                        fixed: v,
                        ..Event::default()
                    },
                    "last_affected" => Event {
                        last_affected: v,
                        ..Event::default()
                    },
                    _ => Event {
                        limit: v,
                        ..Event::default()
                    },
                }
            })
            .collect();
        Affected {
            package: None,
            ranges: vec![Range {
                kind: kind.to_string(),
                events,
            }],
            versions: vec!["2.30.0".to_string()],
        }
    }

    #[test]
    fn says_which_events_matched_and_which_order_was_used() {
        let two_ranges = entry(
            "ECOSYSTEM",
            &[
                ("fixed", "1.2.6"),
                ("introduced", "0"),
                ("introduced", "2.0.0"),
                ("fixed", "2.20.0"),
            ],
        );
        let at = |v: &str| affected_by(&two_ranges, "PyPI", v);
        assert_eq!(
            at("2.19.0"),
            Some(Match {
                range: "introduced 2.0.0, fixed 2.20.0".into(),
                order: "PEP 440"
            })
        );
        assert_eq!(
            at("1.0").map(|m| m.range),
            Some("introduced 0, fixed 1.2.6".into())
        );
        assert_eq!(at("1.2.6"), None, "fixed is not affected");
        assert_eq!(at("2.20.0"), None);
        assert_eq!(
            at("2.30.0"),
            Some(Match {
                range: "listed version 2.30.0".into(),
                order: "exact"
            })
        );

        let last = entry(
            "ECOSYSTEM",
            &[("introduced", "1.0"), ("last_affected", "1.4")],
        );
        let at = |v: &str| affected_by(&last, "Debian:12", v);
        assert_eq!(
            at("1.4").map(|m| (m.range, m.order)),
            Some(("introduced 1.0, last_affected 1.4".into(), "dpkg"))
        );
        assert_eq!(at("1.4-1"), None, "after last_affected");
        assert_eq!(at("0.9"), None, "before introduced");

        let limited = entry("SEMVER", &[("introduced", "0"), ("limit", "3.0.0")]);
        assert_eq!(
            affected_by(&limited, "npm", "2.9.9").map(|m| (m.range, m.order)),
            Some(("introduced 0, limit 3.0.0".into(), "SemVer"))
        );
        assert_eq!(affected_by(&limited, "npm", "3.0.0"), None);
        assert_eq!(
            affected_by(&limited, "Go", "v2.0.0+incompatible").map(|m| m.order),
            Some("Go (SemVer)")
        );

        let git = entry("GIT", &[("introduced", "0"), ("fixed", "abc123")]);
        assert_eq!(
            affected_by(&git, "PyPI", "1.0"),
            None,
            "GIT ranges name commits"
        );
    }
}
