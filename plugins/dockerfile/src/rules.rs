//! The rule catalogue: id, the numbered id it replaced (kept as an alias so
//! that suppressions written against it still match), title, severity,
//! what it checks, how to fix it, and the peers' ids (Trivy DS, hadolint
//! DL, Checkov, Dockle) that `docs/rules.md` lists.

use bulkhead_sdk::{Rule, Severity};

/// One rule and where it applies.
pub struct Spec {
    /// Rule id, saying what it checks.
    pub id: &'static str,
    /// The numbered id the rule had before (`DF-016`), if any.
    pub alias: Option<&'static str>,
    /// Title.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What it checks.
    pub description: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    /// Equivalent peer ids, `;`-separated (`trivy:DS-0001; hadolint:DL3007`).
    pub peers: &'static str,
    /// Also checked on the Dockerfile reconstructed from image history.
    pub on_history: bool,
}

/// Rule ids, named once for the checks.
pub mod id {
    /// FROM without a tag or with `latest`.
    pub const BASE_IMAGE_LATEST: &str = "base-image-latest";
    /// The final stage runs as root.
    pub const ROOT_USER: &str = "root-user";
    /// `EXPOSE 22`.
    pub const SSH_PORT: &str = "ssh-port-exposed";
    /// ADD of a local file that is no archive.
    pub const ADD_LOCAL_FILE: &str = "add-instead-of-copy";
    /// `COPY --from` its own stage.
    pub const COPY_FROM_OWN_STAGE: &str = "copy-from-own-stage";
    /// Several ENTRYPOINTs in a stage.
    pub const REPEATED_ENTRYPOINT: &str = "repeated-entrypoint";
    /// An EXPOSE port that is no port.
    pub const INVALID_PORT: &str = "invalid-expose-port";
    /// A relative WORKDIR.
    pub const RELATIVE_WORKDIR: &str = "relative-workdir";
    /// sudo in RUN.
    pub const SUDO: &str = "sudo-in-run";
    /// Several COPY sources to a destination without `/`.
    pub const COPY_TO_FILE: &str = "copy-sources-to-non-directory";
    /// Two stages with one name.
    pub const DUPLICATE_STAGE: &str = "duplicate-stage-name";
    /// cd in RUN.
    pub const CD: &str = "cd-in-run";
    /// Both curl and wget.
    pub const CURL_AND_WGET: &str = "curl-and-wget";
    /// yum install without yum clean.
    pub const YUM_CACHE: &str = "yum-cache-not-cleaned";
    /// Several CMDs in a stage.
    pub const REPEATED_CMD: &str = "repeated-cmd";
    /// apt-get update without an install.
    pub const APT_UPDATE_ALONE: &str = "apt-update-alone";
    /// dnf install without dnf clean.
    pub const DNF_CACHE: &str = "dnf-cache-not-cleaned";
    /// zypper install without zypper clean.
    pub const ZYPPER_CACHE: &str = "zypper-cache-not-cleaned";
    /// apt-get install without -y.
    pub const APT_WITHOUT_YES: &str = "apt-install-without-yes";
    /// MAINTAINER.
    pub const MAINTAINER: &str = "maintainer-deprecated";
    /// Several HEALTHCHECKs in a stage.
    pub const REPEATED_HEALTHCHECK: &str = "repeated-healthcheck";
    /// apt/apk/yum/dnf/zypper upgrade in the build.
    pub const PACKAGE_UPGRADE: &str = "package-upgrade";
    /// apk add without --no-cache.
    pub const APK_CACHE: &str = "apk-add-without-no-cache";
    /// No HEALTHCHECK in the final stage.
    pub const NO_HEALTHCHECK: &str = "no-healthcheck";
    /// microdnf install without microdnf clean.
    pub const MICRODNF_CACHE: &str = "microdnf-cache-not-cleaned";
    /// apt-get install without --no-install-recommends.
    pub const APT_RECOMMENDS: &str = "apt-install-recommends";
    /// apt lists left in the layer.
    pub const APT_LISTS: &str = "apt-lists-not-removed";
    /// WORKDIR is a system directory.
    pub const SYSTEM_WORKDIR: &str = "system-workdir";
    /// A secret in ARG or ENV.
    pub const SECRET_IN_ARG_OR_ENV: &str = "secret-in-arg-or-env";
    /// A credentials file copied in.
    pub const SECRET_FILE: &str = "secret-file-copied";
    /// apt packages without versions.
    pub const APT_UNPINNED: &str = "apt-package-unpinned";
    /// apk packages without versions.
    pub const APK_UNPINNED: &str = "apk-package-unpinned";
    /// pip packages without versions.
    pub const PIP_UNPINNED: &str = "pip-package-unpinned";
    /// npm packages without versions.
    pub const NPM_UNPINNED: &str = "npm-package-unpinned";
    /// gems without versions.
    pub const GEM_UNPINNED: &str = "gem-package-unpinned";
    /// `curl ... | sh`.
    pub const CURL_PIPE_SHELL: &str = "curl-pipe-shell";
    /// ADD of a URL without --checksum.
    pub const ADD_URL_NO_CHECKSUM: &str = "add-url-without-checksum";
    /// chmod 777 and the like.
    pub const WORLD_WRITABLE: &str = "world-writable";
    /// A pipe without pipefail.
    pub const PIPE_WITHOUT_PIPEFAIL: &str = "pipe-without-pipefail";
    /// A password set with chpasswd, passwd, useradd -p or usermod -p.
    pub const PASSWORD_IN_RUN: &str = "password-set-in-run";
    /// ENTRYPOINT or CMD in shell form.
    pub const SHELL_FORM_ENTRYPOINT: &str = "shell-form-entrypoint-or-cmd";
    /// A line that is no instruction, an unclosed heredoc.
    pub const PARSE_ERROR: &str = "parse-error";
}

