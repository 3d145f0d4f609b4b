//! The checks over a parsed Dockerfile. Each produces `Hit`s: a rule id, a
//! message, and the instruction it is about.

use bulkhead_sdk::secrets::{VariableSecret, classify_variable, secret_like_name};

use crate::parse::{Dockerfile, Instruction, substitute};

/// One rule violation.
pub struct Hit {
    /// Rule id.
    pub rule: &'static str,
    /// What was found.
    pub message: String,
    /// Index of the instruction.
    pub at: usize,
    /// A secret value, when the rule found one.
    pub secret: Option<String>,
}

/// Where the instructions come from: a Dockerfile, or an image's history
/// (where stage structure, FROM tags and copied file names are unknown).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A Dockerfile.
    File,
    /// Reconstructed from image history.
    History,
}

const SYSTEM_DIRS: &[&str] = &[
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib64",
    "/proc",
    "/root",
    "/sbin",
    "/sys",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/sbin",
    "/var",
];
const SECRET_FILES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".env",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    "credentials",
    "credentials.json",
    ".htpasswd",
    ".dockercfg",
    "config.json",
];

/// Runs every check.
pub fn check(file: &Dockerfile, source: Source) -> Vec<Hit> {
    let mut hits = Vec::new();
    let all = &file.instructions;
    let stages = stage_bounds(all);
    if source == Source::File {
        check_from(all, &mut hits);
        check_final_stage(all, &stages, &mut hits);
        check_duplicates_per_stage(all, &stages, &mut hits);
    }
    let mut curl_seen = None;
    let mut wget_seen = None;
    let mut pipefail_shell = vec![false; stages.len().max(1)];
    for (at, instruction) in all.iter().enumerate() {
        let push = |hits: &mut Vec<Hit>, rule: &'static str, message: String| {
            hits.push(Hit {
                rule,
                message,
                at,
                secret: None,
            });
        };
        match instruction.keyword.as_str() {
            "EXPOSE" => check_expose(instruction, at, source, &mut hits),
            "WORKDIR" => {
                let dir = instruction.args.trim().trim_matches('"');
                if !(dir.starts_with('/')
                    || dir.starts_with('$')
                    || dir.chars().nth(1) == Some(':'))
                {
                    push(&mut hits, "DF-008", format!("WORKDIR {dir} is relative"));
                } else if SYSTEM_DIRS.contains(&dir.trim_end_matches('/').max("/")) {
                    push(
                        &mut hits,
                        "DF-028",
                        format!("WORKDIR {dir} is a system directory"),
                    );
                }
            }
            "MAINTAINER" => push(&mut hits, "DF-020", "MAINTAINER is deprecated".into()),
            "ADD" | "COPY" => check_copy(instruction, at, all, source, &mut hits),
            "ARG" | "ENV" => check_secret_vars(instruction, at, &mut hits),
            "SHELL" => {
                let text = instruction.command();
                let stage = instruction.stage.min(pipefail_shell.len() - 1);
                if text.contains("pipefail") {
                    pipefail_shell[stage] = true;
                }
            }
            "RUN" => {
                let script = run_script(instruction);
                let segments = segments(&script);
                if segments
                    .iter()
                    .any(|s| s.first().map(String::as_str) == Some("sudo"))
                {
                    push(&mut hits, "DF-009", "RUN uses sudo".into());
                }
                if segments
                    .iter()
                    .any(|s| s.first().map(String::as_str) == Some("cd"))
                {
                    push(
                        &mut hits,
                        "DF-012",
                        "RUN changes directory with cd; use WORKDIR".into(),
                    );
                }
                let uses = |tool: &str| {
                    segments
                        .iter()
                        .any(|s| s.first().is_some_and(|w| w == tool))
                };
                if uses("curl") {
                    curl_seen.get_or_insert(at);
                    if wget_seen.is_some() {
                        push(&mut hits, "DF-013", "curl used here, wget earlier".into());
                    }
                }
                if uses("wget") {
                    wget_seen.get_or_insert(at);
                    if curl_seen.is_some_and(|c| c != at) || (uses("curl") && curl_seen == Some(at))
                    {
                        push(&mut hits, "DF-013", "wget used here, curl too".into());
                    }
                }
                check_package_managers(&segments, &script, at, &mut hits);
                if pipes_remote_script(&script) {
                    push(
                        &mut hits,
                        "DF-036",
                        "a downloaded script is piped into a shell".into(),
                    );
                }
                if segments.iter().any(|s| {
                    s.first().map(String::as_str) == Some("chmod")
                        && s.iter().any(|w| is_world_writable(w))
                }) {
                    push(
                        &mut hits,
                        "DF-038",
                        "chmod makes files world-writable".into(),
                    );
                }
                let pipe = instruction.json.is_none() && has_pipe(&script);
                let stage = instruction.stage.min(pipefail_shell.len() - 1);
                if source == Source::File
                    && pipe
                    && !pipefail_shell[stage]
                    && !script.contains("pipefail")
                {
                    push(&mut hits, "DF-039", "piped RUN without pipefail".into());
                }
            }
            _ => {}
        }
    }
    hits
}

