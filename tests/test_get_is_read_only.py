"""Every GET is a read: a signed-in learner's journey through every page and API read writes no row.

The learner first does what fills the pages (unlocks an explanation, finishes a lesson, enrols, starts a purchase)
with POSTs; then every GET page and API read is requested while a wrapper on the database connection records each
INSERT, UPDATE and DELETE.
"""

import re
import uuid

import pytest
from django.db import connection

from purchases.services.purchases import purchase_checkout_start
from tests.factories import (
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    CreditPackFactory,
    LessonFactory,
    UserFactory,
)
from tutor import services as tutor_services
from tutor.models import Explanation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class WriteRecorder:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if WRITE.match(sql):
            self.writes.append(sql)
        return execute(sql, params, many, context)


@pytest.fixture
def journey(client, settings, monkeypatch, fake_stripe):
    """A learner with a bonus, an unlocked and written explanation, a finished lesson, a course and a purchase."""
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    learner = UserFactory(signup_bonus=True)
    lesson = LessonFactory(title="Loops", description="A lesson about loops.")
    ChapterFactory(lesson=lesson, start_seconds=0, title="Intro")
    course = CourseFactory()
    CourseLessonFactory(course=course, lesson=lesson, position=0)
    purchase, _url = purchase_checkout_start(user=learner, pack=CreditPackFactory(), idempotency_key="buy-1")
    client.force_login(learner)
    assert client.post(f"/courses/{course.slug}/enrol").status_code in (200, 302)
    unlock = client.post(f"/lessons/{lesson.slug}/tutor/unlock", {"idempotency_key": str(uuid.uuid4())})
    assert unlock.status_code in (200, 302)
    explanation = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    tutor_services.explanation_write(explanation_id=explanation.pk, claimant="test", final_attempt=True)
    assert client.post(f"/lessons/{lesson.slug}/complete").status_code in (200, 302)
    return {"lesson": lesson, "course": course, "purchase": purchase}


def pages_of(lesson, course, purchase) -> list[str]:
    return [
        # Back from Stripe with the session id, while the payment is still on its way: the check is a POST.
        f"/credits/purchases/{purchase.pk}/?session_id={purchase.checkout_session_id}",
        "/",
        "/lessons/",
        f"/lessons/{lesson.slug}/",
        f"/lessons/id/{lesson.pk}/",
        f"/lessons/{lesson.slug}/tutor/status",
        f"/courses/{course.slug}/",
        "/my/courses/",
        "/me/",
        "/leaderboard/",
        "/accounts/settings/",
        "/credits/",
        "/credits/statement.csv",
        "/credits/packs/",
        "/api/v1/me",
        "/api/v1/me/ledger",
        "/api/v1/credit-packs",
        "/api/v1/lessons",
        f"/api/v1/lessons/{lesson.slug}",
        f"/api/v1/lessons/{lesson.slug}/explanation",
        "/api/v1/leaderboard",
        f"/api/v1/lessons/{lesson.slug}/questions",
        "/me/data/",
        "/api/v1/me/export",
    ]


def assert_every_get_writes_nothing(client, paths: list[str]) -> None:
    for path in paths:
        recorder = WriteRecorder()
        with connection.execute_wrapper(recorder):
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code < 500, path  # a 403 (not unlocked) is a read too
        assert recorder.writes == [], f"GET {path} wrote: {recorder.writes}"


def test_no_get_page_or_api_read_of_a_signed_in_journey_writes_a_row(client, journey):
    assert_every_get_writes_nothing(client, pages_of(journey["lesson"], journey["course"], journey["purchase"]))


def test_a_learner_without_a_wallet_browses_every_page_and_none_opens_one(client, journey):
    """The header's balance and the profile used to create the wallet (and pay the bonus) on first view."""
    client.force_login(UserFactory(verified=False))
    paths = pages_of(journey["lesson"], journey["course"], journey["purchase"])
    assert_every_get_writes_nothing(client, paths[1:])  # someone else's purchase is a 404 for them


def test_the_recorder_sees_a_write_when_a_page_makes_one(client, journey):
    """The check above can fail: a POST through the same recorder is seen writing."""
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        client.post("/accounts/settings/", {"display_name": "Renamed", "time_zone": "UTC"})
    assert recorder.writes
