//! The checks over a parsed Dockerfile: stage-level rules (base image,
//! final user and healthcheck, repeated instructions, shell-form
//! ENTRYPOINT/CMD), then each instruction in order (EXPOSE, WORKDIR,
//! MAINTAINER, ADD/COPY, ARG/ENV, SHELL, RUN). RUN scripts are read by
//! [`crate::run`] and [`crate::packages`]. Every hit is located at the
//! lines of its instruction.

use std::collections::HashSet;

use bulkhead_sdk::doc::{Hit, Hits};
use bulkhead_sdk::secrets::{VariableSecret, classify_variable, secret_like_name};

use crate::packages;
use crate::parse::{Dockerfile, Instruction, substitute};
use crate::rules::id;
use crate::run::{self, Run, StageShell};
use crate::shell;

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

/// A hit of `rule` at the lines of `instruction`.
fn at(instruction: &Instruction, rule: &str, message: impl Into<String>) -> Hit {
    Hit::new(rule, message).at_lines(instruction.start_line, instruction.end_line)
}

/// Runs every check.
pub fn check(file: &Dockerfile, source: Source) -> Hits {
    let mut hits = Hits::new();
    let all = &file.instructions;
    let stages = stage_bounds(all);
    let names = stage_names(all);
    if source == Source::File {
        check_from(all, &names, &mut hits);
        check_final_stage(all, &stages, &mut hits);
        check_repeated(all, &stages, &mut hits);
    }
    check_shell_form(all, &stages, source, &mut hits);
    let mut shells = vec![StageShell::default_sh(); stages.len().max(1)];
    let mut downloaders = Downloaders::default();
    for instruction in all {
        let stage = instruction.stage.min(shells.len() - 1);
        match instruction.keyword.as_str() {
            "EXPOSE" => check_expose(instruction, source, &mut hits),
            "WORKDIR" => check_workdir(instruction, &mut hits),
            "MAINTAINER" => hits.add(at(instruction, id::MAINTAINER, "MAINTAINER is deprecated")),
            "ADD" | "COPY" => check_copy(instruction, &names, source, &mut hits),
            "ARG" | "ENV" => check_secret_vars(instruction, &mut hits),
            "SHELL" => shells[stage] = StageShell::from_instruction(instruction),
            // A script for PowerShell or cmd is not read as a shell script.
            "RUN" if shells[stage].posix => {
                let script = Run::new(instruction);
                run::check(
                    &script,
                    &shells[stage],
                    source == Source::History,
                    &mut hits,
                );
                packages::check(&script, &mut hits);
                downloaders.check(&script, &mut hits);
            }
            _ => {}
        }
    }
    hits
}

