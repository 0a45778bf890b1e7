"""The labeled secrets sample set: tokens generated to each provider's documented format.

Nothing here is a real key: every body is drawn at random (seeded, so a run is reproducible)
from the alphabet and length the provider documents. Each format is written independently of
the detector's regex, as a template of literals and ``{class:length}`` fields, e.g.
``ghp_{an:36}`` (36 letters and digits after ``ghp_``), so the test measures the detector
against the format, not against itself.

Every token appears in six contexts (Python code, ``.env``, YAML, JSON, a shell script, a
Markdown code block). The negatives have the same shapes:

- near-misses: the body cut to half its documented length, or one character short of it,
  and, for keyword formats, the value under a name that does not name the provider;
- placeholders: bodies of one repeated character, the alphabet in sequence, and templates
  (``<github_token>``, ``${GITHUB_TOKEN}``, ``your-github-token-here``).

``python tests/corpus/secrets/generate.py OUT_DIR`` writes the set as files for a look; the
tests build it in memory.
"""

from __future__ import annotations

import random
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

CLASSES = {
    "an": string.ascii_letters + string.digits,
    "AN": string.ascii_uppercase + string.digits,
    "lo": string.ascii_lowercase + string.digits,
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "b64": string.ascii_letters + string.digits + "+/",
    "u": string.ascii_letters + string.digits + "_-",
    "d": string.digits,
    "up": string.ascii_uppercase,
    "bech": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
    "b32": "abcdefghijklmnopqrstuvwxyz234567",
}


@dataclass(frozen=True)
class Spec:
    provider: str
    kind: str  # what the finding must name
    template: str  # literals and {class:n} / {class:n-m} / {uuid}
    name: str  # the variable / key the token is assigned to
    keyword: bool = False  # the name, not the shape, identifies the provider


def a(provider: str, kind: str, template: str, name: str) -> Spec:
    return Spec(provider, kind, template, name)


def k(provider: str, kind: str, template: str, name: str) -> Spec:
    return Spec(provider, kind, template, name, keyword=True)


UUID = "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"

