//! Inline suppressions: `bulkhead:ignore RULE reason` comments in the files
//! the host read for plugins. Found here, once per file and for every
//! plugin, from the bytes already in memory; `gate` decides what they
//! suppress.
//!
//! A directive counts only inside a comment: the text before the marker on
//! its line must end with a comment opener (`#`, `//`, `--`, `;`, `/*`,
//! `<!--`), so `bulkhead:ignore` inside a string or a value is not one.
//! Closers (`*/`, `-->`) are trimmed from the reason.

use memchr::memmem;

use crate::model::InlineIgnore;
use crate::text::sanitize;

/// The marker.
const MARKER: &[u8] = b"bulkhead:ignore";

/// Comment openers a directive may follow, longest first.
const OPENERS: [&str; 6] = ["<!--", "/*", "//", "--", "#", ";"];

/// Most directives taken from one file.
const MAX_PER_FILE: usize = 256;

/// Bytes looked at before and after a marker.
const LOOK_AROUND: usize = 2048;

/// Longest rule id and reason kept.
const MAX_RULE: usize = 256;
/// Longest reason kept.
const MAX_REASON: usize = 1024;

/// The directives in `bytes`, the file at `path` (of image layer `layer`).
/// One pass over the bytes; at most [`MAX_PER_FILE`] directives.
pub fn find(path: &str, layer: Option<usize>, bytes: &[u8]) -> Vec<InlineIgnore> {
    let mut found = Vec::new();
    let mut line: u32 = 1;
    let mut line_start = 0;
    let mut counted_to = 0;
    for at in memmem::find_iter(bytes, MARKER) {
        if found.len() >= MAX_PER_FILE {
            break;
        }
        // Lines and line starts are tracked forward only, and each look
        // around a marker is bounded: linear in the file however many
        // markers one long line holds.
        let skipped = &bytes[counted_to..at];
        line = line.saturating_add(memchr::memchr_iter(b'\n', skipped).count() as u32);
        if let Some(newline) = memchr::memrchr(b'\n', skipped) {
            line_start = counted_to + newline + 1;
        }
        counted_to = at;
        let before = &bytes[line_start.max(at.saturating_sub(LOOK_AROUND))..at];
        if !follows_comment_opener(&String::from_utf8_lossy(before)) {
            continue;
        }
        let rest = &bytes[at + MARKER.len()..bytes.len().min(at + MARKER.len() + LOOK_AROUND)];
        let rest = memchr::memchr(b'\n', rest).map_or(rest, |newline| &rest[..newline]);
        let after = String::from_utf8_lossy(rest);
        if let Some((rule, reason)) = parse_rest(&after) {
            found.push(InlineIgnore {
                path: path.to_string(),
                layer,
                line,
                rule,
                reason,
            });
        }
    }
    found
}

fn follows_comment_opener(before: &str) -> bool {
    let before = before.trim_end();
    OPENERS.iter().any(|opener| before.ends_with(opener))
}

/// `RULE reason...` after the marker; `None` when no rule is named.
fn parse_rest(after: &str) -> Option<(String, String)> {
    // The marker must end there (`bulkhead:ignored` is not one).
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    let mut text = after.trim();
    for closer in ["-->", "*/"] {
        if let Some(stripped) = text.strip_suffix(closer) {
            text = stripped.trim_end();
        }
    }
    let (rule, reason) = match text.split_once(char::is_whitespace) {
        Some((rule, reason)) => (rule, reason.trim()),
        None => (text, ""),
    };
    if rule.is_empty() {
        return None;
    }
    Some((sanitize(rule, MAX_RULE), sanitize(reason, MAX_REASON)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_and_lines(text: &str) -> Vec<(u32, String, String)> {
        find("f", None, text.as_bytes())
            .into_iter()
            .map(|d| (d.line, d.rule, d.reason))
            .collect()
    }

    #[test]
    fn every_comment_syntax_is_recognised() {
        let text = "a\n# bulkhead:ignore r/one shell reason\nx = 1 // bulkhead:ignore r/two js\n\
                    -- bulkhead:ignore r/three sql\n; bulkhead:ignore r/four ini\n\
                    /* bulkhead:ignore r/five c block */\n<!-- bulkhead:ignore r/six xml -->\n";
        assert_eq!(
            rules_and_lines(text),
            vec![
                (2, "r/one".into(), "shell reason".into()),
                (3, "r/two".into(), "js".into()),
                (4, "r/three".into(), "sql".into()),
                (5, "r/four".into(), "ini".into()),
                (6, "r/five".into(), "c block".into()),
                (7, "r/six".into(), "xml".into()),
            ]
        );
    }

    #[test]
    fn the_marker_outside_a_comment_or_without_a_rule_is_not_a_directive() {
        assert!(rules_and_lines("value = \"bulkhead:ignore r/x\"\n").is_empty());
        assert!(rules_and_lines("# bulkhead:ignore\n").is_empty());
        assert!(rules_and_lines("# bulkhead:ignored r/x\n").is_empty());
        assert_eq!(rules_and_lines("#bulkhead:ignore r/x").len(), 1);
    }

    #[test]
    fn one_long_line_of_markers_is_scanned_in_linear_time() {
        let text = "x bulkhead:ignore ".repeat(500_000);
        let started = std::time::Instant::now();
        assert!(find("f", None, text.as_bytes()).is_empty());
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn a_file_full_of_markers_is_bounded() {
        let text = "# bulkhead:ignore r/x y\n".repeat(10_000);
        let found = find("f", None, text.as_bytes());
        assert_eq!(found.len(), MAX_PER_FILE);
        assert_eq!(found.last().map(|d| d.line), Some(MAX_PER_FILE as u32));
    }
}
