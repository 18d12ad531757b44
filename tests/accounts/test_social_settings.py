"""Each social provider is on exactly when its environment variables are set, with PKCE and a CSP that lets it in."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SOCIAL_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'providers': s.SOCIALACCOUNT_PROVIDERS, 'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
)
SOCIAL_VARIABLES = ("GOOGLE_", "GITHUB_", "OIDC_")


def _social_settings(tmp_path, **variables: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(SOCIAL_VARIABLES)}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path), **variables)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SOCIAL_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_provider_is_enabled_without_its_variables(tmp_path):
    assert _social_settings(tmp_path, GOOGLE_CLIENT_ID="only-half")["providers"] == {}


def test_each_provider_is_enabled_by_its_variables_with_pkce(tmp_path):
    found = _social_settings(
        tmp_path,
        GOOGLE_CLIENT_ID="g-id", GOOGLE_CLIENT_SECRET="g-secret",
        GITHUB_CLIENT_ID="gh-id", GITHUB_CLIENT_SECRET="gh-secret",
        OIDC_PROVIDER_NAME="Acme SSO", OIDC_SERVER_URL="https://sso.acme.example/realms/learn",
        OIDC_CLIENT_ID="o-id", OIDC_CLIENT_SECRET="o-secret",
    )  # fmt: skip
    providers = found["providers"]
    assert providers["google"]["APPS"] == [{"client_id": "g-id", "secret": "g-secret"}]
    assert providers["github"]["APPS"] == [{"client_id": "gh-id", "secret": "gh-secret"}]
    (oidc,) = providers["openid_connect"]["APPS"]
    assert (oidc["provider_id"], oidc["name"]) == ("acme-sso", "Acme SSO")
    assert oidc["settings"] == {"server_url": "https://sso.acme.example/realms/learn"}
    assert all(provider["OAUTH_PKCE_ENABLED"] for provider in providers.values())
    for origin in ("https://accounts.google.com", "https://github.com", "https://sso.acme.example"):
        assert origin in found["form_action"]
