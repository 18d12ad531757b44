"""Sign-in: the custom user, django-allauth (passwords, passkeys, MFA, headless), social providers, and the mail
that verification and password resets send."""

from urllib.parse import urlsplit

from django.utils.text import slugify

from config.settings.base import DEBUG, VAR_DIR, env

# --- Auth: a custom user whose login is the email, through django-allauth ------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Learn ⚡] "
# allauth's rate limits (failed sign-ins, sign-ups, emails) count per client address. Behind the TLS proxy every request
# comes from the proxy, so all learners would share one bucket: say how many proxies append to X-Forwarded-For, or
# which header the proxy sets to the client's address. Off by default (REMOTE_ADDR): a header is only trusted when a
# proxy you run sets it, otherwise anyone could pick their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
HEADLESS_CLIENTS = ("browser", "app")
HEADLESS_ONLY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Learn ⚡"
# Passkeys: a learner may sign in with one instead of a password, or use one as a second factor.
MFA_PASSKEY_LOGIN_ENABLED = True
# WebAuthn needs a secure origin; only loopback runs over plain HTTP (tests, `make run`) may turn this on.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)

# --- Social sign-in: each provider is on only when its variables are set (docs/operations.md) ------------------------
# The apps live here, not in database rows, so what is enabled is exactly what the environment says.
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
# Where the sign-in form sends the browser (through our redirect): the CSP's form-action must allow each one.
SOCIAL_SIGN_IN_ORIGINS: list[str] = []
# PKCE on every provider that takes it: a stolen authorization code is useless without the verifier.
if env.str("GOOGLE_CLIENT_ID", default="") and env.str("GOOGLE_CLIENT_SECRET", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env.str("GOOGLE_CLIENT_ID"), "secret": env.str("GOOGLE_CLIENT_SECRET")}],
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "OAUTH_PKCE_ENABLED": True,
    }
    SOCIAL_SIGN_IN_ORIGINS.append("https://accounts.google.com")
if env.str("GITHUB_CLIENT_ID", default="") and env.str("GITHUB_CLIENT_SECRET", default=""):
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [{"client_id": env.str("GITHUB_CLIENT_ID"), "secret": env.str("GITHUB_CLIENT_SECRET")}],
        # user:email reads the addresses GitHub has verified, with the flag that says so.
        "SCOPE": ["read:user", "user:email"],
        "OAUTH_PKCE_ENABLED": True,
    }
    SOCIAL_SIGN_IN_ORIGINS.append("https://github.com")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
if OIDC_PROVIDER_NAME and env.str("OIDC_SERVER_URL", default="") and env.str("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                # The name's slug is the provider's part of the callback URL: /accounts/oidc/<slug>/login/callback/.
                "provider_id": slugify(OIDC_PROVIDER_NAME),
                "name": OIDC_PROVIDER_NAME,
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env.str("OIDC_SERVER_URL")},
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }
    # The provider's authorization page is usually on the server's origin; CSP_EXTRA_FORM_ACTION adds another.
    _oidc_url = urlsplit(env.str("OIDC_SERVER_URL"))
    SOCIAL_SIGN_IN_ORIGINS.append(f"{_oidc_url.scheme}://{_oidc_url.netloc}")
# A provider's address signs in to the account that owns it only when the provider says it verified it (allauth
# checks the flag), and connects the provider to that account; an unverified address never reaches an account.
# The adapter decides that flag strictly for every provider: JSON true or the string "true", nothing else.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Learn ⚡ <noreply@localhost>")
if not DEBUG and "smtp" in EMAIL_BACKEND:
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).