use Severity::{High, Low, Medium};

/// Every rule of the plugin.
pub static SPECS: &[Spec] = &[
    Spec {
        id: id::BASE_IMAGE_LATEST,
        alias: Some("DF-001"),
        title: "Base image uses latest or no tag",
        severity: Medium,
        description: "FROM names an image without a tag or with `latest` (after ARG substitution), so builds are not reproducible and can pull a different image at any time.",
        remediation: "Pin the base image to a version tag, better to a digest: `FROM debian:12.5@sha256:...`.",
        peers: "trivy:DS-0001; hadolint:DL3006, DL3007; checkov:CKV_DOCKER_7; dockle:DKL-DI-0006",
        on_history: false,
    },
    Spec {
        id: id::ROOT_USER,
        alias: Some("DF-002"),
        title: "Final stage runs as root",
        severity: High,
        description: "The last stage sets no USER, or its last USER is root/0 (ContainerAdministrator on Windows): the container's main process runs as root.",
        remediation: "Add `USER <non-root user>` (or a UID other than 0) at the end of the final stage.",
        peers: "trivy:DS-0002; checkov:CKV_DOCKER_3, CKV_DOCKER_8; dockle:CIS-DI-0001",
        on_history: false,
    },
    Spec {
        id: id::SSH_PORT,
        alias: Some("DF-003"),
        title: "SSH port exposed",
        severity: Medium,
        description: "`EXPOSE 22`: containers should not run an SSH server.",
        remediation: "Remove `EXPOSE 22` and the SSH server; use `docker exec`/`kubectl exec`.",
        peers: "trivy:DS-0004; checkov:CKV_DOCKER_1",
        on_history: false,
    },
    Spec {
        id: id::ADD_LOCAL_FILE,
        alias: Some("DF-004"),
        title: "ADD used for local files",
        severity: Low,
        description: "ADD copies a local file or directory that is not an archive; ADD's extra behaviour (URL download, auto-extraction) is a surprise waiting to happen.",
        remediation: "Use COPY for local files.",
        peers: "trivy:DS-0005; hadolint:DL3020; checkov:CKV_DOCKER_4; dockle:CIS-DI-0009",
        on_history: false,
    },
    Spec {
        id: id::COPY_FROM_OWN_STAGE,
        alias: Some("DF-005"),
        title: "COPY --from refers to its own stage",
        severity: Medium,
        description: "`COPY --from` names the stage the instruction is in.",
        remediation: "Name an earlier stage or an image.",
        peers: "trivy:DS-0006; hadolint:DL3022",
        on_history: false,
    },
    Spec {
        id: id::REPEATED_ENTRYPOINT,
        alias: Some("DF-006"),
        title: "Several ENTRYPOINT instructions",
        severity: Medium,
        description: "A stage has more than one ENTRYPOINT; only the last one takes effect.",
        remediation: "Keep one ENTRYPOINT per stage.",
        peers: "trivy:DS-0007; hadolint:DL4004",
        on_history: false,
    },
    Spec {
        id: id::INVALID_PORT,
        alias: Some("DF-007"),
        title: "Invalid port in EXPOSE",
        severity: Medium,
        description: "EXPOSE names a port outside 1-65535 or not a number.",
        remediation: "Expose valid ports only.",
        peers: "trivy:DS-0008; hadolint:DL3011",
        on_history: true,
    },
    Spec {
        id: id::RELATIVE_WORKDIR,
        alias: Some("DF-008"),
        title: "Relative WORKDIR",
        severity: High,
        description: "WORKDIR is a relative path, which depends on the previous WORKDIR.",
        remediation: "Use an absolute path.",
        peers: "trivy:DS-0009; hadolint:DL3000",
        on_history: true,
    },
    Spec {
        id: id::SUDO,
        alias: Some("DF-009"),
        title: "sudo in RUN",
        severity: High,
        description: "RUN uses sudo: unpredictable TTY and signal behaviour, and a sign the image carries sudo.",
        remediation: "Run the step as root with USER root and switch back, or use gosu in entrypoints.",
        peers: "trivy:DS-0010; hadolint:DL3004; checkov:CKV2_DOCKER_1; dockle:DKL-DI-0001",
        on_history: true,
    },
    Spec {
        id: id::COPY_TO_FILE,
        alias: Some("DF-010"),
        title: "COPY of several sources to a non-directory",
        severity: Medium,
        description: "COPY with more than one source needs a destination ending with `/`.",
        remediation: "End the destination with `/`.",
        peers: "trivy:DS-0011; hadolint:DL3021",
        on_history: false,
    },
    Spec {
        id: id::DUPLICATE_STAGE,
        alias: Some("DF-011"),
        title: "Duplicate stage name",
        severity: Critical_,
        description: "Two stages have the same `AS` name; `--from` references become ambiguous.",
        remediation: "Give each stage a unique name.",
        peers: "trivy:DS-0012; hadolint:DL3024",
        on_history: false,
    },
    Spec {
        id: id::CD,
        alias: Some("DF-012"),
        title: "cd in RUN",
        severity: Medium,
        description: "RUN changes directory with `cd`; later readers and steps do not see it.",
        remediation: "Use WORKDIR.",
        peers: "trivy:DS-0013; hadolint:DL3003",
        on_history: true,
    },
    Spec {
        id: id::CURL_AND_WGET,
        alias: Some("DF-013"),
        title: "Both curl and wget used",
        severity: Low,
        description: "The Dockerfile uses both curl and wget: two tools for one job in the image.",
        remediation: "Use one of them.",
        peers: "trivy:DS-0014; hadolint:DL4001",
        on_history: true,
    },
    Spec {
        id: id::YUM_CACHE,
        alias: Some("DF-014"),
        title: "yum cache not cleaned",
        severity: High,
        description: "`yum install` without `yum clean all` in the same RUN leaves the cache in the layer.",
        remediation: "Add `&& yum clean all` to the same RUN.",
        peers: "trivy:DS-0015; hadolint:DL3032",
        on_history: true,
    },
    Spec {
        id: id::REPEATED_CMD,
        alias: Some("DF-015"),
        title: "Several CMD instructions",
        severity: High,
        description: "A stage has more than one CMD; only the last one takes effect.",
        remediation: "Keep one CMD per stage.",
        peers: "trivy:DS-0016; hadolint:DL4003",
        on_history: false,
    },
    Spec {
        id: id::APT_UPDATE_ALONE,
        alias: Some("DF-016"),
        title: "apt-get update alone",
        severity: High,
        description: "`apt-get update` runs in a RUN without an install: the index goes stale in the layer cache and later installs use it.",
        remediation: "`RUN apt-get update && apt-get install -y ...` in one RUN.",
        peers: "trivy:DS-0017; checkov:CKV_DOCKER_5; dockle:CIS-DI-0007",
        on_history: true,
    },
    Spec {
        id: id::DNF_CACHE,
        alias: Some("DF-017"),
        title: "dnf cache not cleaned",
        severity: High,
        description: "`dnf install` without `dnf clean all` in the same RUN.",
        remediation: "Add `&& dnf clean all`.",
        peers: "trivy:DS-0019; hadolint:DL3040",
        on_history: true,
    },
    Spec {
        id: id::ZYPPER_CACHE,
        alias: Some("DF-018"),
        title: "zypper cache not cleaned",
        severity: High,
        description: "`zypper install` without `zypper clean` in the same RUN.",
        remediation: "Add `&& zypper clean`.",
        peers: "trivy:DS-0020; hadolint:DL3036",
        on_history: true,
    },
    Spec {
        id: id::APT_WITHOUT_YES,
        alias: Some("DF-019"),
        title: "apt-get install without -y",
        severity: High,
        description: "`apt-get install` without `-y`/`--yes`/`--assume-yes` waits for an answer the build never gives.",
        remediation: "Add `-y`.",
        peers: "trivy:DS-0021; hadolint:DL3014",
        on_history: true,
    },
    Spec {
        id: id::MAINTAINER,
        alias: Some("DF-020"),
        title: "MAINTAINER is deprecated",
        severity: High,
        description: "MAINTAINER is deprecated.",
        remediation: "Use `LABEL org.opencontainers.image.authors=...`.",
        peers: "trivy:DS-0022; hadolint:DL4000",
        on_history: true,
    },
    Spec {
        id: id::REPEATED_HEALTHCHECK,
        alias: Some("DF-021"),
        title: "Several HEALTHCHECK instructions",
        severity: High,
        description: "A stage has more than one HEALTHCHECK; only the last one takes effect.",
        remediation: "Keep one HEALTHCHECK.",
        peers: "trivy:DS-0023; hadolint:DL4005",
        on_history: false,
    },
    Spec {
        id: id::PACKAGE_UPGRADE,
        alias: Some("DF-022"),
        title: "Packages upgraded in the build",
        severity: Low,
        description: "RUN upgrades the installed packages: `apt-get`/`apt` `upgrade`, `dist-upgrade` or `full-upgrade`, `apk upgrade`, `yum`/`dnf`/`microdnf` `upgrade`, `update` or `distro-sync`, `zypper` `update` or `dist-upgrade`. The image then depends on the day it was built, not on its base image's tag. Reported as low; a distribution upgrade (`dist-upgrade`, `full-upgrade`, `distro-sync`, `zypper dist-upgrade`), which can move to another release inside an unprivileged container, as medium. Today's peers flag only the distribution upgrades: hadolint removed DL3005 (apt-get upgrade), DL3017 (apk upgrade), DL3031 (yum update) and DL3039 (dnf update) in 2.7.0, Dockle allows `apt-get upgrade` since 0.3.12 and Docker's best practices no longer advise against it; suppress this rule where upgrading at build time is the policy.",
        remediation: "Build from an up-to-date base image (rebuild when it is updated) and install pinned versions.",
        peers: "dockle:DKL-DI-0003; hadolint:DL3035 (zypper dist-upgrade); trivy:DS-0024 (apt-get dist-upgrade, releases before 0.76)",
        on_history: true,
    },
    Spec {
        id: id::APK_CACHE,
        alias: Some("DF-023"),
        title: "apk add without --no-cache",
        severity: High,
        description: "`apk add` without `--no-cache` keeps the index in the layer (unless the RUN mounts a cache at `/var/cache/apk`).",
        remediation: "Use `apk add --no-cache`.",
        peers: "trivy:DS-0025; hadolint:DL3019; dockle:DKL-DI-0004",
        on_history: true,
    },
    Spec {
        id: id::NO_HEALTHCHECK,
        alias: Some("DF-024"),
        title: "No HEALTHCHECK",
        severity: Low,
        description: "The final stage defines no HEALTHCHECK.",
        remediation: "Add `HEALTHCHECK CMD <probe>`, or configure probes in the orchestrator.",
        peers: "trivy:DS-0026; checkov:CKV_DOCKER_2; dockle:CIS-DI-0006",
        on_history: false,
    },
    Spec {
        id: id::MICRODNF_CACHE,
        alias: Some("DF-025"),
        title: "microdnf cache not cleaned",
        severity: High,
        description: "`microdnf install` without `microdnf clean all` in the same RUN.",
        remediation: "Add `&& microdnf clean all`.",
        peers: "trivy:DS-0027; hadolint:DL3041",
        on_history: true,
    },
    Spec {
        id: id::APT_RECOMMENDS,
        alias: Some("DF-026"),
        title: "apt-get install without --no-install-recommends",
        severity: High,
        description: "Recommended packages are installed too: a larger image and attack surface.",
        remediation: "Add `--no-install-recommends`.",
        peers: "trivy:DS-0029; hadolint:DL3015",
        on_history: true,
    },
    Spec {
        id: id::APT_LISTS,
        alias: Some("DF-027"),
        title: "apt lists not removed",
        severity: Low,
        description: "`apt-get install` in a RUN that neither removes `/var/lib/apt/lists` (`rm -rf /var/lib/apt/lists/*`) nor runs `apt-get dist-clean` (apt 2.7+, which removes them), nor mounts a cache or tmpfs there: the package lists stay in the layer.",
        remediation: "End the RUN with `&& rm -rf /var/lib/apt/lists/*` (or `apt-get dist-clean` on apt 2.7+).",
        peers: "hadolint:DL3009; dockle:DKL-DI-0005",
        on_history: true,
    },
    Spec {
        id: id::SYSTEM_WORKDIR,
        alias: Some("DF-028"),
        title: "WORKDIR is a system directory",
        severity: Medium,
        description: "WORKDIR is `/` or a system directory (`/bin`, `/usr`, `/etc`, ...): files the app writes land among system files.",
        remediation: "Use a dedicated directory such as `/app`.",
        peers: "trivy:DS-0030",
        on_history: true,
    },
    Spec {
        id: id::SECRET_IN_ARG_OR_ENV,
        alias: Some("DF-029"),
        title: "Secret in ARG or ENV",
        severity: Critical_,
        description: "An ARG or ENV is named like a credential, or its value is one (same rules as the secrets plugin). Build args and env values are stored in the image config and history.",
        remediation: "Use BuildKit secrets (`RUN --mount=type=secret`) and runtime secret injection.",
        peers: "trivy:DS-0031; dockle:CIS-DI-0010",
        on_history: true,
    },
    Spec {
        id: id::SECRET_FILE,
        alias: Some("DF-030"),
        title: "Secret file copied into the image",
        severity: High,
        description: "COPY/ADD copies a file that usually holds credentials (SSH keys, `.env`, `.npmrc`, `.pypirc`, cloud credentials, `*.pem`, `*.key`).",
        remediation: "Mount it at build time with `RUN --mount=type=secret` or provide it at run time.",
        peers: "trivy:DS-0031",
        on_history: false,
    },
    Spec {
        id: id::APT_UNPINNED,
        alias: Some("DF-031"),
        title: "apt-get install without pinned versions",
        severity: Medium,
        description: "Packages installed with apt-get without `=version`: builds are not reproducible.",
        remediation: "Pin: `apt-get install -y curl=7.88.1-10+deb12u5`.",
        peers: "hadolint:DL3008",
        on_history: true,
    },
    Spec {
        id: id::APK_UNPINNED,
        alias: Some("DF-032"),
        title: "apk add without pinned versions",
        severity: Medium,
        description: "Packages installed with apk without `=version`.",
        remediation: "Pin: `apk add --no-cache curl=8.5.0-r0`.",
        peers: "hadolint:DL3018",
        on_history: true,
    },
    Spec {
        id: id::PIP_UNPINNED,
        alias: Some("DF-033"),
        title: "pip install without pinned versions",
        severity: Medium,
        description: "Packages installed with pip without `==version` (and not from a requirements or constraints file).",
        remediation: "Pin: `pip install requests==2.32.3`, or use `-r requirements.txt` with hashes.",
        peers: "hadolint:DL3013",
        on_history: true,
    },
    Spec {
        id: id::NPM_UNPINNED,
        alias: Some("DF-034"),
        title: "npm install without pinned versions",
        severity: Medium,
        description: "Packages installed with npm without `@version`.",
        remediation: "Pin: `npm install express@4.19.2`, or `npm ci` from a lockfile.",
        peers: "hadolint:DL3016",
        on_history: true,
    },
    Spec {
        id: id::GEM_UNPINNED,
        alias: Some("DF-035"),
        title: "gem install without pinned versions",
        severity: Medium,
        description: "Gems installed without `-v version` or `:version`.",
        remediation: "Pin: `gem install rails -v 7.1.3`.",
        peers: "hadolint:DL3028",
        on_history: true,
    },
    Spec {
        id: id::CURL_PIPE_SHELL,
        alias: Some("DF-036"),
        title: "Remote script piped to a shell",
        severity: High,
        description: "`curl ... | sh`, `wget -O- ... | python3`, `sh -c \"$(curl ...)\"` or `bash <(curl ...)`: the build runs whatever the server returns.",
        remediation: "Download, verify a checksum or signature, then run.",
        peers: "hadolint:DL4006 (related)",
        on_history: true,
    },
    Spec {
        id: id::ADD_URL_NO_CHECKSUM,
        alias: Some("DF-037"),
        title: "ADD of a remote URL without checksum",
        severity: Medium,
        description: "ADD downloads a URL without `--checksum`: the content can change under the same URL.",
        remediation: "Use `ADD --checksum=sha256:<digest> <url> <dest>`, or curl with a checksum check.",
        peers: "hadolint:DL3020 (related); trivy:DS-0005 (related)",
        on_history: true,
    },
    Spec {
        id: id::WORLD_WRITABLE,
        alias: Some("DF-038"),
        title: "World-writable permissions",
        severity: High,
        description: "COPY/ADD `--chmod` or `RUN chmod` gives 777 (or o+w): anyone in the container can rewrite the files.",
        remediation: "Grant the least permissions needed, e.g. `--chmod=755` for executables, 644 for data.",
        peers: "",
        on_history: true,
    },
    Spec {
        id: id::PIPE_WITHOUT_PIPEFAIL,
        alias: Some("DF-039"),
        title: "Pipe without pipefail",
        severity: Low,
        description: "A shell-form RUN pipes commands (also inside `$(...)`) without `set -o pipefail` (or `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it): a failure on the left of the pipe is ignored. Not checked in stages whose SHELL is not a POSIX shell (PowerShell, cmd).",
        remediation: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with `set -o pipefail &&`.",
        peers: "hadolint:DL4006",
        on_history: false,
    },
    Spec {
        id: id::PASSWORD_IN_RUN,
        alias: None,
        title: "Password set in RUN",
        severity: High,
        description: "RUN sets or removes an account password: `chpasswd` (`echo \"root:...\" | chpasswd`), `passwd --stdin` or `passwd` fed from a pipe, `passwd -d` (an empty password), `useradd`/`usermod` `-p`. The password (or its hash) is stored in the image history and the hash in `/etc/shadow`, for anyone who pulls the image; a literal password is reported as the secret.",
        remediation: "Do not give accounts in images a password: run as a user without one (`useradd --no-log-init`), lock it (`passwd -l`), and inject credentials at run time.",
        peers: "checkov:CKV2_DOCKER_17; dockle:CIS-DI-0010 (related), DKL-LI-0001 (empty password, related)",
        on_history: true,
    },
    Spec {
        id: id::SHELL_FORM_ENTRYPOINT,
        alias: None,
        title: "ENTRYPOINT or CMD in shell form",
        severity: Low,
        description: "ENTRYPOINT or CMD is written in shell form (`CMD python app.py`): it runs under `/bin/sh -c`, so the shell is PID 1, the program does not receive SIGTERM on `docker stop` and is killed after the timeout, and an ENTRYPOINT ignores the arguments of `docker run`. As Docker's own check does, a stage that sets SHELL is not reported (the shell is then a choice). On image history, an ENTRYPOINT or CMD recorded as `[\"/bin/sh\", \"-c\", ...]` is reported.",
        remediation: "Use the exec (JSON) form: `CMD [\"python\", \"app.py\"]`; where a shell is needed, end the script with `exec \"$@\"`.",
        peers: "hadolint:DL3025; docker:JSONArgsRecommended",
        on_history: true,
    },
    Spec {
        id: id::PARSE_ERROR,
        alias: Some("DF-040"),
        title: "Dockerfile parse problem",
        severity: Low,
        description: "A line could not be parsed as an instruction, or a heredoc is not closed; what follows may not be checked.",
        remediation: "Fix the syntax (`docker build --check` shows the same).",
        peers: "",
        on_history: false,
    },
];

