"""The pages and htmx endpoints (gamification/views.py): the completion block, /me/ and /leaderboard/."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from credits.models import LedgerEntry
from gamification.charts import Cell
from gamification.leagues import Tier
from gamification.models import BadgeAward, DailyActivity, LearnerProfile
from gamification.tasks import leagues_rollover_task
from gamification.templatetags.gamification import day_cells
from lessons.models import LessonProgress
from tests.factories import PublishedLessonFactory, UserFactory, xp_give

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PAGE_BUDGET = 12


def toasts(response):
    return json.loads(response.headers["HX-Trigger"])["toast"]["messages"]


def text(response):
    """The response's visible text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


# --- The lesson page's block ------------------------------------------------------------------------------------------


def test_the_include_on_the_lesson_page_runs_no_query(learner, quiz_lesson, rf):
    request = rf.get(quiz_lesson.get_absolute_url())
    request.user = learner
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "gamification/_lesson_complete.html", {"lesson": quiz_lesson, "user": learner}, request=request
        )
    assert len(queries) == 0
    assert f'hx-post="/lessons/{quiz_lesson.slug}/opened"' in html
    assert 'hx-trigger="load"' in html


def test_visitors_are_asked_to_sign_in_to_earn_xp(quiz_lesson, rf):
    from django.contrib.auth.models import AnonymousUser

    html = render_to_string("gamification/_lesson_complete.html", {"lesson": quiz_lesson, "user": AnonymousUser()})
    assert "Sign in to earn 20 XP for this lesson" in html
    assert "hx-post" not in html


def test_opening_the_lesson_starts_the_clock_and_shows_the_question_and_countdown(
    signed_in, learner, lesson, time_machine
):
    time_machine.move_to(NOON, tick=False)
    response = signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    assert response.status_code == 200
    assert LessonProgress.objects.get(user=learner, lesson=lesson).opened_at == NOON
    assert 'data-complete-after="2026-03-10T12:05:00+00:00"' in response.content.decode()
    assert "Keep the lesson open for 5 min before marking it done." in text(response)


