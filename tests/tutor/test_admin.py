"""Curating explanations in the admin: the list by status and reports, the details, regenerate, edit and approve,
goodwill refunds for reports, and a transcript upload for a lesson."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credits.models import LedgerEntry
from credits.selectors import wallet_summary
from tests.factories import LearnerWithCreditsFactory, LessonFactory, StaffUserFactory, UserFactory
from tests.lessons.html import visible_text
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Report

pytestmark = pytest.mark.django_db

LIST = "/admin/tutor/explanation/"


@pytest.fixture(autouse=True)
def _quick(quick_backend, monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


@pytest.fixture
def staff(client):
    user = StaffUserFactory()
    client.force_login(user)
    return user


def paid_explanation(lesson, *learners):
    for learner in learners:
        services.unlock(user=learner, lesson=lesson, idempotency_key=str(uuid.uuid4()))
    explanation = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    services.explanation_write(explanation_id=explanation.pk, claimant="t", final_attempt=True)
    explanation.refresh_from_db()
    return explanation


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return visible_text(response.content, main_only=False)


def test_the_list_shows_status_reports_backend_and_tokens_and_sorts_by_reports(client, staff, lesson, learner):
    explanation = paid_explanation(lesson, learner)
    services.report_file(user=learner, explanation=explanation, reason="wrong", comment="Off by a chapter.")
    quiet = paid_explanation(LessonFactory(title="A quiet lesson"), learner)

    text = page_text(client.get(LIST))
    assert "Loops in machine learning" in text
    assert "test · test-model-1" in text
    assert "120 + 80" in text

    html = client.get(LIST, {"o": "-6"}).content.decode()  # the reports column, most reported first
    assert html.index("Loops in machine learning") < html.index(quiet.lesson.title)
    failed_only = page_text(client.get(LIST, {"status__exact": "failed"}))
    assert "Loops in machine learning" not in failed_only


def test_the_change_page_shows_the_text_as_learners_see_it_with_timings(client, staff, lesson, learner):
    explanation = paid_explanation(lesson, learner)
    response = client.get(f"{LIST}{explanation.pk}/change/")
    text = page_text(response)
    assert "<h2>Chapter by chapter</h2>" in response.content.decode()  # rendered, not escaped
    assert "test-model-1" in text
    assert re.search(r"time to write:?\s*\d+\.\d s", text, flags=re.IGNORECASE), text


def test_staff_edit_the_text_and_the_page_then_says_it_was_edited(client, staff, lesson, learner):
    explanation = paid_explanation(lesson, learner)
    response = client.post(
        f"{LIST}{explanation.pk}/change/",
        {
            "markdown": "## Overview\n\nA corrected overview.",
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
            "reports-MIN_NUM_FORMS": "0",
            "reports-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    explanation.refresh_from_db()
    assert explanation.markdown == "## Overview\n\nA corrected overview."
    assert (explanation.edited, explanation.edited_by) == (True, staff)
    client.force_login(learner)
    assert "A corrected overview." in page_text(client.get(lesson.get_absolute_url()))
    assert "edited by our team" in page_text(client.get(lesson.get_absolute_url()))


def test_approve_and_regenerate_actions(client, staff, lesson, learner):
    explanation = paid_explanation(lesson, learner)
    client.post(LIST, {"action": "approve", "_selected_action": [explanation.pk]})
    explanation.refresh_from_db()
    assert explanation.approved_by == staff

    response = client.post(LIST, {"action": "regenerate", "_selected_action": [explanation.pk]}, follow=True)
    assert "“Loops in machine learning”: version 2 is queued." in page_text(response)
    new = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    assert (new.version, new.status) == (2, ExplanationStatus.PENDING)
    assert learner.unlocks.get().explanation_id == explanation.pk  # the learner keeps the text they paid for


def test_a_goodwill_refund_for_a_report_is_given_once(client, staff, lesson):
    reporter = LearnerWithCreditsFactory(credits=100)
    explanation = paid_explanation(lesson, reporter)
    report = services.report_file(user=reporter, explanation=explanation, reason="unclear")
    for _ in range(2):
        client.post("/admin/tutor/report/", {"action": "refund_goodwill", "_selected_action": [report.pk]})
    refunds = LedgerEntry.objects.filter(wallet__user=reporter, kind=LedgerEntry.Kind.REFUND)
    assert [entry.amount for entry in refunds] == [30]
    assert refunds[0].created_by == staff
    assert wallet_summary(user=reporter).balance == 100
    assert Report.objects.get().refund_entry == refunds[0]


def test_the_lesson_change_page_links_to_the_transcript_upload(client, staff, lesson):
    html = client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert f'href="/admin/tutor/explanation/transcript/{lesson.pk}/"' in html
    assert "Upload transcript" in html


def test_a_caption_file_is_checked_then_saved_on_the_lesson(client, staff, lesson):
    url = f"/admin/tutor/explanation/transcript/{lesson.pk}/"
    assert "Check and save the transcript" in client.get(url).content.decode()

    broken = SimpleUploadedFile("talk.srt", b"1\n00:00:01,000 --> nonsense\nHello\n", content_type="text/plain")
    response = client.post(url, {"file": broken})
    assert "The transcript cannot be read" in page_text(response)
    lesson.refresh_from_db()
    assert lesson.transcript == ""

    captions = b"\xef\xbb\xbfWEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLoops repeat a step.\n"
    response = client.post(url, {"file": SimpleUploadedFile("talk.vtt", captions)}, follow=True)
    assert "Transcript of “Loops in machine learning” saved (1 segments)." in page_text(response)
    lesson.refresh_from_db()
    assert lesson.transcript.startswith("WEBVTT")


def test_a_learner_cannot_reach_the_tutor_admin(client, lesson):
    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 302
    assert client.get(f"/admin/tutor/explanation/transcript/{lesson.pk}/").status_code == 302
