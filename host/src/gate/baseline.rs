//! `--baseline PREVIOUS.json`: the fingerprints of a previous JSON result,
//! so that only new findings gate.
//!
//! A previous finding counts as accepted if it was reported (`findings`) or
//! kept out by this same baseline (`suppressed` of kind `baseline`); one
//! that a configuration entry suppressed then is not, so that when that
//! entry expires the finding comes back rather than hiding behind the
//! baseline.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// Largest baseline file read.
const MAX_FILE_BYTES: u64 = 512 << 20;

/// The fingerprints of a previous result.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// The file, as named by the user (for reasons and messages).
    pub label: String,
    fingerprints: HashSet<String>,
}

#[derive(Deserialize)]
struct Previous {
    schema: String,
    findings: Vec<PreviousFinding>,
    #[serde(default)]
    suppressed: Vec<PreviousSuppressed>,
}

#[derive(Deserialize)]
struct PreviousFinding {
    fingerprint: String,
}

#[derive(Deserialize)]
struct PreviousSuppressed {
    finding: PreviousFinding,
    suppression: PreviousSuppression,
}

#[derive(Deserialize)]
struct PreviousSuppression {
    kind: String,
}

impl Baseline {
    /// Reads a `bulkhead scan --format json` result.
    pub fn read(path: &Path) -> Result<Baseline> {
        let name = path.display();
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read the baseline {name}"))?
            .len();
        if size > MAX_FILE_BYTES {
            bail!("baseline {name}: {size} bytes, over the {MAX_FILE_BYTES} byte limit");
        }
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read the baseline {name}"))?;
        Baseline::parse(&name.to_string(), &bytes)
            .with_context(|| format!("baseline {name} is not a bulkhead JSON result"))
    }

    /// Parses a previous result; `label` names it in reasons.
    pub fn parse(label: &str, bytes: &[u8]) -> Result<Baseline> {
        let previous: Previous = serde_json::from_slice(bytes)
            .context("expected the output of `bulkhead scan --format json`")?;
        if previous.schema != "bulkhead-scan" {
            bail!(
                "`schema` is {:?}, expected \"bulkhead-scan\"",
                previous.schema
            );
        }
        let accepted = previous.findings.into_iter().chain(
            previous
                .suppressed
                .into_iter()
                .filter(|s| s.suppression.kind == "baseline")
                .map(|s| s.finding),
        );
        let mut fingerprints = HashSet::new();
        for finding in accepted {
            let fingerprint = finding.fingerprint;
            if fingerprint.len() != 32 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!("fingerprint {fingerprint:?} is not 32 hex digits");
            }
            fingerprints.insert(fingerprint.to_ascii_lowercase());
        }
        Ok(Baseline {
            label: label.to_string(),
            fingerprints,
        })
    }

    /// True if the previous result had a finding with this fingerprint.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_and_baseline_suppressed_findings_are_accepted_others_not() {
        let text = br#"{"schema":"bulkhead-scan","findings":[{"fingerprint":"0123456789abcdef0123456789abcdef"}],
            "suppressed":[
              {"finding":{"fingerprint":"11111111111111111111111111111111"},"suppression":{"kind":"baseline","reason":"x"}},
              {"finding":{"fingerprint":"22222222222222222222222222222222"},"suppression":{"kind":"config","reason":"x"}}]}"#;
        let baseline = Baseline::parse("prev.json", text).expect("parses");
        assert!(baseline.contains("0123456789abcdef0123456789abcdef"));
        assert!(baseline.contains("11111111111111111111111111111111"));
        assert!(!baseline.contains("22222222222222222222222222222222"));
    }

    #[test]
    fn other_documents_are_errors_naming_the_problem() {
        let error =
            |text: &[u8]| format!("{:#}", Baseline::parse("p", text).expect_err("rejected"));
        assert!(error(b"{\"schema\":\"sarif\",\"findings\":[]}").contains("bulkhead-scan"));
        assert!(error(b"[1,2]").contains("bulkhead scan --format json"));
        assert!(
            error(b"{\"schema\":\"bulkhead-scan\",\"findings\":[{\"fingerprint\":\"zz\"}]}")
                .contains("32 hex")
        );
    }
}
