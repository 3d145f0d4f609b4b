//! Which rules have a keyword in a buffer: one case-insensitive
//! Aho-Corasick pass for all keywords of all rules.

use aho_corasick::AhoCorasick;

use super::rule::SecretRule;

/// The keywords of all rules, compiled once.
pub struct KeywordIndex {
    automaton: Option<AhoCorasick>,
    /// Rule index of each keyword pattern.
    owner: Vec<usize>,
    rule_count: usize,
}

impl KeywordIndex {
    /// Indexes the keywords of `rules`.
    pub fn new(rules: &[SecretRule]) -> Self {
        let (keywords, owner): (Vec<&str>, Vec<usize>) = rules
            .iter()
            .enumerate()
            .flat_map(|(index, rule)| rule.keywords.iter().map(move |k| (*k, index)))
            .unzip();
        KeywordIndex {
            automaton: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(keywords)
                .ok(),
            owner,
            rule_count: rules.len(),
        }
    }

    /// For each rule, whether one of its keywords occurs in `data`.
    pub fn rules_present(&self, data: &[u8]) -> Vec<bool> {
        let mut present = vec![false; self.rule_count];
        let Some(automaton) = &self.automaton else {
            return present;
        };
        let mut missing = self.rule_count;
        for found in automaton.find_overlapping_iter(data) {
            let rule = self.owner[found.pattern().as_usize()];
            if !present[rule] {
                present[rule] = true;
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
        present
    }
}

/// Every keyword of every rule, lower-case, sorted and without duplicates:
/// what the plugin declares in `Interests::keywords`.
pub fn declared(rules: &[SecretRule]) -> Vec<String> {
    let mut all: Vec<String> = rules
        .iter()
        .flat_map(|rule| rule.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Which rules own one of the declared keywords the host found
/// (`hits` are indexes into [`declared`]).
pub fn rules_for_hits(rules: &[SecretRule], declared: &[String], hits: &[u32]) -> Vec<bool> {
    let mut present = vec![false; rules.len()];
    for hit in hits {
        let Some(keyword) = declared.get(*hit as usize) else {
            continue;
        };
        for (index, rule) in rules.iter().enumerate() {
            present[index] |= rule
                .keywords
                .iter()
                .any(|k| k.eq_ignore_ascii_case(keyword));
        }
    }
    present
}
