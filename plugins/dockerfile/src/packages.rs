//! Package-manager hygiene in one RUN: one function per package manager
//! (apt, apk, the yum/dnf family, zypper, pip, npm, gem), plus upgrades
//! across all of them. Each reads the RUN's commands (see [`crate::shell`])
//! and adds hits to the RUN's instruction.

use bulkhead_sdk::Severity;
use bulkhead_sdk::doc::Hits;

use crate::rules::id;
use crate::run::Run;
use crate::shell::Command;

/// Checks every package manager the RUN uses.
pub fn check(run: &Run, hits: &mut Hits) {
    apt(run, hits);
    apk(run, hits);
    rpm_caches(run, hits);
    zypper(run, hits);
    pip(run, hits);
    npm(run, hits);
    gem(run, hits);
    upgrades(run, hits);
}

/// The action of a package-manager command: its first argument that is
/// neither an option nor the value of one of `valued` options.
fn action<'a>(command: &'a Command, valued: &'a [&str]) -> Option<&'a str> {
    operands(command, valued).next()
}

/// The non-option arguments of a command (the action first), skipping the
/// values of the options listed in `valued` and variable references.
fn operands<'a>(command: &'a Command, valued: &'a [&str]) -> impl Iterator<Item = &'a str> {
    let args = command.args();
    let mut skip_next = false;
    args.iter().filter_map(move |word| {
        if std::mem::take(&mut skip_next) {
            return None;
        }
        if valued.contains(&word.as_str()) {
            skip_next = true;
            return None;
        }
        (!word.starts_with('-') && !word.starts_with('$')).then_some(word.as_str())
    })
}

/// Packages named after the action.
fn packages<'a>(command: &'a Command, valued: &'a [&str]) -> impl Iterator<Item = &'a str> {
    operands(command, valued).skip(1)
}

/// True when the RUN runs `program` with action `wanted`.
fn runs(run: &Run, programs: &[&str], valued: &[&str], wanted: &[&str]) -> bool {
    run.commands().any(|c| {
        programs.contains(&c.program()) && action(c, valued).is_some_and(|a| wanted.contains(&a))
    })
}

const APT: &[&str] = &["apt-get", "apt", "aptitude"];
/// apt-get options that take a value.
const APT_VALUED: &[&str] = &[
    "-o",
    "--option",
    "-t",
    "--target-release",
    "-c",
    "--config-file",
];

fn apt(run: &Run, hits: &mut Hits) {
    let installs: Vec<&Command> = run
        .commands()
        .filter(|c| APT.contains(&c.program()) && action(c, APT_VALUED) == Some("install"))
        .collect();
    let upgrades = runs(run, APT, APT_VALUED, &APT_UPGRADES);
    if runs(run, APT, APT_VALUED, &["update"]) && installs.is_empty() && !upgrades {
        hits.add(run.hit(
            id::APT_UPDATE_ALONE,
            "apt-get update without an install in the same RUN",
        ));
    }
    // One hit per rule and RUN, however many install commands it has.
    if installs
        .iter()
        .any(|i| !i.args().iter().any(|w| assumes_yes(w)))
    {
        hits.add(run.hit(id::APT_WITHOUT_YES, "apt-get install without -y"));
    }
    if installs.iter().any(|i| !skips_recommends(i)) {
        hits.add(run.hit(
            id::APT_RECOMMENDS,
            "apt-get install without --no-install-recommends",
        ));
    }
    let unpinned: usize = installs
        .iter()
        .map(|i| {
            packages(i, APT_VALUED)
                .filter(|p| !p.contains('=') && !p.ends_with(".deb"))
                .count()
        })
        .sum();
    if unpinned > 0 {
        hits.add(run.hit(
            id::APT_UNPINNED,
            format!("{unpinned} apt package(s) without a pinned version"),
        ));
    }
    if !installs.is_empty() && !apt_lists_removed(run) {
        hits.add(run.hit(id::APT_LISTS, "apt lists are not removed in the same RUN"));
    }
}

/// `--no-install-recommends`, or `-o APT::Install-Recommends=false`.
fn skips_recommends(install: &Command) -> bool {
    install.args().iter().any(|w| {
        w == "--no-install-recommends"
            || w.strip_prefix("APT::Install-Recommends=")
                .is_some_and(|v| matches!(v, "0" | "false" | "no"))
    })
}

/// `-y`, `--yes`, `--assume-yes`, or a short-option cluster holding `y`
/// (`-qy`); `-qq` implies `-y`.
fn assumes_yes(word: &str) -> bool {
    matches!(word, "-y" | "--yes" | "--assume-yes" | "-qq")
        || (word.starts_with('-') && !word.starts_with("--") && word.contains('y'))
}

