"""A review answer's reads and writes of practice's own rows as plain PostgreSQL statements.

An answer locks the learner's profile (gamification), then reads and locks the card, then writes the card's new
schedule and the answer's log. Through the ORM the card's read, its choices, the daily cap's sum and the two writes
cost milliseconds of Python: more than PostgreSQL spends on the whole answer. Here they are two statements:

- `card_locked`: the card (every column) with its lesson's title and its question's choices, locked, and the XP the
  learner's reviews earned in the given window, read in the same statement. It runs after the profile lock, which
  every XP writer of this learner holds, so the sum is the committed one.
- `answer_store`: the card's schedule (when the answer moved it) and the log, in one statement.

`practice.services.reviews.review_answer` decides everything in Python either way; on SQLite it reads and writes
through the ORM. Names come from the models' _meta (core/statements.py); tests/practice/test_review_paths_agree.py holds
both paths to the same rows, and tests/platform_checks/test_statements_schema.py has PostgreSQL plan each statement.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from core.learner_pages import learner_statement_run
from core.statements import Table, as_loaded, insert_lists, loaded, postgresql, row_read, select_list, set_list
from lessons.models import Lesson
from practice.models import CheckChoice, ReviewCard, ReviewLog

_NAMES = {"card": Table(ReviewCard), "log": Table(ReviewLog), "lesson": Table(Lesson), "choice": Table(CheckChoice)}

_CARD_LOCKED = """
SELECT {columns}, l.{lesson.title},
       (SELECT COALESCE(SUM(g.{log.xp_awarded}), 0) FROM {log} g
        WHERE g.{log.user} = %(user_id)s AND g.{log.reviewed_at} >= %(day_start)s AND g.{log.reviewed_at} < %(day_end)s
          AND g.{log.xp_awarded} > 0),
       (SELECT json_agg(json_build_array(ch.{choice.id}, ch.{choice.text}, ch.{choice.is_correct})
                        ORDER BY ch.{choice.position}, ch.{choice.id})
        FROM {choice} ch WHERE ch.{choice.question} = c.{card.question})
FROM {card} c JOIN {lesson} l ON l.{lesson.id} = c.{card.lesson}
WHERE c.{card.id} = %(card_id)s AND c.{card.user} = %(user_id)s
FOR UPDATE OF c
""".format(**_NAMES, columns=select_list(ReviewCard, "c"))  # noqa: S608 - names from the models' _meta

_LOG_COLUMNS, _LOG_VALUES = insert_lists(
    ReviewLog,
    {
        "user": "%(user_id)s",
        "card": "%(card_id)s",
        "rating": "%(rating)s",
        "correct": "%(correct)s",
        "due_answered": "%(due_answered)s",
        "reviewed_at": "%(reviewed_at)s",
        "scheduled": "%(scheduled)s",
        "xp_awarded": "%(xp_awarded)s",
    },
)

_SCHEDULE = set_list(ReviewCard, ReviewCard.SCHEDULE_FIELDS)

# The card's update runs only when the answer moved its schedule; a data-modifying WITH runs whether or not the
# INSERT reads it.
_ANSWER_STORE = """
WITH schedule AS (
    UPDATE {card} SET {schedule}
    WHERE {card.id} = %(card_id)s AND %(scheduled)s
)
INSERT INTO {log} ({log_columns}) VALUES ({log_values})
RETURNING {log.id}, {log.user}
""".format(**_NAMES, schedule=_SCHEDULE, log_columns=_LOG_COLUMNS, log_values=_LOG_VALUES)  # noqa: S608 - names from the models' _meta; values are parameters

# Every statement here: the schema-drift test has PostgreSQL plan each one against the real tables.
STATEMENTS = {"card_locked": _CARD_LOCKED, "answer_store": _ANSWER_STORE}


def available() -> bool:
    return postgresql()


class LockedCard(NamedTuple):
    card: ReviewCard
    lesson_title: str
    earned: int  # review XP in the window asked for
    choices: list[tuple[int, str, bool]] | None  # (id, text, right) of a check card's question, in order; None: a term


def card_locked(*, user_id: int, card_id: int, day_start: datetime, day_end: datetime) -> LockedCard | None:
    """The learner's card, locked, with what grading and paying an answer need; None when they have no such card."""
    row = row_read(_CARD_LOCKED, {"user_id": user_id, "card_id": card_id, "day_start": day_start, "day_end": day_end})
    if row is None:
        return None
    *columns, lesson_title, earned, choices = row
    listed = None if choices is None else [(int(pk), str(text), bool(right)) for pk, text, right in choices]
    return LockedCard(loaded(ReviewCard, tuple(columns)), lesson_title, int(earned), listed)


def answer_store(*, card: ReviewCard, log: ReviewLog) -> None:
    """Write the card's schedule (when `log.scheduled`) and append `log`, which gets its key."""
    row = learner_statement_run(
        _ANSWER_STORE,
        {
            "card_id": card.pk,
            "scheduled": log.scheduled,
            **{field: getattr(card, field) for field in ReviewCard.SCHEDULE_FIELDS},
            "user_id": log.user_id,
            "rating": log.rating,
            "correct": log.correct,
            "due_answered": log.due_answered,
            "reviewed_at": log.reviewed_at,
            "xp_awarded": log.xp_awarded,
        },
        refusable=False,  # the card is locked: a refusal is a bug, and raises
    )
    assert row is not None  # an INSERT … VALUES returns its row
    log.pk = row[0]
    as_loaded(log)
