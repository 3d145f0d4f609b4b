//! The rule catalogue: id, title, severity, what it checks, how to fix it,
//! and the peers' ids (Trivy DS, hadolint DL) that `docs/rules.md` lists.

use bulkhead_sdk::{Rule, Severity};

/// One rule and where it applies.
pub struct Spec {
    /// Rule id.
    pub id: &'static str,
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

use Severity::{High, Low, Medium};

/// Every rule of the plugin.
pub static SPECS: &[Spec] = &[
    Spec {
        id: "DF-001",
        title: "Base image uses latest or no tag",
        severity: Medium,
        description: "FROM names an image without a tag or with `latest` (after ARG substitution), so builds are not reproducible and can pull a different image at any time.",
        remediation: "Pin the base image to a version tag, better to a digest: `FROM debian:12.5@sha256:...`.",
        peers: "trivy:DS-0001; hadolint:DL3006, DL3007",
        on_history: false,
    },
    Spec {
        id: "DF-002",
        title: "Final stage runs as root",
        severity: High,
        description: "The last stage sets no USER, or its last USER is root/0: the container's main process runs as root.",
        remediation: "Add `USER <non-root user>` (or a UID other than 0) at the end of the final stage.",
        peers: "trivy:DS-0002; checkov:CKV_DOCKER_3, CKV_DOCKER_8",
        on_history: false,
    },
    Spec {
        id: "DF-003",
        title: "SSH port exposed",
        severity: Medium,
        description: "`EXPOSE 22`: containers should not run an SSH server.",
        remediation: "Remove `EXPOSE 22` and the SSH server; use `docker exec`/`kubectl exec`.",
        peers: "trivy:DS-0004; checkov:CKV_DOCKER_1",
        on_history: false,
    },
    Spec {
        id: "DF-004",
        title: "ADD used for local files",
        severity: Low,
        description: "ADD copies a local file or directory that is not an archive; ADD's extra behaviour (URL download, auto-extraction) is a surprise waiting to happen.",
        remediation: "Use COPY for local files.",
        peers: "trivy:DS-0005; hadolint:DL3020; checkov:CKV_DOCKER_4",
        on_history: false,
    },
    Spec {
        id: "DF-005",
        title: "COPY --from refers to its own stage",
        severity: Medium,
        description: "`COPY --from` names the stage the instruction is in.",
        remediation: "Name an earlier stage or an image.",
        peers: "trivy:DS-0006; hadolint:DL3022",
        on_history: false,
    },
    Spec {
        id: "DF-006",
        title: "Several ENTRYPOINT instructions",
        severity: Medium,
        description: "A stage has more than one ENTRYPOINT; only the last one takes effect.",
        remediation: "Keep one ENTRYPOINT per stage.",
        peers: "trivy:DS-0007; hadolint:DL4004",
        on_history: false,
    },
    Spec {
        id: "DF-007",
        title: "Invalid port in EXPOSE",
        severity: Medium,
        description: "EXPOSE names a port outside 1-65535 or not a number.",
        remediation: "Expose valid ports only.",
        peers: "trivy:DS-0008; hadolint:DL3011",
        on_history: true,
    },
    Spec {
        id: "DF-008",
        title: "Relative WORKDIR",
        severity: High,
        description: "WORKDIR is a relative path, which depends on the previous WORKDIR.",
        remediation: "Use an absolute path.",
        peers: "trivy:DS-0009; hadolint:DL3000",
        on_history: true,
    },
    Spec {
        id: "DF-009",
        title: "sudo in RUN",
        severity: High,
        description: "RUN uses sudo: unpredictable TTY and signal behaviour, and a sign the image carries sudo.",
        remediation: "Run the step as root with USER root and switch back, or use gosu in entrypoints.",
        peers: "trivy:DS-0010; hadolint:DL3004",
        on_history: true,
    },
    Spec {
        id: "DF-010",
        title: "COPY of several sources to a non-directory",
        severity: Medium,
        description: "COPY with more than one source needs a destination ending with `/`.",
        remediation: "End the destination with `/`.",
        peers: "trivy:DS-0011; hadolint:DL3021",
        on_history: false,
    },
    Spec {
        id: "DF-011",
        title: "Duplicate stage name",
        severity: Critical_,
        description: "Two stages have the same `AS` name; `--from` references become ambiguous.",
        remediation: "Give each stage a unique name.",
        peers: "trivy:DS-0012; hadolint:DL3024",
        on_history: false,
    },
    Spec {
        id: "DF-012",
        title: "cd in RUN",
        severity: Medium,
        description: "RUN changes directory with `cd`; later readers and steps do not see it.",
        remediation: "Use WORKDIR.",
        peers: "trivy:DS-0013; hadolint:DL3003",
        on_history: true,
    },
    Spec {
        id: "DF-013",
        title: "Both curl and wget used",
        severity: Low,
        description: "The Dockerfile uses both curl and wget: two tools for one job in the image.",
        remediation: "Use one of them.",
        peers: "trivy:DS-0014; hadolint:DL4001",
        on_history: true,
    },
    Spec {
        id: "DF-014",
        title: "yum cache not cleaned",
        severity: High,
        description: "`yum install` without `yum clean all` in the same RUN leaves the cache in the layer.",
        remediation: "Add `&& yum clean all` to the same RUN.",
        peers: "trivy:DS-0015; hadolint:DL3032",
        on_history: true,
    },
    Spec {
        id: "DF-015",
        title: "Several CMD instructions",
        severity: High,
        description: "A stage has more than one CMD; only the last one takes effect.",
        remediation: "Keep one CMD per stage.",
        peers: "trivy:DS-0016; hadolint:DL4003",
        on_history: false,
    },
    Spec {
        id: "DF-016",
        title: "apt-get update alone",
        severity: High,
        description: "`apt-get update` runs in a RUN without an install: the index goes stale in the layer cache and later installs use it.",
        remediation: "`RUN apt-get update && apt-get install -y ...` in one RUN.",
        peers: "trivy:DS-0017; hadolint:DL3009",
        on_history: true,
    },
    Spec {
        id: "DF-017",
        title: "dnf cache not cleaned",
        severity: High,
        description: "`dnf install` without `dnf clean all` in the same RUN.",
        remediation: "Add `&& dnf clean all`.",
        peers: "trivy:DS-0019; hadolint:DL3040",
        on_history: true,
    },
    Spec {
        id: "DF-018",
        title: "zypper cache not cleaned",
        severity: High,
        description: "`zypper install` without `zypper clean` in the same RUN.",
        remediation: "Add `&& zypper clean`.",
        peers: "trivy:DS-0020; hadolint:DL3036",
        on_history: true,
    },
    Spec {
        id: "DF-019",
        title: "apt-get install without -y",
        severity: High,
        description: "`apt-get install` without `-y`/`--yes`/`--assume-yes` waits for an answer the build never gives.",
        remediation: "Add `-y`.",
        peers: "trivy:DS-0021; hadolint:DL3014",
        on_history: true,
    },
    Spec {
        id: "DF-020",
        title: "MAINTAINER is deprecated",
        severity: High,
        description: "MAINTAINER is deprecated.",
        remediation: "Use `LABEL org.opencontainers.image.authors=...`.",
        peers: "trivy:DS-0022; hadolint:DL4000",
        on_history: true,
    },
    Spec {
        id: "DF-021",
        title: "Several HEALTHCHECK instructions",
        severity: High,
        description: "A stage has more than one HEALTHCHECK; only the last one takes effect.",
        remediation: "Keep one HEALTHCHECK.",
        peers: "trivy:DS-0023; hadolint:DL4005",
        on_history: false,
    },
    Spec {
        id: "DF-022",
        title: "apt-get upgrade in the image",
        severity: High,
        description: "`apt-get upgrade`/`dist-upgrade` in a build makes the image depend on the day it was built.",
        remediation: "Use an up-to-date base image; install pinned versions.",
        peers: "trivy:DS-0024 (releases before 0.76); hadolint:DL3005",
        on_history: true,
    },
    Spec {
        id: "DF-023",
        title: "apk add without --no-cache",
        severity: High,
        description: "`apk add` without `--no-cache` keeps the index in the layer.",
        remediation: "Use `apk add --no-cache`.",
        peers: "trivy:DS-0025; hadolint:DL3019",
        on_history: true,
    },
    Spec {
        id: "DF-024",
        title: "No HEALTHCHECK",
        severity: Low,
        description: "The final stage defines no HEALTHCHECK.",
        remediation: "Add `HEALTHCHECK CMD <probe>`, or configure probes in the orchestrator.",
        peers: "trivy:DS-0026; checkov:CKV_DOCKER_2",
        on_history: false,
    },
    Spec {
        id: "DF-025",
        title: "microdnf cache not cleaned",
        severity: High,
        description: "`microdnf install` without `microdnf clean all` in the same RUN.",
        remediation: "Add `&& microdnf clean all`.",
        peers: "trivy:DS-0027; hadolint:DL3041",
        on_history: true,
    },
    Spec {
        id: "DF-026",
        title: "apt-get install without --no-install-recommends",
        severity: High,
        description: "Recommended packages are installed too: a larger image and attack surface.",
        remediation: "Add `--no-install-recommends`.",
        peers: "trivy:DS-0029; hadolint:DL3015",
        on_history: true,
    },
    Spec {
        id: "DF-027",
        title: "apt lists not removed",
        severity: Low,
        description: "`apt-get install` without `rm -rf /var/lib/apt/lists/*` in the same RUN keeps the package lists in the layer.",
        remediation: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`.",
        peers: "hadolint:DL3009",
        on_history: true,
    },
    Spec {
        id: "DF-028",
        title: "WORKDIR is a system directory",
        severity: Medium,
        description: "WORKDIR is `/` or a system directory (`/bin`, `/usr`, `/etc`, ...): files the app writes land among system files.",
        remediation: "Use a dedicated directory such as `/app`.",
        peers: "trivy:DS-0030",
        on_history: true,
    },
    Spec {
        id: "DF-029",
        title: "Secret in ARG or ENV",
        severity: Critical_,
        description: "An ARG or ENV is named like a credential, or its value is one (same rules as the secrets plugin). Build args and env values are stored in the image config and history.",
        remediation: "Use BuildKit secrets (`RUN --mount=type=secret`) and runtime secret injection.",
        peers: "trivy:DS-0031",
        on_history: true,
    },
    Spec {
        id: "DF-030",
        title: "Secret file copied into the image",
        severity: High,
        description: "COPY/ADD copies a file that usually holds credentials (SSH keys, `.env`, `.npmrc`, `.pypirc`, cloud credentials, `*.pem`, `*.key`).",
        remediation: "Mount it at build time with `RUN --mount=type=secret` or provide it at run time.",
        peers: "trivy:DS-0031",
        on_history: false,
    },
    Spec {
        id: "DF-031",
        title: "apt-get install without pinned versions",
        severity: Medium,
        description: "Packages installed with apt-get without `=version`: builds are not reproducible.",
        remediation: "Pin: `apt-get install -y curl=7.88.1-10+deb12u5`.",
        peers: "hadolint:DL3008",
        on_history: true,
    },
    Spec {
        id: "DF-032",
        title: "apk add without pinned versions",
        severity: Medium,
        description: "Packages installed with apk without `=version`.",
        remediation: "Pin: `apk add --no-cache curl=8.5.0-r0`.",
        peers: "hadolint:DL3018",
        on_history: true,
    },
    Spec {
        id: "DF-033",
        title: "pip install without pinned versions",
        severity: Medium,
        description: "Packages installed with pip without `==version` (and not from a requirements or constraints file).",
        remediation: "Pin: `pip install requests==2.32.3`, or use `-r requirements.txt` with hashes.",
        peers: "hadolint:DL3013",
        on_history: true,
    },
    Spec {
        id: "DF-034",
        title: "npm install without pinned versions",
        severity: Medium,
        description: "Packages installed with npm without `@version`.",
        remediation: "Pin: `npm install express@4.19.2`, or `npm ci` from a lockfile.",
        peers: "hadolint:DL3016",
        on_history: true,
    },
    Spec {
        id: "DF-035",
        title: "gem install without pinned versions",
        severity: Medium,
        description: "Gems installed without `-v version` or `:version`.",
        remediation: "Pin: `gem install rails -v 7.1.3`.",
        peers: "hadolint:DL3028",
        on_history: true,
    },
    Spec {
        id: "DF-036",
        title: "Remote script piped to a shell",
        severity: High,
        description: "`curl ... | sh` or `wget -O- ... | sh`: the build runs whatever the server returns.",
        remediation: "Download, verify a checksum or signature, then run.",
        peers: "hadolint:DL4006 (related)",
        on_history: true,
    },
    Spec {
        id: "DF-037",
        title: "ADD of a remote URL without checksum",
        severity: Medium,
        description: "ADD downloads a URL without `--checksum`: the content can change under the same URL.",
        remediation: "Use `ADD --checksum=sha256:<digest> <url> <dest>`, or curl with a checksum check.",
        peers: "hadolint:DL3020 (related); trivy:DS-0005 (related)",
        on_history: true,
    },
    Spec {
        id: "DF-038",
        title: "World-writable permissions",
        severity: High,
        description: "COPY/ADD `--chmod` or `RUN chmod` gives 777 (or o+w): anyone in the container can rewrite the files.",
        remediation: "Grant the least permissions needed, e.g. `--chmod=755` for executables, 644 for data.",
        peers: "",
        on_history: true,
    },
    Spec {
        id: "DF-039",
        title: "Pipe without pipefail",
        severity: Low,
        description: "A shell-form RUN pipes commands without `set -o pipefail` (or `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it): a failure on the left of the pipe is ignored.",
        remediation: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with `set -o pipefail &&`.",
        peers: "hadolint:DL4006",
        on_history: false,
    },
    Spec {
        id: "DF-040",
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
            Rule::new(spec.id, spec.title, spec.severity)
                .description(&description)
                .remediation(spec.remediation)
                .reference("https://docs.docker.com/build/building/best-practices/")
        })
        .collect()
}
