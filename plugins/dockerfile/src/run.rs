//! One RUN instruction as the checks see it ([`Run`]: its script, its
//! commands, its mounts, the stage's shell) and the checks of its script
//! that are not about package managers: sudo, cd, downloads piped into a
//! shell, world-writable chmod, pipes without pipefail, passwords.

use bulkhead_sdk::doc::{Hit, Hits};

use crate::parse::Instruction;
use crate::rules::id;
use crate::shell::{self, Command};

/// The shell a stage runs RUN scripts with, from its last SHELL.
#[derive(Clone, Debug, Default)]
pub struct StageShell {
    /// A POSIX shell (sh, bash, ash, dash, zsh, ksh), whose scripts the
    /// checks can read; PowerShell and cmd are not.
    pub posix: bool,
    /// The SHELL sets `-o pipefail`.
    pub pipefail: bool,
}

impl StageShell {
    /// The default: `/bin/sh -c`.
    pub fn default_sh() -> Self {
        StageShell {
            posix: true,
            pipefail: false,
        }
    }

    /// The shell a `SHELL [...]` instruction sets.
    pub fn from_instruction(instruction: &Instruction) -> Self {
        let words = instruction.words();
        let program = words
            .first()
            .map(|w| {
                w.rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(w)
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let program = program.trim_end_matches(".exe");
        StageShell {
            posix: is_posix_shell(program),
            pipefail: words.iter().any(|w| w.contains("pipefail")),
        }
    }
}

/// sh, bash and their kin.
pub fn is_posix_shell(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// A RUN instruction with its script read.
pub struct Run<'a> {
    /// The instruction.
    pub instruction: &'a Instruction,
    /// The script: the shell form, the exec form joined, and heredoc
    /// bodies that are scripts.
    pub script: String,
    /// Its simple commands, those inside substitutions included.
    all: Vec<Command>,
    /// Directories a `--mount=type=cache` or `tmpfs` covers.
    mounts: Vec<String>,
}

impl<'a> Run<'a> {
    /// Reads a RUN instruction.
    pub fn new(instruction: &'a Instruction) -> Self {
        let script = script_of(instruction);
        Run {
            instruction,
            all: shell::commands(&script),
            script,
            mounts: cache_mounts(instruction),
        }
    }

    /// The commands of the script (not those inside substitutions).
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.all.iter().filter(|c| !c.nested)
    }

    /// True when a cache or tmpfs mount covers `dir`, so what is written
    /// there never reaches the layer.
    pub fn mounts_over(&self, dir: &str) -> bool {
        self.mounts
            .iter()
            .any(|m| dir == m || dir.starts_with(&format!("{}/", m.trim_end_matches('/'))))
    }

    /// A hit of `rule` at this instruction.
    pub fn hit(&self, rule: &str, message: impl Into<String>) -> Hit {
        Hit::new(rule, message).at_lines(self.instruction.start_line, self.instruction.end_line)
    }

    /// The same, with a severity other than the rule's default.
    pub fn hit_with_severity(
        &self,
        rule: &str,
        message: impl Into<String>,
        severity: bulkhead_sdk::Severity,
    ) -> Hit {
        self.hit(rule, message).with_severity(severity)
    }

    /// Every command, those inside substitutions (`$(curl ...)`) too.
    pub fn all_commands(&self) -> impl Iterator<Item = &Command> {
        self.all.iter()
    }

    /// True when a command of the script runs `program`.
    pub fn uses(&self, program: &str) -> bool {
        self.commands().any(|c| c.program() == program)
    }
}

/// The script of a RUN: the shell form, or the exec form joined, plus the
/// bodies of its heredocs when they are the script (`RUN <<EOF`,
/// `RUN bash <<EOF`), not another program's input (`RUN cat <<EOF > f`,
/// `RUN python3 <<EOF`).
fn script_of(instruction: &Instruction) -> String {
    let mut script = instruction.command();
    let runs_heredoc = shell::commands(&script)
        .first()
        .is_none_or(|c| is_posix_shell(c.program()));
    if runs_heredoc {
        for body in &instruction.heredocs {
            script.push('\n');
            script.push_str(body);
        }
    }
    script
}

/// Targets of `--mount=type=cache,target=...` and `type=tmpfs` flags.
fn cache_mounts(instruction: &Instruction) -> Vec<String> {
    instruction
        .flags
        .iter()
        .filter_map(|flag| flag.strip_prefix("--mount="))
        .filter_map(|spec| {
            let fields: Vec<(&str, &str)> = spec
                .split(',')
                .filter_map(|field| field.split_once('='))
                .collect();
            let kind = fields.iter().find(|(k, _)| *k == "type").map(|(_, v)| *v);
            let target = fields
                .iter()
                .find(|(k, _)| matches!(*k, "target" | "dst" | "destination"))
                .map(|(_, v)| v.trim_matches('"').to_string());
            matches!(kind, Some("cache" | "tmpfs"))
                .then_some(target)
                .flatten()
        })
        .collect()
}

/// Checks the script of a RUN for what is not about package managers.
pub fn check(run: &Run, stage: &StageShell, history: bool, hits: &mut Hits) {
    let sudo = run.commands().any(|c| {
        c.words
            .first()
            .is_some_and(|w| w.rsplit('/').next() == Some("sudo"))
    });
    if sudo {
        hits.add(run.hit(id::SUDO, "RUN uses sudo"));
    }
    if run.uses("cd") {
        hits.add(run.hit(id::CD, "RUN changes directory with cd; use WORKDIR"));
    }
    if let Some(how) = remote_script_run(run) {
        hits.add(run.hit(id::CURL_PIPE_SHELL, how));
    }
    let world_writable = run
        .commands()
        .any(|c| c.program() == "chmod" && c.args().iter().any(|w| is_world_writable(w)));
    if world_writable {
        hits.add(run.hit(id::WORLD_WRITABLE, "chmod makes files world-writable"));
    }
    let piped = run.all_commands().any(|c| c.piped);
    let shell_form = run.instruction.json.is_none();
    if !history && shell_form && piped && !stage.pipefail && !sets_pipefail(run) {
        hits.add(run.hit(id::PIPE_WITHOUT_PIPEFAIL, "piped RUN without pipefail"));
    }
    password(run, hits);
}

/// `set -o pipefail` (or `set -euxo pipefail`) in the script.
fn sets_pipefail(run: &Run) -> bool {
    run.commands()
        .any(|c| c.program() == "set" && c.args().iter().any(|w| w == "pipefail"))
        || run.script.contains("pipefail")
}

/// Programs that fetch a URL.
const FETCHERS: &[&str] = &["curl", "wget"];
/// Programs that run a script they read: shells and interpreters.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node",
];

