"""Sources and their material: fetching limits, retries and leases (docs/sources.md)."""

from config.settings.base import SITE_URL, env

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

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).