/// The lists are gone from the layer: removed by path, by `apt-get
/// dist-clean` (apt 2.7+), or never written to it (a cache or tmpfs mount).
fn apt_lists_removed(run: &Run) -> bool {
    run.script.contains("/var/lib/apt/lists")
        || runs(run, APT, APT_VALUED, &["dist-clean", "distclean"])
        || run.mounts_over("/var/lib/apt/lists")
}

/// apk options that take a value.
const APK_VALUED: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
];

fn apk(run: &Run, hits: &mut Hits) {
    let adds: Vec<&Command> = run
        .commands()
        .filter(|c| c.program() == "apk" && action(c, APK_VALUED) == Some("add"))
        .collect();
    let cache_mounted = run.mounts_over("/var/cache/apk") || run.mounts_over("/etc/apk/cache");
    if !cache_mounted && adds.iter().any(|add| !add.has_arg("--no-cache")) {
        hits.add(run.hit(id::APK_CACHE, "apk add without --no-cache"));
    }
    let unpinned: usize = adds
        .iter()
        .map(|add| {
            packages(add, APK_VALUED)
                .filter(|p| !p.contains('=') && !p.contains('~') && !p.ends_with(".apk"))
                .count()
        })
        .sum();
    if unpinned > 0 {
        hits.add(run.hit(
            id::APK_UNPINNED,
            format!("{unpinned} apk package(s) without a pinned version"),
        ));
    }
}

/// The yum family: program, rule, cache directory.
const RPM_MANAGERS: &[(&str, &str, &str)] = &[
    ("yum", id::YUM_CACHE, "/var/cache/yum"),
    ("dnf", id::DNF_CACHE, "/var/cache/dnf"),
    ("microdnf", id::MICRODNF_CACHE, "/var/cache/yum"),
];
const RPM_INSTALLS: &[&str] = &["install", "groupinstall", "localinstall", "reinstall"];
/// yum/dnf options that take a value.
const RPM_VALUED: &[&str] = &[
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "-R",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--setopt",
    "-x",
    "--exclude",
];

fn rpm_caches(run: &Run, hits: &mut Hits) {
    for (manager, rule, cache) in RPM_MANAGERS {
        let installs = runs(run, &[manager], RPM_VALUED, RPM_INSTALLS);
        let cleaned = runs(run, &[manager], RPM_VALUED, &["clean"])
            || run.script.contains(cache)
            || run.mounts_over(cache);
        if installs && !cleaned {
            hits.add(run.hit(
                rule,
                format!("{manager} install without {manager} clean all"),
            ));
        }
    }
}

const ZYPPER_VALUED: &[&str] = &["-r", "--repo", "--root", "-R"];

fn zypper(run: &Run, hits: &mut Hits) {
    let installs = runs(run, &["zypper"], ZYPPER_VALUED, &["install", "in"]);
    let cleaned = runs(run, &["zypper"], ZYPPER_VALUED, &["clean", "cc"])
        || run.script.contains("/var/cache/zypp")
        || run.mounts_over("/var/cache/zypp");
    if installs && !cleaned {
        hits.add(run.hit(id::ZYPPER_CACHE, "zypper install without zypper clean"));
    }
}

/// pip options whose value names requirements in a file or an editable
/// project; with one of them the requirements are pinned there.
const PIP_FROM_FILE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
];
/// pip options that take a value.
const PIP_VALUED: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--cache-dir",
    "--progress-bar",
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
];
/// PEP 440 version comparison operators.
const VERSION_OPERATORS: &[&str] = &["==", "~=", ">=", "<=", "!=", "<", ">"];

/// True for `pip`, `pip3`, `pip3.12` and `python -m pip` commands.
fn is_pip(command: &Command) -> bool {
    let program = command.program();
    let pip = program == "pip"
        || program
            .strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let python_m_pip = program.starts_with("python")
        && command.args().first().is_some_and(|a| a == "-m")
        && command.args().get(1).is_some_and(|m| m.starts_with("pip"));
    pip || python_m_pip
}

fn pip(run: &Run, hits: &mut Hits) {
    let unpinned: usize = run
        .commands()
        .filter(|c| is_pip(c))
        .map(|command| {
            // `python -m pip install`: drop `-m pip` so the action comes first.
            let command = if command.program().starts_with("python") {
                Command {
                    words: command.effective().get(2..).unwrap_or_default().to_vec(),
                    ..command.clone()
                }
            } else {
                command.clone()
            };
            let from_file = command
                .args()
                .iter()
                .any(|w| PIP_FROM_FILE.contains(&w.as_str()));
            if action(&command, PIP_VALUED) != Some("install") || from_file {
                return 0;
            }
            packages(&command, PIP_VALUED)
                .filter(|p| !pip_requirement_pinned(p))
                .count()
        })
        .sum();
    if unpinned > 0 {
        hits.add(run.hit(
            id::PIP_UNPINNED,
            format!("{unpinned} pip package(s) without a version"),
        ));
    }
}