fn is_interpreter(program: &str) -> bool {
    INTERPRETERS.contains(&program)
        || program
            .strip_prefix("python3.")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit()))
}

/// How the RUN executes a downloaded script, if it does: a fetch piped
/// (through other commands, maybe) into an interpreter, or an interpreter
/// given `$(curl ...)` or `<(curl ...)`.
fn remote_script_run(run: &Run) -> Option<String> {
    let mut fetched_in_pipeline: Option<&str> = None;
    for command in run.all_commands() {
        let program = command.program();
        if let Some(fetcher) = fetched_in_pipeline
            && is_interpreter(program)
            && !command.has_arg("-n")
        {
            return Some(format!(
                "a script downloaded with {fetcher} is piped into {program}"
            ));
        }
        if is_interpreter(program)
            && command.args().iter().any(|arg| {
                (arg.starts_with("$(") || arg.starts_with("<(") || arg.starts_with('`'))
                    && FETCHERS.iter().any(|f| arg.contains(f))
            })
        {
            return Some(format!(
                "{program} runs a script downloaded in its arguments"
            ));
        }
        if FETCHERS.contains(&program) {
            fetched_in_pipeline = Some(program);
        }
        if !command.piped {
            fetched_in_pipeline = None;
        }
    }
    None
}

/// A chmod mode that lets others write: octal `...2`/`...7` in the last
/// digit, `o+w`, `a+w`, `+w`. A sticky directory (`1777`, `+t`), the
/// shared `/tmp` idiom where nobody can remove others' files, is not.
pub fn is_world_writable(mode: &str) -> bool {
    let mode = mode.trim_start_matches("--chmod=");
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        let sticky = digits.len() == 4 && digits[0] & 1 != 0;
        let others_write = digits.last().is_some_and(|other| other & 2 != 0);
        return others_write && !sticky;
    }
    let clauses: Vec<(&str, &str)> = mode
        .split(',')
        .filter_map(|clause| clause.split_once(['+', '=']))
        .collect();
    let sticky = clauses.iter().any(|(_, perms)| perms.contains('t'));
    !sticky
        && clauses.iter().any(|(who, perms)| {
            (who.is_empty() || who.contains('o') || who.contains('a')) && perms.contains('w')
        })
}

/// Sets a password: `chpasswd`, `passwd --stdin` or `passwd` reading a
/// pipe, `passwd -d`, `useradd`/`usermod` `-p`.
fn password(run: &Run, hits: &mut Hits) {
    let commands: Vec<&Command> = run.commands().collect();
    for (at, command) in commands.iter().enumerate() {
        let fed = at
            .checked_sub(1)
            .and_then(|before| commands.get(before))
            .filter(|before| before.piped);
        let program = command.program();
        let how = match program {
            "chpasswd" => Some("chpasswd sets an account password"),
            "passwd" if command.has_arg("-d") || command.has_arg("--delete") => {
                Some("passwd -d leaves an account with an empty password")
            }
            "passwd" if command.has_arg("--stdin") || fed.is_some() => {
                Some("passwd sets an account password from its input")
            }
            "useradd" | "usermod" | "adduser"
                if command.has_arg("-p") || command.has_arg("--password") =>
            {
                Some("the account is given a password hash on the command line")
            }
            _ => None,
        };
        let Some(how) = how else {
            continue;
        };
        let mut hit = run.hit(
            id::PASSWORD_IN_RUN,
            format!("{how}; it is kept in the image history and /etc/shadow"),
        );
        if let Some(secret) = fed.and_then(|before| literal_password(before, program)) {
            hit = hit.with_secret(secret);
        }
        hits.add(hit);
    }
}