/// (first, last) instruction index of each stage.
fn stage_bounds(all: &[Instruction]) -> Vec<(usize, usize)> {
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    for (at, instruction) in all.iter().enumerate() {
        match bounds.get_mut(instruction.stage) {
            Some(bound) => bound.1 = at,
            None => bounds.push((at, at)),
        }
    }
    bounds
}

/// Stage names declared with `FROM ... AS name`, by stage index.
fn stage_names(all: &[Instruction]) -> Vec<Option<String>> {
    all.iter()
        .filter(|i| i.keyword == "FROM")
        .map(|i| {
            let words = i.words();
            words
                .iter()
                .position(|w| w.eq_ignore_ascii_case("as"))
                .and_then(|p| words.get(p + 1))
                .map(|name| name.to_ascii_lowercase())
        })
        .collect()
}

fn check_from(all: &[Instruction], hits: &mut Vec<Hit>) {
    let global_args: Vec<(String, String)> = all
        .iter()
        .take_while(|i| i.keyword != "FROM")
        .filter(|i| i.keyword == "ARG")
        .map(|i| {
            let text = i.args.trim();
            let (name, value) = text.split_once('=').unwrap_or((text, ""));
            (
                name.trim().to_string(),
                value.trim().trim_matches('"').to_string(),
            )
        })
        .collect();
    let names = stage_names(all);
    let mut seen = Vec::new();
    for (at, instruction) in all.iter().enumerate().filter(|(_, i)| i.keyword == "FROM") {
        let words = instruction.words();
        let Some(image) = words.first() else {
            continue;
        };
        let image = substitute(image, &global_args);
        let lower = image.to_ascii_lowercase();
        if lower == "scratch"
            || names
                .iter()
                .take(instruction.stage)
                .flatten()
                .any(|n| *n == lower)
        {
            continue;
        }
        let after_slash = image.rsplit('/').next().unwrap_or(&image);
        let digest = image.contains('@');
        let tag = after_slash.split_once(':').map(|(_, t)| t);
        if !digest && (tag.is_none() || tag == Some("latest")) {
            let why = if tag.is_none() {
                "has no tag"
            } else {
                "uses the latest tag"
            };
            hits.push(Hit {
                rule: "DF-001",
                message: format!("base image {image} {why}"),
                at,
                secret: None,
            });
        }
        seen.push(lower);
    }
    // Duplicate stage names.
    let mut declared: Vec<&str> = Vec::new();
    for (instruction, name) in all.iter().filter(|i| i.keyword == "FROM").zip(&names) {
        if let Some(name) = name {
            if declared.contains(&name.as_str()) {
                let at = all
                    .iter()
                    .position(|i| std::ptr::eq(i, instruction))
                    .unwrap_or(0);
                hits.push(Hit {
                    rule: "DF-011",
                    message: format!("stage name {name} is used twice"),
                    at,
                    secret: None,
                });
            }
            declared.push(name);
        }
    }
}

fn check_final_stage(all: &[Instruction], stages: &[(usize, usize)], hits: &mut Vec<Hit>) {
    let Some(&(first, last)) = stages.last() else {
        return;
    };
    let last_user = (first..=last).rev().find(|at| all[*at].keyword == "USER");
    match last_user {
        None => hits.push(Hit {
            rule: "DF-002",
            message: "the final stage sets no USER, so it runs as root".into(),
            at: first,
            secret: None,
        }),
        Some(at) => {
            let user = all[at].args.trim();
            let name = user.split(':').next().unwrap_or("");
            if name == "root" || name == "0" {
                hits.push(Hit {
                    rule: "DF-002",
                    message: format!("the final stage runs as {user}"),
                    at,
                    secret: None,
                });
            }
        }
    }
    if !(first..=last).any(|at| all[at].keyword == "HEALTHCHECK") {
        hits.push(Hit {
            rule: "DF-024",
            message: "the final stage defines no HEALTHCHECK".into(),
            at: first,
            secret: None,
        });
    }
}

