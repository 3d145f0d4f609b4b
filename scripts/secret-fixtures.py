#!/usr/bin/env python3
"""Writes the provider fixtures of the secrets plugin.

For every rule of the shared secret rules (sdk/src/secrets/rules/), one
positive sample written from the provider's token format (random values
from a fixed seed, with valid checksums where the format has one) and one
negative sample: a near miss the rule must not report (a wrong checksum,
length or alphabet, a missing provider name, a placeholder).

  tests/fixtures/secrets/positive/providers/<family>.<ext>
  tests/fixtures/secrets/negative/providers/<family>.<ext>
  tests/fixtures/secrets/expected.json   (entries for the files above are
                                           replaced; hand-written ones kept)

tests/fixtures/secrets/negative/providers/index.json lists the negative
sample of each rule (file and line); the end-to-end tests check that every
rule has one.

Usage: python3 scripts/secret-fixtures.py   (from the repository root)
"""

import base64
import json
import random
import string
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/secrets"
RNG = random.Random(20261201)

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
B62 = DIGITS + UPPER + LOWER
ALNUM_LOWER = DIGITS + LOWER
HEX = "0123456789abcdef"
B64 = B62 + "+/"
URL = B62 + "-_"
B32 = UPPER + "234567"


def rnd(alphabet, n):
    return "".join(RNG.choice(alphabet) for _ in range(n))


def base62(n, width=6):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc_token(prefix):
    body = rnd(B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()))


