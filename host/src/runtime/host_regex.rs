//! The `regex-set` host import: regexes compiled once per process (shared
//! by every instance that asks for the same list) and run natively over a
//! file's bytes, linear in the file's size.
//!
//! Both are CPU work the host does for the guest, so both are bounded: a
//! pattern's compiled program is capped ([`SIZE_LIMIT`], with the lazy
//! DFA's cache capped too), a plugin instance's patterns are counted
//! (`Limits::max_regex_patterns`), and a search over a large file runs on a
//! blocking thread the call's deadline can abandon.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use regex::bytes::{Regex, RegexBuilder};

/// Most patterns in one set.
pub const MAX_PATTERNS: usize = 256;
/// Longest pattern source.
pub const MAX_PATTERN_BYTES: usize = 4 << 10;
/// Most matches one `find-all` returns.
pub const MAX_MATCHES: u32 = 10_000;
/// Compiled-program size limit per pattern (the secrets rules need well
/// under 1 MiB each).
pub const SIZE_LIMIT: usize = 2 << 20;
/// Lazy DFA cache per pattern and search thread.
const DFA_SIZE_LIMIT: usize = 4 << 20;
/// Files up to this size are searched on the calling thread.
const INLINE_SEARCH_BYTES: usize = 256 << 10;
/// Pattern lists kept compiled.
const MAX_CACHED_SETS: usize = 64;

/// The host object behind a plugin's `regex-set` resource.
pub struct RegexSetHandle {
    /// The compiled patterns, in order.
    pub regexes: Arc<Vec<Regex>>,
}

/// Compiled pattern lists, shared by all instances of all plugins.
#[derive(Default)]
pub struct RegexCache {
    sets: Mutex<HashMap<u64, CachedSet>>,
}

/// One compiled list, with its sources to rule out hash collisions.
struct CachedSet {
    sources: Vec<String>,
    compiled: Arc<Vec<Regex>>,
}

impl RegexCache {
    /// Compiles `patterns`, or returns the copy compiled earlier.
    pub fn compile(&self, patterns: &[String]) -> Result<Arc<Vec<Regex>>, String> {
        if patterns.len() > MAX_PATTERNS {
            return Err(format!(
                "{} patterns; at most {MAX_PATTERNS}",
                patterns.len()
            ));
        }
        let mut hasher = DefaultHasher::new();
        patterns.hash(&mut hasher);
        let key = hasher.finish();
        let cached = self.sets.lock().ok().and_then(|sets| {
            sets.get(&key)
                .filter(|entry| entry.sources == patterns)
                .map(|entry| Arc::clone(&entry.compiled))
        });
        if let Some(compiled) = cached {
            return Ok(compiled);
        }
        let mut compiled = Vec::with_capacity(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            if pattern.len() > MAX_PATTERN_BYTES {
                return Err(format!(
                    "pattern {index} is longer than {MAX_PATTERN_BYTES} bytes"
                ));
            }
            let regex = RegexBuilder::new(pattern)
                .size_limit(SIZE_LIMIT)
                .dfa_size_limit(DFA_SIZE_LIMIT)
                .nest_limit(64)
                .build()
                .map_err(|err| format!("pattern {index} does not compile: {err}"))?;
            compiled.push(regex);
        }
        let compiled = Arc::new(compiled);
        if let Ok(mut sets) = self.sets.lock() {
            if sets.len() >= MAX_CACHED_SETS {
                sets.clear();
            }
            sets.insert(
                key,
                CachedSet {
                    sources: patterns.to_vec(),
                    compiled: Arc::clone(&compiled),
                },
            );
        }
        Ok(compiled)
    }
}

/// True when a search over `len` bytes is cheap enough to run inline.
pub fn runs_inline(len: usize) -> bool {
    len <= INLINE_SEARCH_BYTES
}

/// One match, as both contract versions carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Whole match start.
    pub start: u64,
    /// Whole match end (exclusive).
    pub end: u64,
    /// Group 1 start (or the whole match's).
    pub group_start: u64,
    /// Group 1 end.
    pub group_end: u64,
    /// 1-based line of the group's first byte.
    pub start_line: u32,
    /// 1-based line of the group's last byte.
    pub end_line: u32,
}

/// Runs one regex over `bytes`: matches with their group-1 span and lines.
pub fn find_all(regex: &Regex, bytes: &[u8], max: u32) -> Vec<Match> {
    let mut line = 1u32;
    let mut counted_to = 0usize;
    let mut line_at = |offset: usize| {
        // Matches come in increasing order: count newlines incrementally.
        let offset = offset.min(bytes.len());
        if offset >= counted_to {
            line = line.saturating_add(
                memchr::memchr_iter(b'\n', &bytes[counted_to..offset]).count() as u32,
            );
            counted_to = offset;
        }
        line
    };
    let mut found = Vec::new();
    for captures in regex
        .captures_iter(bytes)
        .take(max.min(MAX_MATCHES) as usize)
    {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let group = captures.get(1).unwrap_or(whole);
        let start_line = line_at(group.start());
        let end_line = line_at(group.end().saturating_sub(1).max(group.start()));
        found.push(Match {
            start: whole.start() as u64,
            end: whole.end() as u64,
            group_start: group.start() as u64,
            group_end: group.end() as u64,
            start_line,
            end_line,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_and_oversized_pattern_lists_are_refused_with_a_reason() {
        let cache = RegexCache::default();
        let error = cache
            .compile(&["ok".to_string(), "(unclosed".to_string()])
            .err();
        assert!(error.is_some_and(|e| e.starts_with("pattern 1 does not compile")));
        let many: Vec<String> = (0..=MAX_PATTERNS).map(|i| format!("p{i}")).collect();
        assert!(cache.compile(&many).is_err());
        assert!(cache.compile(&["a".repeat(MAX_PATTERN_BYTES + 1)]).is_err());
        // A pattern whose automaton would be huge is refused, not built.
        assert!(cache.compile(&["\\w{1000}{1000}".to_string()]).is_err());
    }

    #[test]
    fn matches_carry_group_spans_and_lines() {
        let cache = RegexCache::default();
        let set = cache
            .compile(&[r"key=(\w+)".to_string()])
            .expect("compiles");
        let again = cache.compile(&[r"key=(\w+)".to_string()]).expect("cached");
        assert!(Arc::ptr_eq(&set, &again), "the same list is compiled once");
        let file = b"a\nkey=one\n\nkey=two".to_vec();
        let found = find_all(&set[0], &file, 10);
        let spans: Vec<_> = found
            .iter()
            .map(|m| (m.group_start, m.group_end, m.start_line, m.end_line))
            .collect();
        assert_eq!(spans, vec![(6, 9, 2, 2), (15, 18, 4, 4)]);
        assert_eq!(find_all(&set[0], &file, 1).len(), 1, "max-matches caps");
    }
}