/// (first, last) instruction index of each stage.
fn stage_bounds(all: &[Instruction]) -> Vec<(usize, usize)> {
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    for (index, instruction) in all.iter().enumerate() {
        match bounds.get_mut(instruction.stage) {
            Some(bound) => bound.1 = index,
            None => bounds.push((index, index)),
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

/// The ARGs declared before the first FROM, which FROM may use.
fn global_args(all: &[Instruction]) -> Vec<(String, String)> {
    all.iter()
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
        .collect()
}

/// Base image tags, and stage names used twice. `names` are the stage
/// names by stage index.
fn check_from(all: &[Instruction], names: &[Option<String>], hits: &mut Hits) {
    let args = global_args(all);
    let mut earlier: HashSet<&str> = HashSet::new();
    let froms = all.iter().filter(|i| i.keyword == "FROM");
    for (instruction, name) in froms.zip(names) {
        let words = instruction.words();
        let Some(image) = words.first() else {
            continue;
        };
        let image = substitute(image, &args);
        let lower = image.to_ascii_lowercase();
        if lower != "scratch" && !earlier.contains(lower.as_str()) {
            check_base_tag(instruction, &image, hits);
        }
        if let Some(name) = name {
            if earlier.contains(name.as_str()) {
                hits.add(at(
                    instruction,
                    id::DUPLICATE_STAGE,
                    format!("stage name {name} is used twice"),
                ));
            }
            earlier.insert(name);
        }
    }
}

fn check_base_tag(instruction: &Instruction, image: &str, hits: &mut Hits) {
    let after_slash = image.rsplit('/').next().unwrap_or(image);
    let tag = after_slash.split_once(':').map(|(_, t)| t);
    if image.contains('@') || tag.is_some_and(|t| t != "latest") {
        return;
    }
    let why = if tag.is_none() {
        "has no tag"
    } else {
        "uses the latest tag"
    };
    hits.add(at(
        instruction,
        id::BASE_IMAGE_LATEST,
        format!("base image {image} {why}"),
    ));
}

fn check_final_stage(all: &[Instruction], stages: &[(usize, usize)], hits: &mut Hits) {
    let Some(&(first, last)) = stages.last() else {
        return;
    };
    let stage = &all[first..=last];
    // Windows images run as ContainerAdministrator unless told otherwise.
    let windows = stage
        .iter()
        .find(|i| i.keyword == "FROM")
        .is_some_and(|from| {
            let image = from.args.to_ascii_lowercase();
            ["windows/", "servercore", "nanoserver"]
                .iter()
                .any(|marker| image.contains(marker))
        });
    let admin = if windows {
        "ContainerAdministrator"
    } else {
        "root"
    };
    match stage.iter().rev().find(|i| i.keyword == "USER") {
        None => hits.add(at(
            &all[first],
            id::ROOT_USER,
            format!("the final stage sets no USER, so it runs as {admin}"),
        )),
        Some(user) => {
            let name = user.args.trim();
            let account = name.split(':').next().unwrap_or("");
            if matches!(account, "root" | "0")
                || account.eq_ignore_ascii_case("ContainerAdministrator")
            {
                hits.add(at(
                    user,
                    id::ROOT_USER,
                    format!("the final stage runs as {name}"),
                ));
            }
        }
    }
    if !stage.iter().any(|i| i.keyword == "HEALTHCHECK") {
        hits.add(at(
            &all[first],
            id::NO_HEALTHCHECK,
            "the final stage defines no HEALTHCHECK",
        ));
    }
}

fn check_repeated(all: &[Instruction], stages: &[(usize, usize)], hits: &mut Hits) {
    for &(first, last) in stages {
        for (keyword, rule) in [
            ("ENTRYPOINT", id::REPEATED_ENTRYPOINT),
            ("CMD", id::REPEATED_CMD),
            ("HEALTHCHECK", id::REPEATED_HEALTHCHECK),
        ] {
            let repeated = all[first..=last]
                .iter()
                .filter(|i| i.keyword == keyword)
                .skip(1);
            for instruction in repeated {
                hits.add(at(
                    instruction,
                    rule,
                    format!("{keyword} repeated in the same stage; only the last one counts"),
                ));
            }
        }
    }
}

/// ENTRYPOINT and CMD in shell form, in stages that set no SHELL (as
/// Docker's JSONArgsRecommended check). On history, where the shell form
/// is recorded as `["/bin/sh", "-c", "..."]`, only the last ENTRYPOINT and
/// CMD, those the image runs, are checked.
fn check_shell_form(
    all: &[Instruction],
    stages: &[(usize, usize)],
    source: Source,
    hits: &mut Hits,
) {
    for &(first, last) in stages {
        let stage = &all[first..=last];
        if source == Source::File && stage.iter().any(|i| i.keyword == "SHELL") {
            continue;
        }
        for keyword in ["ENTRYPOINT", "CMD"] {
            let mut found: Vec<&Instruction> =
                stage.iter().filter(|i| i.keyword == keyword).collect();
            if source == Source::History {
                found = found.split_off(found.len().saturating_sub(1));
            }
            for instruction in found {
                let shell_form = match (&instruction.json, source) {
                    (None, Source::File) => !instruction.args.trim().is_empty(),
                    (Some(words), Source::History) => runs_through_shell(words),
                    _ => false,
                };
                if shell_form {
                    hits.add(at(
                        instruction,
                        id::SHELL_FORM_ENTRYPOINT,
                        format!(
                            "{keyword} in shell form runs under /bin/sh -c, which does not pass on signals; use the JSON form"
                        ),
                    ));
                }
            }
        }
    }
}

/// `["/bin/sh", "-c", ...]`: how the image config records a shell form.
fn runs_through_shell(words: &[String]) -> bool {
    match words {
        [program, flag, ..] => {
            let program = program.rsplit('/').next().unwrap_or(program);
            run::is_posix_shell(program) && flag == "-c"
        }
        _ => false,
    }
}

fn check_expose(instruction: &Instruction, source: Source, hits: &mut Hits) {
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
                    hits.add(at(
                        instruction,
                        id::SSH_PORT,
                        format!("port 22 is exposed ({word})"),
                    ));
                }
            }
            _ => hits.add(at(
                instruction,
                id::INVALID_PORT,
                format!("EXPOSE {word} is not a valid port"),
            )),
        }
    }
}

