"""The commonest gamification writes as plain PostgreSQL statements: the profile lock, and XP that moves no level,
meets no goal and takes no league seat.

Every award locks the learner's profile first and then appends XP. Through the ORM that is a dozen statements, and
building them costs a few milliseconds of Python each time: for a review answer, more than PostgreSQL spends on all of
them. Here the lock is one `SELECT … FOR UPDATE` and the plain XP award one statement: it appends the event, adds to the
day's XP, the week's league score and the profile's total. It writes only when the award is plain:

- the day already has its activity row, and its goal was met before or stays unmet after this XP;
- the learner already holds this week's league seat (or stays out of leagues);
- the idempotency key is new (checked under the profile lock, which every XP writer of this learner holds, so no
  constraint can refuse the statement: it runs without a savepoint);
- the caller checked that the level does not move.

Anything else (the day's first XP, the goal met, a level reached, the week's first XP, a replayed key) writes nothing
here (False), and `xp_add` takes the ORM path, which decides it under the same lock. Names come from the
models' _meta (core/statements.py); tests/gamification/test_xp_paths_agree.py holds the two paths to the same rows and
tests/platform_checks/test_statements_schema.py has PostgreSQL plan every statement against the migrated tables.
SQLite runs the ORM path only.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from accounts.models import User
from core.learner_pages import learner_statement_run
from core.statements import Table, insert_lists, loaded, postgresql, row_read, select_list
from gamification.models import DailyActivity, LeagueMembership, LeagueWeek, LearnerProfile, XPEvent

_NAMES = {
    "profile": Table(LearnerProfile),
    "event": Table(XPEvent),
    "activity": Table(DailyActivity),
    "membership": Table(LeagueMembership),
    "week": Table(LeagueWeek),
}

_PROFILE_LOCK = """
SELECT {columns} FROM {profile} p WHERE p.{profile.user} = %(user_id)s FOR UPDATE
""".format(**_NAMES, columns=select_list(LearnerProfile, "p"))

_EVENT_COLUMNS, _EVENT_VALUES = insert_lists(
    XPEvent,
    {
        "user": "%(user_id)s",
        "amount": "%(amount)s",
        "reason": "%(reason)s",
        "reference": "%(reference)s",
        "idempotency_key": "%(key)s",
        "created_at": "%(now)s",
        "local_date": "%(day)s",
    },
)

_XP_ADD_PLAIN = """
WITH plain AS (
    SELECT 1
    FROM {activity} d
    WHERE d.{activity.user} = %(user_id)s AND d.{activity.day} = %(day)s
      AND (d.{activity.goal_met} OR d.{activity.xp} + %(amount)s < %(daily_goal)s)
      AND (%(league_opt_out)s OR EXISTS (
          SELECT 1 FROM {membership} m JOIN {week} w ON w.{week.id} = m.{membership.week}
          WHERE w.{week.key} = %(week_key)s AND m.{membership.user} = %(user_id)s
      ))
      AND NOT EXISTS (
          SELECT 1 FROM {event} e WHERE e.{event.user} = %(user_id)s AND e.{event.idempotency_key} = %(key)s
      )
), appended AS (
    INSERT INTO {event} ({event_columns})
    SELECT {event_values} FROM plain
    RETURNING {event.id}
), day_xp AS (
    UPDATE {activity} SET {activity.xp} = {activity.xp} + %(amount)s
    WHERE {activity.user} = %(user_id)s AND {activity.day} = %(day)s AND EXISTS (SELECT 1 FROM appended)
), league_xp AS (
    UPDATE {membership}
    SET {membership.xp} = {membership}.{membership.xp} + %(amount)s, {membership.last_xp_at} = %(now)s
    FROM {week} w
    WHERE w.{week.id} = {membership}.{membership.week} AND w.{week.key} = %(week_key)s
      AND {membership}.{membership.user} = %(user_id)s AND NOT %(league_opt_out)s AND EXISTS (SELECT 1 FROM appended)
)
UPDATE {profile} SET {profile.xp} = {profile.xp} + %(amount)s, {profile.updated_at} = %(updated_at)s
WHERE {profile.user} = %(user_id)s AND EXISTS (SELECT 1 FROM appended)
RETURNING {profile.xp}, {profile.user}
""".format(**_NAMES, event_columns=_EVENT_COLUMNS, event_values=_EVENT_VALUES)  # noqa: S608 - names from the models' _meta; values are parameters

# Every statement here: the schema-drift test has PostgreSQL plan each one against the real tables.
STATEMENTS = {"profile_lock": _PROFILE_LOCK, "xp_add_plain": _XP_ADD_PLAIN}


def available() -> bool:
    return postgresql()


def profile_lock_row(*, user: User) -> LearnerProfile | None:
    """The learner's profile row, locked for this transaction, in one plain statement; None when it does not exist."""
    row = row_read(_PROFILE_LOCK, {"user_id": user.pk})
    if row is None:
        return None
    profile = loaded(LearnerProfile, row)
    profile.user = user
    return profile


def xp_add_plain(
    *,
    profile: LearnerProfile,
    amount: int,
    reason: str,
    reference: str,
    idempotency_key: str,
    now: datetime,
    day: date,
    week_key: str,
) -> bool:
    """Append plain XP (see the module) for the learner of a locked profile, and add it to the profile in hand; False
    when it is not plain and nothing was written."""
    updated_at = timezone.now()  # auto_now's clock, as the ORM's save would set it
    row = learner_statement_run(
        _XP_ADD_PLAIN,
        {
            "user_id": profile.user_id,
            "amount": amount,
            "reason": reason[:200],
            "reference": reference,
            "key": idempotency_key,
            "now": now,
            "day": day,
            "daily_goal": profile.daily_goal,
            "league_opt_out": profile.league_opt_out,
            "week_key": week_key,
            "updated_at": updated_at,
        },
        refusable=False,  # under the profile lock nothing can conflict: a refusal is a bug, and raises
    )
    if row is None:
        return False
    profile.xp, profile.updated_at = row[0], updated_at
    return True
