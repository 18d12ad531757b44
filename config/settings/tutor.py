"""The AI tutor: its backend, timings that must keep their order (config/checks.py), costs and questions."""

from config.settings.base import env
from config.settings.celery import CELERY_TASK_TIME_LIMIT

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

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).

# --- The tutor worker's heartbeat (docs/operations.md) ---------------------------------------------------------------
# While a worker writes an explanation it stamps its claim (progress_at) every TUTOR_HEARTBEAT_SECONDS; a claim that
# missed three beats belongs to a killed worker, and the sweep (every minute) sends the job again without waiting for
# TUTOR_CLAIM_LEASE_SECONDS.
TUTOR_HEARTBEAT_SECONDS = env.float("TUTOR_HEARTBEAT_SECONDS", default=10.0)

# --- Tutor: the openai backend's output budget (docs/tutor.md) ----------------------------------------------------
# Each part of an explanation may write at most (items it asks for × this + 48) tokens: a small model that repeats
# itself is stopped by the server long before TUTOR_TIMEOUT_SECONDS.
TUTOR_TOKENS_PER_ITEM = env.int("TUTOR_TOKENS_PER_ITEM", default=80)