SPECS: tuple[Spec, ...] = (
    a("Anthropic", "Anthropic API key", "sk-ant-api03-{u:78-118}AA", "ANTHROPIC_API_KEY"),
    a("OpenAI", "OpenAI API key", "sk-proj-{u:40-156}", "OPENAI_API_KEY"),
    a("OpenAI", "OpenAI API key", "sk-{an:20}T3BlbkFJ{an:20}", "OPENAI_API_KEY"),
    a("Groq", "Groq API key", "gsk_{an:52}", "GROQ_API_KEY"),
    a("xAI", "xAI API key", "xai-{an:80}", "XAI_API_KEY"),
    a("Perplexity", "Perplexity API key", "pplx-{an:48}", "PERPLEXITY_API_KEY"),
    a("Replicate", "Replicate API token", "r8_{an:37}", "REPLICATE_API_TOKEN"),
    a("Hugging Face", "Hugging Face access token", "hf_{an:34}", "HF_TOKEN"),
    a("Hugging Face", "Hugging Face organization API token", "api_org_{an:34}", "HF_ORG_TOKEN"),
    a("LangSmith", "LangSmith API key", "lsv2_pt_{hex:32}_{hex:10}", "LANGSMITH_API_KEY"),
    a("Pinecone", "Pinecone API key", "pcsk_{an:6}_{an:43-73}", "PINECONE_API_KEY"),
    a("GitHub", "GitHub personal access token", "ghp_{an:36}", "GITHUB_TOKEN"),
    a("GitHub", "GitHub OAuth access token", "gho_{an:36}", "GITHUB_TOKEN"),
    a("GitHub", "GitHub user-to-server token", "ghu_{an:36}", "GITHUB_TOKEN"),
    a("GitHub", "GitHub server-to-server token", "ghs_{an:36}", "GITHUB_TOKEN"),
    a("GitHub", "GitHub refresh token", "ghr_{an:36-76}", "GITHUB_REFRESH_TOKEN"),
    a("GitHub", "GitHub fine-grained personal access token", "github_pat_{an:22}_{an:59}", "GITHUB_TOKEN"),
    a("GitLab", "GitLab personal access token", "glpat-{u:20-40}", "GITLAB_TOKEN"),
    a("GitLab", "GitLab deploy token", "gldt-{u:20}", "GITLAB_DEPLOY_TOKEN"),
    a("GitLab", "GitLab runner token", "glrt-{u:20}", "GITLAB_RUNNER_TOKEN"),
    a("GitLab", "GitLab CI/CD job token", "glcbt-{u:20-24}", "CI_JOB_TOKEN"),
    a("GitLab", "GitLab pipeline trigger token", "glptt-{hex:20-40}", "TRIGGER_TOKEN"),
    a("GitLab", "GitLab OAuth application secret", "gloas-{hex:64}", "GITLAB_OAUTH_SECRET"),
    a("GitLab", "GitLab feed token", "glft-{u:20}", "GITLAB_FEED_TOKEN"),
    a("GitLab", "GitLab agent token", "glagent-{u:20-50}", "GITLAB_AGENT_TOKEN"),
    a("GitLab", "GitLab incoming mail token", "glimt-{u:20-25}", "GITLAB_INCOMING_EMAIL_TOKEN"),
    a("GitLab", "GitLab SCIM OAuth token", "glsoat-{u:20}", "GITLAB_SCIM_TOKEN"),
    a("GitLab", "GitLab feature flags client token", "glffct-{u:20}", "UNLEASH_CLIENT_TOKEN"),
    a("GitLab", "GitLab runner authentication token", "glrtr-{u:20}", "RUNNER_AUTH_TOKEN"),
    a("GitLab", "GitLab runner registration token", "GR1348941{u:20}", "REGISTRATION_TOKEN"),
    a("Bitbucket", "Bitbucket app password", "ATBB{an:32}", "BITBUCKET_APP_PASSWORD"),
    a("Atlassian", "Atlassian API token", "ATATT3{u:180-200}", "JIRA_API_TOKEN"),
    a("Atlassian", "Atlassian access token", "ATCTT3{u:180-200}", "CONFLUENCE_ACCESS_TOKEN"),
    a("npm", "npm access token", "npm_{an:36}", "NPM_TOKEN"),
    a("PyPI", "PyPI API token", "pypi-AgEIcHlwaS5vcmc{u:50-70}", "PYPI_API_TOKEN"),
    a("PyPI", "TestPyPI API token", "pypi-AgENdGVzdC5weXBpLm9yZw{u:50-70}", "TEST_PYPI_API_TOKEN"),
    a("RubyGems", "RubyGems API key", "rubygems_{hex:48}", "GEM_HOST_API_KEY"),
    a("Clojars", "Clojars deploy token", "CLOJARS_{lo:60}", "CLOJARS_TOKEN"),
    a("NuGet", "NuGet API key", "oy2{lo:43}", "NUGET_API_KEY"),
    a("Docker Hub", "Docker Hub personal access token", "dckr_pat_{u:27}", "DOCKERHUB_TOKEN"),
    a("Docker Hub", "Docker Hub organization access token", "dckr_oat_{u:32}", "DOCKERHUB_TOKEN"),
    a("JFrog", "JFrog Artifactory API key", "AKCp{an:69}", "ARTIFACTORY_API_KEY"),
    a("JFrog", "JFrog reference token", "cmVmdGtuOjAxOj{an:50}", "JFROG_ACCESS_TOKEN"),
    a("CircleCI", "CircleCI personal API token", "CCIPAT_{an:22}_{hex:40}", "CIRCLECI_TOKEN"),
    a("CircleCI", "CircleCI project API token", "CCIPRJ_{an:22}_{hex:40}", "CIRCLECI_TOKEN"),
    a("Buildkite", "Buildkite API access token", "bkua_{hex:40}", "BUILDKITE_API_TOKEN"),
    a("Sourcegraph", "Sourcegraph access token", "sgp_{hex:16}_{hex:40}", "SRC_ACCESS_TOKEN"),
    a("Sourcegraph", "Sourcegraph access token", "sgp_{hex:40}", "SRC_ACCESS_TOKEN"),
    a("SonarQube", "SonarQube token", "squ_{hex:40}", "SONAR_TOKEN"),
    a("SonarQube", "SonarQube token", "sqp_{hex:40}", "SONAR_TOKEN"),
    a("Octopus Deploy", "Octopus Deploy API key", "API-{AN:26-32}", "OCTOPUS_API_KEY"),
    a("Harness", "Harness personal access token", "pat.{u:22}.{hex:24}.{an:20}", "HARNESS_API_KEY"),
    a("Prefect", "Prefect API key", "pnu_{an:36}", "PREFECT_API_KEY"),
    a("ReadMe", "ReadMe API key", "rdme_{lo:70}", "README_API_KEY"),
    a("Infracost", "Infracost API key", "ico-{an:32}", "INFRACOST_API_KEY"),
    a("Postman", "Postman API key", "PMAK-{hex:24}-{hex:34}", "POSTMAN_API_KEY"),
    a("Linear", "Linear API key", "lin_api_{an:40}", "LINEAR_API_KEY"),
    a("Linear", "Linear OAuth token", "lin_oauth_{hex:64}", "LINEAR_OAUTH_TOKEN"),
    a("AWS", "AWS access key ID", "AKIA{AN:16}", "AWS_ACCESS_KEY_ID"),
    a("AWS", "AWS access key ID", "ASIA{AN:16}", "AWS_ACCESS_KEY_ID"),
    a("AWS", "AWS Bedrock API key", "ABSK{b64:100-132}", "AWS_BEARER_TOKEN_BEDROCK"),
    a("AWS", "AWS Bedrock short-term API key", "bedrock-api-key-{b64:100-400}", "AWS_BEARER_TOKEN_BEDROCK"),
    k("AWS", "AWS secret access key", "{b64:40}", "AWS_SECRET_ACCESS_KEY"),
    a("Google", "Google API key", "AIza{u:35}", "GOOGLE_API_KEY"),
    a("Google", "Google OAuth client secret", "GOCSPX-{u:28}", "GOOGLE_CLIENT_SECRET"),
    a("Google", "Google OAuth access token", "ya29.{u:30-150}", "GOOGLE_ACCESS_TOKEN"),
    k("Google", "Google Cloud service account key ID", "{hex:40}", "private_key_id"),
    a("Firebase", "Firebase Cloud Messaging server key", "AAAA{u:7}:APA91b{u:134}", "FCM_SERVER_KEY"),
    a(
        "Azure Storage",
        "Azure storage account key",
        "AccountName=acme;AccountKey={b64:86}==",
        "AZURE_STORAGE",
    ),
    a(
        "Azure Service Bus",
        "Azure Service Bus shared access key",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={b64:43}=",
        "SERVICEBUS_CONNECTION",
    ),
    a(
        "Azure Storage",
        "Azure Storage SAS token signature",
        "https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=r&sig={b64:43}%3D",
        "BLOB_SAS_URL",
    ),
    a("Azure Entra ID", "Azure Entra ID client secret", "{u:3}{d:1}Q~{u:31-34}", "AZURE_CLIENT_SECRET"),
    a(
        "Azure DevOps",
        "Azure DevOps personal access token",
        "{an:52}JQQJ99{an:22}AZDO{an:4}",
        "AZURE_DEVOPS_PAT",
    ),
    k("Azure DevOps", "Azure DevOps personal access token", "{b32:52}", "AZURE_DEVOPS_PAT"),
    k("Azure OpenAI", "Azure OpenAI API key", "{hex:32}", "AZURE_OPENAI_API_KEY"),
    a("Alibaba Cloud", "Alibaba Cloud AccessKey ID", "LTAI{an:12-20}", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
    a("Tencent Cloud", "Tencent Cloud SecretId", "AKID{an:32}", "TENCENTCLOUD_SECRET_ID"),
    a("Yandex", "Yandex Cloud API key", "AQVN{u:35-38}", "YC_API_KEY"),
    a("Yandex", "Yandex OAuth token", "y0_{u:55}", "YC_TOKEN"),
    a("Scaleway", "Scaleway access key", "SCW{AN:17}", "SCW_ACCESS_KEY"),
    a("DigitalOcean", "DigitalOcean personal access token", "dop_v1_{hex:64}", "DIGITALOCEAN_TOKEN"),
    a("DigitalOcean", "DigitalOcean OAuth token", "doo_v1_{hex:64}", "DIGITALOCEAN_TOKEN"),
    a("DigitalOcean", "DigitalOcean refresh token", "dor_v1_{hex:64}", "DIGITALOCEAN_REFRESH_TOKEN"),
    a("Cloudflare", "Cloudflare Origin CA key", "v1.0-{hex:24}-{hex:146}", "CLOUDFLARE_ORIGIN_CA_KEY"),
    k("Cloudflare", "Cloudflare API token", "{u:40}", "CLOUDFLARE_API_TOKEN"),
    k("Cloudflare", "Cloudflare global API key", "{hex:37}", "CLOUDFLARE_API_KEY"),
    a("HashiCorp Vault", "HashiCorp Vault service token", "hvs.{u:24-90}", "VAULT_TOKEN"),
    a("HashiCorp Vault", "HashiCorp Vault batch token", "hvb.{u:24-138}", "VAULT_TOKEN"),
    a("HashiCorp Vault", "HashiCorp Vault recovery token", "hvr.{u:24-90}", "VAULT_RECOVERY_TOKEN"),
    k("HashiCorp Vault", "HashiCorp Vault token (legacy)", "s.{an:24}", "VAULT_TOKEN"),
    a("Terraform Cloud", "Terraform Cloud API token", "{an:14}.atlasv1.{u:60-70}", "TFE_TOKEN"),
    a("Pulumi", "Pulumi access token", "pul-{hex:40}", "PULUMI_ACCESS_TOKEN"),
    a("Doppler", "Doppler token", "dp.pt.{an:40-44}", "DOPPLER_TOKEN"),
    a("Doppler", "Doppler token", "dp.st.{an:40-44}", "DOPPLER_TOKEN"),
    a("1Password", "1Password service account token", "ops_eyJ{b64:200-300}", "OP_SERVICE_ACCOUNT_TOKEN"),
    a("1Password", "1Password Secret Key", "A3-{AN:6}-{AN:6}-{AN:5}-{AN:5}-{AN:5}-{AN:5}", "OP_SECRET_KEY"),
    a(
        "Bitwarden",
        "Bitwarden Secrets Manager access token",
        "0." + UUID + ".{an:30}:{an:22}==",
        "BWS_ACCESS_TOKEN",
    ),
    a("age", "age secret key", "AGE-SECRET-KEY-1{bech:58}", "AGE_SECRET_KEY"),
    a("Fly.io", "Fly.io access token", "fo1_{u:43}", "FLY_API_TOKEN"),
    a("Fly.io", "Fly.io macaroon token", "FlyV1 fm2_{b64:100-200}", "FLY_API_TOKEN"),
    a("OpenShift", "OpenShift user token", "sha256~{u:43}", "OPENSHIFT_TOKEN"),
    a("Tailscale", "Tailscale key", "tskey-auth-{an:11}CNTRL-{an:20-40}", "TS_AUTHKEY"),
    a("Databricks", "Databricks personal access token", "dapi{hex:32}", "DATABRICKS_TOKEN"),
    a("Databricks", "Databricks OAuth secret", "dose{hex:32}", "DATABRICKS_CLIENT_SECRET"),
    a("PlanetScale", "PlanetScale token", "pscale_tkn_{u:32-64}", "PLANETSCALE_TOKEN"),
    a("Supabase", "Supabase personal access token", "sbp_{hex:40}", "SUPABASE_ACCESS_TOKEN"),
    a("Supabase", "Supabase secret key", "sb_secret_{u:31}", "SUPABASE_SECRET_KEY"),
    a("Neon", "Neon API key", "napi_{lo:64}", "NEON_API_KEY"),
    a("Render", "Render API key", "rnd_{an:32}", "RENDER_API_KEY"),
    a("Heroku", "Heroku API key", "HRKU-{u:60}", "HEROKU_API_KEY"),
    k("Heroku", "Heroku API key", UUID, "HEROKU_API_KEY"),
    a("Netlify", "Netlify personal access token", "nfp_{an:36}", "NETLIFY_AUTH_TOKEN"),
    k("Netlify", "Netlify access token", "{u:43}", "NETLIFY_AUTH_TOKEN"),
    a("Dynatrace", "Dynatrace API token", "dt0c01.{AN:24}.{AN:64}", "DT_API_TOKEN"),
    a("Grafana", "Grafana Cloud access token", "glc_{b64:32-120}", "GRAFANA_CLOUD_TOKEN"),
    a("Grafana", "Grafana service account token", "glsa_{an:32}_{hex:8}", "GRAFANA_TOKEN"),
    a("Grafana", "Grafana API key", "eyJrIjoi{b64:60-100}", "GRAFANA_API_KEY"),
    a("New Relic", "New Relic user API key", "NRAK-{AN:27}", "NEW_RELIC_API_KEY"),
    a("New Relic", "New Relic insights key", "NRII-{u:32}", "NEW_RELIC_INSIGHTS_KEY"),
    a("New Relic", "New Relic license key", "{hex:36}NRAL", "NEW_RELIC_LICENSE_KEY"),
    a("Sentry", "Sentry organization auth token", "sntrys_eyJ{u:60-120}", "SENTRY_AUTH_TOKEN"),
    a("Sentry", "Sentry user auth token", "sntryu_{hex:64}", "SENTRY_AUTH_TOKEN"),
    a("Honeycomb", "Honeycomb ingest key", "hcaik_{lo:58}", "HONEYCOMB_API_KEY"),
    a("Slack", "Slack bot token", "xoxb-{d:12}-{d:13}-{an:20-24}", "SLACK_BOT_TOKEN"),
    a("Slack", "Slack user token", "xoxp-{d:12}-{d:12}-{d:13}-{hex:20-32}", "SLACK_USER_TOKEN"),
    a("Slack", "Slack token", "xoxa-2-{d:12}-{an:8-30}", "SLACK_LEGACY_TOKEN"),
    a("Slack", "Slack token", "xoxr-{d:12}-{an:8-40}", "SLACK_REFRESH_TOKEN"),
    a("Slack", "Slack configuration token", "xoxe.xoxp-1-{an:150-166}", "SLACK_CONFIG_TOKEN"),
    a("Slack", "Slack configuration refresh token", "xoxe-1-{an:140-146}", "SLACK_CONFIG_REFRESH_TOKEN"),
    a("Slack", "Slack app-level token", "xapp-1-A{AN:10}-{d:13}-{hex:64}", "SLACK_APP_TOKEN"),
    a(
        "Slack",
        "Slack webhook URL",
        "https://hooks.slack.com/services/T{AN:8}/B{AN:10}/{an:24}",
        "SLACK_WEBHOOK_URL",
    ),
    a(
        "Slack",
        "Slack webhook URL",
        "https://hooks.slack.com/workflows/T{AN:10}/A{AN:10}/{d:18}/{an:32}",
        "SLACK_WORKFLOW_URL",
    ),
    a(
        "Slack",
        "Slack webhook URL",
        "https://hooks.slack.com/triggers/T{AN:10}/{d:13}/{hex:32}",
        "SLACK_TRIGGER_URL",
    ),
    a(
        "Discord",
        "Discord webhook URL",
        "https://discord.com/api/webhooks/{d:19}/{u:60-68}",
        "DISCORD_WEBHOOK_URL",
    ),
    k("Discord", "Discord client secret", "{u:32}", "DISCORD_CLIENT_SECRET"),
    a(
        "Microsoft Teams",
        "Microsoft Teams webhook URL",
        "https://acme.webhook.office.com/webhookb2/"
        + UUID
        + "@"
        + UUID
        + "/IncomingWebhook/{hex:32}/"
        + UUID,
        "TEAMS_WEBHOOK_URL",
    ),
    a("Telegram", "Telegram bot token", "{d:10}:AA{u:33}", "TELEGRAM_BOT_TOKEN"),
    a("Twilio", "Twilio API key", "SK{hex:32}", "TWILIO_API_KEY"),
    a("Twilio", "Twilio account SID", "AC{hex:32}", "TWILIO_ACCOUNT_SID"),
    k("Twilio", "Twilio auth token", "{hex:32}", "TWILIO_AUTH_TOKEN"),
    a("SendGrid", "SendGrid API key", "SG.{u:22}.{u:43}", "SENDGRID_API_KEY"),
    a("Mailgun", "Mailgun API key", "key-{hex:32}", "MAILGUN_API_KEY"),
    k("Mailgun", "Mailgun API key", "{hex:32}-{hex:8}-{hex:8}", "MAILGUN_API_KEY"),
    a("Mailchimp", "Mailchimp API key", "{hex:32}-us{d:1-2}", "MAILCHIMP_API_KEY"),
    a("Brevo", "Brevo API key", "xkeysib-{hex:64}-{an:16}", "BREVO_API_KEY"),
    a("Brevo", "Brevo SMTP key", "xsmtpsib-{hex:64}-{an:16}", "BREVO_SMTP_KEY"),
    a("Resend", "Resend API key", "re_{an:8}_{an:24}", "RESEND_API_KEY"),
    a("MailerSend", "MailerSend API token", "mlsn.{hex:64}", "MAILERSEND_API_KEY"),
    a("Mandrill", "Mandrill API key", "md-{u:22}", "MANDRILL_API_KEY"),
    a("Telnyx", "Telnyx API key", "KEY{HEX:32}_{an:22}", "TELNYX_API_KEY"),
    a("Intercom", "Intercom access token", "dG9rOj{b64:50-60}=", "INTERCOM_ACCESS_TOKEN"),
    a("Typeform", "Typeform personal access token", "tfp_{an:44}_{an:14}", "TYPEFORM_TOKEN"),
    a("Notion", "Notion integration token", "ntn_{d:11}{an:35}", "NOTION_TOKEN"),
    a("Notion", "Notion integration token (legacy)", "secret_{an:43}", "NOTION_TOKEN"),
    a("Airtable", "Airtable personal access token", "pat{an:14}.{hex:64}", "AIRTABLE_TOKEN"),
    a("Asana", "Asana personal access token", "1/{d:16}:{hex:32}", "ASANA_ACCESS_TOKEN"),
    a("Asana", "Asana personal access token", "2/{d:16}/{d:16}:{hex:32}", "ASANA_ACCESS_TOKEN"),
    k("Asana", "Asana client secret", "{lo:32}", "ASANA_CLIENT_SECRET"),
    a("HubSpot", "HubSpot private app access token", "pat-na1-" + UUID, "HUBSPOT_ACCESS_TOKEN"),
    k("HubSpot", "HubSpot API key", UUID, "HUBSPOT_API_KEY"),
    a("Contentful", "Contentful personal access token", "CFPAT-{u:43}", "CONTENTFUL_MANAGEMENT_TOKEN"),
    a("Frame.io", "Frame.io developer token", "fio-u-{u:64}", "FRAMEIO_TOKEN"),
    a("Dropbox", "Dropbox short-lived access token", "sl.{u:130-140}", "DROPBOX_ACCESS_TOKEN"),
    a("Zapier", "Zapier webhook URL", "https://hooks.zapier.com/hooks/catch/{d:7}/{lo:6-8}/", "ZAPIER_HOOK"),
    a("Salesforce", "Salesforce access token", "00D{an:15}!{an:96}", "SALESFORCE_ACCESS_TOKEN"),
    a("Twitter", "Twitter/X bearer token", "AAAAAAAAAAAAAAAAAAAAA{an:80-120}", "TWITTER_BEARER_TOKEN"),
    a("Facebook", "Facebook/Meta access token", "EAA{an:100-180}", "FACEBOOK_ACCESS_TOKEN"),
    a("Facebook", "Facebook app access token", "{d:15}|{hex:32}", "FACEBOOK_APP_TOKEN"),
    k("Facebook", "Facebook app secret", "{hex:32}", "FACEBOOK_APP_SECRET"),
    a("Mapbox", "Mapbox secret access token", "sk.eyJ{u:60}.{u:20-22}", "MAPBOX_SECRET_TOKEN"),
    a("Shopify", "Shopify access token", "shpat_{hex:32}", "SHOPIFY_ACCESS_TOKEN"),
    a("Shopify", "Shopify access token", "shpca_{hex:32}", "SHOPIFY_ACCESS_TOKEN"),
    a("Shopify", "Shopify shared secret", "shpss_{hex:32}", "SHOPIFY_API_SECRET"),
    a("Atlassian", "Atlassian Opsgenie API key", "GenieKey " + UUID, "OPSGENIE_AUTH"),
    a("Stripe", "Stripe live secret key", "sk_live_{an:24-99}", "STRIPE_SECRET_KEY"),
    a("Stripe", "Stripe test secret key", "sk_test_{an:24-99}", "STRIPE_SECRET_KEY"),
    a("Stripe", "Stripe live restricted key", "rk_live_{an:24-99}", "STRIPE_RESTRICTED_KEY"),
    a("Stripe", "Stripe test restricted key", "rk_test_{an:24}", "STRIPE_RESTRICTED_KEY"),
    a("Stripe", "Stripe webhook signing secret", "whsec_{an:32}", "STRIPE_WEBHOOK_SECRET"),
    a("Square", "Square access token", "EAAA{u:60}", "SQUARE_ACCESS_TOKEN"),
    a("Square", "Square OAuth secret", "sq0csp-{u:43}", "SQUARE_OAUTH_SECRET"),
    a("Square", "Square OAuth access token", "sq0atp-{u:22}", "SQUARE_ACCESS_TOKEN"),
    a(
        "Braintree",
        "Braintree access token",
        "access_token$production${lo:16}${hex:32}",
        "BRAINTREE_ACCESS_TOKEN",
    ),
    a(
        "Braintree",
        "Braintree sandbox access token",
        "access_token$sandbox${lo:16}${hex:32}",
        "BRAINTREE_TOKEN",
    ),
    a("Plaid", "Plaid access token", "access-production-" + UUID, "PLAID_ACCESS_TOKEN"),
    a("Plaid", "Plaid sandbox access token", "access-sandbox-" + UUID, "PLAID_ACCESS_TOKEN"),
    a("Shippo", "Shippo live API token", "shippo_live_{hex:40}", "SHIPPO_API_TOKEN"),
    a("Shippo", "Shippo test API token", "shippo_test_{hex:40}", "SHIPPO_API_TOKEN"),
    a("EasyPost", "EasyPost production API key", "EZAK{an:54}", "EASYPOST_API_KEY"),
    a("EasyPost", "EasyPost test API key", "EZTK{an:54}", "EASYPOST_API_KEY"),
    a("Flutterwave", "Flutterwave secret key", "FLWSECK-{hex:32}-X", "FLW_SECRET_KEY"),
    a("Flutterwave", "Flutterwave test secret key", "FLWSECK_TEST-{hex:32}-X", "FLW_SECRET_KEY"),
    a("Duffel", "Duffel live access token", "duffel_live_{u:43}", "DUFFEL_ACCESS_TOKEN"),
    a("Duffel", "Duffel test access token", "duffel_test_{u:43}", "DUFFEL_ACCESS_TOKEN"),
    a("Adyen", "Adyen API key", "AQE{an:4}{b64:100-120}", "ADYEN_API_KEY"),
    a("Klaviyo", "Klaviyo private API key", "pk_{hex:34}", "KLAVIYO_PRIVATE_KEY"),
    a("Razorpay", "Razorpay live key ID", "rzp_live_{an:14}", "RAZORPAY_KEY_ID"),
    a("42", "42 intra API secret", "s-s4t2ud-{hex:64}", "FT_API_SECRET"),
    a("MaxMind", "MaxMind license key", "{an:6}_{an:29}_mmk", "MAXMIND_LICENSE_KEY"),
    a("Defined Networking", "Defined Networking API key", "dnkey-{lo:26}-{lo:52}", "DN_API_KEY"),
    a("Scalingo", "Scalingo API token", "tk-us-{u:48}", "SCALINGO_API_TOKEN"),
    a("Adafruit IO", "Adafruit IO key", "aio_{an:28}", "ADAFRUIT_IO_KEY"),
    a(
        "Sidekiq",
        "Sidekiq Enterprise credentials",
        "https://{hex:8}:{hex:8}@enterprise.contribsys.com/",
        "SIDEKIQ_SOURCE",
    ),
    k("Sidekiq", "Sidekiq Enterprise credentials", "{hex:8}:{hex:8}", "BUNDLE_ENTERPRISE__CONTRIBSYS__COM"),
    k("SonarQube", "SonarQube Cloud token", "{hex:40}", "sonar.login"),
    a("Sidekiq", "Sidekiq Pro credentials", "https://{hex:8}:{hex:8}@gems.contribsys.com/", "SIDEKIQ_GEMS"),
    a("Nightfall", "Nightfall API key", "NF-{an:32}", "NIGHTFALL_API_KEY"),
    a("Postmark", "Postmark server token", "X-Postmark-Server-Token: " + UUID, "POSTMARK_HEADER"),
    a("LaunchDarkly", "LaunchDarkly SDK key", "sdk-" + UUID, "LAUNCHDARKLY_SDK_KEY"),
    a("LaunchDarkly", "LaunchDarkly API access token", "api-" + UUID, "LD_ACCESS_TOKEN"),
    k("Ably", "Ably API key", "{u:6}.{u:6}:{u:43}", "ABLY_API_KEY"),
    k("Snyk", "Snyk API token", UUID, "SNYK_TOKEN"),
    k("MessageBird", "MessageBird API key", "{an:25}", "MESSAGEBIRD_API_KEY"),
    k("Datadog", "Datadog API key", "{hex:32}", "DD_API_KEY"),
    k("Datadog", "Datadog application key", "{hex:40}", "DATADOG_APP_KEY"),
    k("PagerDuty", "PagerDuty API key", "u+{u:18}", "PAGERDUTY_API_KEY"),
    k("PagerDuty", "PagerDuty API key", "{hex:32}", "PAGERDUTY_INTEGRATION_KEY"),
    k("Okta", "Okta API token", "00{u:40}", "OKTA_API_TOKEN"),
    k("Auth0", "Auth0 client secret", "{u:64}", "AUTH0_CLIENT_SECRET"),
    k("Vercel", "Vercel access token", "{an:24}", "VERCEL_TOKEN"),
    k("Confluent", "Confluent API key", "{AN:16}", "CONFLUENT_API_KEY"),
    k("Confluent", "Confluent API secret", "{b64:64}", "CONFLUENT_API_SECRET"),
    a(
        "Snowflake",
        "Snowflake connection password",
        "snowflake://etl:{an:8-16}@acme-xy12345/analytics",
        "SNOWFLAKE_URL",
    ),
    k("Sumo Logic", "Sumo Logic access ID", "su{an:12}", "SUMO_ACCESS_ID"),
    k("Sumo Logic", "Sumo Logic access key", "{an:64}", "SUMO_ACCESS_KEY"),
    k("SonarQube", "SonarQube Cloud token", "{hex:40}", "SONAR_TOKEN"),
    k("Algolia", "Algolia admin API key", "{hex:32}", "ALGOLIA_ADMIN_API_KEY"),
    k("Mistral", "Mistral API key", "{an:32}", "MISTRAL_API_KEY"),
    k("Cohere", "Cohere API key", "{an:40}", "COHERE_API_KEY"),
    k("DeepSeek", "DeepSeek API key", "sk-{hex:32}", "DEEPSEEK_API_KEY"),
    k("Weights & Biases", "Weights & Biases API key", "{hex:40}", "WANDB_API_KEY"),
    k("Codecov", "Codecov upload token", UUID, "CODECOV_TOKEN"),
    k("Splunk", "Splunk HEC token", UUID, "SPLUNK_HEC_TOKEN"),
    k("Rollbar", "Rollbar access token", "{hex:32}", "ROLLBAR_ACCESS_TOKEN"),
    k("Bugsnag", "Bugsnag API key", "{hex:32}", "BUGSNAG_API_KEY"),
    k("Fastly", "Fastly API token", "{u:32}", "FASTLY_API_TOKEN"),
    k("Linode", "Linode personal access token", "{hex:64}", "LINODE_TOKEN"),
    k("Hetzner", "Hetzner Cloud API token", "{an:64}", "HCLOUD_TOKEN"),
    k("Vultr", "Vultr API key", "{AN:36}", "VULTR_API_KEY"),
    k("Railway", "Railway API token", UUID, "RAILWAY_TOKEN"),
    k("Zendesk", "Zendesk API token", "{an:40}", "ZENDESK_API_TOKEN"),
    k("Twitch", "Twitch client secret", "{lo:30}", "TWITCH_CLIENT_SECRET"),
    k("Spotify", "Spotify client secret", "{hex:32}", "SPOTIFY_CLIENT_SECRET"),
    k("Ngrok", "ngrok authtoken", "2{an:26}_{an:21}", "NGROK_AUTHTOKEN"),
    k("Etherscan", "Etherscan API key", "{AN:34}", "ETHERSCAN_API_KEY"),
    k("Infura", "Infura API key", "{hex:32}", "INFURA_API_KEY"),
    k("Mattermost", "Mattermost access token", "{lo:26}", "MATTERMOST_TOKEN"),
    k("Pusher", "Pusher app secret", "{hex:20}", "PUSHER_APP_SECRET"),
    k("Zoom", "Zoom client secret", "{an:32}", "ZOOM_CLIENT_SECRET"),
    k("Sendinblue", "Sendinblue API key", "{an:16}", "SENDINBLUE_API_KEY"),
    k("Lob", "Lob API key", "live_{hex:35}", "LOB_API_KEY"),
    k("GoCardless", "GoCardless access token", "live_{u:40}", "GOCARDLESS_ACCESS_TOKEN"),
    k("Coinbase", "Coinbase API secret", "{b64:86}==", "COINBASE_API_SECRET"),
    k("IBM Cloud", "IBM Cloud API key", "{u:44}", "IBMCLOUD_API_KEY"),
)

_FIELD = re.compile(r"\{(\w+):(\d+)(?:-(\d+))?\}")


def _fill(template: str, rng: random.Random, mode: str) -> str:
    """A token from ``template``: random fields, or a placeholder of the same shape.

    ``one-short``: random, but the last field one character below its documented minimum.
    """
    last_field = len(_FIELD.findall(template)) - 1
    index = -1

    def field(match: re.Match[str]) -> str:
        nonlocal index
        index += 1
        alphabet, low = CLASSES[match.group(1)], int(match.group(2))
        high = int(match.group(3) or low)
        size = rng.randint(low, high)
        if mode == "one-short":
            return (
                _fill(match.group(0), rng, "random")
                if index != last_field
                else _random(alphabet, low - 1, rng)
            )
        if mode == "random":
            while True:  # real tokens mix letters and digits; a draw of one kind only is redrawn
                body = "".join(rng.choice(alphabet) for _ in range(size))
                mixed = size < 8 or len(set(alphabet)) <= 10 or any(c.isdigit() for c in body)
                if mixed:
                    return body
        if mode == "short":  # below the documented length: half the minimum (a third of a fixed one)
            return "".join(rng.choice(alphabet) for _ in range(max(1, low // 2 if high > low else low // 3)))
        if mode == "repeated":
            char = next((c for c in "xX0" if c in alphabet), alphabet[0])
            return char * size
        # "sequential": the alphabet in order, as typed: abcdef… or 0123…
        ordered = "".join(sorted(alphabet))
        return (ordered * (size // len(ordered) + 1))[:size]

    return _FIELD.sub(field, template)


def _random(alphabet: str, size: int, rng: random.Random) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


@dataclass(frozen=True)
class Sample:
    spec: Spec
    label: str  # "positive", "near-miss" or "placeholder"
    variant: str  # how the token was made
    context: str  # python, dotenv, yaml, json, shell, markdown
    path: str
    text: str
    line: int  # 0-based line of the token
    token: str


def _contexts(name: str, token: str) -> list[tuple[str, str, str, int]]:
    """(context, path, text, line of the token) for one name and token."""
    lower = name.lower()
    quoted = token.replace("\\", "\\\\").replace('"', '\\"')
    return [
        ("python", "settings.py", f'"""Settings."""\n\n{name} = "{quoted}"\n', 2),
        ("dotenv", ".env", f"# service\n{name}={token}\n", 1),
        ("yaml", "config.yaml", f"service:\n  {lower}: '{token}'\n", 1),
        ("json", "config.json", f'{{\n  "{lower}": "{quoted}"\n}}\n', 1),
        ("shell", "deploy.sh", f'#!/bin/sh\nexport {name}="{token}"\n', 1),
        ("markdown", "README.md", f"# Setup\n\n```bash\nexport {name}='{token}'\n```\n", 3),
    ]


# Names that say nothing about any provider, for keyword formats' near-misses.
NEUTRAL_NAMES = ("BUILD_REF", "REQUEST_ID", "CHECKSUM_VALUE")


def generate(seed: int = 1234, draws: int = 2) -> list[Sample]:
    """Every sample: for each spec, ``draws`` random tokens and the negatives, in every context."""
    rng = random.Random(seed)
    samples: list[Sample] = []

    def add(spec: Spec, label: str, variant: str, name: str, token: str) -> None:
        for context, path, text, line in _contexts(name, token):
            samples.append(Sample(spec, label, variant, context, path, text, line, token))

    for spec in SPECS:
        for draw in range(draws):
            add(spec, "positive", f"random{draw}", spec.name, _fill(spec.template, rng, "random"))
        add(spec, "near-miss", "short", spec.name, _fill(spec.template, rng, "short"))
        if not spec.keyword:
            add(spec, "near-miss", "one short", spec.name, _fill(spec.template, rng, "one-short"))
        if spec.keyword:
            add(
                spec,
                "near-miss",
                "neutral name",
                rng.choice(NEUTRAL_NAMES),
                _fill(spec.template, rng, "random"),
            )
        add(spec, "placeholder", "repeated", spec.name, _fill(spec.template, rng, "repeated"))
        add(spec, "placeholder", "sequential", spec.name, _fill(spec.template, rng, "sequential"))
        slug = spec.name.lower()
        for variant, token in (
            ("angle", f"<{slug}>"),
            ("template", "${" + spec.name + "}"),
            ("your-here", f"your-{slug.replace('_', '-')}-here"),
        ):
            add(spec, "placeholder", variant, spec.name, token)
    return samples


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "secrets-samples")
    for index, sample in enumerate(generate()):
        folder = out / sample.label / sample.spec.provider.replace(" ", "_").replace("/", "_")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:05d}-{sample.path.lstrip('.')}").write_text(sample.text, encoding="utf-8")
    print(f"wrote {index + 1} samples to {out}")


if __name__ == "__main__":
    main()


@dataclass
class Score:
    positives: int = 0
    found: int = 0
    negatives: int = 0
    false_positives: int = 0
    misses: list[str] | None = None
    alarms: list[str] | None = None

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def fpr(self) -> float:
        return self.false_positives / self.negatives if self.negatives else 0.0


def evaluate(samples: list[Sample], findings_for) -> dict[str, Score]:
    """Recall and false-positive rate per provider.

    ``findings_for(text, path)`` returns the scanner's findings. A positive counts as found when
    an LG101 finding on its line names its kind. A near-miss is a false positive when LG101
    reports anything on its line (a random value under a secret's name may still be LG104's: it
    is a hardcoded secret, only not one of this format); a placeholder is one when any LG1xx
    rule does.
    """
    scores: dict[str, Score] = {}
    for sample in samples:
        score = scores.setdefault(sample.spec.provider, Score(misses=[], alarms=[]))
        on_line = [f for f in findings_for(sample.text, sample.path) if f.span.start_line == sample.line]
        where = f"{sample.spec.kind} [{sample.variant}] in {sample.context}"
        if sample.label == "positive":
            score.positives += 1
            kind = sample.spec.kind.lower()
            if any(f.rule_id == "LG101" and kind in f.message.lower() for f in on_line):
                score.found += 1
            else:
                score.misses.append(f"{where}: {[f.message for f in on_line]}")
            continue
        score.negatives += 1
        wrong = [f for f in on_line if f.rule_id == "LG101" or sample.label == "placeholder"]
        if wrong:
            score.false_positives += 1
            score.alarms.append(f"{sample.label} {where}: {[f.rule_id + ' ' + f.message for f in wrong]}")
    return scores