fn check_workdir(instruction: &Instruction, hits: &mut Hits) {
    let dir = instruction.args.trim().trim_matches('"');
    // `$GOPATH`: a variable's value is not known here; judge neither.
    if dir.starts_with('$') {
        return;
    }
    let absolute = dir.starts_with('/') || dir.chars().nth(1) == Some(':');
    let trimmed = match dir.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    if !absolute {
        hits.add(at(
            instruction,
            id::RELATIVE_WORKDIR,
            format!("WORKDIR {dir} is relative"),
        ));
    } else if SYSTEM_DIRS.contains(&trimmed) {
        hits.add(at(
            instruction,
            id::SYSTEM_WORKDIR,
            format!("WORKDIR {dir} is a system directory"),
        ));
    }
}

fn check_copy(
    instruction: &Instruction,
    names: &[Option<String>],
    source: Source,
    hits: &mut Hits,
) {
    let words = instruction.words();
    let Some((dest, sources)) = words.split_last() else {
        return;
    };
    if instruction.keyword == "ADD" {
        check_add_sources(instruction, sources, source, hits);
    }
    if let Some(mode) = instruction.flag("chmod")
        && run::is_world_writable(mode)
    {
        hits.add(at(
            instruction,
            id::WORLD_WRITABLE,
            format!("--chmod={mode} makes files world-writable"),
        ));
    }
    if source == Source::History {
        return;
    }
    if instruction.keyword == "COPY"
        && let Some(from) = instruction.flag("from")
    {
        let own = names.get(instruction.stage).and_then(Option::as_deref);
        if own == Some(from.to_ascii_lowercase().as_str()) || from == instruction.stage.to_string()
        {
            hits.add(at(
                instruction,
                id::COPY_FROM_OWN_STAGE,
                format!("COPY --from={from} names its own stage"),
            ));
        }
    }
    if sources.len() > 1 && !dest.ends_with('/') {
        hits.add(at(
            instruction,
            id::COPY_TO_FILE,
            format!(
                "{} of {} sources to {dest}, which does not end with /",
                instruction.keyword,
                sources.len()
            ),
        ));
    }
    if instruction.flag("from").is_none() {
        for src in sources.iter().filter(|src| is_secret_file(src)) {
            hits.add(at(
                instruction,
                id::SECRET_FILE,
                format!(
                    "{} copies {src}, which usually holds credentials",
                    instruction.keyword
                ),
            ));
        }
    }
}

fn check_add_sources(
    instruction: &Instruction,
    sources: &[String],
    source: Source,
    hits: &mut Hits,
) {
    for src in sources {
        let remote = ["http://", "https://", "ftp://"]
            .iter()
            .any(|scheme| src.starts_with(scheme));
        if remote {
            if instruction.flag("checksum").is_none() {
                hits.add(at(
                    instruction,
                    id::ADD_URL_NO_CHECKSUM,
                    format!("ADD {src} without --checksum"),
                ));
            }
        } else if source == Source::File && !is_archive(src) && !src.starts_with("git@") {
            hits.add(at(
                instruction,
                id::ADD_LOCAL_FILE,
                format!("ADD {src}: use COPY for local files"),
            ));
        }
    }
}

fn is_secret_file(source: &str) -> bool {
    let name = source
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(source);
    SECRET_FILES.contains(&name)
        || [".pem", ".key", ".p12"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || source.contains(".ssh/")
        || source.contains(".aws/")
}

fn check_secret_vars(instruction: &Instruction, hits: &mut Hits) {
    let keyword = &instruction.keyword;
    for (name, value) in assignments(instruction) {
        match classify_variable(&name, &value) {
            Some(VariableSecret::Value(found)) => hits.add(
                at(
                    instruction,
                    id::SECRET_IN_ARG_OR_ENV,
                    format!("{keyword} {name} holds a {}", found.rule.title),
                )
                .with_secret(found.secret),
            ),
            // A build argument named like a secret leaks whatever value it
            // is given at build time, default or not.
            _ if secret_like_name(&name) => hits.add(at(
                instruction,
                id::SECRET_IN_ARG_OR_ENV,
                format!(
                    "{keyword} {name} is named like a secret; its value is stored in the image"
                ),
            )),
            _ => {}
        }
    }
}

/// `NAME=value` pairs of an ARG or ENV (quoted values kept whole), also
/// the legacy `ENV NAME value`.
fn assignments(instruction: &Instruction) -> Vec<(String, String)> {
    let args = instruction.args.trim();
    let words = shell::words(args);
    let legacy = words.first().is_some_and(|w| !w.contains('='));
    if legacy {
        let (name, value) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        return vec![(name.to_string(), value.trim().to_string())];
    }
    words
        .into_iter()
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((&pair, ""));
            (name.to_string(), value.to_string())
        })
        .collect()
}

