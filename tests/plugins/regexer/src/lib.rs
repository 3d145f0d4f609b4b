//! Hostile test plugin: makes the host compile and run expensive regexes.
//! It asks for more patterns than a set may hold, then for patterns whose
//! automata are as large as the host allows, over and over, then searches
//! a large file with them in a loop that never ends.
use bulkhead_sdk::{
    File, Finding, HostRegexSet, Interests, Plugin, PluginInfo, Reporter, Rule, Severity,
    export_plugin,
};

struct Regexer;

impl Plugin for Regexer {
    fn info() -> PluginInfo {
        PluginInfo::new("regexer", "0.1.0", "Burns host CPU through regexes.")
            .rule(Rule::new(
                "refused",
                "What the host refused",
                Severity::Info,
            ))
            .interests(Interests::files(["**/regex-here.txt"]).max_file_size(64 << 20))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let too_many: Vec<String> = (0..300).map(|i| format!("p{i}")).collect();
        if let Err(message) = HostRegexSet::compile(&too_many) {
            out.finding(Finding::new("refused", format!("300 patterns: {message}")));
        }
        let huge = vec!["\\w{1000}{1000}".to_string()];
        if let Err(message) = HostRegexSet::compile(&huge) {
            out.finding(Finding::new("refused", format!("huge pattern: {message}")));
        }
        // Patterns just under the size limit, each set different so the
        // host's cache cannot answer: compiled until the host says no.
        let mut sets = Vec::new();
        for round in 0..64 {
            let patterns: Vec<String> = (0..100)
                .map(|i| {
                    format!(
                        "(?:[a-zA-Z0-9_]{{1,12}}[-.]){{1,{}}}x{round}y{i}",
                        12 + round % 4
                    )
                })
                .collect();
            match HostRegexSet::compile(&patterns) {
                Ok(set) => sets.push(set),
                Err(message) => {
                    out.finding(Finding::new("refused", format!("round {round}: {message}")));
                    break;
                }
            }
        }
        // Search the large file forever.
        let Some(set) = sets.first() else {
            return Ok(());
        };
        loop {
            for pattern in 0..100 {
                std::hint::black_box(set.find_all(pattern, file, 10_000));
            }
        }
    }
}

export_plugin!(Regexer);