fn check_duplicates_per_stage(all: &[Instruction], stages: &[(usize, usize)], hits: &mut Vec<Hit>) {
    for &(first, last) in stages {
        for (keyword, rule) in [
            ("ENTRYPOINT", "DF-006"),
            ("CMD", "DF-015"),
            ("HEALTHCHECK", "DF-021"),
        ] {
            let found: Vec<usize> = (first..=last)
                .filter(|at| all[*at].keyword == keyword)
                .collect();
            for at in found.iter().skip(1) {
                hits.push(Hit {
                    rule,
                    message: format!(
                        "{keyword} repeated in the same stage; only the last one counts"
                    ),
                    at: *at,
                    secret: None,
                });
            }
        }
    }
}

fn check_expose(instruction: &Instruction, at: usize, source: Source, hits: &mut Vec<Hit>) {
    for word in instruction.words() {
        let port = word.split('/').next().unwrap_or("");
        if port.starts_with('$') {
            continue;
        }
        let (low, high) = port.split_once('-').unwrap_or((port, port));
        match (low.parse::<u32>(), high.parse::<u32>()) {
            (Ok(low), Ok(high))
                if (1..=65535).contains(&low) && (1..=65535).contains(&high) && low <= high =>
            {
                if (low..=high).contains(&22) && source == Source::File {
                    hits.push(Hit {
                        rule: "DF-003",
                        message: format!("port 22 is exposed ({word})"),
                        at,
                        secret: None,
                    });
                }
            }
            _ => hits.push(Hit {
                rule: "DF-007",
                message: format!("EXPOSE {word} is not a valid port"),
                at,
                secret: None,
            }),
        }
    }
}

fn check_copy(
    instruction: &Instruction,
    at: usize,
    all: &[Instruction],
    source: Source,
    hits: &mut Vec<Hit>,
) {
    let words = instruction.words();
    let (sources, dest) = match words.split_last() {
        Some((dest, sources)) => (sources, dest.as_str()),
        None => return,
    };
    let remote =
        |s: &str| s.starts_with("http://") || s.starts_with("https://") || s.starts_with("ftp://");
    if instruction.keyword == "ADD" {
        for src in sources {
            if remote(src) {
                if instruction.flag("checksum").is_none() {
                    hits.push(Hit {
                        rule: "DF-037",
                        message: format!("ADD {src} without --checksum"),
                        at,
                        secret: None,
                    });
                }
            } else if source == Source::File && !is_archive(src) && !src.starts_with("git@") {
                hits.push(Hit {
                    rule: "DF-004",
                    message: format!("ADD {src}: use COPY for local files"),
                    at,
                    secret: None,
                });
            }
        }
    }
    if let Some(mode) = instruction.flag("chmod")
        && is_world_writable(mode)
    {
        hits.push(Hit {
            rule: "DF-038",
            message: format!("--chmod={mode} makes files world-writable"),
            at,
            secret: None,
        });
    }
    if source == Source::History {
        return;
    }
    if instruction.keyword == "COPY"
        && let Some(from) = instruction.flag("from")
    {
        let names = stage_names(all);
        let own = names.get(instruction.stage).cloned().flatten();
        if own.as_deref() == Some(&from.to_ascii_lowercase())
            || from == instruction.stage.to_string()
        {
            hits.push(Hit {
                rule: "DF-005",
                message: format!("COPY --from={from} names its own stage"),
                at,
                secret: None,
            });
        }
    }
    if sources.len() > 1 && !dest.ends_with('/') {
        hits.push(Hit {
            rule: "DF-010",
            message: format!(
                "{} of {} sources to {dest}, which does not end with /",
                instruction.keyword,
                sources.len()
            ),
            at,
            secret: None,
        });
    }
    for src in sources {
        let name = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
        let suspicious = SECRET_FILES.contains(&name)
            || name.ends_with(".pem")
            || name.ends_with(".key")
            || name.ends_with(".p12")
            || src.contains(".ssh/")
            || src.contains(".aws/");
        if suspicious && instruction.flag("from").is_none() {
            hits.push(Hit {
                rule: "DF-030",
                message: format!(
                    "{} copies {src}, which usually holds credentials",
                    instruction.keyword
                ),
                at,
                secret: None,
            });
        }
    }
}