def test_a_completion_that_comes_too_fast_is_refused_in_the_block(signed_in, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    time_machine.shift(100)
    response = signed_in.post(f"/lessons/{lesson.slug}/complete", headers=HTMX)
    assert response.status_code == 200
    assert f"Too soon to mark “{lesson.title}” as done: keep it open for another 3 min 20 s." in text(response)
    assert "HX-Trigger" not in response.headers


def test_completing_through_htmx_toasts_the_xp_and_reward_and_shows_the_streak(signed_in, learner, time_machine):
    lesson = PublishedLessonFactory(level="intermediate", duration_seconds=20 * 60)
    time_machine.move_to(NOON, tick=False)
    signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    time_machine.shift(5 * 60)

    response = signed_in.post(f"/lessons/{lesson.slug}/complete", headers=HTMX)

    assert toasts(response) == [
        "+20 XP",
        "Daily goal met!",
        "🔥 1-day streak",
        "⚡5 earned",
        "Badge earned: 🎯 First steps",
        "Badge earned: ✅ Goal getter",
    ]
    page = text(response)
    assert "✓ Completed" in page
    assert "+20 XP · ⚡5" in page
    assert "1-day streak" in page
    # The header carries the toasts as ASCII JSON, so non-Latin-1 characters survive the trip.
    assert response.headers["HX-Trigger"].isascii()


def test_completing_without_htmx_redirects_with_messages(signed_in, learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    time_machine.shift(5 * 60)
    response = signed_in.post(f"/lessons/{lesson.slug}/complete", follow=True)
    assert response.redirect_chain == [(f"/lessons/{lesson.slug}/check", 302)]
    assert "+10 XP" in [str(message) for message in response.context["messages"]]
    assert "✓ Completed" in text(response)


def test_visitors_who_complete_are_sent_to_sign_in(client, quiz_lesson):
    response = client.post(f"/lessons/{quiz_lesson.slug}/complete")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    htmx = client.post(f"/lessons/{quiz_lesson.slug}/complete", headers=HTMX)
    assert htmx.headers["HX-Redirect"].startswith("/accounts/login/")


def test_an_unknown_or_draft_lesson_is_a_404(signed_in):
    from tests.factories import PublishedLessonFactory

    draft = PublishedLessonFactory(status="draft")
    assert signed_in.post("/lessons/no-such-lesson/complete", headers=HTMX).status_code == 404
    assert signed_in.post(f"/lessons/{draft.slug}/complete", headers=HTMX).status_code == 404


# --- /me/ -------------------------------------------------------------------------------------------------------------


def a_busy_year(user, days):
    end = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for offset in reversed(range(days)):  # oldest first, as time runs
        at = end - timedelta(days=offset)
        xp_give(user=user, amount=20 + offset % 40, reason="Practice", idempotency_key=f"p:{offset}", now=at)


def count_queries(client, url):
    client.get(url)  # warm up: the wallet is opened on a first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.slow  # builds years of history: about 100 s of one core
def test_the_profile_runs_a_fixed_number_of_queries_whatever_the_history(
    client, django_assert_max_num_queries, time_machine
):
    time_machine.move_to(datetime(2026, 3, 10, 18, tzinfo=UTC), tick=False)
    newcomer, regular = UserFactory(), UserFactory()
    a_busy_year(newcomer, 1)
    a_busy_year(regular, 300)
    leagues_rollover_task()  # past weeks closed: both sit in this week's league
    counts = []
    for user in (newcomer, regular):
        client.force_login(user)
        counts.append(count_queries(client, "/me/"))
        with django_assert_max_num_queries(PAGE_BUDGET):
            client.get("/me/")
    assert counts[0] == counts[1]


def test_the_profile_reads_the_wallet_once_for_its_freeze_button_and_the_header(client, settings):
    settings.SIGNUP_BONUS = 60
    settings.LEARNER_PAGE_SECONDS = 0  # each GET renders the page: what it reads, not the learner's cached copy
    newcomer = UserFactory(signup_bonus=True)
    client.force_login(newcomer)
    first = client.get("/me/")  # the first page a learner sees opens the wallet, with the welcome bonus
    html = first.content.decode()

    assert "<span data-balance>60</span>" in html
    assert re.search(r'<button type="submit" class="button-small">Buy a freeze for ⚡20</button>', html)
    assert "You have ⚡0" not in text(first)
    assert count_wallet_reads(client, "/me/") == 1


def count_wallet_reads(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len([q for q in queries if q["sql"].startswith("SELECT") and 'FROM "credits_wallet"' in q["sql"]])


def test_the_profile_shows_level_streak_calendar_chart_badges_and_freezes(signed_in, learner, time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 18, tzinfo=UTC), tick=False)
    a_busy_year(learner, 3)
    page = signed_in.get("/me/")
    html, words = page.content.decode(), text(page)

    assert "Level 2" in words
    assert re.search(r'<progress id="level-progress" max="100" value="\d+"', html)
    assert "3-day streak" in words
    assert 'role="img"' in html
    assert "Activity over the last year: XP earned on 3 days, daily goal met on 3" in words
    assert "<title>Tue 10 Mar 2026: 20 XP, daily goal met</title>" in html
    assert "<title>Sun 8 Mar 2026: 22 XP, daily goal met</title>" in html
    assert "<title>Sat 7 Mar 2026: no XP</title>" in html
    assert "<title>8 Mar: 22 XP, goal met</title>" in html  # the 30-day chart's bar
    labelled_days = re.findall(r'class="day day-[^"]+"><title>', html)
    assert len(labelled_days) == 7 * 52 + 2  # 52 full weeks and this week's Monday and Tuesday, each labelled
    assert "XP per day over the last 30 days" in words
    assert "Goal getter Met your daily goal for the first time. Earned 8 Mar 2026" in words
    assert "0 of 2 streak freezes held" in words
    assert "Buy a freeze for ⚡20" in words


def test_the_calendar_cells_are_escaped_like_any_template_text():
    html = day_cells([Cell(day=date(2026, 3, 10), x=14, y=28, shade="2", label='<b>"10 Mar" & more</b>')])
    assert html == (
        '<rect x="14" y="28" width="11" height="11" rx="2" class="day day-2">'
        "<title>&lt;b&gt;&quot;10 Mar&quot; &amp; more&lt;/b&gt;</title></rect>"
    )


def test_visitors_are_sent_to_sign_in_from_the_profile(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_daily_goal_can_be_changed_from_the_profile(signed_in, learner):
    response = signed_in.post("/me/goal", {"goal": "50"}, follow=True)
    assert "Your daily goal is 50 XP." in text(response)
    assert LearnerProfile.objects.get(user=learner).daily_goal == 50
    refused = signed_in.post("/me/goal", {"goal": "35"}, follow=True)
    assert "Pick a daily goal of 10, 20, 50 XP." in text(refused)


def test_a_freeze_bought_from_the_profile_appears_on_the_statement_once(signed_in, learner):
    signed_in.get("/me/")
    signed_in.post("/me/freezes", {"key": "k1"})
    response = signed_in.post("/me/freezes", {"key": "k1"}, follow=True)  # the double click
    assert "you hold 1" in text(response)
    assert LedgerEntry.objects.filter(wallet__user=learner, reason="Bought a streak freeze").count() == 1
    assert "Bought a streak freeze" in text(signed_in.get("/credits/"))


def test_leaving_leagues_from_the_profile_takes_the_learner_off_the_board(signed_in, learner):
    xp_give(user=learner, amount=10, reason="Practice", idempotency_key="x")
    response = signed_in.post("/me/leagues", {"opt_out": "1"}, follow=True)
    assert "You have left weekly leagues" in text(response)
    assert "You have left weekly leagues." in text(signed_in.get("/leaderboard/"))
    signed_in.post("/me/leagues", {"opt_out": "0"})
    assert not LearnerProfile.objects.get(user=learner).league_opt_out


# --- /me/ from the cache: what a visit costs, and what must show at once --------------------------------------------

SIGNED_IN_QUERIES = 2  # the session and the user: what every signed-in page costs
MISS_BUDGET = 11  # beyond those, with nothing cached (3 of them practice's part: skills' mastery and what is due)
HIT_BUDGET = 2  # beyond those, with the learner's year and standing cached: the profile and the wallet, read live


@pytest.mark.slow  # builds years of history: about 100 s of one core
def test_the_profile_stays_within_its_query_budgets_on_a_miss_and_a_hit(
    client, django_assert_max_num_queries, time_machine
):
    time_machine.move_to(datetime(2026, 3, 10, 18, tzinfo=UTC), tick=False)
    regular = UserFactory()
    a_busy_year(regular, 300)
    leagues_rollover_task()  # past weeks closed: seated in this week's league, so its rank is read
    client.force_login(regular)
    with django_assert_max_num_queries(SIGNED_IN_QUERIES + MISS_BUDGET):
        client.get("/me/")
    with django_assert_max_num_queries(SIGNED_IN_QUERIES + HIT_BUDGET) as hit:
        page = client.get("/me/")
    assert "#1 of 1 this week" in text(page)
    assert not [query for query in hit.captured_queries if "gamification_dailyactivity" in query["sql"]]


def test_a_lesson_completed_today_shows_on_the_cached_profile_at_once(signed_in, learner, lesson, time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 18, tzinfo=UTC), tick=False)
    before = signed_in.get("/me/").content.decode()
    assert "<title>Tue 10 Mar 2026: no XP</title>" in before
    signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    time_machine.shift(timedelta(minutes=6))
    assert signed_in.post(f"/lessons/{lesson.slug}/complete", headers=HTMX).status_code == 200
    after = signed_in.get("/me/")
    xp = DailyActivity.objects.get(user=learner).xp
    assert f"<title>Tue 10 Mar 2026: {xp} XP" in after.content.decode()
    assert f"Today's goal is met: {xp} XP." in text(after) or f"Today: {xp} of 20 XP" in text(after)
    assert "XP earned on 1 days" in text(after)


def test_a_new_local_day_gets_a_new_calendar(signed_in, learner, time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 18, tzinfo=UTC), tick=False)
    xp_give(user=learner, amount=25, reason="Practice", idempotency_key="today")
    assert "Today's goal is met: 25 XP." in text(signed_in.get("/me/"))
    time_machine.move_to(datetime(2026, 3, 11, 9, tzinfo=UTC), tick=False)
    page = signed_in.get("/me/")
    assert "<title>Wed 11 Mar 2026: no XP</title>" in page.content.decode()
    assert "Today: 0 of 20 XP" in text(page)


def test_a_new_daily_goal_shows_on_the_cached_chart_at_once(signed_in, learner):
    assert "Daily goal: 20 XP" in signed_in.get("/me/").content.decode()
    signed_in.post("/me/goal", {"goal": "50"})
    assert "Daily goal: 50 XP" in signed_in.get("/me/").content.decode()


def test_a_badge_earned_shows_on_the_cached_profile_at_once(signed_in, quiz_lesson):
    assert "Not yet earned" in text(signed_in.get("/me/"))
    question = quiz_lesson.checks.get()
    right = question.choices.get(text="right")
    signed_in.post(f"/lessons/{quiz_lesson.slug}/check/{question.pk}", {"choice": right.pk}, headers=HTMX)
    assert re.search(r"Sharp eye .* Earned \d+ \w+ \d{4}", text(signed_in.get("/me/")))


def test_the_profile_is_computed_when_the_cache_is_down(signed_in, learner, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    xp_give(user=learner, amount=25, reason="Practice", idempotency_key="today")
    page = signed_in.get("/me/")
    assert page.status_code == 200
    assert "Today's goal is met: 25 XP." in text(page)
    assert "page cache: the cache did not answer (get)" in caplog.text


# --- /leaderboard/ ----------------------------------------------------------------------------------------------------


def league_of(size, *, you):
    others = UserFactory.create_batch(size - 1)
    for index, user in enumerate([you, *others]):
        LearnerProfile.objects.create(user=user, league_tier=Tier.GOLD)
        xp_give(user=user, amount=100 - index, reason="Practice", idempotency_key="w")


def test_the_leaderboard_runs_a_fixed_number_of_queries_whatever_the_league_size(
    client, django_assert_max_num_queries, time_machine
):
    time_machine.move_to(datetime(2026, 3, 11, 12, tzinfo=UTC), tick=False)
    small_you, large_you = UserFactory(), UserFactory()
    league_of(3, you=small_you)
    league_of(30, you=large_you)
    counts = []
    for user in (small_you, large_you):
        client.force_login(user)
        counts.append(count_queries(client, "/leaderboard/"))
        with django_assert_max_num_queries(PAGE_BUDGET):
            client.get("/leaderboard/")
    assert counts[0] == counts[1]


def test_the_leaderboard_shows_the_league_ranks_and_who_is_close_with_display_names_only(signed_in, learner):
    rival = UserFactory(display_name="Grace")
    learner.display_name = "Ada"
    learner.save()
    xp_give(user=rival, amount=40, reason="Practice", idempotency_key="r")
    xp_give(user=learner, amount=25, reason="Practice", idempotency_key="a")

    response = signed_in.get("/leaderboard/")
    words = text(response)
    assert "Bronze league" in words
    assert "You are #2 with 25 XP. Grace is 15 XP ahead." in words
    assert re.search(r"1 ▲ Grace 40 2 Ada you 25", words)
    assert learner.email not in response.content.decode()
    assert rival.email not in response.content.decode()


def test_visitors_see_how_leagues_work_and_a_sign_in_link(client):
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    assert "earn XP this week to join a league" in text(response)


def test_badges_on_the_profile_carry_the_date_they_were_earned(signed_in, learner):
    BadgeAward.objects.create(user=learner, badge="podium", earned_at=datetime(2026, 2, 2, tzinfo=UTC))
    words = text(signed_in.get("/me/"))
    assert "Podium Finished a weekly league in the top three. Earned 2 Feb 2026" in words
    assert "Not yet earned" in words
    assert DailyActivity.objects.count() == 0


def test_the_completion_block_runs_a_fixed_number_of_queries_whatever_the_number_of_questions(
    client, learner, django_assert_max_num_queries
):
    from tests.factories import CheckQuestionFactory, PublishedLessonFactory

    client.force_login(learner)
    counts = []
    for size in (1, 6):
        lesson = PublishedLessonFactory()
        CheckQuestionFactory.create_batch(size, lesson=lesson)
        client.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)  # the first opening writes; measure the next
        with CaptureQueriesContext(connection) as queries:
            client.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
        counts.append(len(queries))
        with django_assert_max_num_queries(PAGE_BUDGET):
            client.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    assert counts[0] == counts[1]


def test_the_profile_shows_the_league_and_rank_this_week(client, time_machine):
    time_machine.move_to(datetime(2026, 3, 11, 12, tzinfo=UTC), tick=False)
    you = UserFactory()
    league_of(5, you=you)
    client.force_login(you)
    words = text(client.get("/me/"))
    assert "Gold league · #1 of 5 this week with 100 XP." in words
    assert "The week closes Mon 16 Mar, 00:00 UTC." in words


def test_opening_the_page_starts_the_clock_but_does_not_mark_the_lesson_watched(signed_in, learner, lesson):
    signed_in.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert (progress.opened_at is not None, progress.started_at) == (True, None)
    assert signed_in.get("/api/v1/lessons").json()["items"][0]["watched"] is False

    started = signed_in.post(f"/lessons/{lesson.slug}/started")
    assert started.status_code == 201  # the first start of the work itself
    assert signed_in.get("/api/v1/lessons").json()["items"][0]["watched"] is True