/// Severity alias used in the table for readability.
#[allow(non_upper_case_globals)]
const Critical_: Severity = Severity::Critical;

/// The rules as plugin rules, with the peer ids appended to the description.
pub fn plugin_rules() -> Vec<Rule> {
    SPECS
        .iter()
        .map(|spec| {
            let mut description = spec.description.to_string();
            if !spec.on_history {
                description.push_str(
                    " Not checked on image history (it does not carry what the rule needs).",
                );
            }
            if !spec.peers.is_empty() {
                description.push_str(&format!(" Peers: {}.", spec.peers));
            }
            let rule = Rule::new(spec.id, spec.title, spec.severity);
            let rule = match spec.alias {
                Some(alias) => rule.alias(alias),
                None => rule,
            };
            rule.description(&description)
                .remediation(spec.remediation)
                .reference("https://docs.docker.com/build/building/best-practices/")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_descriptive_unique_and_every_old_number_is_kept() {
        let mut ids: Vec<&str> = SPECS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SPECS.len(), "duplicate ids");
        for spec in SPECS {
            assert!(
                spec.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not a descriptive id",
                spec.id
            );
        }
        let aliases: Vec<&str> = SPECS.iter().filter_map(|s| s.alias).collect();
        let expected: Vec<String> = (1..=40).map(|n| format!("DF-{n:03}")).collect();
        assert_eq!(aliases, expected);
    }
}