fn check_secret_vars(instruction: &Instruction, at: usize, hits: &mut Vec<Hit>) {
    for (name, value) in assignments(instruction) {
        let keyword = &instruction.keyword;
        match classify_variable(&name, &value) {
            Some(VariableSecret::Value(found)) => hits.push(Hit {
                rule: "DF-029",
                message: format!("{keyword} {name} holds a {}", found.rule.title),
                at,
                secret: Some(found.secret),
            }),
            // A build argument named like a secret leaks whatever value it
            // is given at build time, default or not.
            _ if secret_like_name(&name) => hits.push(Hit {
                rule: "DF-029",
                message: format!(
                    "{keyword} {name} is named like a secret; its value is stored in the image"
                ),
                at,
                secret: None,
            }),
            _ => {}
        }
    }
}

/// `NAME=value` pairs of an ARG or ENV (also the legacy `ENV NAME value`).
fn assignments(instruction: &Instruction) -> Vec<(String, String)> {
    let args = instruction.args.trim();
    if !args.contains('=') {
        let (name, value) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        return vec![(name.to_string(), value.trim().to_string())];
    }
    args.split_whitespace()
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name.to_string(), value.trim_matches('"').to_string())
        })
        .collect()
}

fn run_script(instruction: &Instruction) -> String {
    let mut script = match &instruction.json {
        Some(parts) => parts.join(" "),
        None => instruction.args.clone(),
    };
    for body in &instruction.heredocs {
        script.push('\n');
        script.push_str(body);
    }
    script
}

/// Splits a shell script into simple commands (on `&&`, `||`, `;`, `|`,
/// newlines), each as words, skipping leading variable assignments.
fn segments(script: &str) -> Vec<Vec<String>> {
    let normalized = script
        .replace("&&", "\n")
        .replace("||", "\n")
        .replace([';', '|'], "\n");
    normalized
        .lines()
        .map(|line| {
            line.split_whitespace()
                .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                .map(|w| w.trim_matches(|c| c == '(' || c == ')').to_string())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

fn has_pipe(script: &str) -> bool {
    let bytes = script.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'|' && bytes.get(i + 1) != Some(&b'|') && (i == 0 || bytes[i - 1] != b'|')
    })
}

fn pipes_remote_script(script: &str) -> bool {
    script.split("&&").any(|part| {
        let Some((left, right)) = part.split_once('|') else {
            return false;
        };
        if right.starts_with('|') {
            return false;
        }
        let fetches = left.split_whitespace().any(|w| w == "curl" || w == "wget");
        let shell = right
            .split_whitespace()
            .find(|w| *w != "sudo" && !w.starts_with('-'));
        fetches
            && shell.is_some_and(|s| {
                matches!(
                    s.rsplit('/').next(),
                    Some("sh" | "bash" | "zsh" | "dash" | "ash" | "ksh")
                )
            })
    })
}

fn is_world_writable(mode: &str) -> bool {
    let mode = mode.trim_start_matches("--chmod=");
    if mode.chars().all(|c| c.is_ascii_digit()) && !mode.is_empty() {
        return mode
            .chars()
            .last()
            .and_then(|c| c.to_digit(8))
            .is_some_and(|other| other & 2 != 0);
    }
    mode.contains("o+w") || mode.contains("a+w") || mode == "+w"
}

fn is_archive(source: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|ext| source.ends_with(ext))
}

