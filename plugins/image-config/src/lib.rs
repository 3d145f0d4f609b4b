//! Curated plugin `image-config`: what CIS Docker Benchmark section 4 and
//! Dockle check on a built image, from its configuration, its history and
//! its final filesystem.
//!
//! Secrets in `Env` are found with the same rules as the `secrets` plugin
//! (`bulkhead_sdk::secrets`), so both report the same things the same way.

use std::sync::OnceLock;

use bulkhead_sdk::secrets::{VariableSecret, classify_variable};
use bulkhead_sdk::{
    File, Finding, Interests, Plugin, PluginInfo, Reporter, Rule, Severity, export_plugin,
};
use regex::bytes::Regex;
use serde_json::Value;

const CIS: &str = "https://www.cisecurity.org/benchmark/docker";
const DOCKLE: &str = "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md";

struct ImageConfig;

fn rules() -> Vec<Rule> {
    vec![
        Rule::new("root-user", "Image runs as root", Severity::High)
            .description("The image config sets no user, or root (CIS Docker 4.1, Dockle CIS-DI-0001). A process breaking out of a root container starts with root on the host's kernel interface.")
            .remediation("Create an unprivileged user and set `USER <name>` (or a numeric UID other than 0) as the last user instruction.")
            .reference(CIS),
        Rule::new("secret-in-env", "Secret in an environment variable", Severity::Critical)
            .description("An `Env` entry of the image config holds a credential (same rules as the secrets plugin), or is named like one and has a literal value. Anyone who pulls the image can read it with `docker inspect`.")
            .remediation("Remove the variable from the image; inject the secret at run time (orchestrator secrets, a mounted file, a secret manager).")
            .reference(DOCKLE),
        Rule::new("ssh-port-exposed", "SSH port 22 exposed", Severity::Medium)
            .description("The image declares `EXPOSE 22`: containers should not run an SSH daemon (CIS Docker 4.x, Dockle DKL-DI-0004 on sshd).")
            .remediation("Remove `EXPOSE 22` and the SSH server; use `docker exec` / `kubectl exec` for access.")
            .reference(CIS),
        Rule::new("no-healthcheck", "No HEALTHCHECK", Severity::Low)
            .description("The image config has no healthcheck (CIS Docker 4.6, Dockle CIS-DI-0006), so the runtime cannot tell a hung service from a healthy one.")
            .remediation("Add `HEALTHCHECK CMD <probe>` to the Dockerfile, or configure probes in the orchestrator.")
            .reference(CIS),
        Rule::new("add-remote-url", "ADD of a remote URL", Severity::Medium)
            .description("A history step used `ADD` with an http(s)/ftp URL (CIS Docker 4.9): the download is not verified and its content can change under the same tag.")
            .remediation("Download with `curl`/`wget` in a `RUN` step and verify a checksum, or use `ADD --checksum=sha256:...`.")
            .reference(CIS),
        Rule::new("curl-pipe-shell", "Remote script piped to a shell", Severity::High)
            .description("A history step pipes `curl` or `wget` output into a shell: the build runs whatever the server returns, unverified.")
            .remediation("Download the script, verify its checksum or signature, then run it.")
            .reference(DOCKLE),
        Rule::new("package-cache", "Package manager cache left in the image", Severity::Low)
            .description("Package indexes or downloaded packages remain in the final filesystem (apt, apk, yum/dnf, pip): larger images and stale metadata (Dockle DKL-DI-0005).")
            .remediation("Clean in the same RUN step: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `yum clean all`, `pip install --no-cache-dir`.")
            .reference(DOCKLE),
        Rule::new("setuid-file", "setuid or setgid file", Severity::Medium)
            .description("A file in the final filesystem has the setuid or setgid bit (CIS Docker 4.8, Dockle CIS-DI-0008): a path to privilege escalation inside the container.")
            .remediation("Remove the bits where not needed: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.")
            .reference(CIS),
    ]
}

impl Plugin for ImageConfig {
    fn info() -> PluginInfo {
        PluginInfo::new(
            "image-config",
            env!("CARGO_PKG_VERSION"),
            "Checks a built image's configuration, history and final filesystem: root user, secrets in Env, SSH port, healthcheck, remote ADD, curl|sh, package caches, setuid files.",
        )
        .rules(rules())
        .interests(
            Interests::default()
                .image_config()
                .mode_mask(0o6000)
                .max_file_size(256 << 20),
        )
    }

    fn analyze_file(file: &File, out: &mut Reporter) -> Result<(), String> {
        let mode = file.mode();
        if mode & 0o6000 != 0 && mode & 0o170000 == 0o100000 {
            let which = match (mode & 0o4000 != 0, mode & 0o2000 != 0) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            out.finding(Finding::new(
                "setuid-file",
                format!("{} is {which} (mode {:o})", file.path(), mode & 0o7777),
            ));
        }
        Ok(())
    }

    fn analyze_config(config_json: &str, out: &mut Reporter) -> Result<(), String> {
        let image: Value = serde_json::from_str(config_json)
            .map_err(|err| format!("image config is not JSON: {err}"))?;
        let config = &image["config"];
        check_user(config, out);
        check_env(config, out);
        check_ports(config, out);
        check_healthcheck(config, out);
        check_history(&image["history"], out);
        check_package_caches(out);
        Ok(())
    }
}

