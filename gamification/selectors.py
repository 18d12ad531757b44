"""Reads of the gamification app: a learner's facts for badges, the profile page, the leaderboard, the lesson
page's completion block and the API's summary. Each page reads in a fixed, small number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from credits.models import LedgerEntry
from credits.selectors import WalletSummary, ledger_entries_for, wallet_summary
from gamification.badges import BADGES, BADGES_BY_SLUG, Badge, LearnerFacts
from gamification.charts import BarChart, DayMark, Heatmap, calendar_heatmap, xp_per_day_chart
from gamification.leagues import Outcome, Standing, Tier, league_ranked, week_bounds, week_key, zone_sizes
from gamification.levels import LevelProgress
from gamification.local_days import local_date, seconds_left_today
from gamification.models import (
    BadgeAward,
    CheckAnswer,
    CheckChoice,
    CheckQuestion,
    CourseCompletion,
    DailyActivity,
    LeagueMembership,
    LearnerProfile,
    LessonCompletion,
)
from gamification.rewards import (
    DAILY_GOAL_CHOICES,
    DAILY_GOAL_DEFAULT,
    FREEZE_PRICE_CREDITS,
    FREEZES_MAX,
    LESSON_REWARD_CREDITS,
    LESSON_REWARDS_PER_DAY,
    check_gate_open,
    completion_wait_seconds,
    lesson_xp,
)
from gamification.streaks import streak_at_risk, streak_shown
from lessons.models import Course, CourseLesson, Enrollment, Lesson, LessonProgress, LessonStatus


def signed_in(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def profile_for(*, user: User) -> LearnerProfile:
    """The learner's profile, or an unsaved one with the defaults (reads never create rows)."""
    return LearnerProfile.objects.filter(user=user).first() or LearnerProfile(user=user)


# --- Facts for badges -------------------------------------------------------------------------------------------------


