//! Infrastructure, CI/CD and observability: HashiCorp Vault and Terraform,
//! Pulumi, Doppler, 1Password, age, Harness, Octopus Deploy, Prefect,
//! Infracost, Postman, Sentry, Grafana, Datadog, New Relic, Dynatrace, Sumo
//! Logic, LaunchDarkly, Okta, Authress, Defined Networking, SettleMint,
//! ClickHouse, Databricks, PlanetScale, Confluent, Codecov, Travis CI,
//! Drone, Snyk, SonarQube, Cisco Meraki, Linear, Fastly.

use crate::Severity::{Critical, High, Medium};
use crate::secrets::rule::SecretRule;

use super::cloud::UUID;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("vault-token", "HashiCorp Vault token", Critical, &["hvs.", "hvb."],
            r"hvs\.[0-9A-Za-z_\-]{90,120}|hvb\.[0-9A-Za-z_\-]{138,300}")
            .describe("A HashiCorp Vault service (hvs.) or batch (hvb.) token.")
            .entropy(3.5)
            .peers("gitleaks:vault-service-token, vault-batch-token"),
        SecretRule::named("vault-legacy-token", "HashiCorp Vault token (legacy)", High, &["vault"],
            "vault", r"s\.[0-9A-Za-z]{24}")
            .describe("A legacy HashiCorp Vault service token (s. and 24 characters) assigned to a name containing vault.")
            .entropy(3.5)
            .peers("gitleaks:vault-service-token"),
        SecretRule::token("terraform-cloud-token", "Terraform Cloud / Enterprise API token", Critical, &["atlasv1"],
            r"[0-9A-Za-z]{14}\.atlasv1\.[0-9A-Za-z_=\-]{60,70}")
            .describe("A Terraform Cloud or Enterprise user, team or organization API token: 14 characters, .atlasv1. and 60 to 70 characters.")
            .entropy(3.5)
            .peers("trivy:hashicorp-tf-api-token; gitleaks:hashicorp-tf-api-token"),
        SecretRule::raw("terraform-password", "Password in Terraform configuration", High, &["password"],
            r#"(?i)[0-9a-z_]{0,50}password[0-9a-z_]{0,20}[ \t]*=[ \t]*"(?P<secret>[0-9A-Za-z=_\-]{8,20})""#.into())
            .describe("A literal password (8 to 20 characters) assigned to a password argument in Terraform (.tf, .hcl) files, such as administrator_login_password.")
            .entropy(2.0)
            .paths(&[".tf", ".hcl"])
            .peers("gitleaks:hashicorp-tf-password"),
        SecretRule::token("pulumi-access-token", "Pulumi access token", High, &["pul-"],
            r"pul-[0-9a-f]{40}")
            .describe("A Pulumi access token: pul- and 40 hex digits.")
            .peers("trivy:pulumi-api-token; gitleaks:pulumi-api-token"),
        SecretRule::token("doppler-token", "Doppler token", High, &["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
            r"dp\.(?:pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,44}")
            .describe("A Doppler personal (dp.pt.), service (dp.st.), service account (dp.sa.), CLI (dp.ct.), SCIM or audit token.")
            .peers("trivy:doppler-api-token; gitleaks:doppler-api-token"),
        SecretRule::token("onepassword-secret-key", "1Password account secret key", Critical, &["a3-"],
            r"A3-[0-9A-Z]{6}-(?:[0-9A-Z]{11}|[0-9A-Z]{6}-[0-9A-Z]{5})-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")
            .describe("A 1Password account Secret Key (A3-XXXXXX-...): with the account password it opens every vault.")
            .entropy(3.8)
            .peers("gitleaks:1password-secret-key"),
        SecretRule::token("onepassword-service-account-token", "1Password service account token", Critical, &["ops_ey"],
            r"ops_eyJ[0-9A-Za-z+/]{250,}={0,3}")
            .describe("A 1Password service account token: ops_ and a base64 JSON document.")
            .entropy(4.0)
            .peers("gitleaks:1password-service-account-token"),
        SecretRule::token("age-secret-key", "age secret key", High, &["age-secret-key-1"],
            r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}")
            .describe("An age encryption secret key: AGE-SECRET-KEY-1 and 58 bech32 characters.")
            .peers("trivy:age-secret-key; gitleaks:age-secret-key"),
        SecretRule::token("harness-api-key", "Harness API key", High, &["pat.", "sat."],
            r"(?:pat|sat)\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z]{24}\.[0-9A-Za-z]{20}")
            .describe("A Harness personal (pat.) or service account (sat.) API key: account id, key id and secret.")
            .peers("gitleaks:harness-api-key"),
        SecretRule::token("octopus-deploy-api-key", "Octopus Deploy API key", High, &["octopus"],
            r"API-[0-9A-Z]{26}")
            .describe("An Octopus Deploy API key (API- and 26 characters) in a file that mentions octopus.")
            .peers("gitleaks:octopus-deploy-api-key"),
        SecretRule::token("prefect-api-token", "Prefect API key", High, &["pnu_"],
            r"pnu_[0-9A-Za-z]{36}")
            .describe("A Prefect Cloud API key: pnu_ and 36 characters.")
            .peers("gitleaks:prefect-api-token"),
        SecretRule::token("infracost-api-token", "Infracost API key", Medium, &["ico-"],
            r"ico-[0-9A-Za-z]{32}")
            .describe("An Infracost API key: ico- and 32 characters.")
            .peers("gitleaks:infracost-api-token"),
        SecretRule::token("postman-api-token", "Postman API key", High, &["pmak-"],
            r"PMAK-[0-9a-fA-F]{24}-[0-9a-fA-F]{34}")
            .describe("A Postman API key: PMAK-, 24 and 34 hex digits.")
            .peers("trivy:postman-api-token; gitleaks:postman-api-token"),
        SecretRule::token("sentry-token", "Sentry auth token", High, &["sntryu_", "sntrys_"],
            r"sntryu_[0-9a-f]{64}|sntrys_eyJpYXQiO[0-9A-Za-z+/]{10,}={0,2}_[0-9A-Za-z+/]{43}")
            .describe("A Sentry user auth token (sntryu_ and 64 hex digits) or organization token (sntrys_, a base64 JSON with its region URL, _ and 43 characters).")
            .entropy(3.5)
            .peers("gitleaks:sentry-user-token, sentry-org-token"),
        SecretRule::named("sentry-access-token", "Sentry access token (legacy)", High, &["sentry"],
            "sentry", r"[0-9a-f]{64}")
            .describe("A legacy Sentry access token: 64 hex digits assigned to a name containing sentry.")
            .peers("gitleaks:sentry-access-token"),
        SecretRule::raw("grafana-api-key", "Grafana API key", Medium, &["eyjrijoi"],
            r"(?:^|[^0-9A-Za-z])(?P<secret>eyJrIjoi[0-9A-Za-z+/_\-]{70,}={0,3})(?:[^0-9A-Za-z+/_=\-]|$)".into())
            .describe("A Grafana API key: base64 of a JSON document starting {\"k\":\"...")
            .peers("trivy:grafana-api-token; gitleaks:grafana-api-key"),
        SecretRule::token("grafana-cloud-token", "Grafana Cloud or service account token", High, &["glc_", "glsa_"],
            r"glc_[0-9A-Za-z+/]{32,}={0,3}|glsa_[0-9A-Za-z]{32}_[0-9A-Fa-f]{8}")
            .describe("A Grafana Cloud access policy token (glc_ and base64) or service account token (glsa_, 32 characters, _ and an 8-hex checksum).")
            .peers("gitleaks:grafana-cloud-api-token, grafana-service-account-token"),
        SecretRule::named("datadog-api-key", "Datadog API or application key", High, &["datadog", "dd_api_key", "dd_app_key"],
            r"datadog|dd_api_key|dd_app_key|dd_application_key", r"[0-9a-f]{40}|[0-9a-f]{32}")
            .describe("A Datadog application key (40 hex digits) or API key (32) assigned to a name containing datadog or DD_API_KEY.")
            .peers("gitleaks:datadog-access-token"),
        SecretRule::token("new-relic-key", "New Relic API key", Medium, &["nrak-", "nrjs-", "nrii-"],
            r"NRAK-[0-9A-Z]{27}|NRJS-[0-9a-f]{19}|NRII-[0-9A-Za-z\-]{32}")
            .describe("A New Relic user API key (NRAK-), browser API key (NRJS-) or insert key (NRII-).")
            .peers("trivy:new-relic-user-api-key, new-relic-browser-api-token; gitleaks:new-relic-user-api-key, new-relic-browser-api-token, new-relic-insert-key"),
        SecretRule::named("new-relic-user-api-id", "New Relic API id", Medium, &["newrelic", "new-relic", "new_relic"],
            r"new[_\-]?relic", r"[0-9A-Za-z]{64}")
            .describe("A 64-character New Relic user API id assigned to a name containing newrelic.")
            .peers("trivy:new-relic-user-api-id; gitleaks:new-relic-user-api-id"),
        SecretRule::token("dynatrace-api-token", "Dynatrace API token", High, &["dt0c01."],
            r"dt0c01\.[0-9A-Za-z]{24}\.[0-9A-Za-z]{64}")
            .describe("A Dynatrace API token: dt0c01., a 24-character id and a 64-character secret.")
            .peers("trivy:dynatrace-api-token; gitleaks:dynatrace-api-token"),
        SecretRule::named("sumologic-access-key", "Sumo Logic access id or key", High, &["sumo"],
            "(?-i:[Ss]umo|SUMO)", r"su[0-9A-Za-z]{12}|[0-9A-Za-z]{64}")
            .describe("A Sumo Logic access id (su and 12 characters) or access key (64) assigned to a name containing sumo.")
            .peers("gitleaks:sumologic-access-id, sumologic-access-token"),
        SecretRule::named("launchdarkly-access-token", "LaunchDarkly access token", High, &["launchdarkly"],
            "launchdarkly", r"[0-9A-Za-z=_\-]{40}")
            .describe("A LaunchDarkly access token: 40 characters assigned to a name containing launchdarkly.")
            .peers("gitleaks:launchdarkly-access-token"),
        SecretRule::named("okta-access-token", "Okta API token", High, &["okta"],
            "(?-i:[Oo]kta|OKTA)", r"00[0-9A-Za-z=_\-]{40}")
            .describe("An Okta API token (00 and 40 characters) assigned to a name containing okta.")
            .entropy(4.0)
            .peers("gitleaks:okta-access-token"),
        SecretRule::token("authress-access-key", "Authress service client access key", High, &[".acc_", ".acc-"],
            r"(?:sc|ext|scauth|authress)_[0-9A-Za-z]{5,30}\.[0-9A-Za-z]{4,6}\.acc[_\-][0-9A-Za-z\-]{10,32}\.[0-9A-Za-z+/_=\-]{30,120}")
            .describe("An Authress service client access key: <prefix>_<id>.<account>.acc_<client>.<secret>.")
            .peers("gitleaks:authress-service-client-access-key"),
        SecretRule::token("defined-networking-api-token", "Defined Networking API token", High, &["dnkey-"],
            r"dnkey-[0-9A-Za-z=_\-]{26}-[0-9A-Za-z=_\-]{52}")
            .describe("A Defined Networking (Nebula) API token: dnkey-, 26 and 52 characters.")
            .peers("gitleaks:defined-networking-api-token"),
        SecretRule::token("settlemint-token", "SettleMint access token", High, &["sm_aat_", "sm_pat_", "sm_sat_"],
            r"sm_(?:aat|pat|sat)_[0-9A-Za-z]{16}")
            .describe("A SettleMint application (sm_aat_), personal (sm_pat_) or service (sm_sat_) access token.")
            .peers("gitleaks:settlemint-application-access-token, settlemint-personal-access-token, settlemint-service-access-token"),
        SecretRule::token("clickhouse-cloud-api-secret", "ClickHouse Cloud API secret", High, &["4b1d"],
            r"4b1d[0-9A-Za-z]{38}")
            .describe("A ClickHouse Cloud API secret key: 4b1d and 38 characters.")
            .peers("gitleaks:clickhouse-cloud-api-secret-key"),
        SecretRule::token("databricks-api-token", "Databricks access token", High, &["dapi"],
            r"dapi[0-9a-f]{32}(?:-[0-9])?")
            .describe("A Databricks personal access token: dapi and 32 hex digits.")
            .peers("trivy:databricks-api-token; gitleaks:databricks-api-token"),
        SecretRule::token("planetscale-token", "PlanetScale password or token", High, &["pscale_pw_", "pscale_tkn_", "pscale_oauth_"],
            r"pscale_(?:pw|tkn|oauth)_[0-9A-Za-z_=.\-]{32,64}")
            .describe("A PlanetScale database password (pscale_pw_), service token (pscale_tkn_) or OAuth token (pscale_oauth_).")
            .peers("trivy:planetscale-password, planetscale-api-token; gitleaks:planetscale-password, planetscale-api-token, planetscale-oauth-token"),
        SecretRule::named("confluent-secret-key", "Confluent API key or secret", High, &["confluent"],
            "confluent", r"[0-9A-Za-z]{64}|[0-9A-Za-z]{16}")
            .describe("A Confluent Cloud API secret (64 characters) or key (16) assigned to a name containing confluent.")
            .peers("gitleaks:confluent-secret-key, confluent-access-token"),
        SecretRule::named("codecov-access-token", "Codecov token", Medium, &["codecov"],
            "codecov", &format!(r"[0-9a-z]{{32}}|{UUID}"))
            .describe("A Codecov upload or access token assigned to a name containing codecov.")
            .peers("gitleaks:codecov-access-token"),
        SecretRule::named("travisci-access-token", "Travis CI access token", Medium, &["travis"],
            "travis", r"[0-9A-Za-z]{22}")
            .describe("A Travis CI access token: 22 characters assigned to a name containing travis.")
            .peers("gitleaks:travisci-access-token"),
        SecretRule::named("droneci-access-token", "Drone CI access token", Medium, &["droneci", "drone_"],
            r"drone[_\-]?ci|drone_", r"[0-9A-Za-z]{32}")
            .describe("A Drone CI access token: 32 characters assigned to a name containing droneci.")
            .peers("gitleaks:droneci-access-token"),
        SecretRule::named("snyk-api-token", "Snyk API token", High, &["snyk"],
            r"snyk[_.\-]?(?:(?:api|oauth)[_.\-]?)?(?:key|token)", UUID)
            .describe("A Snyk API token (a UUID) assigned to a name like SNYK_TOKEN.")
            .peers("gitleaks:snyk-api-token"),
        SecretRule::token("sonarqube-token", "SonarQube token", High, &["squ_", "sqp_", "sqa_"],
            r"sq[upa]_[0-9a-f]{40}")
            .describe("A SonarQube user (squ_), project analysis (sqp_) or global analysis (sqa_) token and 40 hex digits.")
            .peers("gitleaks:sonar-api-token"),
        SecretRule::named("sonar-login-token", "SonarQube token (legacy)", High, &["sonar"],
            r"sonar[_.\-]?(?:login|token)", r"[0-9a-f]{40}")
            .describe("A legacy SonarQube token: 40 hex digits assigned to sonar.login or SONAR_TOKEN.")
            .peers("gitleaks:sonar-api-token"),
        SecretRule::named("cisco-meraki-api-key", "Cisco Meraki API key", High, &["meraki"],
            "(?-i:[Mm]eraki|MERAKI)", r"[0-9a-f]{40}")
            .describe("A Cisco Meraki Dashboard API key: 40 hex digits assigned to a name containing meraki.")
            .peers("gitleaks:cisco-meraki-api-key"),
        SecretRule::token("linear-api-key", "Linear API key", High, &["lin_api_"],
            r"lin_api_[0-9A-Za-z]{40}")
            .describe("A Linear personal API key: lin_api_ and 40 characters.")
            .peers("trivy:linear-api-token; gitleaks:linear-api-key"),
        SecretRule::named("linear-client-secret", "Linear OAuth client secret", Medium, &["linear"],
            "linear", r"[0-9a-f]{32}")
            .describe("A Linear OAuth client secret: 32 hex digits assigned to a name containing linear.")
            .peers("trivy:linear-client-secret; gitleaks:linear-client-secret"),
        SecretRule::named("fastly-api-token", "Fastly API token", High, &["fastly"],
            "fastly", r"[0-9A-Za-z_=\-]{32}")
            .describe("A Fastly API token: 32 characters assigned to a name containing fastly.")
            .peers("trivy:fastly-api-token; gitleaks:fastly-api-token"),
    ]
}
