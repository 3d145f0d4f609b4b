//! The notes the analyze phase leaves for the post-scan call: the Pod
//! Security labels of each Namespace, and each pod's (or workload
//! template's) violations with the versions they hold in. A Namespace and
//! its pods may be in different files; post-scan sees them all.
//!
//! Encoding: records on lines, fields separated by tabs, with `\`, tab,
//! CR and LF escaped, so manifest text (a sysctl name, a label value)
//! cannot break the format. Decoding skips what it cannot read.

use crate::policy::{Level, Version};
use crate::pss::{Ranged, Violation};
use crate::rules;

/// Note key of a Namespace's labels.
pub const NAMESPACE: &str = "namespace";
/// Note key of a pod's violations.
pub const POD: &str = "pod";

/// The Pod Security labels of one Namespace, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceLabels {
    /// The Namespace's name.
    pub name: String,
    /// `pod-security.kubernetes.io/enforce`, if set.
    pub enforce: Option<String>,
    /// `pod-security.kubernetes.io/enforce-version`, if set.
    pub enforce_version: Option<String>,
}

/// One pod's violations and the Namespace it runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodViolations {
    /// `metadata.namespace` of the pod or workload (`default` when unset).
    pub namespace: String,
    /// What it fails, by version.
    pub violations: Vec<Ranged>,
}

impl NamespaceLabels {
    /// The note's value.
    pub fn encode(&self) -> String {
        record(&[
            escape(cut(&self.name)),
            optional(self.enforce.as_deref().map(cut)),
            optional(self.enforce_version.as_deref().map(cut)),
        ])
    }

    /// Reads a note's value.
    pub fn decode(text: &str) -> Option<NamespaceLabels> {
        let fields = fields(text.lines().next()?);
        let [name, enforce, version] = fields.as_slice() else {
            return None;
        };
        Some(NamespaceLabels {
            name: unescape(name),
            enforce: read_optional(enforce),
            enforce_version: read_optional(version),
        })
    }
}

impl PodViolations {
    /// The note's value.
    pub fn encode(&self) -> String {
        let mut text = self.header();
        for ranged in &self.violations {
            text.push('\n');
            text.push_str(&violation_record(ranged));
        }
        text
    }

    /// The pod's violations in parts whose notes each take at most
    /// `max_bytes` (the host refuses larger notes whole), every part with
    /// the pod's Namespace. A pod without violations gives no part.
    pub fn split(&self, max_bytes: usize) -> Vec<PodViolations> {
        let header = self.header().len();
        let mut parts: Vec<PodViolations> = Vec::new();
        let mut size = usize::MAX;
        for ranged in &self.violations {
            let bytes = violation_record(ranged).len() + 1;
            if size.saturating_add(bytes) > max_bytes {
                parts.push(PodViolations {
                    namespace: self.namespace.clone(),
                    violations: Vec::new(),
                });
                size = header;
            }
            size += bytes;
            if let Some(part) = parts.last_mut() {
                part.violations.push(ranged.clone());
            }
        }
        parts
    }

    fn header(&self) -> String {
        record(&[escape(cut(&self.namespace))])
    }

    /// Reads a note's value; violations that cannot be read are skipped.
    pub fn decode(text: &str) -> Option<PodViolations> {
        let mut lines = text.lines();
        let namespace = unescape(fields(lines.next()?).first()?);
        let violations = lines.filter_map(decode_violation).collect();
        Some(PodViolations {
            namespace,
            violations,
        })
    }
}

/// Longest text field kept in a note, in bytes before escaping (the host
/// keeps less of a finding's message and field path anyway).
const MAX_FIELD: usize = 1024;

/// `text` cut to [`MAX_FIELD`] bytes at a character boundary.
fn cut(text: &str) -> &str {
    if text.len() <= MAX_FIELD {
        return text;
    }
    let mut end = MAX_FIELD;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn violation_record(ranged: &Ranged) -> String {
    let violation = &ranged.violation;
    record(&[
        violation.rule.to_string(),
        level_code(violation.level).to_string(),
        ranged.from.minor().to_string(),
        ranged.to.minor().to_string(),
        violation.line.to_string(),
        escape(cut(&violation.field)),
        escape(cut(&violation.message)),
    ])
}

fn decode_violation(line: &str) -> Option<Ranged> {
    let fields = fields(line);
    let [rule, level, from, to, at, field, message] = fields.as_slice() else {
        return None;
    };
    let spec = rules::spec(rule).filter(|spec| spec.pss)?;
    let level = match *level {
        "b" => Level::Baseline,
        "r" => Level::Restricted,
        _ => return None,
    };
    Some(Ranged {
        violation: Violation {
            rule: spec.id,
            level,
            message: unescape(message),
            line: at.parse().ok()?,
            field: unescape(field),
        },
        from: Version::new(from.parse().ok()?)?,
        to: Version::new(to.parse().ok()?)?,
    })
}

fn level_code(level: Level) -> char {
    match level {
        Level::Privileged => 'p',
        Level::Baseline => 'b',
        Level::Restricted => 'r',
    }
}

fn record(fields: &[String]) -> String {
    fields.join("\t")
}

fn fields(line: &str) -> Vec<&str> {
    line.split('\t').collect()
}

/// `=value` when present, empty when absent.
fn optional(value: Option<&str>) -> String {
    value.map_or_else(String::new, |v| format!("={}", escape(v)))
}

fn read_optional(field: &str) -> Option<String> {
    field.strip_prefix('=').map(unescape)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::id;

    #[test]
    fn notes_survive_hostile_text() {
        let labels = NamespaceLabels {
            name: "team\ta\nb\\".into(),
            enforce: Some(String::new()),
            enforce_version: None,
        };
        assert_eq!(NamespaceLabels::decode(&labels.encode()), Some(labels));
        let pod = PodViolations {
            namespace: "default".into(),
            violations: vec![Ranged {
                violation: Violation {
                    rule: id::UNSAFE_SYSCTL,
                    level: Level::Baseline,
                    message: "unsafe sysctl a\tb\nc\\".into(),
                    line: 12,
                    field: "spec.securityContext.sysctls[0].name".into(),
                },
                from: Version::OLDEST,
                to: Version::NEWEST,
            }],
        };
        assert_eq!(PodViolations::decode(&pod.encode()), Some(pod.clone()));
        let many = PodViolations {
            namespace: "default".into(),
            violations: vec![pod.violations[0].clone(); 1000],
        };
        let parts = many.split(4096);
        assert!(parts.len() > 10);
        assert!(
            parts
                .iter()
                .all(|p| p.encode().len() <= 4096 && p.namespace == "default")
        );
        assert_eq!(
            parts.iter().map(|p| p.violations.len()).sum::<usize>(),
            1000
        );
        let long = PodViolations {
            namespace: "n".repeat(5000),
            violations: Vec::new(),
        };
        assert!(long.encode().len() <= MAX_FIELD);
        let forged = "default\nprivileged-container\tb\t25\t99\t1\tx\ty\nnot-a-rule\tb\t25\t30\t1\tx\ty\nimage-latest-tag\tb\t25\t30\t1\tx\ty";
        assert_eq!(
            PodViolations::decode(forged).map(|p| p.violations.len()),
            Some(0),
            "unknown versions, unknown and non-PSS rules are dropped"
        );
    }
}
