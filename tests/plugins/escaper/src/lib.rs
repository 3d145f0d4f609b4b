//! Hostile test plugin: puts terminal escape sequences (clear screen,
//! recolour, retitle, bidi overrides) in every field it can: its version
//! and description, rule texts, findings (message, field path, secret,
//! package, versions, aliases, references, properties), packages and logs.
use bulkhead_sdk::{
    File, Finding, Interests, LogLevel, Package, Plugin, PluginInfo, Purl, Reporter, Rule,
    Severity, export_plugin, log,
};

/// Clear screen, set the title, recolour, ring, reverse text direction.
const EVIL: &str = "\x1b[2J\x1b]0;pwned\x07\x1b[31mred\u{9b}1m\u{202e}txt";

struct Escaper;

impl Plugin for Escaper {
    fn info() -> PluginInfo {
        PluginInfo::new("escaper", &format!("1.0{EVIL}"), &format!("desc{EVIL}"))
            .rule(
                Rule::new("escape", &format!("title{EVIL}"), Severity::High)
                    .description(&format!("about{EVIL}"))
                    .remediation(&format!("fix{EVIL}")),
            )
            .interests(Interests::files(["**/escape-here*"]))
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        log(LogLevel::Warn, &format!("log{EVIL}"));
        out.finding(
            Finding::new("escape", format!("message{EVIL}"))
                .line(1)
                .field_path(format!("field{EVIL}"))
                .secret(format!("secret{EVIL}secret"))
                .package(
                    &format!("eco{EVIL}"),
                    &format!("name{EVIL}"),
                    &format!("1{EVIL}"),
                )
                .fixed_versions(vec![format!("2{EVIL}")])
                .aliases(vec![format!("CVE{EVIL}")])
                .references(vec![format!("https://x{EVIL}")])
                .property(&format!("prop{EVIL}"), format!("value{EVIL}")),
        );
        out.package(
            Package::new(
                format!("npm{EVIL}"),
                &format!("pkg{EVIL}"),
                &format!("1{EVIL}"),
            )
            .purl(&Purl::new("npm", &format!("pkg{EVIL}"))),
        );
        Err(format!("error in {}{EVIL}", file.path()))
    }
}

export_plugin!(Escaper);
