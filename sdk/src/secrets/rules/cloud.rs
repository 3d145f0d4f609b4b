//! Cloud providers: AWS, Google Cloud, Azure, Alibaba, DigitalOcean,
//! Cloudflare, Heroku, Yandex, Fly.io, Netlify, Scalingo, OpenShift.

use crate::Severity::{Critical, High};
use crate::secrets::checks::Check;
use crate::secrets::rule::SecretRule;

/// A UUID in hex, either case.
pub const UUID: &str =
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/// API keys published as samples in Google's Firebase SDKs
/// (firebase-android-sdk test resources and docs): public by design.
const FIREBASE_SAMPLE_KEYS: &[&str] = &[
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
];

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("aws-access-key-id", "AWS access key ID", Critical, &["akia", "asia", "abia", "acca", "a3t"],
            r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}")
            .describe("An AWS access key ID: AKIA (long-term), ASIA (temporary), ABIA or ACCA and 16 base32 characters (A-Z, 2-7). Paired with its secret key it grants the permissions of an IAM identity. IAM ids of users, roles and groups (AIDA, AROA, AGPA...) are identifiers, not credentials, and are not reported.")
            .check(Check::AwsKeyId)
            .allow(&["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"])
            .peers("trivy:aws-access-key-id; gitleaks:aws-access-token"),
        SecretRule::raw("aws-secret-access-key", "AWS secret access key", Critical, &["aws"],
            r#"(?i)aws[0-9a-z_.\-]{0,20}sec(?:ret)?[0-9a-z_.\-]{0,20}["']?[ \t]{0,8}(?:[:=]>?|[ \t]["'])[ \t]{0,8}["']?(?P<secret>[0-9A-Za-z/+]{40})(?:[^0-9A-Za-z/+=]|$)"#.into())
            .describe("A 40-character AWS secret access key assigned to a name containing aws and secret (aws_secret_access_key, AWS_SECRET_KEY, aws_sec_key).")
            .entropy(4.0)
            .allow(&["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"])
            .peers("trivy:aws-secret-access-key"),
        SecretRule::token("aws-bedrock-api-key", "Amazon Bedrock API key", Critical, &["absk", "bedrock-api-key-"],
            r"ABSK[0-9A-Za-z+/]{109,}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[0-9A-Za-z+/=%]{16,}")
            .describe("An Amazon Bedrock API key: long-term (ABSK and base64) or short-term (bedrock-api-key- and a base64 presigned URL for bedrock.amazonaws.com).")
            .peers("gitleaks:aws-amazon-bedrock-api-key-long-lived, aws-amazon-bedrock-api-key-short-lived"),
        SecretRule::token("google-api-key", "Google API key", High, &["aiza"],
            r"AIza[0-9A-Za-z_\-]{35}")
            .describe("A Google Cloud / Firebase / Gemini API key: AIza and 35 characters. The sample keys published in the Firebase SDKs are not reported.")
            .entropy(3.5)
            .allow(FIREBASE_SAMPLE_KEYS)
            .peers("gitleaks:gcp-api-key"),
        SecretRule::raw("gcp-service-account", "Google Cloud service account key file", Critical, &["service_account"],
            r#""private_key_id"[ \t]*:[ \t]*"(?P<secret>[0-9a-f]{40})""#.into())
            .describe("A Google Cloud service account JSON key (type service_account with a private_key_id).")
            .peers("trivy:gcp-service-account"),
        SecretRule::token("google-oauth-client-secret", "Google OAuth client secret", High, &["gocspx-"],
            r"GOCSPX-[0-9A-Za-z_\-]{28}")
            .describe("A Google OAuth 2.0 client secret: GOCSPX- and 28 characters."),
        SecretRule::raw("azure-storage-key", "Azure storage account key", Critical, &["accountkey"],
            r"(?i:AccountKey)[ \t]*=[ \t]*(?P<secret>[0-9A-Za-z+/]{86}==)".into())
            .describe("An Azure storage account key in a connection string (AccountKey= and 88 base64 characters).")
            .entropy(4.0)
            .peers("trivy:azure-storage-account-key"),
        SecretRule::raw("azure-sas-token", "Azure shared access signature", High, &["sig="],
            r#"sv=[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[&;][a-z]{1,8}=[^&\s'"]*)*[&;]sig=(?P<secret>[0-9A-Za-z%+/=]{40,})"#.into())
            .describe("An Azure Storage shared access signature: a query with a service version (sv=) and a signature (sig=); it grants what its permissions say until it expires.")
            .peers("trivy:azure-sas-token"),
        SecretRule::raw("azure-devops-pat", "Azure DevOps personal access token", High,
            &["azure_devops", "azuredevops", "azure-devops", "ado_pat", "ado_token", "ado-pat", "ado-token"],
            r#"(?i)(?:azure[_\-]?devops|ado)[_\-]?(?:pat|token|personal.?access.?token)[ \t]*[:=][ \t]*["']?(?P<secret>[a-z2-7]{52}|[0-9A-Za-z]{84})(?:[^0-9A-Za-z]|$)"#.into())
            .describe("An Azure DevOps personal access token (52 base32 characters, or the 84-character format) assigned to an azure_devops/ado token name.")
            .peers("trivy:azure-devops-pat"),
        SecretRule::raw("azure-entra-client-secret", "Azure Entra ID client secret", Critical, &["q~"],
            r"(?:^|[^0-9A-Za-z_~.\-])(?P<secret>[0-9A-Za-z_~.\-]{3}[0-9]Q~[0-9A-Za-z_~.\-]{31,34})(?:[^0-9A-Za-z_~.\-]|$)".into())
            .describe("An Azure Entra ID (Azure AD) application client secret: three characters, a digit and Q~, then 31 to 34 characters.")
            .peers("trivy:azure-entra-client-secret; gitleaks:azure-ad-client-secret"),
        SecretRule::token("azure-container-registry-key", "Azure Container Registry access key", Critical, &["acyebjfeqg7naaa"],
            r"[0-9A-Za-z+/]{52}JQQJ99C[A-Z]ACYeBjFEqg7NAAA[A-Z]AZCR[0-9A-Za-z+/]{4}")
            .describe("An Azure Container Registry access key in the 84-character identifiable format (JQQJ99 signature, AZCR).")
            .peers("trivy:azure-container-registry-credential"),
        SecretRule::raw("azure-container-registry-password", "Azure Container Registry password", Critical, &["azurecr.io"],
            r#"(?i)azurecr\.io[^\n]{0,100}(?:password|pwd)[ \t]*[:=][ \t]*["']?(?P<secret>[0-9A-Za-z+/]{32})(?:[^0-9A-Za-z+/=]|$)"#.into())
            .describe("A 32-character Azure Container Registry password next to its registry's azurecr.io name.")
            .peers("trivy:azure-container-registry-password"),
        SecretRule::raw("azure-app-config-connection-string", "Azure App Configuration connection string", Critical, &["azconfig.io"],
            r"(?i)Endpoint[ \t]*=[ \t]*https://[0-9A-Za-z\-]{1,64}\.azconfig\.io[ \t]*;[ \t]*Id[ \t]*=[ \t]*[0-9A-Za-z+/=:\-]{1,64}[ \t]*;[ \t]*Secret[ \t]*=[ \t]*(?P<secret>[0-9A-Za-z+/=~]{32,88})".into())
            .describe("An Azure App Configuration connection string with its Secret.")
            .peers("trivy:azure-app-config-connection-string"),
        SecretRule::token("azure-ai-services-key", "Azure AI services key", High, &["xj3w3"],
            r"[0-9A-Za-z+/]{52}JQQJ99C[A-Z][0-9A-Za-z+/]{7}XJ3w3[0-9A-Za-z+/]{4}ACOG[0-9A-Za-z+/]{4}")
            .describe("An Azure AI services (Cognitive Services, OpenAI) key in the 84-character identifiable format (JQQJ99 signature, ACOG).")
            .peers("trivy:azure-ai-services-key"),
        SecretRule::raw("microsoft-teams-webhook", "Microsoft Teams incoming webhook", High, &["webhook.office.com"],
            r"(?P<secret>https://[0-9a-z\-]{1,64}\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/[0-9a-z]{32}/[0-9a-f\-]{36})".into())
            .describe("A Microsoft Teams incoming webhook URL; anyone holding it can post to the channel.")
            .peers("gitleaks:microsoft-teams-webhook"),
        SecretRule::token("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", High, &["ltai"],
            r"LTAI[0-9A-Za-z]{20}")
            .describe("An Alibaba Cloud AccessKey ID: LTAI and 20 characters.")
            .entropy(2.0)
            .peers("trivy:alibaba-access-key-id; gitleaks:alibaba-access-key-id"),
        SecretRule::named("alibaba-secret-key", "Alibaba Cloud AccessKey secret", High, &["alibaba"],
            "alibaba", r"[0-9A-Za-z]{30}")
            .describe("An Alibaba Cloud AccessKey secret: 30 characters assigned to a name containing alibaba.")
            .peers("trivy:alibaba-secret-key; gitleaks:alibaba-secret-key"),
        SecretRule::token("digitalocean-token", "DigitalOcean token", Critical, &["dop_v1_", "doo_v1_", "dor_v1_"],
            r"do[por]_v1_[0-9a-f]{64}")
            .describe("A DigitalOcean personal access (dop_v1_), OAuth (doo_v1_) or refresh (dor_v1_) token and 64 hex digits.")
            .peers("gitleaks:digitalocean-pat, digitalocean-access-token, digitalocean-refresh-token"),
        SecretRule::named("cloudflare-api-token", "Cloudflare API token", High, &["cloudflare"],
            "cloudflare", r"[0-9A-Za-z_\-]{40}")
            .describe("A Cloudflare API token: 40 characters assigned to a name containing cloudflare.")
            .peers("gitleaks:cloudflare-api-key"),
        SecretRule::named("cloudflare-global-api-key", "Cloudflare global API key", Critical, &["cloudflare"],
            "cloudflare", r"[0-9a-f]{37}")
            .describe("A Cloudflare global API key: 37 hex digits assigned to a name containing cloudflare.")
            .peers("gitleaks:cloudflare-global-api-key"),
        SecretRule::token("cloudflare-origin-ca-key", "Cloudflare Origin CA key", High, &["v1.0-"],
            r"v1\.0-[0-9a-f]{24}-[0-9a-f]{146}")
            .describe("A Cloudflare Origin CA key: v1.0-, 24 and 146 hex digits.")
            .peers("gitleaks:cloudflare-origin-ca-key"),
        SecretRule::named("heroku-api-key", "Heroku API key", High, &["heroku"],
            "heroku", UUID)
            .describe("A Heroku API key: a UUID assigned to a name containing heroku.")
            .peers("trivy:heroku-api-key; gitleaks:heroku-api-key"),
        SecretRule::token("heroku-platform-key", "Heroku platform API key", High, &["hrku-aa"],
            r"HRKU-AA[0-9A-Za-z_\-]{58}")
            .describe("A Heroku platform API key in the current format: HRKU-AA and 58 characters.")
            .entropy(4.0)
            .peers("gitleaks:heroku-api-key-v2"),
        SecretRule::named("yandex-api-key", "Yandex Cloud API key", High, &["yandex"],
            "yandex", r"AQVN[0-9A-Za-z_\-]{35,38}")
            .describe("A Yandex Cloud API key (AQVN...) assigned to a name containing yandex.")
            .peers("gitleaks:yandex-api-key"),
        SecretRule::named("yandex-aws-access-token", "Yandex Cloud static access key", High, &["yandex"],
            "yandex", r"YC[0-9A-Za-z_\-]{38}")
            .describe("A Yandex Cloud static (AWS-compatible) access key (YC...) assigned to a name containing yandex.")
            .peers("gitleaks:yandex-aws-access-token"),
        SecretRule::named("yandex-iam-token", "Yandex Cloud IAM token", High, &["yandex"],
            "yandex", r"t1\.[0-9A-Za-z_\-]{1,200}={0,2}\.[0-9A-Za-z_\-]{86}={0,2}")
            .describe("A Yandex Cloud IAM token (t1. ...) assigned to a name containing yandex.")
            .peers("gitleaks:yandex-access-token"),
        SecretRule::token("flyio-access-token", "Fly.io access token", High, &["fo1_", "fm1a_", "fm1r_", "fm2_"],
            r"fo1_[0-9A-Za-z_\-]{43}|fm1[ar]_[0-9A-Za-z+/]{100,}={0,3}|fm2_[0-9A-Za-z+/]{100,}={0,3}")
            .describe("A Fly.io access token (fo1_, fm1a_, fm1r_, fm2_ macaroons).")
            .entropy(4.0)
            .peers("gitleaks:flyio-access-token"),
        SecretRule::named("netlify-access-token", "Netlify access token", High, &["netlify"],
            "netlify", r"[0-9A-Za-z_=\-]{40,46}")
            .describe("A Netlify personal access token: 40 to 46 characters assigned to a name containing netlify.")
            .peers("gitleaks:netlify-access-token"),
        SecretRule::token("scalingo-api-token", "Scalingo API token", High, &["tk-us-"],
            r"tk-us-[0-9A-Za-z_\-]{48}")
            .describe("A Scalingo API token: tk-us- and 48 characters.")
            .peers("gitleaks:scalingo-api-token"),
        SecretRule::token("openshift-user-token", "OpenShift user token", High, &["sha256~"],
            r"sha256~[0-9A-Za-z_\-]{43}")
            .describe("An OpenShift OAuth user token: sha256~ and 43 characters.")
            .entropy(3.5)
            .peers("gitleaks:openshift-user-token"),
    ]
}
