//! Messaging and e-mail: Slack, Discord, Telegram, Twilio, SendGrid,
//! Brevo (Sendinblue), Mailgun, Mailchimp, MessageBird, Sendbird,
//! Mattermost, Gitter, Intercom, Zendesk.

use super::cloud::UUID;
use crate::Severity::{High, Low, Medium};
use crate::secrets::rule::SecretRule;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::raw("slack-token", "Slack token", High, &["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-"],
            r"(?:^|[^0-9A-Za-z_.])(?P<secret>(?:xox[bpe]-(?:[0-9]{7,14}-){1,4}|xox[aosr]-(?:[0-9]{1,14}-){1,4})[0-9A-Za-z]{8,64}(?:-[0-9A-Za-z]{8,64})?)(?:[^0-9A-Za-z_\-]|$)".into())
            // The example token of Slack's OAuth documentation.
            .allow(&["xoxa-2-511111111-31111111111-3111111111111-e039d02840a0b9379c"])
            .describe("A Slack bot (xoxb-), user (xoxp-, xoxe-), workspace or legacy (xoxa-, xoxo-, xoxs-, xoxr-) token: one or more numeric ids and a random part.")
            .peers("trivy:slack-access-token; gitleaks:slack-bot-token, slack-user-token, slack-legacy-token, slack-legacy-bot-token, slack-legacy-workspace-token"),
        SecretRule::token("slack-config-token", "Slack app configuration token", High, &["xoxe.xoxb-", "xoxe.xoxp-", "xoxe-"],
            r"xoxe\.xox[bp]-[0-9]-[0-9A-Za-z]{163,166}|xoxe-[0-9]-[0-9A-Za-z]{146}")
            .describe("A Slack app configuration access token (xoxe.xoxb-, xoxe.xoxp-) or its refresh token (xoxe-).")
            .peers("gitleaks:slack-config-access-token, slack-config-refresh-token"),
        SecretRule::raw("slack-app-token", "Slack app-level token", High, &["xapp-"],
            r"(?i:\b{start-half}(?P<secret>xapp-[0-9]-[0-9A-Z]{5,20}-[0-9]{5,20}-[0-9a-z]{32,80})\b{end-half})".into())
            .describe("A Slack app-level token: xapp-, a version digit, the app id, a number and a random part.")
            .peers("gitleaks:slack-app-token"),
        SecretRule::raw("slack-webhook", "Slack incoming webhook URL", High, &["hooks.slack.com"],
            r"(?P<secret>(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[0-9A-Za-z+/]{24,128})".into())
            .describe("A Slack incoming webhook URL; anyone holding it can post to the channel.")
            .peers("trivy:slack-web-hook; gitleaks:slack-webhook-url"),
        SecretRule::named("discord-bot-token", "Discord API token", High, &["discord"],
            "discord", r"[0-9a-f]{64}")
            .describe("A Discord API key: 64 hex digits assigned to a name containing discord.")
            .peers("trivy:discord-api-token; gitleaks:discord-api-token"),
        SecretRule::named("discord-client-secret", "Discord client secret", High, &["discord"],
            "discord", r"[0-9A-Za-z_=\-]{32}")
            .describe("A Discord OAuth client secret: 32 characters assigned to a name containing discord.")
            .peers("trivy:discord-client-secret; gitleaks:discord-client-secret"),
        SecretRule::named("discord-client-id", "Discord client id", Low, &["discord"],
            "discord", r"[0-9]{18}")
            .describe("A Discord application client id: 18 digits assigned to a name containing discord. Low: an id that travels with its secret.")
            .entropy(2.0)
            .peers("trivy:discord-client-id; gitleaks:discord-client-id"),
        SecretRule::named("telegram-bot-token", "Telegram bot token", High, &["telegr"],
            "telegr", r"[0-9]{5,16}:A[0-9A-Za-z_\-]{34}")
            .describe("A Telegram bot token (<bot id>:A<34 characters>) assigned to a name containing telegram.")
            .peers("gitleaks:telegram-bot-api-token"),
        SecretRule::token("twilio-api-key", "Twilio API key", High, &["twilio"],
            r"SK[0-9a-fA-F]{32}")
            .describe("A Twilio API key SID (SK and 32 hex digits) in a file that mentions twilio.")
            .peers("trivy:twilio-api-key; gitleaks:twilio-api-key"),
        SecretRule::token("sendgrid-api-key", "SendGrid API key", High, &["sg."],
            r"SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43}")
            .describe("A SendGrid API key: SG., a 22-character id, . and a 43-character secret.")
            .peers("trivy:sendgrid-api-token; gitleaks:sendgrid-api-token"),
        SecretRule::token("sendinblue-api-key", "Brevo (Sendinblue) API key", Medium, &["xkeysib-", "xsmtpsib-"],
            r"x(?:keysib|smtpsib)-[0-9a-f]{64}-[0-9A-Za-z]{16}")
            .describe("A Brevo (formerly Sendinblue) API key (xkeysib-) or SMTP key (xsmtpsib-): 64 hex digits and 16 characters.")
            .peers("trivy:sendinblue-api-token; gitleaks:sendinblue-api-token"),
        SecretRule::named("mailgun-api-key", "Mailgun API key", High, &["mailgun"],
            "mailgun", r"(?:pub)?key-[0-9a-f]{32}|[0-9a-h]{32}-[0-9a-h]{8}-[0-9a-h]{8}")
            .describe("A Mailgun private (key-) or public (pubkey-) API key, or webhook signing key, assigned to a name containing mailgun.")
            .peers("trivy:mailgun-token, mailgun-signing-key; gitleaks:mailgun-private-api-token, mailgun-pub-key, mailgun-signing-key"),
        SecretRule::named("mailchimp-api-key", "Mailchimp API key", High, &["mailchimp"],
            "mailchimp", r"[0-9a-f]{32}-us[0-9]{1,2}")
            .describe("A Mailchimp API key: 32 hex digits and its data center (-us20), assigned to a name containing mailchimp.")
            .peers("trivy:mailchimp-api-key; gitleaks:mailchimp-api-key"),
        SecretRule::named("messagebird-api-key", "MessageBird API key", Medium, &["messagebird", "message_bird", "message-bird"],
            r"message[_\-]?bird", &format!(r"[0-9A-Za-z]{{25}}|{UUID}"))
            .describe("A MessageBird API key (25 characters) or client id (a UUID) assigned to a name containing messagebird.")
            .peers("trivy:messagebird-api-token, messagebird-client-id; gitleaks:messagebird-api-token, messagebird-client-id"),
        SecretRule::named("sendbird-access-token", "Sendbird API token", Medium, &["sendbird"],
            "sendbird", &format!(r"[0-9a-f]{{40}}|{UUID}"))
            .describe("A Sendbird API token (40 hex digits) or application id (a UUID) assigned to a name containing sendbird.")
            .peers("gitleaks:sendbird-access-token, sendbird-access-id"),
        SecretRule::named("mattermost-access-token", "Mattermost access token", Medium, &["mattermost"],
            "mattermost", r"[0-9a-z]{26}")
            .describe("A Mattermost personal access token: 26 characters assigned to a name containing mattermost.")
            .peers("gitleaks:mattermost-access-token"),
        SecretRule::named("gitter-access-token", "Gitter access token", Medium, &["gitter"],
            "gitter", r"[0-9a-z_\-]{40}")
            .describe("A Gitter access token: 40 characters assigned to a name containing gitter.")
            .peers("gitleaks:gitter-access-token"),
        SecretRule::named("intercom-api-key", "Intercom access token", Medium, &["intercom"],
            "intercom", &format!(r"[0-9A-Za-z=_\-]{{60}}|{UUID}"))
            .describe("An Intercom access token (60 characters) or client secret (a UUID) assigned to a name containing intercom.")
            .peers("trivy:intercom-api-token, intercom-client-secret; gitleaks:intercom-api-key"),
        SecretRule::named("zendesk-secret-key", "Zendesk API token", Medium, &["zendesk"],
            "zendesk", r"[0-9A-Za-z]{40}")
            .describe("A Zendesk API token: 40 characters assigned to a name containing zendesk.")
            .peers("gitleaks:zendesk-secret-key"),
    ]
}