fn is_archive(source: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|ext| source.ends_with(ext))
}

/// Where curl and wget were used so far: using both is one rule.
#[derive(Default)]
struct Downloaders {
    curl: bool,
    wget: bool,
}

impl Downloaders {
    /// Reports the RUN if it uses one of them and the other was used at
    /// or before it.
    fn check(&mut self, run: &Run, hits: &mut Hits) {
        let uses = |tool: &str| run.all_commands().any(|c| c.program() == tool);
        let (curl, wget) = (uses("curl"), uses("wget"));
        self.curl |= curl;
        self.wget |= wget;
        if (curl || wget) && self.curl && self.wget {
            let (here, other) = if wget {
                ("wget", "curl")
            } else {
                ("curl", "wget")
            };
            hits.add(run.hit(id::CURL_AND_WGET, format!("{here} used here, {other} too")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn rules(text: &str, source: Source) -> Vec<String> {
        check(&parse::parse(text), source)
            .into_vec()
            .into_iter()
            .map(|h| h.rule)
            .collect()
    }

    #[test]
    fn shell_form_entrypoint_and_cmd() {
        let found = rules(
            "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"true\"]\nENTRYPOINT /bin/app --serve\nCMD python app.py\n",
            Source::File,
        );
        assert_eq!(
            found,
            vec![id::SHELL_FORM_ENTRYPOINT, id::SHELL_FORM_ENTRYPOINT]
        );
        // Exec form, and a stage that chose its shell, are fine.
        let fine = "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"true\"]\nCMD [\"python\", \"app.py\"]\n\
            FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\nHEALTHCHECK CMD [\"true\"]\n\
            SHELL [\"powershell\", \"-Command\"]\nCMD python app.py\n";
        assert_eq!(rules(fine, Source::File), Vec::<String>::new());
        // History: the shell form is recorded as /bin/sh -c; only the last
        // CMD counts.
        let history = "CMD [\"/bin/sh\", \"-c\", \"old\"]\nCMD [\"/bin/sh\", \"-c\", \"python app.py\"]\nENTRYPOINT [\"/app\"]\n";
        assert_eq!(
            rules(history, Source::History),
            vec![id::SHELL_FORM_ENTRYPOINT]
        );
        assert!(rules("CMD [\"bash\"]\n", Source::History).is_empty());
    }

    #[test]
    fn powershell_stages_are_not_read_as_shell_scripts() {
        let windows = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\nHEALTHCHECK CMD [\"true\"]\n\
            SHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\n\
            RUN Get-ChildItem $env:TEMP | Sort-Object -Property LastWriteTime | Select-Object -First 1; cd C:\\\\\n\
            CMD [\"python\"]\n";
        assert_eq!(rules(windows, Source::File), Vec::<String>::new());
    }

    #[test]
    fn workdirs() {
        let found = rules(
            "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"true\"]\nWORKDIR $GOPATH\nWORKDIR /\nWORKDIR /usr/\nWORKDIR /go\nWORKDIR src\n",
            Source::File,
        );
        assert_eq!(
            found,
            vec![id::SYSTEM_WORKDIR, id::SYSTEM_WORKDIR, id::RELATIVE_WORKDIR]
        );
    }

    #[test]
    fn one_hit_per_rule_and_run_however_many_installs() {
        let found = rules(
            "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"true\"]\nRUN apk add --no-cache --virtual .deps gcc && apk add --no-cache git\n",
            Source::File,
        );
        assert_eq!(found, vec![id::APK_UNPINNED]);
    }

    #[test]
    fn quoted_env_values_stay_whole() {
        let parsed = parse::parse("ENV A=\"x y\" B=z\n");
        assert_eq!(
            assignments(&parsed.instructions[0]),
            vec![("A".into(), "x y".into()), ("B".into(), "z".into())]
        );
        let legacy = parse::parse("ENV PATH /usr/local/bin:$PATH\n");
        assert_eq!(
            assignments(&legacy.instructions[0]),
            vec![("PATH".into(), "/usr/local/bin:$PATH".into())]
        );
    }
}
