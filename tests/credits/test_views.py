"""The learner's statement at /credits/ (HTML and CSV) and the ⚡ balance in the header of every page."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.models import EntryKind, Wallet
from credits.services import (
    credits_clawback,
    credits_grant,
    credits_spend,
    hold_capture,
    hold_place,
    hold_release,
)
from tests.credits.conftest import fund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a reader hears it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def history_rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr.*?</tr>", body, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


@pytest.fixture
def signed_in(client, funded_learner):
    client.force_login(funded_learner)
    return client


def unlock(user, lesson_id: int, key: str):
    return hold_place(
        user=user,
        amount=30,
        reason=f"AI tutor explanation for “Lesson {lesson_id}”",
        reference=f"unlock:lesson:{lesson_id}",
        idempotency_key=key,
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/credits/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/credits/statement.csv").status_code == 302


def test_the_statement_shows_balance_held_available_and_open_holds_in_plain_words(signed_in, funded_learner):
    unlock(funded_learner, 42, "u42")
    response = signed_in.get("/credits/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Balance ⚡100" in page
    assert "Held ⚡30" in page
    assert "Available to spend ⚡70" in page
    assert "⚡30 held for AI tutor explanation for “Lesson 42”" in page
    assert 'href="/lessons/id/42/"' in response.content.decode()


def test_the_history_reads_newest_first_with_signed_amounts_and_balances(signed_in, funded_learner):
    hold = unlock(funded_learner, 42, "u42")
    hold_capture(hold=hold, reason="Unlocked the AI tutor explanation for “Lesson 42”")
    failed = unlock(funded_learner, 7, "u7")
    hold_release(hold=failed, reason="the explanation could not be written")

    rows = history_rows(signed_in.get("/credits/"))

    assert len(rows) == 4
    assert "Returned ⚡30 returned — the explanation could not be written" in rows[0]
    assert "(held for: AI tutor explanation for “Lesson 7”)" in rows[0]
    assert rows[0].endswith("⚡30 back unchanged")
    assert "Spent Unlocked the AI tutor explanation for “Lesson 42”" in rows[1]
    assert rows[1].endswith("−⚡30 ⚡70")
    assert "Earned Test credits" in rows[2]
    assert rows[2].endswith("+⚡40 ⚡100")
    assert "Welcome bonus Welcome bonus for joining" in rows[3]
    assert rows[3].endswith("+⚡60 ⚡60")


def test_each_reference_with_a_known_prefix_links_to_its_page_and_others_are_plain(signed_in, funded_learner):
    credits_spend(user=funded_learner, amount=5, reason="Lesson quiz", reference="lesson:9", idempotency_key="a")
    credits_spend(user=funded_learner, amount=5, reason="Mystery", reference="promo:spring", idempotency_key="b")
    html = signed_in.get("/credits/").content.decode()
    assert '<a href="/lessons/id/9/">Lesson quiz</a>' in html
    assert "Mystery" in html
    assert "promo:spring" in html
    assert 'href="/promo' not in html


def test_the_statement_shows_only_the_learners_own_credits(signed_in):
    other = UserFactory()
    fund(other, 100)
    credits_spend(user=other, amount=10, reason="Someone else's quiz", idempotency_key="x")
    page = text_of(signed_in.get("/credits/"))
    assert "Someone else's quiz" not in page


def test_a_debt_is_explained_in_plain_words(client, learner):
    fund(learner, 60)
    credits_spend(user=learner, amount=60, reason="Quiz", idempotency_key="s")
    credits_clawback(
        user=learner, amount=20, reason="Your payment was refunded", reference="purchase:3", idempotency_key="c"
    )
    client.force_login(learner)
    page = text_of(client.get("/credits/"))
    assert "Spending is paused: you owe ⚡20" in page
    assert "A payment for credits was refunded or disputed" in page
    assert "Taken back after a payment refund or dispute Your payment was refunded" in page


def test_no_debt_notice_when_the_learner_owes_nothing(signed_in):
    assert "Spending is paused" not in text_of(signed_in.get("/credits/"))


def test_the_history_is_paginated_25_lines_a_page(signed_in, funded_learner):
    for number in range(59):
        credits_grant(
            user=funded_learner,
            amount=1,
            kind=EntryKind.REWARD,
            reason=f"Lesson {number}",
            idempotency_key=f"r{number}",
        )
    # 61 lines: the bonus, the top-up and 59 rewards.
    first = signed_in.get("/credits/")
    assert len(history_rows(first)) == 25
    assert "page 1 of 3" in text_of(first)
    assert "Lesson 58" in history_rows(first)[0]
    last = signed_in.get("/credits/?page=3")
    assert len(history_rows(last)) == 11
    assert "Welcome bonus" in history_rows(last)[-1]
    assert len(history_rows(signed_in.get("/credits/?page=nonsense"))) == 25


def test_returned_holds_fall_on_the_page_of_their_time_once_each(signed_in, funded_learner):
    start = datetime.now(UTC) + timedelta(days=1)
    expected = []
    for minute in range(70):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            if minute % 9 == 4:
                hold = unlock(funded_learner, minute, f"u{minute}")
                hold_release(hold=hold, reason=f"returned at minute {minute}")
                expected.append(f"returned at minute {minute}")
            else:
                credits_grant(
                    user=funded_learner,
                    amount=1,
                    kind=EntryKind.REWARD,
                    reason=f"reward at minute {minute}",
                    idempotency_key=f"r{minute}",
                )
                expected.append(f"reward at minute {minute}")
    seen = []
    for number in (1, 2, 3):
        seen += [
            re.search(r"(reward|returned) at minute \d+|Test credits|Welcome bonus", row).group(0)
            for row in history_rows(signed_in.get(f"/credits/?page={number}"))
        ]
    # 64 rewards and the two funding entries make 66 entries: pages of 25, 25 and 16, the returns among them.
    assert seen == [*reversed(expected), "Test credits", "Welcome bonus"]


def statement_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/credits/").status_code == 200
    return len(queries)


def test_the_statement_runs_the_same_few_queries_whatever_the_history(
    signed_in, funded_learner, django_assert_max_num_queries
):
    few = statement_queries(signed_in)
    for number in range(40):
        credits_spend(
            user=funded_learner, amount=1, reason="Quiz", reference=f"lesson:{number}", idempotency_key=f"s{number}"
        )
    unlock(funded_learner, 1, "u1")
    hold_release(hold=unlock(funded_learner, 2, "u2"), reason="failed")
    with django_assert_max_num_queries(8):
        many = statement_queries(signed_in)
    assert many == few


def test_the_statement_downloads_as_csv_with_every_line(signed_in, funded_learner):
    for number in range(30):
        credits_spend(
            user=funded_learner, amount=1, reason="Quiz", reference=f"lesson:{number}", idempotency_key=f"s{number}"
        )
    for url in ("/credits/statement.csv", "/credits/?format=csv"):
        response = signed_in.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith('attachment; filename="credits-statement-')
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert rows[0] == ["date", "what", "description", "credits", "balance after", "reference"]
        assert len(rows) == 1 + 32
        assert rows[1][1:] == ["Spent", "Quiz", "-1", "70", "lesson:29"]
        assert rows[-1][1:] == ["Welcome bonus", "Welcome bonus for joining", "60", "60", ""]


def test_the_csv_cannot_smuggle_a_spreadsheet_formula(signed_in, funded_learner):
    credits_spend(user=funded_learner, amount=1, reason='=HYPERLINK("http://evil")', idempotency_key="s")
    content = b"".join(signed_in.get("/credits/statement.csv").streaming_content).decode()
    row = list(csv.reader(io.StringIO(content)))[1]
    assert row[2] == '\'=HYPERLINK("http://evil")'


def test_the_header_shows_the_balance_on_every_page_and_links_to_the_statement(client, learner, settings):
    settings.SIGNUP_BONUS = 60
    client.force_login(learner)
    html = client.get("/").content.decode()
    balance = re.search(r'<a class="balance[^"]*" href="/credits/"[^>]*>(.*?)</a>', html, flags=re.S)
    assert balance is not None
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", balance.group(1))) == "Your credits: ⚡ 60 (see your statement)"


def test_a_learner_without_a_wallet_sees_zero_and_the_page_opens_none(client):
    newcomer = UserFactory(verified=False)
    client.force_login(newcomer)
    assert "Your credits: ⚡ 0" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get("/").content.decode()))
    assert not Wallet.objects.filter(user=newcomer).exists()


def test_anonymous_pages_show_no_balance(client):
    assert 'class="balance' not in client.get("/").content.decode()


# --- What a statement page costs, and its cache --------------------------------------------------------------------

SIGNED_IN_QUERIES = 2  # the session and the user: what every signed-in page costs
MISS_BUDGET = 8  # beyond those, with nothing cached
HIT_BUDGET = 2  # beyond those, with the page's history cached


def test_the_statement_stays_within_its_query_budgets_on_a_miss_and_a_hit(
    signed_in, funded_learner, django_assert_max_num_queries
):
    for number in range(30):
        credits_spend(user=funded_learner, amount=1, reason="Quiz", idempotency_key=f"s{number}")
    hold_release(hold=unlock(funded_learner, 1, "u1"), reason="failed")
    unlock(funded_learner, 2, "u2")
    for url in ("/credits/", "/credits/?page=2"):
        with django_assert_max_num_queries(SIGNED_IN_QUERIES + MISS_BUDGET) as miss:
            signed_in.get(url)
        with django_assert_max_num_queries(SIGNED_IN_QUERIES + HIT_BUDGET) as hit:
            again = signed_in.get(url)
        assert again.status_code == 200
        # The statement pages without counting its entries (the header's count of due review cards is its own).
        queries = [*miss.captured_queries, *hit.captured_queries]
        assert not any("COUNT(" in query["sql"] and "practice_reviewcard" not in query["sql"] for query in queries)


def test_a_cached_statement_shows_every_write_at_once(signed_in, funded_learner):
    assert "Nothing is held right now." in text_of(signed_in.get("/credits/"))
    hold = unlock(funded_learner, 7, "u7")
    words = text_of(signed_in.get("/credits/"))
    assert "⚡30 held for AI tutor explanation for “Lesson 7”" in words
    hold_release(hold=hold, reason="the tutor could not answer")
    words = text_of(signed_in.get("/credits/"))
    assert "Nothing is held right now." in words
    assert "⚡30 returned — the tutor could not answer" in words
    credits_spend(user=funded_learner, amount=3, reason="Streak freeze", idempotency_key="f")
    assert "Streak freeze" in history_rows(signed_in.get("/credits/"))[0]


def test_the_statement_follows_the_learners_time_zone_even_when_cached(signed_in, funded_learner):
    with time_machine.travel(datetime(2031, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        credits_spend(user=funded_learner, amount=1, reason="Late quiz", idempotency_key="late")
    assert "10 Mar 2031, 23:30" in history_rows(signed_in.get("/credits/"))[0]
    funded_learner.time_zone = "Europe/Paris"
    funded_learner.save()
    assert "11 Mar 2031, 00:30" in history_rows(signed_in.get("/credits/"))[0]


def test_the_statement_answers_from_the_database_when_the_cache_is_down(signed_in, funded_learner, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    unlock(funded_learner, 3, "u3")
    response = signed_in.get("/credits/")
    assert response.status_code == 200
    assert "⚡30 held for AI tutor explanation for “Lesson 3”" in text_of(response)
    assert "page cache: the cache did not answer (get)" in caplog.text
