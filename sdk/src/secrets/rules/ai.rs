//! AI model providers: OpenAI, Anthropic, Hugging Face, Cohere,
//! Perplexity, Private AI.

use crate::Severity::{Critical, High, Medium};
use crate::secrets::rule::SecretRule;

/// OpenAI's watermark inside every `sk-` key: base64 of "OpenAI".
const WATERMARK: &str = "t3blbkfj";

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("openai-project-api-key", "OpenAI project API key", Critical, &[WATERMARK],
            r"sk-proj-[0-9A-Za-z_\-]{20,100}T3BlbkFJ[0-9A-Za-z_\-]{20,100}")
            .describe("An OpenAI project API key: sk-proj-, random characters around the T3BlbkFJ watermark (base64 of \"OpenAI\").")
            .peers("trivy:openai-project-api-key; gitleaks:openai-api-key"),
        SecretRule::token("openai-service-account-key", "OpenAI service account key", Critical, &[WATERMARK],
            r"sk-svcacct-[0-9A-Za-z_\-]{20,100}T3BlbkFJ[0-9A-Za-z_\-]{20,100}")
            .describe("An OpenAI service account key: sk-svcacct- and the T3BlbkFJ watermark.")
            .peers("trivy:openai-service-account-key; gitleaks:openai-api-key"),
        SecretRule::token("openai-admin-api-key", "OpenAI admin API key", Critical, &[WATERMARK],
            r"sk-admin-[0-9A-Za-z_\-]{20,100}T3BlbkFJ[0-9A-Za-z_\-]{20,100}")
            .describe("An OpenAI admin API key: sk-admin- and the T3BlbkFJ watermark; it manages the whole organization.")
            .peers("trivy:openai-admin-api-key; gitleaks:openai-api-key"),
        SecretRule::token("openai-service-api-key", "OpenAI service API key", High, &[WATERMARK],
            r"sk-service-[0-9A-Za-z\-]{1,64}-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}")
            .describe("An OpenAI service API key: sk-service-<name>- and the T3BlbkFJ watermark.")
            .peers("trivy:openai-service-api-key"),
        SecretRule::token("openai-legacy-api-key", "OpenAI user API key (legacy)", High, &[WATERMARK],
            r"sk-(?:None-)?[0-9A-Za-z]{20,42}T3BlbkFJ[0-9A-Za-z]{20,42}")
            .describe("A legacy OpenAI user API key: sk-, 20 to 42 characters on each side of the T3BlbkFJ watermark.")
            .peers("trivy:openai-legacy-api-key; gitleaks:openai-api-key"),
        SecretRule::token("openai-realtime-client-secret", "OpenAI Realtime client secret", Medium, &["ek_"],
            r"ek_[0-9a-f]{32}")
            .describe("An ephemeral OpenAI Realtime API client secret: ek_ and 32 hex digits.")
            .peers("trivy:openai-realtime-client-secret"),
        SecretRule::token("anthropic-api-key", "Anthropic API key", Critical, &["sk-ant-api03"],
            r"sk-ant-api03-[0-9A-Za-z_\-]{93}AA")
            .describe("An Anthropic API key: sk-ant-api03-, 93 characters and AA.")
            .peers("gitleaks:anthropic-api-key"),
        SecretRule::token("anthropic-admin-api-key", "Anthropic admin API key", Critical, &["sk-ant-admin01"],
            r"sk-ant-admin01-[0-9A-Za-z_\-]{93}AA")
            .describe("An Anthropic admin API key: sk-ant-admin01-, 93 characters and AA.")
            .peers("gitleaks:anthropic-admin-api-key"),
        SecretRule::token("huggingface-access-token", "Hugging Face access token", High, &["hf_"],
            r"hf_[0-9A-Za-z]{34,40}")
            .describe("A Hugging Face user access token: hf_ and 34 to 40 characters.")
            .peers("trivy:hugging-face-access-token; gitleaks:huggingface-access-token"),
        SecretRule::token("huggingface-organization-token", "Hugging Face organization API token", High, &["api_org_"],
            r"api_org_[0-9A-Za-z]{34}")
            .describe("A Hugging Face organization API token: api_org_ and 34 characters.")
            .peers("gitleaks:huggingface-organization-api-token"),
        SecretRule::named("cohere-api-key", "Cohere API key", High, &["cohere", "co_api_key"],
            "cohere|co_api_key", r"[0-9A-Za-z]{40}")
            .describe("A Cohere API key: 40 characters assigned to a name containing cohere or CO_API_KEY.")
            .entropy(4.0)
            .peers("gitleaks:cohere-api-token"),
        SecretRule::token("perplexity-api-key", "Perplexity API key", High, &["pplx-"],
            r"pplx-[0-9A-Za-z]{48}")
            .describe("A Perplexity API key: pplx- and 48 characters.")
            .entropy(4.0)
            .peers("gitleaks:perplexity-api-key"),
        SecretRule::named("privateai-api-token", "Private AI API key", Medium, &["privateai", "private_ai", "private-ai"],
            r"private[_\-]?ai", r"[0-9a-z]{32}")
            .describe("A Private AI API key: 32 characters assigned to a name containing private_ai.")
            .peers("gitleaks:privateai-api-token"),
    ]
}
