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

# --- Sources: the limits of one poll (docs/sources.md). Each cut is said in the poll line and on the source. -------
INGEST_MAX_FEED_ITEMS = env.int("INGEST_MAX_FEED_ITEMS", default=200)  # items read from one feed, newest first
INGEST_MAX_FEED_BYTES = env.int("INGEST_MAX_FEED_BYTES", default=10_000_000)  # a feed body (pages: INGEST_MAX_BYTES)
# --- Hostile material bounds (docs/operations.md, Security; docs/sources.md) ----------------------------------------
# The one cap on a transcript (lessons/transcripts.py, `transcript_capped`): the sources pipeline stores at most this
# many characters of one (cut after the last whole cue, and says so in the poll line and on the source), and parsing
# cuts by the same rule, each line also to the second figure: parsing stays linear and short whatever a feed serves.
TRANSCRIPT_MAX_CHARS = env.int("TRANSCRIPT_MAX_CHARS", default=400_000)
TRANSCRIPT_MAX_LINE_CHARS = env.int("TRANSCRIPT_MAX_LINE_CHARS", default=10_000)
# One feed cannot flood the queue: at most this many material fetches (pages, transcripts, chapters) start per source
# per poll, and at most the second figure per host per minute; the rest wait for the next poll or sweep.
INGEST_FETCHES_PER_SOURCE_POLL = env.int("INGEST_FETCHES_PER_SOURCE_POLL", default=60)
INGEST_FETCHES_PER_HOST_MINUTE = env.int("INGEST_FETCHES_PER_HOST_MINUTE", default=60)

# --- Captions of video lessons (docs/sources.md) --------------------------------------------------------------------
# Where YouTube's requests for captions go instead of https://www.youtube.com: a local fake in tests, as
# STRIPE_API_BASE does for Stripe. Empty (the default): YouTube itself.
INGEST_YOUTUBE_BASE = env.str("INGEST_YOUTUBE_BASE", default="")

# --- Demo feeds (demo/feeds.py) ------------------------------------------------------------------------------------
# The demo's bundled feeds, served by the app itself on loopback so a curator's Incoming queue works offline. Only
# while debug is on too: with DJANGO_DEBUG off they are neither served, attached nor fetched. `make run` sets it.
DEMO_FEEDS = env.bool("DEMO_FEEDS", default=False)

# --- Suggestions (docs/sources.md, "Suggestions") -------------------------------------------------------------------
# How closely an incoming item must read like a published lesson (cosine similarity of their TF-IDF vectors, 0 to 1)
# for a category and level to be suggested; below it nothing is pre-selected. Measured by bench/suggestions.py.
INGEST_SUGGESTION_MIN_CONFIDENCE = env.float("INGEST_SUGGESTION_MIN_CONFIDENCE", default=0.20)
