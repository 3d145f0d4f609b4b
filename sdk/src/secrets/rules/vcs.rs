//! Source hosting and package registries: GitHub, GitLab, Bitbucket,
//! Atlassian, Sourcegraph, npm, PyPI, RubyGems, NuGet, Clojars, Packagist,
//! JFrog, Docker registries, Maven.

use crate::Severity::{Critical, High, Low, Medium};
use crate::secrets::checks::Check;
use crate::secrets::rule::SecretRule;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("github-pat", "GitHub personal access token (classic)", Critical, &["ghp_"],
            r"ghp_[0-9A-Za-z]{36}")
            .describe("A classic GitHub personal access token: ghp_, 30 random base62 characters and their CRC32 in 6 base62 digits; the checksum is verified.")
            .check(Check::Crc32Base62)
            .peers("trivy:github-pat; gitleaks:github-pat"),
        SecretRule::embedded_token("github-fine-grained-pat", "GitHub fine-grained personal access token", Critical, &["github_pat_"],
            r"github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}")
            .describe("A fine-grained GitHub personal access token: github_pat_, a 22-character id, _ and 59 characters.")
            .peers("trivy:github-fine-grained-pat; gitleaks:github-fine-grained-pat"),
        SecretRule::token("github-token", "GitHub OAuth, app or refresh token", Critical, &["gho_", "ghu_", "ghs_", "ghr_"],
            r"gh[ousr]_[0-9A-Za-z]{36}(?:[0-9A-Za-z]{40})?")
            .describe("A GitHub OAuth access token (gho_), user-to-server or server-to-server app token (ghu_, ghs_) or refresh token (ghr_): 30 random base62 characters and their CRC32 (verified); refresh tokens may be 76 characters long.")
            .check(Check::Crc32Base62)
            .peers("trivy:github-oauth, github-app-token, github-refresh-token; gitleaks:github-oauth, github-app-token, github-refresh-token"),
        SecretRule::token("github-app-installation-token", "GitHub App installation token (stateless)", Critical, &["ghs_"],
            r"ghs_[0-9]{1,12}_eyJ[0-9A-Za-z_\-]{8,}\.eyJ[0-9A-Za-z_\-]{8,}\.[0-9A-Za-z_\-]{8,}")
            .describe("A GitHub App installation token in the stateless format (ghs_<app id>_<JWT>) GitHub issues since 2026; its JWT header must decode.")
            .check(Check::JwtHeader)
            .peers("trivy:github-app-token"),
        SecretRule::token("gitlab-token", "GitLab token", Critical,
            &["glpat-", "glptt-", "glrt-", "gldt-", "glft-", "glsoat-", "glffct-", "glimt-", "glagent-", "gloas-", "glcbt-"],
            r"(?:glpat|glptt|glrt|gldt|glft|glsoat|glffct|glimt|glagent|gloas|glcbt)-[0-9A-Za-z_\-]{20,}(?:\.[0-9a-z]{9})?")
            .describe("A GitLab token by its prefix: personal/project/group access (glpat-), pipeline trigger (glptt-), runner (glrt-), deploy (gldt-), feed (glft-), SCIM (glsoat-), feature-flag client (glffct-), incoming mail (glimt-), agent (glagent-), OAuth app secret (gloas-), CI job (glcbt-); routable tokens end in .<9 characters>.")
            .peers("trivy:gitlab-pat; gitleaks:gitlab-pat, gitlab-pat-routable, gitlab-ptt, gitlab-runner-authentication-token, gitlab-runner-authentication-token-routable, gitlab-deploy-token, gitlab-feed-token, gitlab-scim-token, gitlab-feature-flag-client-token, gitlab-incoming-mail-token, gitlab-kubernetes-agent-token, gitlab-oauth-app-secret, gitlab-cicd-job-token"),
        SecretRule::token("gitlab-runner-registration-token", "GitLab runner registration token", High, &["gr1348941"],
            r"GR1348941[0-9A-Za-z_\-]{20}")
            .describe("A GitLab runner registration token (GR1348941 prefix, 20 characters).")
            .peers("gitleaks:gitlab-rrt"),
        SecretRule::raw("gitlab-session-cookie", "GitLab session cookie", High, &["_gitlab_session="],
            r"_gitlab_session=(?P<secret>[0-9a-z]{32})(?:[^0-9a-z]|$)".into())
            .describe("A GitLab session cookie (_gitlab_session= and 32 characters): it logs in as its user.")
            .peers("gitleaks:gitlab-session-cookie"),
        SecretRule::named("bitbucket-client-secret", "Bitbucket client secret", High, &["bitbucket"],
            "bitbucket", r"[0-9A-Za-z_\-]{64}")
            .describe("A Bitbucket OAuth client secret: 64 characters assigned to a name containing bitbucket.")
            .peers("trivy:bitbucket-client-secret; gitleaks:bitbucket-client-secret"),
        SecretRule::named("bitbucket-client-id", "Bitbucket client id", Low, &["bitbucket"],
            "bitbucket", r"[0-9A-Za-z]{32}")
            .describe("A Bitbucket OAuth client id: 32 characters assigned to a name containing bitbucket. Low: an id, but it travels with its secret.")
            .peers("trivy:bitbucket-client-id; gitleaks:bitbucket-client-id"),
        SecretRule::token("atlassian-api-token", "Atlassian API token", High, &["atatt3"],
            r"ATATT3[0-9A-Za-z_\-=]{186}")
            .describe("An Atlassian (Jira, Confluence) API token: ATATT3 and 186 characters.")
            .peers("gitleaks:atlassian-api-token"),
        SecretRule::named("atlassian-legacy-api-token", "Atlassian API token (legacy)", High, &["atlassian", "confluence", "jira"],
            "(?-i:ATLASSIAN|[Aa]tlassian|CONFLUENCE|[Cc]onfluence|JIRA|[Jj]ira)", r"[0-9A-Za-z]{24}")
            .describe("A legacy 24-character Atlassian API token assigned to a name containing atlassian, confluence or jira.")
            .entropy(3.5)
            .peers("trivy:atlassian-api-token; gitleaks:atlassian-api-token"),
        SecretRule::token("sourcegraph-access-token", "Sourcegraph access token", High, &["sgp_"],
            r"sgp_(?:[0-9a-fA-F]{16}_|local_)?[0-9a-fA-F]{40}")
            .describe("A Sourcegraph access token: sgp_, an optional instance id, and 40 hex digits.")
            .peers("gitleaks:sourcegraph-access-token"),
        SecretRule::named("sourcegraph-legacy-token", "Sourcegraph access token (legacy)", High, &["sourcegraph"],
            "sourcegraph", r"[0-9a-fA-F]{40}")
            .describe("A legacy Sourcegraph access token: 40 hex digits assigned to a name containing sourcegraph.")
            .peers("gitleaks:sourcegraph-access-token"),
        SecretRule::token("npm-token", "npm access token", Critical, &["npm_"],
            r"npm_[0-9A-Za-z]{36}")
            .describe("An npm access token: npm_, 30 random base62 characters and their CRC32 in 6 base62 digits (verified); it can publish packages as its owner.")
            .check(Check::Crc32Base62)
            .peers("trivy:npm-access-token; gitleaks:npm-access-token"),
        SecretRule::embedded_token("pypi-token", "PyPI upload token", Critical, &["pypi-ageichlwas5vcmc"],
            r"pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_\-]{50,}")
            .describe("A PyPI API token: a macaroon issued by pypi.org (pypi-AgEIcHlwaS5vcmc...); it can upload releases.")
            .peers("trivy:pypi-upload-token; gitleaks:pypi-upload-token"),
        SecretRule::token("rubygems-api-token", "RubyGems API key", High, &["rubygems_"],
            r"rubygems_[0-9a-f]{48}")
            .describe("A RubyGems.org API key: rubygems_ and 48 hex digits; it can push gems.")
            .peers("trivy:rubygems-api-token; gitleaks:rubygems-api-token"),
        SecretRule::raw("nuget-config-password", "Password in NuGet.Config", High, &["<add key="],
            r#"(?i)<add[ \t]+key="(?:ClearText)?Password"[ \t]+value="(?P<secret>[^"]{8,})"[ \t]*/>"#.into())
            .describe("A package source password in a NuGet.Config file (<add key=\"ClearTextPassword\" value=\"...\"/>).")
            .entropy(1.0)
            // Microsoft's documented sample passwords (NuGet.Config reference).
            .allow(&["33f!!lloppa", "hal+9ooo_da!sY"])
            .paths(&["nuget.config"])
            .peers("gitleaks:nuget-config-password"),
        SecretRule::raw("clojars-api-token", "Clojars deploy token", High, &["clojars_"],
            r"(?i:\b{start-half}(?P<secret>CLOJARS_[0-9a-z]{60})\b{end-half})".into())
            .describe("A Clojars deploy token: CLOJARS_ and 60 characters.")
            .peers("trivy:clojars-api-token; gitleaks:clojars-api-token"),
        SecretRule::embedded_token("private-packagist-token", "Private Packagist token", High, &["packagist_ort_", "packagist_out_", "packagist_uut_"],
            r"packagist_(?:ort|out|uut)_[0-9a-fA-F]{68}")
            .describe("A Private Packagist organization (packagist_ort_, packagist_out_) or user (packagist_uut_) token and 68 hex digits.")
            .peers("trivy:private-packagist-token"),
        SecretRule::token("artifactory-api-key", "JFrog Artifactory API key", High, &["akcp"],
            r"AKCp[0-9A-Za-z]{69}")
            .describe("A JFrog Artifactory API key: AKCp and 69 characters.")
            .entropy(4.5)
            .peers("gitleaks:artifactory-api-key"),
        SecretRule::token("artifactory-reference-token", "JFrog Artifactory reference token", High, &["cmvmd"],
            r"cmVmd[0-9A-Za-z]{59}")
            .describe("A JFrog Artifactory reference token: cmVmd (base64 of \"ref\") and 59 characters.")
            .entropy(4.5)
            .peers("gitleaks:artifactory-reference-token"),
        SecretRule::named("jfrog-api-key", "JFrog API key or identity token", High, &["jfrog", "artifactory", "bintray", "xray"],
            "jfrog|artifactory|bintray|xray", r"[0-9A-Za-z]{73}|[0-9A-Za-z]{64}")
            .describe("A JFrog API key (73 characters) or identity token (64) assigned to a name containing jfrog, artifactory, bintray or xray.")
            .peers("gitleaks:jfrog-api-key, jfrog-identity-token"),
        SecretRule::raw("docker-config-secret", "Docker registry credentials in a Kubernetes secret", High, &[".dockerconfigjson", ".dockercfg"],
            r#"\.(?:dockerconfigjson|dockercfg)["']?[ \t]*:[ \t]*(?:[|>][-+]?[ \t]*\r?\n[ \t]*)?["']?(?P<secret>e[wy][0-9A-Za-z+/=]{8,})"#.into())
            .describe("A Kubernetes Secret's .dockerconfigjson or .dockercfg: base64 of a Docker config holding registry credentials.")
            .peers("trivy:dockerconfig-secret"),
        SecretRule::raw("docker-config-auth", "Registry credentials in a Docker config", High, &["\"auths\""],
            r#""auth"[ \t]*:[ \t]*"(?P<secret>[0-9A-Za-z+/]{8,}={0,2})""#.into())
            .describe("An \"auth\" entry of a Docker config.json (base64 of user:password) under \"auths\".")
            .check(Check::BasicAuth)
            .entropy(2.5),
        SecretRule::raw("maven-settings-password", "Password in Maven settings.xml", High, &["<password>"],
            r"(?i)<[ \t]*password[ \t]*>[ \t]*(?P<secret>[^<\s{$][^<{]*[^<\s])[ \t]*<[ \t]*/[ \t]*password[ \t]*>".into())
            .describe("A server password in clear in a Maven settings.xml (encrypted {...} values and ${...} properties are not reported).")
            .entropy(1.0)
            .paths(&["settings.xml"])
            .peers("trivy:maven-settings-password"),
        SecretRule::raw("maven-settings-passphrase", "Key passphrase in Maven settings.xml", High, &["<passphrase>"],
            r"(?i)<[ \t]*passphrase[ \t]*>[ \t]*(?P<secret>[^<\s{$][^<{]*[^<\s])[ \t]*<[ \t]*/[ \t]*passphrase[ \t]*>".into())
            .describe("A private key passphrase in clear in a Maven settings.xml.")
            .entropy(1.0)
            .paths(&["settings.xml"])
            .peers("trivy:maven-settings-passphrase"),
        SecretRule::raw("maven-settings-security-master", "Maven master password", High, &["<master>"],
            r"(?i)<[ \t]*master[ \t]*>[ \t]*(?P<secret>[^<\s{$][^<{]*[^<\s])[ \t]*<[ \t]*/[ \t]*master[ \t]*>".into())
            .describe("The master password of Maven's settings-security.xml in clear (not encrypted with --encrypt-master-password): it decrypts every encrypted password of settings.xml.")
            .entropy(1.0)
            .paths(&["settings-security.xml"])
            .peers("trivy:maven-settings-security-master"),
        SecretRule::token("readme-api-token", "ReadMe API key", Medium, &["rdme_"],
            r"rdme_[0-9a-z]{70}")
            .describe("A ReadMe API key: rdme_ and 70 characters.")
            .peers("gitleaks:readme-api-token"),
    ]
}
