//! Payments, commerce and finance: Stripe, Square, Shopify, Plaid,
//! Flutterwave, GoCardless, Coinbase, Kraken, KuCoin, Bittrex, EasyPost,
//! Shippo, Duffel, Lob, Finicity, Finnhub.

use crate::Severity::{Critical, High, Low, Medium};
use crate::secrets::rule::SecretRule;

use super::cloud::UUID;

/// The rules of this family.
pub fn rules() -> Vec<SecretRule> {
    vec![
        SecretRule::token("stripe-secret-key", "Stripe live secret or restricted key", Critical, &["sk_live_", "rk_live_", "sk_prod_", "rk_prod_"],
            r"[sr]k_(?:live|prod)_[0-9A-Za-z]{24,247}")
            .describe("A Stripe live-mode secret (sk_live_) or restricted (rk_live_) API key. Test-mode keys (sk_test_) reach only test data and publishable keys (pk_) are public by design: neither is reported.")
            .peers("trivy:stripe-secret-token; gitleaks:stripe-access-token"),
        SecretRule::token("square-access-token", "Square access token", Critical, &["sq0atp-", "eaaa"],
            r"sq0atp-[0-9A-Za-z_\-]{22}|EAAA[0-9A-Za-z_\-]{60}")
            .describe("A Square access token: sq0atp- and 22 characters, or EAAA and 60 characters.")
            .entropy(3.5)
            .peers("gitleaks:square-access-token"),
        SecretRule::token("square-oauth-secret", "Square OAuth application secret", Critical, &["sq0csp-"],
            r"sq0csp-[0-9A-Za-z_\-]{43}")
            .describe("A Square OAuth application secret: sq0csp- and 43 characters."),
        SecretRule::token("shopify-token", "Shopify access token or shared secret", High, &["shpat_", "shpca_", "shppa_", "shpss_"],
            r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}")
            .describe("A Shopify admin API access token (shpat_), custom app token (shpca_), private app password (shppa_) or app shared secret (shpss_) and 32 hex digits.")
            .peers("trivy:shopify-token; gitleaks:shopify-access-token, shopify-custom-access-token, shopify-private-app-access-token, shopify-shared-secret"),
        SecretRule::named("plaid-access-token", "Plaid access token", Critical, &["plaid"],
            "plaid", &format!(r"access-(?:sandbox|development|production)-{UUID}"))
            .describe("A Plaid access token (access-<environment>-<UUID>) assigned to a name containing plaid.")
            .peers("gitleaks:plaid-api-token"),
        SecretRule::named("plaid-secret-key", "Plaid secret", High, &["plaid"],
            "plaid", r"[0-9a-z]{30}")
            .describe("A Plaid API secret: 30 characters assigned to a name containing plaid.")
            .entropy(3.5)
            .peers("gitleaks:plaid-secret-key"),
        SecretRule::named("plaid-client-id", "Plaid client id", Low, &["plaid"],
            "plaid", r"[0-9a-z]{24}")
            .describe("A Plaid client id: 24 characters assigned to a name containing plaid.")
            .entropy(3.5)
            .peers("gitleaks:plaid-client-id"),
        SecretRule::token("flutterwave-secret-key", "Flutterwave secret key", High, &["flwseck"],
            r"FLWSECK(?:_TEST)?-[0-9a-hA-H]{32}-X|FLWSECK_TEST[0-9a-hA-H]{12}")
            .describe("A Flutterwave secret key (FLWSECK- or FLWSECK_TEST-, 32 hex digits, -X) or encryption key (FLWSECK_TEST and 12 hex digits).")
            .peers("trivy:flutterwave-public-key, flutterwave-enc-key; gitleaks:flutterwave-secret-key, flutterwave-encryption-key"),
        SecretRule::token("flutterwave-public-key", "Flutterwave public key", Low, &["flwpubk"],
            r"FLWPUBK(?:_TEST)?-[0-9a-hA-H]{32}-X")
            .describe("A Flutterwave public key (FLWPUBK-). Low: meant for clients, but it identifies the account.")
            .peers("trivy:flutterwave-public-key; gitleaks:flutterwave-public-key"),
        SecretRule::named("gocardless-api-token", "GoCardless access token", High, &["gocardless"],
            "gocardless", r"live_[0-9A-Za-z_=\-]{40}")
            .describe("A GoCardless live access token (live_ and 40 characters) assigned to a name containing gocardless.")
            .peers("trivy:gocardless-api-token; gitleaks:gocardless-api-token"),
        SecretRule::named("coinbase-access-token", "Coinbase access token", High, &["coinbase"],
            "coinbase", r"[0-9A-Za-z_\-]{64}")
            .describe("A Coinbase access token: 64 characters assigned to a name containing coinbase.")
            .peers("gitleaks:coinbase-access-token"),
        SecretRule::named("kraken-access-token", "Kraken API secret", High, &["kraken"],
            "kraken", r"[0-9A-Za-z/=_+\-]{80,90}")
            .describe("A Kraken API private key: 80 to 90 base64 characters assigned to a name containing kraken.")
            .peers("gitleaks:kraken-access-token"),
        SecretRule::named("kucoin-access-token", "KuCoin API key or secret", High, &["kucoin"],
            "kucoin", &format!(r"[0-9a-f]{{24}}|{UUID}"))
            .describe("A KuCoin API key (24 hex digits) or secret (a UUID) assigned to a name containing kucoin.")
            .peers("gitleaks:kucoin-access-token, kucoin-secret-key"),
        SecretRule::named("bittrex-access-key", "Bittrex API key or secret", High, &["bittrex"],
            "bittrex", r"[0-9a-z]{32}")
            .describe("A Bittrex API key or secret: 32 characters assigned to a name containing bittrex.")
            .peers("gitleaks:bittrex-access-key, bittrex-secret-key"),
        SecretRule::token("easypost-api-token", "EasyPost API key", Medium, &["ezak", "eztk"],
            r"EZ[AT]K[0-9A-Za-z]{54}")
            .describe("An EasyPost production (EZAK) or test (EZTK) API key and 54 characters.")
            .peers("trivy:easypost-api-token; gitleaks:easypost-api-token, easypost-test-api-token"),
        SecretRule::token("shippo-api-token", "Shippo API token", Medium, &["shippo_"],
            r"shippo_(?:live|test)_[0-9a-fA-F]{40}")
            .describe("A Shippo API token: shippo_live_ or shippo_test_ and 40 hex digits.")
            .peers("trivy:shippo-api-token; gitleaks:shippo-api-token"),
        SecretRule::token("duffel-api-token", "Duffel API token", Medium, &["duffel_"],
            r"duffel_(?:test|live)_[0-9A-Za-z_=\-]{43}")
            .describe("A Duffel API token: duffel_live_ or duffel_test_ and 43 characters.")
            .peers("trivy:duffel-api-token; gitleaks:duffel-api-token"),
        SecretRule::named("lob-api-key", "Lob API key", Medium, &["lob_", "lob-", "lobapi", "lobkey"],
            r"\b{start-half}lob", r"(?:live|test)_(?:pub_[0-9a-f]{31}|[0-9a-f]{35})")
            .describe("A Lob secret (live_/test_ and 35 hex digits) or publishable (live_pub_/test_pub_ and 31) API key assigned to a name starting with lob.")
            .peers("trivy:lob-api-key, lob-pub-api-key; gitleaks:lob-api-key, lob-pub-api-key"),
        SecretRule::named("finicity-client-secret", "Finicity client secret or API token", Medium, &["finicity"],
            "finicity", r"[0-9a-f]{32}|[0-9A-Za-z]{20}")
            .describe("A Finicity API token (32 hex digits) or client secret (20 characters) assigned to a name containing finicity.")
            .peers("trivy:finicity-client-secret, finicity-api-token; gitleaks:finicity-client-secret, finicity-api-token"),
        SecretRule::named("finnhub-access-token", "Finnhub API key", Medium, &["finnhub"],
            "finnhub", r"[0-9a-z]{20}")
            .describe("A Finnhub API key: 20 characters assigned to a name containing finnhub.")
            .peers("gitleaks:finnhub-access-token"),
    ]
}
