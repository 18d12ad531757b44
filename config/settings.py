"""Settings for every environment, read from the environment (12-factor); defaults give the embedded local setup."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, SELF
from django.utils.text import slugify

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))  # its folders: config/apps.py

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The fallback key is for local runs only; its "django-insecure-" prefix makes `check --deploy` flag it.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-only-key-never-use-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else ["localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "ninja",  # its Swagger UI assets, served from our own static files so /api/v1/docs works under the CSP
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.headless",
    "core",
    "accounts",
    "lessons",
    "credits",
    "tutor",
    "gamification",
    "privacy",
    "ingest",
    "api",
    "demo",
    "config.apps.ProjectConfig",
]

MIDDLEWARE = [
    # First: the container's health probe is answered before host validation and the HTTPS redirect.
    "config.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: /api/ errors become JSON, and NUL bytes never reach a view or the database.
    "config.middleware.ApiErrorsAsJsonMiddleware",
    "config.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in learner's write drops their cached pages (core/learner_pages.py).
    "core.learner_pages.LearnerWritesMiddleware",
    # Answers to signed-in callers are private and never stored; API answers vary on X-Session-Token.
    "config.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every htmx answer to a learner carries the header's ⚡ (credits/header_balance.py).
    "credits.header_balance.HeaderBalanceMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so it sees the views' exceptions: Redis unreachable → 503 with Retry-After, never a traceback.
    "config.middleware.ServiceOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.site",
                "credits.context_processors.header_balance",
                # Last, so a shared page's render gets a hole where the CSRF token goes (core/page_cache.py).
                "core.page_cache.shared_render_holes",
            ],
        },
    },
]

# --- Database: PostgreSQL in production, a SQLite file under var/ by default ------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not :memory:) so a real worker process can see the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# --- Redis (broker and cache) or the embedded defaults -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis keeps one client per connection pool (Django's own backend builds one per operation).
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by the web process and the worker, which allauth's rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Pages every visitor sees the same are kept this long per content version (core/page_cache.py); 0 turns it off.
# Off by default under DEBUG, so an edited template shows at once while developing.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 6 * 3600)
# A signed-in learner's own pages are kept at most this long (core/learner_pages.py): anything they or a worker
# change drops them at once; this bounds what changes by the clock or by others (midnight, league places). 0: off.
LEARNER_PAGE_SECONDS = env.int("LEARNER_PAGE_SECONDS", default=60)
# What names this release in the cached pages' keys (a commit id); unset, a digest of the code's files does.
RELEASE_ID = env.str("RELEASE_ID", default="")
# Sessions are read from the cache and written through to the database: a signed-in page costs no session query, and
# a session the cache lost (or a cache outage) is read from the database.
SESSION_ENGINE = "accounts.sessions"

# --- Celery ------------------------------------------------------------------------------------------------------
CELERY_EMBEDDED_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message whose worker died unacknowledged goes back on the queue after the visibility timeout. Tests that kill
    # a worker shorten it, and the restore sweep with it (kombu sweeps every interval × throttle seconds).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)
    }
    if restore_seconds := env.int("CELERY_UNACKED_RESTORE_SECONDS", default=0):
        CELERY_BROKER_TRANSPORT_OPTIONS |= {"unacked_restore_interval": restore_seconds, "unacked_restore_throttle": 1}
else:
    # kombu's filesystem transport needs no server; in and out must be the same folder, or nothing is consumed.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_DIR / "queue"),
        "data_folder_out": str(CELERY_EMBEDDED_DIR / "queue"),
        "data_folder_processed": str(CELERY_EMBEDDED_DIR / "processed"),
        "control_folder": str(CELERY_EMBEDDED_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_EMBEDDED_DIR / 'results'}"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (tutor generation) stays below the claim lease, the hold's expiry and the broker's visibility
# timeout, so a job is redelivered only when its worker is really gone: config/checks.py enforces the order.
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Holds that outlive their expiry go back to the learner within a minute.
CELERY_BEAT_SCHEDULE["credits-holds-expire"] = {"task": "credits.tasks.holds_expire_task", "schedule": 60.0}
# Weekly leagues close soon after Monday 00:00 UTC (the task only closes weeks that have ended, once each); freezes
# are spent on missed days, or streaks ended, within an hour of each learner's midnight.
CELERY_BEAT_SCHEDULE["gamification-leagues-rollover"] = {
    "task": "gamification.tasks.leagues_rollover_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["gamification-streaks-settle"] = {
    "task": "gamification.tasks.streaks_settle_task",
    "schedule": 3600.0,
}
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {}
# Explanations run on their own queue so a slow model never holds up other tasks (docs/tutor.md); the tutor's sweep is
# quick and must not wait behind them, so it stays on the default queue (an exact name wins over a pattern).
CELERY_TASK_ROUTES["tutor.tasks.tutor_sweep_task"] = {"queue": "celery"}
CELERY_TASK_ROUTES["tutor.*"] = {"queue": "tutor"}
# Explanations whose worker vanished are handed to another worker, and unlocks follow holds the sweeper returned.
CELERY_BEAT_SCHEDULE["tutor-sweep"] = {"task": "tutor.tasks.tutor_sweep_task", "schedule": 60.0}
# Sources whose next poll is due get one task each; material left pending by a lost message is handed out again.
CELERY_BEAT_SCHEDULE["ingest-sweep"] = {"task": "ingest.tasks.ingest_sweep_task", "schedule": 60.0}

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

# --- Internationalisation ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; local runs and tests serve the sources as they are.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Security --------------------------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=True) else None
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [
            SELF,
            "https://checkout.stripe.com",
            *SOCIAL_SIGN_IN_ORIGINS,
            *env.list("CSP_EXTRA_FORM_ACTION", default=[]),
        ],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# --- Logging -------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Product settings (their names are a contract with operators: README.md, docs/economy.md) --------------------
UNLOCK_PRICE = env.int("UNLOCK_PRICE", default=30)
SIGNUP_BONUS = env.int("SIGNUP_BONUS", default=60)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
TUTOR_BACKEND = env.str("TUTOR_BACKEND", default="study_guide")
TUTOR_BASE_URL = env.str("TUTOR_BASE_URL", default="")
TUTOR_API_KEY = env.str("TUTOR_API_KEY", default="")
TUTOR_MODEL = env.str("TUTOR_MODEL", default="")
TUTOR_TIMEOUT_SECONDS = env.float("TUTOR_TIMEOUT_SECONDS", default=60.0)
# An unlock's hold outlives every attempt the worker may make (4 × the soft limit + backoff), so only a vanished
# worker lets it run out; the sweeper then returns the credits.
TUTOR_HOLD_TTL_SECONDS = env.int("TUTOR_HOLD_TTL_SECONDS", default=3600)
# A running explanation whose claim is older than this has lost its worker (the hard time limit killed it long ago):
# another delivery may take it over.
TUTOR_CLAIM_LEASE_SECONDS = env.int("TUTOR_CLAIM_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# A pending explanation no worker has claimed this long after it was enqueued is sent again by the sweep: the enqueue
# may have met a broker outage (the intent, enqueued_at, is committed with the unlock). A duplicate is harmless: only
# one delivery can claim the job.
TUTOR_ENQUEUE_RETRY_SECONDS = env.int("TUTOR_ENQUEUE_RETRY_SECONDS", default=120)
TUTOR_MAX_RETRIES = env.int("TUTOR_MAX_RETRIES", default=3)  # retries after a transient error, with backoff
TUTOR_RETRY_BACKOFF_SECONDS = env.float("TUTOR_RETRY_BACKOFF_SECONDS", default=10.0)  # doubled at each retry
TUTOR_MAX_ATTEMPTS = env.int("TUTOR_MAX_ATTEMPTS", default=6)  # every claim counts, lost workers included
TUTOR_PROGRESS_INTERVAL_SECONDS = env.float("TUTOR_PROGRESS_INTERVAL_SECONDS", default=0.5)
# The most material one model call carries, in tokens (about 4 characters each); longer material is summarised
# chapter by chapter first. 0: the backend's own choice.
TUTOR_MAX_INPUT_TOKENS = env.int("TUTOR_MAX_INPUT_TOKENS", default=0)
# What the model server charges per 1,000 prompt and completion tokens (for the cost recorded per explanation).
TUTOR_COST_PER_1K_INPUT = env.float("TUTOR_COST_PER_1K_INPUT", default=0.0)
TUTOR_COST_PER_1K_OUTPUT = env.float("TUTOR_COST_PER_1K_OUTPUT", default=0.0)
# "Ask the tutor": the first TUTOR_FREE_QUESTIONS questions come with the unlock, then each costs QUESTION_PRICE.
QUESTION_PRICE = env.int("QUESTION_PRICE", default=5)
TUTOR_FREE_QUESTIONS = env.int("TUTOR_FREE_QUESTIONS", default=3)
TUTOR_QUESTIONS_PER_HOUR = env.int("TUTOR_QUESTIONS_PER_HOUR", default=20)
# A question no worker claimed within this many seconds (its message was lost with the broker) is sent again.
TUTOR_QUESTION_REQUEUE_SECONDS = env.int("TUTOR_QUESTION_REQUEUE_SECONDS", default=30)
# Credits set aside for an unlock go back to the learner when nothing captured them within this many seconds.
CREDITS_HOLD_TTL_SECONDS = env.int("CREDITS_HOLD_TTL_SECONDS", default=1800)
# --- Sources (docs/sources.md) -------------------------------------------------------------------------------------
INGEST_USER_AGENT = env.str("INGEST_USER_AGENT", default=f"LearnPlatform/1.0 (+{SITE_URL}) feed reader")
INGEST_TIMEOUT_SECONDS = env.float("INGEST_TIMEOUT_SECONDS", default=15.0)  # connect, each read, and the whole body
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=5_000_000)  # a feed, a page or a transcript
INGEST_MAX_REDIRECTS = env.int("INGEST_MAX_REDIRECTS", default=5)
# Feeds are written by strangers: links to loopback and private addresses are refused unless this is on (tests, and a
# developer polling a feed served on their own machine).
INGEST_ALLOW_PRIVATE_ADDRESSES = env.bool("INGEST_ALLOW_PRIVATE_ADDRESSES", default=False)
INGEST_RETRY_BASE_SECONDS = env.int("INGEST_RETRY_BASE_SECONDS", default=300)  # doubled at each failure in a row
INGEST_RETRY_MAX_SECONDS = env.int("INGEST_RETRY_MAX_SECONDS", default=86400)
INGEST_MAX_FAILURES = env.int("INGEST_MAX_FAILURES", default=10)  # in a row; then the source is turned off
INGEST_POLL_LEASE_SECONDS = env.int("INGEST_POLL_LEASE_SECONDS", default=900)  # a queued poll is not queued again
INGEST_MATERIAL_MAX_RETRIES = env.int("INGEST_MATERIAL_MAX_RETRIES", default=4)
INGEST_MATERIAL_BACKOFF_SECONDS = env.float("INGEST_MATERIAL_BACKOFF_SECONDS", default=30.0)  # doubled each retry
INGEST_MATERIAL_THREADS = env.int("INGEST_MATERIAL_THREADS", default=8)  # fetches at once when polling in-process
INGEST_MATERIAL_LEASE_SECONDS = env.int("INGEST_MATERIAL_LEASE_SECONDS", default=300)
INGEST_MATERIAL_REQUEUE_SECONDS = env.int("INGEST_MATERIAL_REQUEUE_SECONDS", default=120)  # unclaimed this long
# --- Sources: the limits of one poll (docs/sources.md). Each cut is said in the poll line and on the source. -------
INGEST_MAX_FEED_ITEMS = env.int("INGEST_MAX_FEED_ITEMS", default=200)  # items read from one feed, newest first
INGEST_MAX_FEED_BYTES = env.int("INGEST_MAX_FEED_BYTES", default=10_000_000)  # a feed body (pages: INGEST_MAX_BYTES)
INGEST_MAX_TRANSCRIPT_CHARS = env.int("INGEST_MAX_TRANSCRIPT_CHARS", default=400_000)  # kept of one transcript
# --- Hostile material bounds (docs/operations.md, Security; docs/sources.md) ----------------------------------------
# A transcript is cut to this many characters (at a line end), and each of its lines to the second figure, before it
# is parsed: parsing stays linear and short whatever a feed serves.
TRANSCRIPT_MAX_CHARS = env.int("TRANSCRIPT_MAX_CHARS", default=500_000)
TRANSCRIPT_MAX_LINE_CHARS = env.int("TRANSCRIPT_MAX_LINE_CHARS", default=10_000)
# One feed cannot flood the queue: at most this many material fetches (pages, transcripts, chapters) start per source
# per poll, and at most the second figure per host per minute; the rest wait for the next poll or sweep.
INGEST_FETCHES_PER_SOURCE_POLL = env.int("INGEST_FETCHES_PER_SOURCE_POLL", default=60)
INGEST_FETCHES_PER_HOST_MINUTE = env.int("INGEST_FETCHES_PER_HOST_MINUTE", default=60)

# --- Static files of an image (platform/Dockerfile) ------------------------------------------------------------------
# STATIC_ROOT: where `collectstatic` writes and whitenoise reads. The image collects them at build time into a folder
# of its own, outside VAR_DIR, so a read-only, full or mounted VAR_DIR neither stops the web from starting nor hides
# the files. Unset: VAR_DIR/static (above).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(STATIC_ROOT)))

# --- The tutor worker's heartbeat (docs/operations.md) ---------------------------------------------------------------
# While a worker writes an explanation it stamps its claim (progress_at) every TUTOR_HEARTBEAT_SECONDS; a claim that
# missed three beats belongs to a killed worker, and the sweep (every minute) sends the job again without waiting for
# TUTOR_CLAIM_LEASE_SECONDS.
TUTOR_HEARTBEAT_SECONDS = env.float("TUTOR_HEARTBEAT_SECONDS", default=10.0)


# --- Demo feeds (demo/feeds.py) ------------------------------------------------------------------------------------
# The demo's bundled feeds, served by the app itself on loopback so a curator's Incoming queue works offline. Only
# while debug is on too: with DJANGO_DEBUG off they are neither served, attached nor fetched. `make run` sets it.
DEMO_FEEDS = env.bool("DEMO_FEEDS", default=False)

# --- Tutor: the openai backend's output budget (docs/tutor.md) ----------------------------------------------------
# Each part of an explanation may write at most (items it asks for × this + 48) tokens: a small model that repeats
# itself is stopped by the server long before TUTOR_TIMEOUT_SECONDS.
TUTOR_TOKENS_PER_ITEM = env.int("TUTOR_TOKENS_PER_ITEM", default=80)
