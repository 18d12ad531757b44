"""Practice: check questions and spaced review (docs/learning.md)."""

from config.settings.base import env

# FSRS (practice/scheduling.py): the recall probability reviews aim for, and whether the library spreads due dates
# a little so cards learned together do not all come back on one day.
REVIEW_DESIRED_RETENTION = env.float("REVIEW_DESIRED_RETENTION", default=0.9)
REVIEW_INTERVAL_FUZZING = env.bool("REVIEW_INTERVAL_FUZZING", default=True)
# A right answer within this many seconds is rated Easy; one that took at least the second figure, Hard; Good between.
REVIEW_EASY_SECONDS = env.float("REVIEW_EASY_SECONDS", default=8.0)
REVIEW_HARD_SECONDS = env.float("REVIEW_HARD_SECONDS", default=45.0)

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).

# Check questions generated from a lesson's material (practice/generation): live for learners as soon as they are
# stored, or drafts that wait for a curator to approve them in the admin. Hand-written questions are always live.
CHECKS_LIVE_AT_ONCE = env.bool("CHECKS_LIVE_AT_ONCE", default=True)

# Review XP (practice/services/reviews.py, docs/economy.md): XP for each review of a card that was due (once per card
# and due date), counted toward the daily goal and streak, and at most REVIEW_XP_DAILY_CAP per local day.
REVIEW_XP = env.int("REVIEW_XP", default=2)
REVIEW_XP_DAILY_CAP = env.int("REVIEW_XP_DAILY_CAP", default=30)