fn check_user(config: &Value, out: &mut Reporter) {
    let user = config["User"].as_str().unwrap_or("").trim();
    let name = user.split(':').next().unwrap_or("");
    if name.is_empty() || name == "root" || name == "0" {
        let shown = if user.is_empty() {
            "no user set (defaults to root)".to_string()
        } else {
            format!("User is {user:?}")
        };
        out.finding(
            Finding::new("root-user", format!("the image runs as root: {shown}"))
                .field_path("config.User"),
        );
    }
}

fn check_env(config: &Value, out: &mut Reporter) {
    let Some(env) = config["Env"].as_array() else {
        return;
    };
    for (index, entry) in env.iter().enumerate() {
        let Some((name, value)) = entry.as_str().and_then(|e| e.split_once('=')) else {
            continue;
        };
        let field = format!("config.Env[{index}]");
        match classify_variable(name, value) {
            Some(VariableSecret::Value(found)) => {
                out.finding(
                    Finding::new(
                        "secret-in-env",
                        format!("{} in environment variable {name}", found.rule.title),
                    )
                    .field_path(field)
                    .severity(found.rule.severity)
                    .secret(found.secret),
                );
            }
            Some(VariableSecret::Name) => {
                out.finding(
                    Finding::new("secret-in-env", format!("environment variable {name} is named like a secret and has a literal value"))
                        .field_path(field)
                        .severity(Severity::High),
                );
            }
            None => {}
        }
    }
}

fn check_ports(config: &Value, out: &mut Reporter) {
    let Some(ports) = config["ExposedPorts"].as_object() else {
        return;
    };
    for port in ports.keys() {
        if port == "22" || port == "22/tcp" {
            out.finding(
                Finding::new("ssh-port-exposed", format!("port {port} is exposed"))
                    .field_path(format!("config.ExposedPorts.{port}")),
            );
        }
    }
}

fn check_healthcheck(config: &Value, out: &mut Reporter) {
    let test = &config["Healthcheck"]["Test"];
    let disabled = test
        .as_array()
        .and_then(|t| t.first())
        .and_then(Value::as_str)
        == Some("NONE");
    if test.is_null() || disabled {
        out.finding(
            Finding::new("no-healthcheck", "the image defines no healthcheck")
                .field_path("config.Healthcheck"),
        );
    }
}

fn patterns() -> &'static (Regex, Regex) {
    static PATTERNS: OnceLock<(Regex, Regex)> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        (
            Regex::new(
                r"(?-u)(?i)(?:^|\s|#\(nop\)\s*)ADD\s+(?:--[a-z-]+(?:=\S+)?\s+)*(?:https?|ftp)://",
            )
            .expect("ADD pattern"),
            Regex::new(r"(?-u)(?i)\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k|a)?sh\b")
                .expect("pipe pattern"),
        )
    })
}

fn check_history(history: &Value, out: &mut Reporter) {
    let Some(history) = history.as_array() else {
        return;
    };
    let (add_remote, pipe_shell) = patterns();
    for (index, step) in history.iter().enumerate() {
        let Some(command) = step["created_by"].as_str() else {
            continue;
        };
        let short: String = command.chars().take(160).collect();
        if add_remote.is_match(command.as_bytes()) {
            out.finding(
                Finding::new("add-remote-url", format!("ADD of a remote URL: {short}"))
                    .field_path(format!("history[{index}].created_by")),
            );
        }
        if pipe_shell.is_match(command.as_bytes()) {
            out.finding(
                Finding::new(
                    "curl-pipe-shell",
                    format!("remote script piped to a shell: {short}"),
                )
                .field_path(format!("history[{index}].created_by")),
            );
        }
    }
}

/// A cache directory: where, what it is, which entries count as left over.
type CacheDir = (&'static str, &'static str, fn(&str) -> bool);

fn check_package_caches(out: &mut Reporter) {
    let caches: [CacheDir; 6] = [
        ("var/lib/apt/lists", "apt package lists", |n| {
            n != "lock" && n != "partial" && n != "auxfiles"
        }),
        ("var/cache/apt/archives", "downloaded .deb packages", |n| {
            n.ends_with(".deb")
        }),
        ("var/cache/apk", "apk cache", |_| true),
        ("var/cache/yum", "yum cache", |_| true),
        ("var/cache/dnf", "dnf cache", |_| true),
        ("root/.cache/pip", "pip cache", |_| true),
    ];
    for (dir, what, counts) in caches {
        let left: Vec<String> = File::list_dir(dir)
            .into_iter()
            .filter(|name| counts(name))
            .collect();
        if !left.is_empty() {
            out.finding(
                Finding::new(
                    "package-cache",
                    format!(
                        "{what} left in /{dir} ({} entries, e.g. {})",
                        left.len(),
                        left[0]
                    ),
                )
                .field_path(format!("/{dir}")),
            );
        }
    }
}

export_plugin!(ImageConfig);