def _count_by(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """COUNT(*) of a correlated subquery, grouped on the column that refers to the outer row; 0 when none."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _count(queryset: QuerySet[Any]) -> Coalesce:
    return _count_by(queryset, "user")


def learner_facts(*, user: User, profile: LearnerProfile | None = None) -> LearnerFacts:
    """What the badge rules look at, in two queries (counts as subqueries of one row, and the unlock count)."""
    me = OuterRef("pk")
    counts = (
        User.objects.filter(pk=user.pk)
        .annotate(
            lessons=_count(LessonCompletion.objects.filter(user=me)),
            courses=_count(CourseCompletion.objects.filter(user=me)),
            checks=_count(CheckAnswer.objects.filter(user=me, first_correct=True)),
            goal_days=_count(DailyActivity.objects.filter(user=me, goal_met=True)),
            promotions=_count(LeagueMembership.objects.filter(user=me, outcome=Outcome.PROMOTED)),
            podiums=_count(LeagueMembership.objects.filter(user=me, rank__lte=3, rank__isnull=False)),
        )
        .values("lessons", "courses", "checks", "goal_days", "promotions", "podiums")
        .get()
    )
    profile = profile or profile_for(user=user)
    # An unlock is a captured spend whose reference names it (tutor: "unlock:lesson:42"); read through credits.
    unlocks = ledger_entries_for(user=user).filter(kind=LedgerEntry.Kind.SPEND, reference__startswith="unlock:").count()
    return LearnerFacts(
        lessons_completed=counts["lessons"],
        courses_completed=counts["courses"],
        checks_right_first_time=counts["checks"],
        unlocks=unlocks,
        longest_streak=profile.streak_longest,
        goal_days=counts["goal_days"],
        level=profile.level,
        promotions=counts["promotions"],
        podiums=counts["podiums"],
    )


# --- Lesson completion ------------------------------------------------------------------------------------------------


def lesson_opened_at(*, user: User, lesson: Lesson) -> datetime | None:
    """When the lesson's clock started: the learner's page or app said it was opened (an explicit "opened" event),
    and it has stayed among their open lessons since. None when it is not open."""
    return (
        LessonProgress.objects.filter(user=user, lesson=lesson, opened_at__isnull=False)
        .values_list("opened_at", flat=True)
        .first()
    )


def course_lessons_done_in_their_own_time(*, user: User, course: Course) -> bool:
    """Whether the course's lessons completed by time each had their own wait: between the first and the last such
    completion there was room for every later lesson's wait, one after the other. Lessons opened side by side and
    completed together do not pass; lessons passed by their check question do not count here."""
    rows = list(
        LessonCompletion.objects.filter(
            user=user,
            via=LessonCompletion.Via.TIME,
            lesson__in=CourseLesson.objects.filter(course=course).values("lesson"),
        )
        .order_by("progress__completed_at")
        .values_list("progress__completed_at", "lesson__duration_seconds")
    )
    first, last = rows[0][0] if rows else None, rows[-1][0] if rows else None
    if len(rows) < 2 or first is None or last is None:  # a completion always has its progress's time
        return True
    later_waits = sum(completion_wait_seconds(duration) for _, duration in rows[1:])
    return (last - first).total_seconds() >= later_waits


def courses_finished_by(*, user: User, lesson: Lesson) -> QuerySet[Course]:
    """Courses the learner is enrolled in that hold this lesson and whose every published lesson they completed."""
    in_course = CourseLesson.objects.filter(course=OuterRef("pk"), lesson__status=LessonStatus.PUBLISHED)
    done = in_course.filter(lesson__in=LessonCompletion.objects.filter(user=user).values("lesson"))
    return (
        Course.objects.filter(course_lessons__lesson=lesson)
        .filter(Exists(Enrollment.objects.filter(user=user, course=OuterRef("pk"))))
        .annotate(total=_count_by(in_course, "course"), done=_count_by(done, "course"))
        .filter(total__gt=0, done__gte=F("total"))
        .distinct()
    )


@dataclass(frozen=True)
class QuestionView:
    question: CheckQuestion
    choices: list[CheckChoice]
    answer: CheckAnswer | None

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def right_first_time(self) -> bool:
        return self.answer is not None and self.answer.first_correct

    @property
    def last_choice_id(self) -> int | None:
        return self.answer.last_choice_id if self.answer else None

    @property
    def last_choice(self) -> CheckChoice | None:
        return next((choice for choice in self.choices if choice.pk == self.last_choice_id), None)

    @property
    def right_choices(self) -> list[CheckChoice]:
        return [choice for choice in self.choices if choice.is_correct]


@dataclass(frozen=True)
class CompletionPanel:
    """The lesson page's block: check questions, the “Mark as done” button and what completing pays."""

    lesson: Lesson
    signed_in: bool
    questions: list[QuestionView]
    completion: LessonCompletion | None = None
    opened_at: datetime | None = None
    wait_seconds: int = 0
    xp_on_offer: int = 0
    credits_on_offer: int = 0
    seconds_left: int = 0
    streak: int = 0
    today_xp: int = 0
    daily_goal: int = DAILY_GOAL_DEFAULT
    error: str = ""

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def checks_passed(self) -> bool:
        right = sum(1 for question in self.questions if question.right_first_time)
        return check_gate_open(questions=len(self.questions), right_first_time=right)

    @property
    def questions_can_help(self) -> bool:
        """Whether answering the questions still left could open the gate (first tries only)."""
        open_chances = sum(1 for q in self.questions if q.right_first_time or not q.answered)
        return check_gate_open(questions=len(self.questions), right_first_time=open_chances)

    @property
    def ready(self) -> bool:
        return self.checks_passed or (self.opened_at is not None and self.seconds_left == 0)

    @property
    def complete_after(self) -> datetime | None:
        return self.opened_at + timedelta(seconds=self.wait_seconds) if self.opened_at else None


def completion_panel_for(*, user: Any, lesson: Lesson, now: datetime | None = None, error: str = "") -> CompletionPanel:
    """Everything the block shows, in 2 queries for visitors and at most 8 for a learner."""
    now = now or timezone.now()
    questions = list(CheckQuestion.objects.filter(lesson=lesson).prefetch_related("choices"))
    learner = signed_in(user)
    if learner is None:
        return CompletionPanel(
            lesson=lesson,
            signed_in=False,
            questions=[QuestionView(q, list(q.choices.all()), None) for q in questions],
            xp_on_offer=lesson_xp(lesson.level),
        )
    answers = {a.question_id: a for a in CheckAnswer.objects.filter(user=learner, question__lesson=lesson)}
    views = [QuestionView(q, list(q.choices.all()), answers.get(q.pk)) for q in questions]
    completion = LessonCompletion.objects.filter(user=learner, lesson=lesson).select_related("progress").first()
    profile = profile_for(user=learner)
    today = local_date(now, learner.time_zone_at(now))
    streak = streak_shown(profile.streak_state, today=today)
    if completion is not None:
        today_xp = DailyActivity.objects.filter(user=learner, day=today).values_list("xp", flat=True).first() or 0
        return CompletionPanel(
            lesson=lesson,
            signed_in=True,
            questions=views,
            completion=completion,
            streak=streak,
            today_xp=today_xp,
            daily_goal=profile.daily_goal,
            error=error,
        )
    opened_at = lesson_opened_at(user=learner, lesson=lesson)
    wait = completion_wait_seconds(lesson.duration_seconds)
    waited = (now - opened_at).total_seconds() if opened_at else 0
    paid_today = LessonCompletion.objects.filter(user=learner, local_date=today, credits_awarded__gt=0).count()
    return CompletionPanel(
        lesson=lesson,
        signed_in=True,
        questions=views,
        opened_at=opened_at,
        wait_seconds=wait,
        seconds_left=max(0, int(wait - waited + 0.999)) if opened_at else wait,
        xp_on_offer=lesson_xp(lesson.level),
        credits_on_offer=LESSON_REWARD_CREDITS if paid_today < LESSON_REWARDS_PER_DAY else 0,
        streak=streak,
        daily_goal=profile.daily_goal,
        error=error,
    )


# --- Profile page -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeView:
    badge: Badge
    earned_at: datetime | None


@dataclass(frozen=True)
class LeagueStanding:
    tier: str
    rank: int | None
    members: int
    xp: int
    ends_at: datetime


@dataclass(frozen=True)
class ProfilePage:
    profile: LearnerProfile
    level: LevelProgress
    streak: int
    streak_at_risk: bool
    today_xp: int
    today_goal_met: bool
    hours_left_today: int
    heatmap: Heatmap
    chart: BarChart
    badges_earned: list[BadgeView]
    badges_locked: list[Badge]
    league: LeagueStanding | None
    wallet: WalletSummary
    goal_choices: tuple[int, ...] = DAILY_GOAL_CHOICES
    freeze_price: int = FREEZE_PRICE_CREDITS
    freezes_max: int = FREEZES_MAX

    @property
    def can_buy_freeze(self) -> bool:
        return self.profile.freezes < self.freezes_max and self.wallet.available >= self.freeze_price

    @property
    def xp_to_goal(self) -> int:
        return max(0, self.profile.daily_goal - self.today_xp)

    @property
    def badges_total(self) -> int:
        return len(self.badges_earned) + len(self.badges_locked)

    @property
    def today_goal_percent(self) -> int:
        return min(100, self.today_xp * 100 // max(self.profile.daily_goal, 1))


def _league_standing(*, user: User, tier: str, now: datetime) -> LeagueStanding | None:
    membership = (
        LeagueMembership.objects.filter(user=user, week__key=week_key(now)).select_related("league", "week").first()
    )
    if membership is None:
        return None
    if membership.league is None:  # seated once last week's rollover has run
        return LeagueStanding(tier=tier, rank=None, members=0, xp=membership.xp, ends_at=membership.week.ends_at)
    ahead = LeagueMembership.objects.filter(league=membership.league).filter(
        Q(xp__gt=membership.xp)
        | Q(xp=membership.xp, last_xp_at__lt=membership.last_xp_at)
        | Q(xp=membership.xp, last_xp_at=membership.last_xp_at, user_id__lt=user.pk)
    )
    return LeagueStanding(
        tier=Tier(membership.league.tier).label,
        rank=ahead.count() + 1,
        members=membership.league.member_count,
        xp=membership.xp,
        ends_at=membership.week.ends_at,
    )


def profile_page_for(*, user: User, now: datetime | None = None, wallet: WalletSummary | None = None) -> ProfilePage:
    """The /me/ page in a fixed number of queries: profile, a year of days, badges, league (2), wallet.

    A caller that has already read the wallet (the page's header shows the balance too) passes it in.
    """
    now = now or timezone.now()
    today = local_date(now, user.time_zone_at(now))
    profile = profile_for(user=user)
    year_ago = today - timedelta(days=7 * 53)
    marks = {
        row.day: DayMark(xp=row.xp, goal=row.goal, goal_met=row.goal_met, frozen=row.frozen)
        for row in DailyActivity.objects.filter(user=user, day__gte=year_ago, day__lte=today)
    }
    earned = {award.badge: award.earned_at for award in BadgeAward.objects.filter(user=user)}
    today_mark = marks.get(today, DayMark())
    return ProfilePage(
        profile=profile,
        level=profile.level_progress,
        streak=streak_shown(profile.streak_state, today=today),
        streak_at_risk=streak_at_risk(profile.streak_state, today=today),
        today_xp=today_mark.xp,
        today_goal_met=today_mark.goal_met,
        hours_left_today=seconds_left_today(now, user.time_zone_at(now)) // 3600,
        heatmap=calendar_heatmap(marks, today=today),
        chart=xp_per_day_chart(marks, today=today, goal=profile.daily_goal),
        badges_earned=sorted(
            (BadgeView(BADGES_BY_SLUG[slug], at) for slug, at in earned.items() if slug in BADGES_BY_SLUG),
            key=lambda view: view.earned_at or now,
            reverse=True,
        ),
        badges_locked=[badge for badge in BADGES if badge.slug not in earned],
        league=None if profile.league_opt_out else _league_standing(user=user, tier=profile.tier_label, now=now),
        wallet=wallet if wallet is not None else wallet_summary(user=user),
    )


# --- Leaderboard ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    rank: int
    display_name: str
    xp: int
    is_you: bool
    zone: str  # "up", "down" or ""


@dataclass(frozen=True)
class Leaderboard:
    state: str  # "anonymous", "opted_out", "not_started" (no XP this week), "waiting" (seat after rollover), "league"
    week: str
    ends_at: datetime
    tier: str = ""
    rows: list[BoardRow] = field(default_factory=list)
    promoted: int = 0
    demoted: int = 0

    @property
    def you(self) -> BoardRow | None:
        return next((row for row in self.rows if row.is_you), None)

    @property
    def nearby(self) -> list[tuple[BoardRow, int]]:
        """The learners just ahead of and just behind you, with the XP between you: who is close."""
        you = self.you
        if you is None:
            return []
        index = self.rows.index(you)
        around = self.rows[max(0, index - 1) : index] + self.rows[index + 1 : index + 2]
        return [(row, abs(row.xp - you.xp)) for row in around]


def leaderboard_for(*, user: Any, now: datetime | None = None) -> Leaderboard:
    """This week's league of the learner, ranked, with only display names; 3 queries."""
    now = now or timezone.now()
    key = week_key(now)
    _, ends_at = week_bounds(key)
    learner = signed_in(user)
    if learner is None:
        return Leaderboard(state="anonymous", week=key, ends_at=ends_at)
    profile = profile_for(user=learner)
    if profile.league_opt_out:
        return Leaderboard(state="opted_out", week=key, ends_at=ends_at, tier=profile.tier_label)
    membership = LeagueMembership.objects.filter(user=learner, week__key=key).select_related("league").first()
    if membership is None:
        return Leaderboard(state="not_started", week=key, ends_at=ends_at, tier=profile.tier_label)
    if membership.league is None:
        return Leaderboard(state="waiting", week=key, ends_at=ends_at, tier=profile.tier_label)
    league = membership.league
    members = list(
        LeagueMembership.objects.filter(league=league)
        .select_related("user")
        .only("xp", "last_xp_at", "user__id", "user__display_name")
    )
    ranked = league_ranked([Standing(m.user_id, m.xp, m.last_xp_at) for m in members])
    names = {m.user_id: m.user.public_name for m in members}
    promoted, demoted = zone_sizes(len(ranked), league.tier)
    rows = [
        BoardRow(
            rank=index + 1,
            display_name=names[standing.user_id],
            xp=standing.xp,
            is_you=standing.user_id == learner.pk,
            zone="up" if index < promoted else "down" if index >= len(ranked) - demoted else "",
        )
        for index, standing in enumerate(ranked)
    ]
    return Leaderboard(
        state="league",
        week=key,
        ends_at=ends_at,
        tier=Tier(league.tier).label,
        rows=rows,
        promoted=promoted,
        demoted=demoted,
    )


# --- API summary ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeSummary:
    email: str
    xp: int
    level: int
    streak: int
    daily_goal: int
    freezes: int
    badges: list[BadgeView]


def me_summary(*, user: User, now: datetime | None = None) -> MeSummary:
    now = now or timezone.now()
    profile = profile_for(user=user)
    awards = BadgeAward.objects.filter(user=user).order_by("earned_at", "id")
    return MeSummary(
        email=user.email,
        xp=profile.xp,
        level=profile.level,
        streak=streak_shown(profile.streak_state, today=local_date(now, user.time_zone_at(now))),
        daily_goal=profile.daily_goal,
        freezes=profile.freezes,
        badges=[BadgeView(BADGES_BY_SLUG[a.badge], a.earned_at) for a in awards if a.badge in BADGES_BY_SLUG],
    )
