//! Other SaaS APIs: Airtable, Algolia, Asana, Beamer, Contentful, Dropbox,
//! Etsy, Facebook, Flickr, Frame.io, Freemius, FreshBooks, HubSpot, Intra
//! 42, LinkedIn, Looker, Mapbox, MaxMind, Notion, New York Times, RapidAPI,
//! Squarespace, Twitch, Twitter/X, Typeform, Adobe, Sidekiq.

use crate::Severity::{High, Low, Medium};
use crate::secrets::rule::SecretRule;

use super::cloud::UUID;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("airtable-personal-access-token", "Airtable personal access token", High, &["airtable", "pat"],
            r"pat[0-9A-Za-z]{14}\.[0-9a-f]{64}")
            .describe("An Airtable personal access token: pat, a 14-character id, . and 64 hex digits.")
            .peers("gitleaks:airtable-personnal-access-token"),
        SecretRule::named("airtable-api-key", "Airtable API key (legacy)", Medium, &["airtable"],
            "airtable", r"[0-9A-Za-z]{17}")
            .describe("A legacy Airtable API key: 17 characters assigned to a name containing airtable.")
            .peers("gitleaks:airtable-api-key"),
        SecretRule::named("algolia-api-key", "Algolia API key", Medium, &["algolia"],
            "algolia", r"[0-9a-z]{32}")
            .describe("An Algolia API key: 32 characters assigned to a name containing algolia.")
            .peers("gitleaks:algolia-api-key"),
        SecretRule::named("asana-client-secret", "Asana client secret", Medium, &["asana"],
            "asana", r"[0-9a-z]{32}")
            .describe("An Asana client secret: 32 characters assigned to a name containing asana.")
            .peers("trivy:asana-client-secret; gitleaks:asana-client-secret"),
        SecretRule::named("asana-client-id", "Asana client id", Low, &["asana"],
            "asana", r"[0-9]{16}")
            .describe("An Asana client id: 16 digits assigned to a name containing asana.")
            .entropy(2.0)
            .peers("trivy:asana-client-id; gitleaks:asana-client-id"),
        SecretRule::named("beamer-api-token", "Beamer API key", Low, &["beamer"],
            "beamer", r"b_[0-9A-Za-z=_\-]{44}")
            .describe("A Beamer API key (b_ and 44 characters) assigned to a name containing beamer.")
            .peers("trivy:beamer-api-token; gitleaks:beamer-api-token"),
        SecretRule::named("contentful-delivery-api-token", "Contentful delivery API token", Low, &["contentful"],
            "contentful", r"[0-9A-Za-z=_\-]{43}")
            .describe("A Contentful delivery API token: 43 characters assigned to a name containing contentful.")
            .peers("trivy:contentful-delivery-api-token; gitleaks:contentful-delivery-api-token"),
        SecretRule::named("dropbox-api-token", "Dropbox access token", High, &["dropbox"],
            "dropbox", r"sl\.[0-9A-Za-z=_\-]{135,}|[0-9A-Za-z]{11}AAAAAAAAAA[0-9A-Za-z=_\-]{43}")
            .describe("A Dropbox short-lived (sl. ...) or long-lived access token assigned to a name containing dropbox.")
            .peers("trivy:dropbox-short-lived-api-token, dropbox-long-lived-api-token; gitleaks:dropbox-short-lived-api-token, dropbox-long-lived-api-token"),
        SecretRule::named("dropbox-app-key", "Dropbox app key or secret", Medium, &["dropbox"],
            "dropbox", r"[0-9a-z]{15}")
            .describe("A Dropbox app key or secret: 15 characters assigned to a name containing dropbox.")
            .peers("trivy:dropbox-api-secret; gitleaks:dropbox-api-token"),
        SecretRule::named("etsy-access-token", "Etsy API key", Medium, &["etsy"],
            "etsy", r"[0-9a-z]{24}")
            .describe("An Etsy API key: 24 characters assigned to a name containing etsy.")
            .peers("gitleaks:etsy-access-token"),
        SecretRule::token("facebook-access-token", "Facebook access token", High, &["eaam", "eaac"],
            r"EAA[MC][0-9A-Za-z]{100,}")
            .describe("A Facebook (Meta) user or page access token: EAAM or EAAC and 100 or more characters.")
            .entropy(4.0)
            .peers("gitleaks:facebook-page-access-token"),
        SecretRule::raw("facebook-app-token", "Facebook app access token", High, &["facebook"],
            r"(?:^|[^0-9A-Za-z])(?P<secret>[0-9]{15,16}(?:\||%7[Cc])[0-9A-Za-z_\-]{27,40})(?:[^0-9A-Za-z_\-]|$)".into())
            .describe("A Facebook app access token (<app id>|<app secret or signature>) in a file that mentions facebook.")
            .peers("gitleaks:facebook-access-token"),
        SecretRule::named("facebook-secret", "Facebook app secret", High, &["facebook"],
            "facebook", r"[0-9a-f]{32}")
            .describe("A Facebook app secret: 32 hex digits assigned to a name containing facebook.")
            .peers("trivy:facebook-token; gitleaks:facebook-secret"),
        SecretRule::named("flickr-access-token", "Flickr API key", Medium, &["flickr"],
            "flickr", r"[0-9a-z]{32}")
            .describe("A Flickr API key: 32 characters assigned to a name containing flickr.")
            .peers("gitleaks:flickr-access-token"),
        SecretRule::token("frameio-api-token", "Frame.io API token", Medium, &["fio-u-"],
            r"fio-u-[0-9A-Za-z_=\-]{64}")
            .describe("A Frame.io developer token: fio-u- and 64 characters.")
            .peers("trivy:frameio-api-token; gitleaks:frameio-api-token"),
        SecretRule::raw("freemius-secret-key", "Freemius secret key", High, &["secret_key"],
            r#"(?i)["']secret_key["'][ \t]*=>[ \t]*["'](?P<secret>sk_[^\s"']{29})["']"#.into())
            .describe("A Freemius SDK secret key ('secret_key' => 'sk_...') in PHP.")
            .paths(&[".php"])
            .peers("gitleaks:freemius-secret-key"),
        SecretRule::named("freshbooks-access-token", "FreshBooks access token", Medium, &["freshbooks"],
            "freshbooks", r"[0-9a-z]{64}")
            .describe("A FreshBooks access token: 64 characters assigned to a name containing freshbooks.")
            .peers("gitleaks:freshbooks-access-token"),
        SecretRule::named("hubspot-api-key", "HubSpot API key", Medium, &["hubspot"],
            "hubspot", UUID)
            .describe("A HubSpot API key (a UUID) assigned to a name containing hubspot.")
            .peers("trivy:hubspot-api-token; gitleaks:hubspot-api-key"),
        SecretRule::token("intra42-client-secret", "Intra 42 client secret", Medium, &["s-s4t2ud-", "s-s4t2af-"],
            r"s-s4t2(?:ud|af)-[0-9a-f]{64}")
            .describe("An Intra 42 OAuth client secret: s-s4t2ud- or s-s4t2af- and 64 hex digits.")
            .peers("gitleaks:intra42-client-secret"),
        SecretRule::named("linkedin-client-secret", "LinkedIn client secret", Medium, &["linkedin", "linked_in", "linked-in"],
            r"linked[_\-]?in", r"[0-9A-Za-z]{16}")
            .describe("A LinkedIn OAuth client secret: 16 characters assigned to a name containing linkedin.")
            .peers("trivy:linkedin-client-secret; gitleaks:linkedin-client-secret"),
        SecretRule::named("linkedin-client-id", "LinkedIn client id", Low, &["linkedin", "linked_in", "linked-in"],
            r"linked[_\-]?in", r"[0-9a-z]{14}")
            .describe("A LinkedIn OAuth client id: 14 characters assigned to a name containing linkedin.")
            .peers("trivy:linkedin-client-id; gitleaks:linkedin-client-id"),
        SecretRule::named("looker-client-secret", "Looker client id or secret", Medium, &["looker"],
            "looker", r"[0-9A-Za-z]{24}|[0-9A-Za-z]{20}")
            .describe("A Looker API client secret (24 characters) or id (20) assigned to a name containing looker.")
            .peers("gitleaks:looker-client-secret, looker-client-id"),
        SecretRule::token("mapbox-token", "Mapbox access token", Medium, &["pk.ey", "sk.ey"],
            r"[ps]k\.eyJ[0-9A-Za-z_\-]{20,}\.[0-9A-Za-z_\-]{22}")
            .describe("A Mapbox secret (sk.) or public (pk.) access token: a base64 JSON and a 22-character signature.")
            .peers("trivy:mapbox-api-token; gitleaks:mapbox-api-token"),
        SecretRule::token("maxmind-license-key", "MaxMind license key", Medium, &["_mmk"],
            r"[0-9A-Za-z]{6}_[0-9A-Za-z]{29}_mmk")
            .describe("A MaxMind (GeoIP) license key: 6 characters, 29 characters and _mmk.")
            .entropy(4.0)
            .peers("gitleaks:maxmind-license-key"),
        SecretRule::token("notion-api-token", "Notion integration token", High, &["ntn_"],
            r"ntn_[0-9]{11}[0-9A-Za-z]{35}")
            .describe("A Notion integration token: ntn_, 11 digits and 35 characters.")
            .entropy(4.0)
            .peers("gitleaks:notion-api-token"),
        SecretRule::named("nytimes-access-token", "New York Times API key", Low, &["nytimes", "new-york-times", "newyorktimes"],
            r"nytimes|new-york-times|newyorktimes", r"[0-9A-Za-z=_\-]{32}")
            .describe("A New York Times API key: 32 characters assigned to a name containing nytimes.")
            .peers("gitleaks:nytimes-access-token"),
        SecretRule::named("rapidapi-access-token", "RapidAPI key", Medium, &["rapidapi"],
            "rapidapi", r"[0-9A-Za-z_\-]{50}")
            .describe("A RapidAPI key: 50 characters assigned to a name containing rapidapi.")
            .peers("gitleaks:rapidapi-access-token"),
        SecretRule::named("squarespace-access-token", "Squarespace API key", Medium, &["squarespace"],
            "squarespace", UUID)
            .describe("A Squarespace API key (a UUID) assigned to a name containing squarespace.")
            .peers("gitleaks:squarespace-access-token"),
        SecretRule::named("twitch-api-token", "Twitch API token", Medium, &["twitch"],
            "twitch", r"[0-9a-z]{30}")
            .describe("A Twitch API token: 30 characters assigned to a name containing twitch.")
            .peers("trivy:twitch-api-token; gitleaks:twitch-api-token"),
        SecretRule::named("twitter-api-secret", "Twitter (X) API key, secret or token", High, &["twitter"],
            "twitter",
            r"A{22}[0-9A-Za-z%]{80,100}|[0-9]{15,25}-[0-9A-Za-z]{20,40}|[0-9A-Za-z]{50}|[0-9A-Za-z]{45}|[0-9A-Za-z]{25}|[0-9a-f]{35,44}")
            .describe("A Twitter (X) API key (25 characters), API secret (50), access token (<user id>-<characters>), access token secret (45) or bearer token (AAAA...) assigned to a name containing twitter.")
            .peers("trivy:twitter-token; gitleaks:twitter-api-key, twitter-api-secret, twitter-access-token, twitter-access-secret, twitter-bearer-token"),
        SecretRule::token("typeform-api-token", "Typeform personal access token", Medium, &["tfp_"],
            r"tfp_[0-9A-Za-z_=.\-]{59}")
            .describe("A Typeform personal access token: tfp_ and 59 characters.")
            .peers("trivy:typeform-api-token; gitleaks:typeform-api-token"),
        SecretRule::named("adobe-client-id", "Adobe client id", Low, &["adobe"],
            "adobe", r"[0-9a-f]{32}")
            .describe("An Adobe OAuth client id: 32 hex digits assigned to a name containing adobe.")
            .peers("trivy:adobe-client-id; gitleaks:adobe-client-id"),
        SecretRule::token("adobe-client-secret", "Adobe client secret", High, &["p8e-"],
            r"p8e-[0-9A-Za-z]{32}")
            .describe("An Adobe OAuth client secret: p8e- and 32 characters.")
            .peers("trivy:adobe-client-secret; gitleaks:adobe-client-secret"),
        SecretRule::named("sidekiq-secret", "Sidekiq Pro/Enterprise credentials", High, &["contribsys__com", "contribsys.com"],
            r"bundle_(?:enterprise|gems)__contribsys__com", r"[0-9a-f]{8}:[0-9a-f]{8}")
            .describe("Sidekiq Pro or Enterprise gem server credentials (<8 hex>:<8 hex>) in BUNDLE_GEMS__CONTRIBSYS__COM or BUNDLE_ENTERPRISE__CONTRIBSYS__COM.")
            .entropy(2.5)
            .peers("gitleaks:sidekiq-secret, sidekiq-sensitive-url"),
    ]
}