/// A pip requirement that names a version (any PEP 440 specifier, as
/// hadolint accepts), a local path or archive, or a VCS URL with a ref.
fn pip_requirement_pinned(requirement: &str) -> bool {
    if let Some((_, rest)) = requirement.split_once("://") {
        // `git+https://host/repo.git@v1.2`: the ref after the path.
        return rest
            .split_once('/')
            .is_some_and(|(_, path)| path.contains('@'));
    }
    VERSION_OPERATORS.iter().any(|op| requirement.contains(op))
        || requirement.contains(" @ ")
        || requirement.starts_with('.')
        || requirement.starts_with('/')
        || [".whl", ".tar.gz", ".zip"]
            .iter()
            .any(|ext| requirement.ends_with(ext))
}

fn npm(run: &Run, hits: &mut Hits) {
    let unpinned: usize = run
        .commands()
        .filter(|c| c.program() == "npm" && matches!(action(c, &[]), Some("install" | "i" | "add")))
        .map(|command| {
            packages(command, &[])
                .filter(|p| {
                    !p.trim_start_matches('@').contains('@')
                        && !p.starts_with('.')
                        && !p.contains('/')
                })
                .count()
        })
        .sum();
    if unpinned > 0 {
        hits.add(run.hit(
            id::NPM_UNPINNED,
            format!("{unpinned} npm package(s) without @version"),
        ));
    }
}

fn gem(run: &Run, hits: &mut Hits) {
    let unpinned = run.commands().any(|c| {
        c.program() == "gem"
            && action(c, &[]) == Some("install")
            && !c
                .args()
                .iter()
                .any(|w| w == "-v" || w == "--version" || w.contains(':'))
    });
    if unpinned {
        hits.add(run.hit(id::GEM_UNPINNED, "gem install without a pinned version"));
    }
}

const APT_UPGRADES: [&str; 4] = ["upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"];

/// Upgrade actions per package manager, and which of them move to another
/// distribution release (reported as medium).
const UPGRADES: &[(&[&str], &[&str], &[&str])] = &[
    (APT, &APT_UPGRADES, &["dist-upgrade", "full-upgrade"]),
    (&["apk"], &["upgrade"], &[]),
    (
        &["yum", "dnf", "microdnf", "tdnf"],
        &["upgrade", "update", "distro-sync", "upgrade-minimal"],
        &["distro-sync"],
    ),
    (
        &["zypper"],
        &["update", "up", "dist-upgrade", "dup"],
        &["dist-upgrade", "dup"],
    ),
];

fn upgrades(run: &Run, hits: &mut Hits) {
    let mut found: Option<(String, bool)> = None;
    for command in run.commands() {
        for (programs, actions, distribution) in UPGRADES {
            if !programs.contains(&command.program()) {
                continue;
            }
            if let Some(action) = action(command, &[]).filter(|a| actions.contains(a)) {
                let major = distribution.contains(&action);
                let text = format!("{} {action}", command.program());
                if found
                    .as_ref()
                    .is_none_or(|(_, was_major)| major && !was_major)
                {
                    found = Some((text, major));
                }
            }
        }
    }
    if let Some((text, major)) = found {
        let severity = if major {
            Severity::Medium
        } else {
            Severity::Low
        };
        hits.add(run.hit_with_severity(
            id::PACKAGE_UPGRADE,
            format!("`{text}` upgrades the image's packages at build time"),
            severity,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_requirements_with_any_specifier_are_pinned() {
        for pinned in [
            "flask==3.0.0",
            "wheel<0.46",
            "requests~=2.3",
            "django!=4",
            "./app",
            ".",
            "dist/app-1.0-py3-none-any.whl",
            "git+https://github.com/x/y.git@v1.0",
        ] {
            assert!(pip_requirement_pinned(pinned), "{pinned}");
        }
        for unpinned in [
            "flask",
            "pip",
            "git+https://github.com/x/y.git",
            "flask[async]",
        ] {
            assert!(!pip_requirement_pinned(unpinned), "{unpinned}");
        }
    }

    #[test]
    fn the_action_comes_after_options_and_their_values() {
        let commands = crate::shell::commands(
            "yum --enablerepo epel -y install httpd && apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y x",
        );
        assert_eq!(action(&commands[0], RPM_VALUED), Some("install"));
        assert_eq!(action(&commands[1], APT_VALUED), Some("install"));
        assert_eq!(
            packages(&commands[1], APT_VALUED).collect::<Vec<_>>(),
            ["x"]
        );
    }

    #[test]
    fn apt_flags_that_answer_yes() {
        for yes in ["-y", "--yes", "--assume-yes", "-qq", "-qy", "-yq"] {
            assert!(assumes_yes(yes), "{yes}");
        }
        for no in ["-q", "--quiet", "--no-install-recommends"] {
            assert!(!assumes_yes(no), "{no}");
        }
    }
}