def uuid():
    h = rnd(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt():
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(('{"sub":"%s","iat":1735689600}' % rnd(DIGITS, 10)).encode())
    return f"{header}.{payload}.{rnd(URL, 43)}"


# (rule id, family file, positive line, negative line). A line may hold
# several lines joined with \n; the positive finding is expected on its
# first line unless a (start, end) pair follows.
def samples():
    s = []
    add = lambda rid, fam, pos, neg, lines=None: s.append((rid, fam, pos, neg, lines))

    # cloud.env
    add("aws-access-key-id", "cloud.env",
        "AWS_ACCESS_KEY_ID=AKIA" + rnd(B32, 16),
        "build_id=AKIA0123456789ABCDEF")  # 0, 1, 8, 9 are not base32
    add("aws-secret-access-key", "cloud.env",
        "aws_secret_access_key = " + rnd(B64, 40),
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    add("aws-bedrock-api-key", "cloud.env",
        "BEDROCK_KEY=ABSK" + rnd(B64, 132),
        "build=ABSK" + rnd(B64, 40))
    add("google-api-key", "cloud.env",
        "maps_key: AIza" + rnd(URL, 35),
        "maps_key: AIza" + rnd(URL, 20))
    add("google-oauth-client-secret", "cloud.env",
        "GOOGLE_CLIENT=GOCSPX-" + rnd(URL, 28),
        "GOOGLE_CLIENT=GOCSPX-" + rnd(URL, 12))
    add("azure-storage-key", "cloud.env",
        "conn=DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + rnd(B64, 86) + "==",
        "conn=DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${STORAGE_KEY}")
    add("azure-sas-token", "cloud.env",
        "blob=https://acct.blob.core.windows.net/c/f?sv=2024-11-04&ss=b&srt=o&sp=r&se=2030-01-01T00%3A00%3A00Z&spr=https&sig=" + rnd(B64, 43) + "%3D",
        "blob=https://acct.blob.core.windows.net/c/f?sv=2024-11-04&ss=b&sp=r")
    add("azure-devops-pat", "cloud.env",
        "AZURE_DEVOPS_PAT=" + rnd(LOWER + "234567", 52),
        "AZURE_DEVOPS_ORG=" + rnd(LOWER, 12))
    add("azure-entra-client-secret", "cloud.env",
        "entra=" + rnd(B62, 3) + "8Q~" + rnd(B62 + "~._-", 34),
        "entra=" + rnd(B62, 3) + "8Q~" + rnd(B62, 10))
    add("azure-container-registry-key", "cloud.env",
        "acr=" + rnd(B64, 52) + "JQQJ99CAACYeBjFEqg7NAAAAAZCR" + rnd(B64, 4),
        "acr=" + rnd(B64, 52) + "JQQJ99CAACYeBjFEqg7NAAAAAZZZ" + rnd(B64, 4))
    add("azure-container-registry-password", "cloud.env",
        "myregistry.azurecr.io password: " + rnd(B64, 32),
        "myregistry.azurecr.io password: ${ACR_PASSWORD}")
    add("azure-app-config-connection-string", "cloud.env",
        "appconfig=Endpoint=https://cfg.azconfig.io;Id=" + rnd(B62, 8) + ";Secret=" + rnd(B64, 44),
        "appconfig=Endpoint=https://cfg.azconfig.io;Id=" + rnd(B62, 8))
    add("azure-ai-services-key", "cloud.env",
        "ai=" + rnd(B64, 52) + "JQQJ99CA" + rnd(B64, 7) + "XJ3w3" + rnd(B64, 4) + "ACOG" + rnd(B64, 4),
        "ai=" + rnd(B64, 52) + "JQQJ99CA" + rnd(B64, 7) + "XJ3w3" + rnd(B64, 4) + "ZZZZ" + rnd(B64, 4))
    add("microsoft-teams-webhook", "cloud.env",
        "teams=https://acme.webhook.office.com/webhookb2/" + uuid() + "@" + uuid() + "/IncomingWebhook/" + rnd(ALNUM_LOWER, 32) + "/" + uuid(),
        "teams=https://acme.webhook.office.com/webhookb2/")
    add("alibaba-access-key-id", "cloud.env",
        "ali_id = LTAI" + rnd(B62, 20),
        "ali_id = LTAI" + rnd(B62, 26))
    add("alibaba-secret-key", "cloud.env",
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET="' + rnd(B62, 30) + '"',
        'ALIBABA_CLOUD_REGION="cn-hangzhou"')
    add("digitalocean-token", "cloud.env",
        "DO_TOKEN=dop_v1_" + rnd(HEX, 64),
        "do_image=dop_v1_" + rnd(HEX, 40))
    add("cloudflare-api-token", "cloud.env",
        "CLOUDFLARE_API_TOKEN=" + rnd(URL, 40),
        "CLOUDFLARE_ZONE=" + rnd(LOWER, 20))
    add("cloudflare-global-api-key", "cloud.env",
        "cloudflare_global_key: " + rnd(HEX, 37),
        "cloudflare_global_key: " + rnd(HEX, 30))
    add("cloudflare-origin-ca-key", "cloud.env",
        "origin=v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 146),
        "origin=v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 40))
    add("heroku-api-key", "cloud.env",
        "HEROKU_API_KEY=" + uuid(),
        "HEROKU_APP=" + rnd(LOWER, 12))
    add("heroku-platform-key", "cloud.env",
        "key=HRKU-AA" + rnd(URL, 58),
        "key=HRKU-AA" + rnd(URL, 20))
    add("yandex-api-key", "cloud.env",
        "YANDEX_API_KEY=AQVN" + rnd(URL, 36),
        "YANDEX_FOLDER=b1g" + rnd(ALNUM_LOWER, 17))
    add("yandex-aws-access-token", "cloud.env",
        "yandex_static_key: YC" + rnd(URL, 38),
        "yandex_static_key: YC" + rnd(URL, 10))
    add("yandex-iam-token", "cloud.env",
        "YANDEX_IAM_TOKEN=t1." + rnd(URL, 40) + "." + rnd(URL, 86),
        "YANDEX_CLOUD_ID=t1." + rnd(URL, 40))
    add("flyio-access-token", "cloud.env",
        "FLY_API_TOKEN=fo1_" + rnd(URL, 43),
        "FLY_REGION=fo1_" + rnd(URL, 10))
    add("netlify-access-token", "cloud.env",
        "NETLIFY_AUTH_TOKEN=" + rnd(URL, 43),
        "NETLIFY_SITE=" + rnd(LOWER, 10))
    add("scalingo-api-token", "cloud.env",
        "scalingo=tk-us-" + rnd(URL, 48),
        "scalingo=tk-us-" + rnd(URL, 20))
    add("openshift-user-token", "cloud.env",
        "oc login --token=sha256~" + rnd(URL, 43),
        "digest=sha256~" + rnd(URL, 20))

    # vcs.yaml
    add("github-pat", "vcs.yaml",
        "github_pat_token: " + crc_token("ghp_"),
        "value: ghp_012345678901234567890123456789abcdef")  # checksum fails
    add("github-fine-grained-pat", "vcs.yaml",
        "gh: github_pat_" + rnd(B62, 22) + "_" + rnd(B62, 59),
        "gh: github_pat_" + rnd(B62, 22))
    add("github-token", "vcs.yaml",
        "oauth: " + crc_token("gho_"),
        "value: gho_" + rnd(B62, 36))  # random: checksum fails
    add("github-app-installation-token", "vcs.yaml",
        "app: ghs_12345_" + jwt(),
        "app: ghs_12345_eyJ" + rnd(B62, 20) + ".eyJ" + rnd(B62, 20) + "." + rnd(B62, 20))
    add("gitlab-token", "vcs.yaml",
        "gitlab: glpat-" + rnd(URL, 20),
        "gitlab: glpat-" + rnd(URL, 12))
    add("gitlab-runner-registration-token", "vcs.yaml",
        "runner: GR1348941" + rnd(URL, 20),
        "runner: GR1348941" + rnd(URL, 8))
    add("gitlab-session-cookie", "vcs.yaml",
        "cookie: _gitlab_session=" + rnd(ALNUM_LOWER, 32),
        "cookie: _gitlab_session=" + rnd(ALNUM_LOWER, 16))
    add("bitbucket-client-secret", "vcs.yaml",
        "bitbucket_client_secret: " + rnd(URL, 64),
        "bitbucket_workspace: " + rnd(LOWER, 10))
    add("bitbucket-client-id", "vcs.yaml",
        "bitbucket_client_id: " + rnd(B62, 32),
        "bitbucket_client_id: " + rnd(B62, 20))
    add("atlassian-api-token", "vcs.yaml",
        "jira: ATATT3" + rnd(URL, 186),
        "jira: ATATT3" + rnd(URL, 30))
    add("atlassian-legacy-api-token", "vcs.yaml",
        "jira_api_token: " + rnd(B62, 24),
        "jira_project: " + rnd(UPPER, 4))
    add("sourcegraph-access-token", "vcs.yaml",
        "src: sgp_" + rnd(HEX, 16) + "_" + rnd(HEX, 40),
        "src: sgp_" + rnd(HEX, 20))
    add("sourcegraph-legacy-token", "vcs.yaml",
        "sourcegraph_token: " + rnd(HEX, 40),
        "sourcegraph_commit: " + rnd(HEX, 40))
    add("npm-token", "vcs.yaml",
        "npm: " + crc_token("npm_"),
        "value: npm_" + rnd(B62, 36))  # checksum fails
    add("pypi-token", "vcs.yaml",
        "pypi: pypi-AgEIcHlwaS5vcmc" + rnd(URL, 70),
        "pypi: pypi-AgEIcHlwaS5vcmc" + rnd(URL, 10))
    add("rubygems-api-token", "vcs.yaml",
        "gem: rubygems_" + rnd(HEX, 48),
        "gem: rubygems_" + rnd(HEX, 20))
    add("clojars-api-token", "vcs.yaml",
        "clojars: CLOJARS_" + rnd(ALNUM_LOWER, 60),
        "clojars: CLOJARS_" + rnd(ALNUM_LOWER, 20))
    add("private-packagist-token", "vcs.yaml",
        "packagist: packagist_ort_" + rnd(HEX, 68),
        "packagist: packagist_ort_" + rnd(HEX, 20))
    add("artifactory-api-key", "vcs.yaml",
        "artifactory: AKCp" + rnd(B62, 69),
        "artifactory: AKCp" + rnd(B62, 20))
    add("artifactory-reference-token", "vcs.yaml",
        "ref: cmVmd" + rnd(B62, 59),
        "ref: cmVmd" + rnd(B62, 20))
    add("jfrog-api-key", "vcs.yaml",
        "jfrog_api_key: " + rnd(B62, 73),
        "jfrog_url: " + rnd(LOWER, 20))
    add("readme-api-token", "vcs.yaml",
        "readme: rdme_" + rnd(ALNUM_LOWER, 70),
        "readme: rdme_" + rnd(ALNUM_LOWER, 20))
    add("docker-config-secret", "vcs.yaml",
        "  .dockerconfigjson: " + base64.b64encode(('{"auths":{"r.io":{"auth":"%s"}}}' % base64.b64encode(("u:" + rnd(B62, 16)).encode()).decode()).encode()).decode(),
        "  .dockerconfigjson: ${DOCKER_CONFIG}")

    # ai.py
    def openai(kind, n=20):
        return f"sk-{kind}-" + rnd(URL, n) + "T3BlbkFJ" + rnd(URL, n)
    add("openai-project-api-key", "ai.py", f'client = OpenAI(api_key="{openai("proj", 74)}")',
        'model_note = "sk-proj-' + rnd(URL, 40) + '"')
    add("openai-service-account-key", "ai.py", f'svc = "{openai("svcacct", 58)}"',
        'svc = "sk-svcacct-' + rnd(URL, 40) + '"')
    add("openai-admin-api-key", "ai.py", f'admin = "{openai("admin", 58)}"',
        'admin = "sk-admin-' + rnd(URL, 40) + '"')
    add("openai-service-api-key", "ai.py",
        'service = "sk-service-billing-' + rnd(B62, 20) + "T3BlbkFJ" + rnd(B62, 20) + '"',
        'service = "sk-service-billing-' + rnd(B62, 20) + '"')
    add("openai-legacy-api-key", "ai.py",
        'legacy = "sk-' + rnd(B62, 20) + "T3BlbkFJ" + rnd(B62, 20) + '"',
        'legacy = "sk-' + rnd(B62, 20) + "T3BlbkFJ" + '"')
    add("openai-realtime-client-secret", "ai.py",
        'ephemeral = "ek_' + rnd(HEX, 32) + '"',
        'ephemeral = "ek_' + rnd(HEX, 16) + '"')
    add("anthropic-api-key", "ai.py",
        'anthropic = "sk-ant-api03-' + rnd(URL, 93) + 'AA"',
        'anthropic = "sk-ant-api03-' + rnd(URL, 20) + '"')
    add("anthropic-admin-api-key", "ai.py",
        'anthropic_admin = "sk-ant-admin01-' + rnd(URL, 93) + 'AA"',
        'anthropic_admin = "sk-ant-admin01-' + rnd(URL, 20) + '"')
    add("huggingface-access-token", "ai.py",
        'hub = "hf_' + rnd(UPPER + LOWER, 34) + '"',
        '_call_hf_processor = "hf_' + rnd(LOWER, 10) + '"')
    add("huggingface-organization-token", "ai.py",
        'org = "api_org_' + rnd(UPPER + LOWER, 34) + '"',
        'org = "api_org_' + rnd(LOWER, 10) + '"')
    add("cohere-api-key", "ai.py",
        'COHERE_API_KEY = "' + rnd(B62, 40) + '"',
        'COHERE_MODEL = "command-r-plus"')
    add("perplexity-api-key", "ai.py",
        'pplx = "pplx-' + rnd(B62, 48) + '"',
        'pplx = "pplx-' + rnd(B62, 20) + '"')
    add("privateai-api-token", "ai.py",
        'PRIVATE_AI_KEY = "' + rnd(ALNUM_LOWER, 32) + '"',
        'PRIVATE_AI_URL = "' + rnd(LOWER, 12) + '"')

    # comms.js
    add("slack-token", "comms.js",
        'const bot = "xoxb-' + rnd(DIGITS, 12) + "-" + rnd(DIGITS, 13) + "-" + rnd(B62, 24) + '";',
        'const bot = "abcdexoxb-1234567890";')
    add("slack-config-token", "comms.js",
        'const cfg = "xoxe.xoxp-1-' + rnd(B62, 164) + '";',
        'const cfg = "xoxe.xoxp-1-' + rnd(B62, 20) + '";')
    add("slack-app-token", "comms.js",
        'const app = "xapp-1-A' + rnd(UPPER + DIGITS, 10) + "-" + rnd(DIGITS, 13) + "-" + rnd(HEX, 64) + '";',
        'const app = "xapp-1-A' + rnd(UPPER + DIGITS, 10) + '";')
    add("slack-webhook", "comms.js",
        'const hook = "https://hooks.slack.com/services/T' + rnd(UPPER + DIGITS, 8) + "/B" + rnd(UPPER + DIGITS, 10) + "/" + rnd(B62, 24) + '";',
        'const hook = "https://hooks.slack.com/services/";')
    add("discord-bot-token", "comms.js",
        'const DISCORD_API_TOKEN = "' + rnd(HEX, 64) + '";',
        'const DISCORD_GUILD = "' + rnd(LOWER, 10) + '";')
    add("discord-client-secret", "comms.js",
        'const discordClientSecret = "' + rnd(URL, 32) + '";',
        'const discordClientSecret = process.env.DISCORD_SECRET;')
    add("discord-client-id", "comms.js",
        'const discordClientId = "' + "1" + rnd(DIGITS, 17) + '";',
        'const discordChannel = "general";')
    add("telegram-bot-token", "comms.js",
        'const TELEGRAM_BOT_TOKEN = "' + rnd(DIGITS, 10) + ":A" + rnd(URL, 34) + '";',
        'const TELEGRAM_CHAT = "' + rnd(DIGITS, 10) + '";')
    add("twilio-api-key", "comms.js",
        'const twilioKey = "SK' + rnd(HEX, 32) + '"; // twilio',
        'const sid = "SK' + rnd(HEX, 32) + '"; // no provider named in this file')
    add("sendgrid-api-key", "comms.js",
        'const sg = "SG.' + rnd(URL, 22) + "." + rnd(URL, 43) + '";',
        'const sg = "SG.' + rnd(URL, 22) + '";')
    add("sendinblue-api-key", "comms.js",
        'const brevo = "xkeysib-' + rnd(HEX, 64) + "-" + rnd(B62, 16) + '";',
        'const brevo = "xkeysib-' + rnd(HEX, 20) + '";')
    add("mailgun-api-key", "comms.js",
        'const MAILGUN_API_KEY = "key-' + rnd(HEX, 32) + '";',
        'const MAILGUN_DOMAIN = "mg.' + rnd(LOWER, 8) + '.com";')
    add("mailchimp-api-key", "comms.js",
        'const mailchimpKey = "' + rnd(HEX, 32) + '-us21";',
        'const mailchimpList = "' + rnd(HEX, 10) + '";')
    add("messagebird-api-key", "comms.js",
        'const MESSAGEBIRD_ACCESS_KEY = "' + rnd(B62, 25) + '";',
        'const MESSAGEBIRD_ORIGINATOR = "acme";')
    add("sendbird-access-token", "comms.js",
        'const SENDBIRD_API_TOKEN = "' + rnd(HEX, 40) + '";',
        'const SENDBIRD_REGION = "eu-1";')
    add("mattermost-access-token", "comms.js",
        'const MATTERMOST_TOKEN = "' + rnd(ALNUM_LOWER, 26) + '";',
        'const MATTERMOST_TEAM = "' + rnd(LOWER, 8) + '";')
    add("gitter-access-token", "comms.js",
        'const GITTER_TOKEN = "' + rnd(ALNUM_LOWER, 40) + '";',
        'const GITTER_ROOM = "' + rnd(LOWER, 8) + '";')
    add("intercom-api-key", "comms.js",
        'const INTERCOM_ACCESS_TOKEN = "' + rnd(B62, 60) + '";',
        'const INTERCOM_APP = "' + rnd(LOWER, 8) + '";')
    add("zendesk-secret-key", "comms.js",
        'const ZENDESK_API_TOKEN = "' + rnd(B62, 40) + '";',
        'const ZENDESK_SUBDOMAIN = "' + rnd(LOWER, 8) + '";')

    # commerce.rb
    add("stripe-secret-key", "commerce.rb",
        'Stripe.api_key = "sk_live_' + rnd(B62, 24) + '"',
        'Stripe.api_key = "sk_test_' + rnd(B62, 24) + '"')
    add("square-access-token", "commerce.rb",
        'square = "sq0atp-' + rnd(URL, 22) + '"',
        'square = "sq0atp-' + rnd(URL, 10) + '"')
    add("square-oauth-secret", "commerce.rb",
        'square_app = "sq0csp-' + rnd(URL, 43) + '"',
        'square_app = "sq0csp-' + rnd(URL, 10) + '"')
    add("shopify-token", "commerce.rb",
        'shop = "shpat_' + rnd(HEX, 32) + '"',
        'shop = "shpat_' + rnd(HEX, 16) + '"')
    add("plaid-access-token", "commerce.rb",
        'plaid_access = "access-production-' + uuid() + '"',
        'plaid_env = "production"')
    add("plaid-secret-key", "commerce.rb",
        'PLAID_SECRET = "' + rnd(ALNUM_LOWER, 30) + '"',
        'PLAID_PRODUCTS = "transactions"')
    add("plaid-client-id", "commerce.rb",
        'PLAID_CLIENT_ID = "' + rnd(ALNUM_LOWER, 24) + '"',
        'PLAID_COUNTRY = "US"')
    add("flutterwave-secret-key", "commerce.rb",
        'flw = "FLWSECK_TEST-' + rnd("abcdefgh0123456789", 32) + '-X"',
        'flw = "ABCFLWSECK_TEST123456789012"')
    add("flutterwave-public-key", "commerce.rb",
        'flw_pub = "FLWPUBK_TEST-' + rnd("abcdefgh0123456789", 32) + '-X"',
        'flw_pub = "FLWPUBK_TEST-' + rnd("abcdefgh0123456789", 10) + '-X"')
    add("gocardless-api-token", "commerce.rb",
        'GOCARDLESS_ACCESS_TOKEN = "live_' + rnd(URL, 40) + '"',
        'GOCARDLESS_ENVIRONMENT = "live"')
    add("coinbase-access-token", "commerce.rb",
        'COINBASE_ACCESS_TOKEN = "' + rnd(URL, 64) + '"',
        'COINBASE_CURRENCY = "BTC"')
    add("kraken-access-token", "commerce.rb",
        'KRAKEN_PRIVATE_KEY = "' + rnd(B64, 86) + '"',
        'KRAKEN_PAIR = "XBTUSD"')
    add("kucoin-access-token", "commerce.rb",
        'KUCOIN_API_KEY = "' + rnd(HEX, 24) + '"',
        'KUCOIN_SYMBOL = "BTC-USDT"')
    add("bittrex-access-key", "commerce.rb",
        'BITTREX_API_KEY = "' + rnd(ALNUM_LOWER, 32) + '"',
        'BITTREX_MARKET = "BTC-ETH"')
    add("easypost-api-token", "commerce.rb",
        'easypost = "EZAK' + rnd(B62, 54) + '"',
        'easypost = "EZAK' + rnd(B62, 20) + '"')
    add("shippo-api-token", "commerce.rb",
        'shippo = "shippo_live_' + rnd(HEX, 40) + '"',
        'shippo = "shippo_live_' + rnd(HEX, 20) + '"')
    add("duffel-api-token", "commerce.rb",
        'duffel = "duffel_live_' + rnd(URL, 43) + '"',
        'duffel = "duffel_live_' + rnd(URL, 10) + '"')
    add("lob-api-key", "commerce.rb",
        'LOB_API_KEY = "live_' + rnd(HEX, 35) + '"',
        'blob_id = "live_' + rnd(HEX, 35) + '"')
    add("finicity-client-secret", "commerce.rb",
        'FINICITY_APP_KEY = "' + rnd(HEX, 32) + '"',
        'FINICITY_PARTNER = "' + rnd(DIGITS, 13) + '"')
    add("finnhub-access-token", "commerce.rb",
        'FINNHUB_API_KEY = "' + rnd(ALNUM_LOWER, 20) + '"',
        'FINNHUB_SYMBOL = "AAPL"')

    # devops.hcl
    add("vault-token", "devops.sh",
        "export VAULT_TOKEN=hvs." + rnd(URL, 95),
        "export VAULT_ADDR=https://vault.internal:8200")
    add("vault-legacy-token", "devops.sh",
        "export VAULT_TOKEN=s." + rnd(B62, 24),
        "export VAULT_NAMESPACE=s." + rnd(LOWER, 6))
    add("terraform-cloud-token", "devops.sh",
        "export TFE_TOKEN=" + rnd(B62, 14) + ".atlasv1." + rnd(URL, 67),
        "export TFE_ORG=" + rnd(LOWER, 10) + ".atlasv1")
    add("pulumi-access-token", "devops.sh",
        "export PULUMI_ACCESS_TOKEN=pul-" + rnd(HEX, 40),
        "export PULUMI_STACK=pul-" + rnd(HEX, 10))
    add("doppler-token", "devops.sh",
        "export DOPPLER_TOKEN=dp.st." + rnd(B62, 43),
        "export DOPPLER_CONFIG=dp.st." + rnd(B62, 10))
    add("onepassword-secret-key", "devops.sh",
        "export OP_SECRET_KEY=A3-" + rnd(UPPER + DIGITS, 6) + "-" + rnd(UPPER + DIGITS, 11) + "-" + "-".join(rnd(UPPER + DIGITS, 5) for _ in range(3)),
        "export OP_ACCOUNT=A3-" + rnd(UPPER + DIGITS, 6))
    add("onepassword-service-account-token", "devops.sh",
        "export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ" + rnd(B64, 300),
        "export OP_VAULT=ops_eyJ" + rnd(B64, 20))
    add("age-secret-key", "devops.sh",
        "# age key: AGE-SECRET-KEY-1" + rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
        "# age public key: age1" + rnd("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))
    add("harness-api-key", "devops.sh",
        "export HARNESS_KEY=pat." + rnd(URL, 22) + "." + rnd(B62, 24) + "." + rnd(B62, 20),
        "export HARNESS_KEY=pat." + rnd(URL, 22))
    add("octopus-deploy-api-key", "devops.sh",
        "export OCTOPUS_CLI_API_KEY=API-" + rnd(UPPER + DIGITS, 26),
        "export OCTOPUS_URL=https://octopus.internal")
    add("prefect-api-token", "devops.sh",
        "export PREFECT_API_KEY=pnu_" + rnd(B62, 36),
        "export PREFECT_API_URL=https://api.prefect.cloud/")
    add("infracost-api-token", "devops.sh",
        "export INFRACOST_API_KEY=ico-" + rnd(B62, 32),
        "export INFRACOST_CURRENCY=ico-" + rnd(B62, 8))
    add("postman-api-token", "devops.sh",
        "export POSTMAN_API_KEY=PMAK-" + rnd(HEX, 24) + "-" + rnd(HEX, 34),
        "export POSTMAN_COLLECTION=PMAK-" + rnd(HEX, 24))
    add("sentry-token", "devops.sh",
        "export SENTRY_AUTH_TOKEN=sntryu_" + rnd(HEX, 64),
        "export SENTRY_ORG=sntryu_" + rnd(HEX, 20))
    add("sentry-access-token", "devops.sh",
        "export SENTRY_TOKEN=" + rnd(HEX, 64),
        "export SENTRY_DSN_HOST=" + rnd(LOWER, 12))
    add("grafana-api-key", "devops.sh",
        "export GRAFANA_KEY=" + base64.b64encode(('{"k":"%s","n":"deploy-pipeline","id":12}' % rnd(B62, 32)).encode()).decode().rstrip("="),
        "export GRAFANA_URL=https://grafana.internal")
    add("grafana-cloud-token", "devops.sh",
        "export GRAFANA_SA_TOKEN=glsa_" + rnd(B62, 32) + "_" + rnd(HEX, 8),
        "export GRAFANA_SA_NAME=glsa_" + rnd(B62, 10))
    add("datadog-api-key", "devops.sh",
        "export DD_API_KEY=" + rnd(HEX, 32),
        "export DD_SITE=datadoghq.eu")
    add("new-relic-key", "devops.sh",
        "export NEW_RELIC_API_KEY=NRAK-" + rnd(UPPER + DIGITS, 27),
        "export NEW_RELIC_REGION=NRAK-" + rnd(UPPER + DIGITS, 5))
    add("new-relic-user-api-id", "devops.sh",
        "export NEWRELIC_USER_ID=" + rnd(B62, 64),
        "export NEWRELIC_APP=" + rnd(LOWER, 10))
    add("dynatrace-api-token", "devops.sh",
        "export DT_API_TOKEN=dt0c01." + rnd(UPPER + DIGITS, 24) + "." + rnd(UPPER + DIGITS, 64),
        "export DT_ENV=dt0c01." + rnd(UPPER + DIGITS, 24))
    add("sumologic-access-key", "devops.sh",
        "export SUMO_ACCESS_KEY=" + rnd(B62, 64),
        "export SUMO_ENDPOINT=https://api.sumologic.com")
    add("launchdarkly-access-token", "devops.sh",
        "export LAUNCHDARKLY_ACCESS_TOKEN=" + rnd(URL, 40),
        "export LAUNCHDARKLY_PROJECT=" + rnd(LOWER, 10))
    add("okta-access-token", "devops.sh",
        "export OKTA_API_TOKEN=00" + rnd(URL, 40),
        "export OKTA_ORG_URL=https://acme.okta.com")
    add("authress-access-key", "devops.sh",
        "export AUTHRESS_KEY=sc_" + rnd(B62, 12) + "." + rnd(B62, 5) + ".acc_" + rnd(B62, 16) + "." + rnd(B64, 60),
        "export AUTHRESS_KEY=sc_" + rnd(B62, 12) + "." + rnd(B62, 5))
    add("defined-networking-api-token", "devops.sh",
        "export DN_KEY=dnkey-" + rnd(URL, 26) + "-" + rnd(URL, 52),
        "export DN_KEY=dnkey-" + rnd(URL, 26))
    add("settlemint-token", "devops.sh",
        "export SETTLEMINT_TOKEN=sm_pat_" + rnd(B62, 16),
        "export SETTLEMINT_APP=sm_pat_" + rnd(B62, 6))
    add("clickhouse-cloud-api-secret", "devops.sh",
        "export CLICKHOUSE_SECRET=4b1d" + rnd(B62, 38),
        "export CLICKHOUSE_HOST=4b1d" + rnd(B62, 8))
    add("databricks-api-token", "devops.sh",
        "export DATABRICKS_TOKEN=dapi" + rnd(HEX, 32),
        "export DATABRICKS_HOST=dapi" + rnd(HEX, 10))
    add("planetscale-token", "devops.sh",
        "export PLANETSCALE_PASSWORD=pscale_pw_" + rnd(URL, 43),
        "export PLANETSCALE_BRANCH=pscale_pw_" + rnd(URL, 10))
    add("confluent-secret-key", "devops.sh",
        "export CONFLUENT_CLOUD_API_SECRET=" + rnd(B62, 64),
        "export CONFLUENT_ENV=" + rnd(LOWER, 10))
    add("codecov-access-token", "devops.sh",
        "export CODECOV_TOKEN=" + uuid(),
        "export CODECOV_FLAGS=unit")
    add("travisci-access-token", "devops.sh",
        "export TRAVIS_API_TOKEN=" + rnd(B62, 22),
        "export TRAVIS_BRANCH=main")
    add("droneci-access-token", "devops.sh",
        "export DRONECI_TOKEN=" + rnd(B62, 32),
        "export DRONECI_SERVER=https://drone.internal")
    add("snyk-api-token", "devops.sh",
        "export SNYK_TOKEN=" + uuid(),
        "export SNYK_ORG=" + rnd(LOWER, 10))
    add("sonarqube-token", "devops.sh",
        "export SONAR_TOKEN=squ_" + rnd(HEX, 40),
        "export SONAR_PROJECT=squ_" + rnd(HEX, 12))
    add("sonar-login-token", "devops.sh",
        "sonar.login=" + rnd(HEX, 40),
        "sonar.projectKey=" + rnd(LOWER, 12))
    add("cisco-meraki-api-key", "devops.sh",
        "export MERAKI_DASHBOARD_API_KEY=" + rnd(HEX, 40),
        "export MERAKI_NETWORK=" + rnd(LOWER, 10))
    add("linear-api-key", "devops.sh",
        "export LINEAR_KEY=lin_api_" + rnd(B62, 40),
        "export LINEAR_KEY=lin_api_" + rnd(B62, 10))
    add("linear-client-secret", "devops.sh",
        "export LINEAR_CLIENT_SECRET=" + rnd(HEX, 32),
        "export LINEAR_TEAM=" + rnd(LOWER, 10))
    add("fastly-api-token", "devops.sh",
        "export FASTLY_API_TOKEN=" + rnd(URL, 32),
        "export FASTLY_SERVICE=" + rnd(LOWER, 10))

    # saas.json-ish properties
    add("airtable-personal-access-token", "saas.properties",
        "airtable.pat=pat" + rnd(B62, 14) + "." + rnd(HEX, 64),
        "airtable.base=app" + rnd(B62, 10))
    add("airtable-api-key", "saas.properties",
        "airtable.api.key=" + rnd(B62, 17),
        "airtable.table=" + rnd(LOWER, 8))
    add("algolia-api-key", "saas.properties",
        "algolia.admin.key=" + rnd(ALNUM_LOWER, 32),
        "algolia.index=" + rnd(LOWER, 8))
    add("asana-client-secret", "saas.properties",
        "asana.client.secret=" + rnd(ALNUM_LOWER, 32),
        "asana.workspace=" + rnd(LOWER, 8))
    add("asana-client-id", "saas.properties",
        "asana.client.id=" + "1" + rnd(DIGITS, 15),
        "asana.project=" + rnd(LOWER, 8))
    add("beamer-api-token", "saas.properties",
        "beamer.key=b_" + rnd(URL, 44),
        "beamer.product=" + rnd(LOWER, 8))
    add("contentful-delivery-api-token", "saas.properties",
        "contentful.delivery.token=" + rnd(URL, 43),
        "contentful.space=" + rnd(LOWER, 8))
    add("dropbox-api-token", "saas.properties",
        "dropbox.token=sl." + rnd(URL, 140),
        "dropbox.folder=/backups")
    add("dropbox-app-key", "saas.properties",
        "dropbox.app.key=" + rnd(ALNUM_LOWER, 15),
        "dropbox.app.name=" + rnd(LOWER, 8))
    add("etsy-access-token", "saas.properties",
        "etsy.api.key=" + rnd(ALNUM_LOWER, 24),
        "etsy.shop=" + rnd(LOWER, 8))
    add("facebook-access-token", "saas.properties",
        "fb.page=EAAM" + rnd(B62, 120),
        "fb.page=EAAM" + rnd(B62, 20))
    add("facebook-app-token", "saas.properties",
        "facebook.app.token=" + rnd(DIGITS, 15) + "|" + rnd(URL, 27),
        "facebook.app.id=" + rnd(DIGITS, 15))
    add("facebook-secret", "saas.properties",
        "facebook.app.secret=" + rnd(HEX, 32),
        "facebook.page.name=" + rnd(LOWER, 8))
    add("flickr-access-token", "saas.properties",
        "flickr.api.key=" + rnd(ALNUM_LOWER, 32),
        "flickr.user=" + rnd(LOWER, 8))
    add("frameio-api-token", "saas.properties",
        "frameio=fio-u-" + rnd(URL, 64),
        "frameio=fio-u-" + rnd(URL, 10))
    add("freshbooks-access-token", "saas.properties",
        "freshbooks.token=" + rnd(ALNUM_LOWER, 64),
        "freshbooks.account=" + rnd(LOWER, 8))
    add("hubspot-api-key", "saas.properties",
        "hubspot.api.key=" + uuid().upper(),
        "hubspot.portal=" + rnd(DIGITS, 8))
    add("intra42-client-secret", "saas.properties",
        "intra.secret=s-s4t2ud-" + rnd(HEX, 64),
        "intra.app=s-s4t2ud-" + rnd(HEX, 10))
    add("linkedin-client-secret", "saas.properties",
        "linkedin.client.secret=" + rnd(B62, 16),
        "linkedin.client.name=" + rnd(LOWER, 8))
    add("linkedin-client-id", "saas.properties",
        "linkedin.client.id=" + rnd(ALNUM_LOWER, 14),
        "linkedin.company=" + rnd(LOWER, 8))
    add("looker-client-secret", "saas.properties",
        "looker.client.secret=" + rnd(B62, 24),
        "looker.base.url=https://acme.looker.com")
    add("mapbox-token", "saas.properties",
        "mapbox.token=sk.eyJ1IjoiYWNtZSIsImEiOiJ" + rnd(B62, 20) + "." + rnd(URL, 22),
        "mapbox.style=mapbox://styles/mapbox/streets-v12")
    add("maxmind-license-key", "saas.properties",
        "maxmind=" + rnd(B62, 6) + "_" + rnd(B62, 29) + "_mmk",
        "maxmind=" + rnd(B62, 6) + "_mmk")
    add("notion-api-token", "saas.properties",
        "notion=ntn_" + rnd(DIGITS, 11) + rnd(B62, 35),
        "notion=ntn_" + rnd(DIGITS, 11))
    add("nytimes-access-token", "saas.properties",
        "nytimes.api.key=" + rnd(B62, 32),
        "nytimes.section=" + rnd(LOWER, 8))
    add("rapidapi-access-token", "saas.properties",
        "rapidapi.key=" + rnd(URL, 50),
        "rapidapi.host=" + rnd(LOWER, 8) + ".p.rapidapi.com")
    add("squarespace-access-token", "saas.properties",
        "squarespace.api.key=" + uuid(),
        "squarespace.site=" + rnd(LOWER, 8))
    add("twitch-api-token", "saas.properties",
        "twitch.client.secret=" + rnd(ALNUM_LOWER, 30),
        "twitch.channel=" + rnd(LOWER, 8))
    add("twitter-api-secret", "saas.properties",
        "twitter.consumer.secret=" + rnd(B62, 50),
        "twitter.handle=" + rnd(LOWER, 8))
    add("typeform-api-token", "saas.properties",
        "typeform=tfp_" + rnd(URL, 59),
        "typeform=tfp_" + rnd(URL, 10))
    add("adobe-client-id", "saas.properties",
        "adobe.client.id=" + rnd(HEX, 32),
        "adobe.org=" + rnd(LOWER, 8))
    add("adobe-client-secret", "saas.properties",
        "adobe=p8e-" + rnd(B62, 32),
        "adobe=p8e-" + rnd(B62, 10))
    add("sidekiq-secret", "saas.properties",
        "BUNDLE_GEMS__CONTRIBSYS__COM=" + rnd(HEX, 8) + ":" + rnd(HEX, 8),
        "BUNDLE_GEMS__CONTRIBSYS__COM=${SIDEKIQ_CREDENTIALS}")

    # keys.txt
    add("jwt", "keys.txt", "Authorization: Bearer " + jwt(),
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
    add("jwt-base64", "keys.txt", "ci_var: " + base64.b64encode(jwt().encode()).decode(),
        "ci_var: ZXlK" + rnd(B62, 70))
    add("curl-auth-header", "keys.txt",
        'curl -s -H "Authorization: Bearer ' + rnd(URL, 40) + '" https://api.internal/v1/items',
        'curl -s -H "Authorization: Bearer $API_TOKEN" https://api.internal/v1/items')
    add("curl-auth-user", "keys.txt",
        "curl -u deploy:" + rnd(B62, 16) + " https://repo.internal/upload",
        "curl -u deploy:$DEPLOY_PASSWORD https://repo.internal/upload")
    add("symfony-default-secret", "keys.txt",
        "APP_SECRET=ThisTokenIsNotSoSecretChangeIt",
        "APP_ENV=prod")
    add("password-in-url", "keys.txt",
        "DATABASE_URL=postgres://app:" + rnd(B62, 16) + "@db.internal:5432/app",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app")
    add("generic-secret", "keys.txt",
        'SECRET_KEY = "django-insecure-' + rnd(LOWER + DIGITS + "!@#$%^&*(-_=+)", 50) + '"',
        "token = oauth2client.GOOGLE_TOKEN_URI")

    return s


def multi_line_samples():
    """Rules whose samples span lines or need a file name."""
    out = []
    out.append(("kubernetes-secret-data", "providers/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  api-key: "
                + base64.b64encode(rnd(B62, 24).encode()).decode() + "\n", 7,
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata: {}\n"))
    out.append(("docker-config-auth", "providers/docker/config.json",
                '{\n  "auths": {\n    "registry.internal": {\n      "auth": "'
                + base64.b64encode(("ci:" + rnd(B62, 20)).encode()).decode() + '"\n    }\n  }\n}\n', 4,
                '{\n  "auths": {\n    "registry.internal": {\n      "auth": "'
                + base64.b64encode(rnd(B62, 20).encode()).decode() + '"\n    }\n  }\n}\n'))
    out.append(("nuget-config-password", "providers/nuget/NuGet.Config",
                '<configuration>\n  <packageSourceCredentials>\n    <feed>\n      <add key="ClearTextPassword" value="'
                + rnd(B62, 20) + '" />\n    </feed>\n  </packageSourceCredentials>\n</configuration>\n', 4,
                '<configuration>\n  <packageSourceCredentials>\n    <feed>\n      <add key="Username" value="ci" />\n    </feed>\n  </packageSourceCredentials>\n</configuration>\n'))
    out.append(("maven-settings-password", "providers/maven/settings.xml",
                "<settings>\n  <servers>\n    <server>\n      <id>internal</id>\n      <password>" + rnd(B62, 14)
                + "</password>\n      <passphrase>" + rnd(B62, 14) + "</passphrase>\n    </server>\n  </servers>\n</settings>\n", 5,
                "<settings>\n  <servers>\n    <server>\n      <password>{COQLCE6DU6GtcS5P=}</password>\n      <passphrase>${gpg.passphrase}</passphrase>\n    </server>\n  </servers>\n</settings>\n"))
    out.append(("maven-settings-passphrase", "providers/maven/settings.xml", None, 6, None))
    out.append(("maven-settings-security-master", "providers/maven/settings-security.xml",
                "<settingsSecurity>\n  <master>" + rnd(B62, 18) + "</master>\n</settingsSecurity>\n", 2,
                "<settingsSecurity>\n  <master>{jSMOWnoPFgsHVpMvz5VrIt5kRbzGpI8u=}</master>\n</settingsSecurity>\n"))
    out.append(("terraform-password", "providers/terraform/main.tf",
                'resource "azurerm_sql_server" "db" {\n  administrator_login          = "sqladmin"\n  administrator_login_password = "'
                + rnd(B62, 16) + '"\n}\n', 3,
                'resource "azurerm_sql_server" "db" {\n  administrator_login_password = var.db_password\n}\n'))
    out.append(("freemius-secret-key", "providers/freemius/init.php",
                "<?php\n$fs = fs_dynamic_init(array(\n    'secret_key' => 'sk_" + rnd(B62 + "!@#", 29) + "',\n));\n", 3,
                "<?php\n$fs = fs_dynamic_init(array(\n    'public_key' => 'pk_" + rnd(HEX, 29) + "',\n));\n"))
    out.append(("gcp-service-account", "providers/gcp/key-template.json", None, None,
                '{\n  "type": "service_account",\n  "project_id": "acme",\n  "private_key_id": "<key id>",\n  "client_email": "ci@acme.iam.gserviceaccount.com"\n}\n'))
    out.append(("private-key", "providers/keys/empty.pem", None, None,
                "-----BEGIN RSA PRIVATE KEY----- -----END RSA PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n"
                + "\n".join(rnd(B64, 64) for _ in range(4)) + "\n-----END PUBLIC KEY-----\n"))
    return out


def main():
    pos_dir = FIXTURES / "positive/providers"
    neg_dir = FIXTURES / "negative/providers"
    for d in (pos_dir, neg_dir):
        if d.exists():
            for f in sorted(d.rglob("*"), reverse=True):
                f.unlink() if f.is_file() else f.rmdir()
        d.mkdir(parents=True, exist_ok=True)
    expected = [e for e in json.loads((FIXTURES / "expected.json").read_text())
                if not e["path"].startswith("positive/providers/")]
    files_pos, files_neg, index = {}, {}, []
    for rid, fam, pos, neg, _ in samples():
        lines = files_pos.setdefault(fam, [])
        lines.append(pos)
        expected.append({"rule": rid, "path": f"positive/providers/{fam}", "start": len(lines), "end": len(lines)})
        negatives = files_neg.setdefault(fam, [])
        negatives.append(neg)
        index.append({"rule": rid, "path": f"providers/{fam}", "line": len(negatives)})
    for fam, lines in files_pos.items():
        (pos_dir / fam).write_text("\n".join(lines) + "\n")
    for fam, lines in files_neg.items():
        (neg_dir / fam).write_text("\n".join(lines) + "\n")
    for rid, path, pos, line, neg in multi_line_samples():
        for text, base in ((pos, FIXTURES / "positive"), (neg, FIXTURES / "negative")):
            if text is not None:
                target = base / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
        if line is not None:
            expected.append({"rule": rid, "path": f"positive/{path}", "start": line, "end": line})
        index.append({"rule": rid, "path": path, "line": 1})
    index.sort(key=lambda e: e["rule"])
    (neg_dir / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    expected.sort(key=lambda e: (e["path"], e["start"], e["rule"]))
    (FIXTURES / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