/// The literal password an `echo`/`printf` feeds to `chpasswd`
/// (`user:password`) or `passwd` (the password), when it is no variable.
fn literal_password(feeder: &Command, program: &str) -> Option<String> {
    if !matches!(feeder.program(), "echo" | "printf") {
        return None;
    }
    let text = feeder.args().iter().rfind(|w| !w.starts_with('-'))?;
    let secret = match program {
        "chpasswd" => text.split_once(':')?.1,
        _ => text.as_str(),
    };
    let secret = secret.trim_end_matches("\\n");
    let literal = !secret.is_empty() && !secret.contains('$') && !secret.contains('`');
    literal.then(|| secret.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn rules_of(dockerfile: &str) -> Vec<(String, Option<String>)> {
        let parsed = parse::parse(dockerfile);
        let mut hits = Hits::new();
        for instruction in parsed.instructions.iter().filter(|i| i.keyword == "RUN") {
            check(
                &Run::new(instruction),
                &StageShell::default_sh(),
                false,
                &mut hits,
            );
        }
        hits.into_vec()
            .into_iter()
            .map(|h| (h.rule, h.secret))
            .collect()
    }

    #[test]
    fn passwords_set_in_run_are_found_with_their_literal_value() {
        let found = rules_of("RUN echo \"root:Sup3r-s3cret\" | chpasswd\n");
        assert_eq!(
            found,
            vec![
                (id::PIPE_WITHOUT_PIPEFAIL.into(), None),
                (id::PASSWORD_IN_RUN.into(), Some("Sup3r-s3cret".into()))
            ]
        );
        for script in [
            "RUN set -o pipefail && echo \"app:$APP_PASSWORD\" | chpasswd",
            "RUN set -o pipefail && echo hunter2 | passwd --stdin root",
            "RUN passwd -d root",
            "RUN useradd -m -p \"$(openssl passwd -1 x)\" app",
            "RUN chpasswd < /run/secrets/passwords",
        ] {
            let found = rules_of(&format!("{script}\n"));
            assert!(
                found.iter().any(|(rule, _)| rule == id::PASSWORD_IN_RUN),
                "{script}: {found:?}"
            );
        }
        for script in [
            "RUN passwd -l root",
            "RUN useradd --no-log-init -r app",
            "RUN echo chpasswd",
        ] {
            assert!(rules_of(&format!("{script}\n")).is_empty(), "{script}");
        }
    }

    #[test]
    fn remote_scripts_in_pipes_and_substitutions() {
        for script in [
            "curl -fsSL https://x/install.sh | sh",
            "wget -qO- https://x/i.sh | tee /tmp/i.sh | sudo bash -s --",
            "sh -c \"$(curl -fsSL https://x/install.sh)\"",
            "bash <(curl -s https://x/i.sh)",
            "curl -sSL https://bootstrap.pypa.io/get-pip.py | python3",
        ] {
            let run = parse::parse(&format!("RUN {script}\n"));
            assert!(
                remote_script_run(&Run::new(&run.instructions[0])).is_some(),
                "{script}"
            );
        }
        for script in [
            "curl -o x https://x || true",
            "curl -fsSL https://x/tool.tgz | tar -xz",
            "curl -fsSL https://x/a.sh -o a.sh && sha256sum -c sums && sh a.sh",
            "echo 'curl x | sh' > notes.txt",
        ] {
            let run = parse::parse(&format!("RUN {script}\n"));
            assert!(
                remote_script_run(&Run::new(&run.instructions[0])).is_none(),
                "{script}"
            );
        }
    }

    #[test]
    fn world_writable_modes() {
        for mode in [
            "777",
            "0777",
            "666",
            "o+w",
            "a+rwx",
            "+w",
            "u+x,o+w",
            "--chmod=777",
        ] {
            assert!(is_world_writable(mode), "{mode}");
        }
        for mode in [
            "755", "0644", "u+w", "g+w", "o-w", "a-w", "o+r", "1777", "a+rwxt",
        ] {
            assert!(!is_world_writable(mode), "{mode}");
        }
    }

    #[test]
    fn mounts_and_heredoc_scripts() {
        let parsed = parse::parse(
            "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update\nRUN cat <<EOF > /etc/motd\ncd /tmp\nEOF\nRUN <<EOF\ncd /tmp\nEOF\n",
        );
        let cached = Run::new(&parsed.instructions[0]);
        assert!(cached.mounts_over("/var/lib/apt/lists"));
        assert!(!cached.mounts_over("/var/lib/aptitude"));
        assert!(!Run::new(&parsed.instructions[1]).uses("cd"), "a file body");
        assert!(
            Run::new(&parsed.instructions[2]).uses("cd"),
            "a script body"
        );
    }
}