fn check_package_managers(segments: &[Vec<String>], script: &str, at: usize, hits: &mut Vec<Hit>) {
    let mut push = |rule: &'static str, message: String| {
        hits.push(Hit {
            rule,
            message,
            at,
            secret: None,
        })
    };
    let has = |manager: &str, action: &str| {
        segments.iter().any(|s| {
            s.first().map(String::as_str) == Some(manager) && s.iter().any(|w| w == action)
        })
    };
    let apt_install: Vec<&Vec<String>> = segments
        .iter()
        .filter(|s| {
            matches!(s.first().map(String::as_str), Some("apt-get" | "apt"))
                && s.iter().any(|w| w == "install")
        })
        .collect();
    let upgrades =
        has("apt-get", "upgrade") || has("apt-get", "dist-upgrade") || has("apt", "upgrade");
    if (has("apt-get", "update") || has("apt", "update")) && apt_install.is_empty() && !upgrades {
        push(
            "DF-016",
            "apt-get update without an install in the same RUN".into(),
        );
    }
    if upgrades {
        push("DF-022", "the image is upgraded at build time".into());
    }
    for install in &apt_install {
        let flags: Vec<&String> = install.iter().filter(|w| w.starts_with('-')).collect();
        if !flags.iter().any(|f| {
            matches!(
                f.as_str(),
                "-y" | "--yes" | "--assume-yes" | "-qq" | "-yq" | "-qy"
            ) || (f.starts_with('-') && !f.starts_with("--") && f.contains('y'))
        }) {
            push("DF-019", "apt-get install without -y".into());
        }
        if !flags
            .iter()
            .any(|f| f.as_str() == "--no-install-recommends")
        {
            push(
                "DF-026",
                "apt-get install without --no-install-recommends".into(),
            );
        }
        let unpinned = packages_after(install, "install")
            .filter(|p| !p.contains('=') && !p.ends_with(".deb"))
            .count();
        if unpinned > 0 {
            push(
                "DF-031",
                format!("{unpinned} apt package(s) without a pinned version"),
            );
        }
    }
    if !apt_install.is_empty() && !script.contains("/var/lib/apt/lists") {
        push("DF-027", "apt lists are not removed in the same RUN".into());
    }
    for segment in segments
        .iter()
        .filter(|s| s.first().map(String::as_str) == Some("apk") && s.iter().any(|w| w == "add"))
    {
        if !segment.iter().any(|w| w == "--no-cache") {
            push("DF-023", "apk add without --no-cache".into());
        }
        let unpinned = packages_after(segment, "add")
            .filter(|p| !p.contains('='))
            .count();
        if unpinned > 0 {
            push(
                "DF-032",
                format!("{unpinned} apk package(s) without a pinned version"),
            );
        }
    }
    for (manager, rule) in [("yum", "DF-014"), ("dnf", "DF-017"), ("microdnf", "DF-025")] {
        if has(manager, "install")
            && !segments.iter().any(|s| {
                s.first().map(String::as_str) == Some(manager) && s.iter().any(|w| w == "clean")
            })
        {
            push(
                rule,
                format!("{manager} install without {manager} clean all"),
            );
        }
    }
    let zypper_install = has("zypper", "install") || has("zypper", "in");
    if zypper_install
        && !segments.iter().any(|s| {
            s.first().map(String::as_str) == Some("zypper")
                && s.iter().any(|w| w == "clean" || w == "cc")
        })
    {
        push("DF-018", "zypper install without zypper clean".into());
    }
    for segment in segments {
        let first = segment.first().map(String::as_str).unwrap_or("");
        let pip = matches!(first, "pip" | "pip3")
            || (first.starts_with("python")
                && segment.get(1).map(String::as_str) == Some("-m")
                && segment.get(2).is_some_and(|w| w.starts_with("pip")));
        if pip && segment.iter().any(|w| w == "install") {
            let from_file = segment.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "-r" | "--requirement" | "-c" | "--constraint" | "-e" | "."
                )
            });
            let unpinned = packages_after(segment, "install")
                .filter(|p| {
                    !p.contains("==")
                        && !p.contains('@')
                        && !p.starts_with('.')
                        && !p.ends_with(".whl")
                        && !p.contains('/')
                })
                .count();
            if unpinned > 0 && !from_file {
                push(
                    "DF-033",
                    format!("{unpinned} pip package(s) without ==version"),
                );
            }
        }
        if first == "npm"
            && segment
                .get(1)
                .is_some_and(|w| matches!(w.as_str(), "install" | "i" | "add"))
        {
            let unpinned = packages_after(segment, segment[1].as_str())
                .filter(|p| {
                    !p.trim_start_matches('@').contains('@')
                        && !p.starts_with('.')
                        && !p.contains('/')
                })
                .count();
            if unpinned > 0 {
                push(
                    "DF-034",
                    format!("{unpinned} npm package(s) without @version"),
                );
            }
        }
        if first == "gem"
            && segment.iter().any(|w| w == "install")
            && !segment
                .iter()
                .any(|w| w == "-v" || w == "--version" || w.contains(':'))
        {
            push("DF-035", "gem install without a pinned version".into());
        }
    }
}

/// Package names after `action` in a command, skipping flags.
fn packages_after<'a>(segment: &'a [String], action: &str) -> impl Iterator<Item = &'a String> {
    segment
        .iter()
        .skip_while(move |w| w.as_str() != action)
        .skip(1)
        .filter(|w| !w.starts_with('-') && !w.starts_with('$') && !w.contains('>'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_into_commands() {
        let parts = segments(
            "DEBIAN_FRONTEND=x apt-get update && apt-get install -y curl | tee log; cd /x",
        );
        assert_eq!(parts[0], vec!["apt-get", "update"]);
        assert_eq!(parts[3], vec!["cd", "/x"]);
        assert!(pipes_remote_script("curl -fsSL https://x/install.sh | sh"));
        assert!(!pipes_remote_script("curl -o x https://x || true"));
        assert!(is_world_writable("777") && is_world_writable("o+w") && !is_world_writable("755"));
    }
}
