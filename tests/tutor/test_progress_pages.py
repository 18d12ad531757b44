"""An explanation's progress writes (its text so far every TUTOR_PROGRESS_INTERVAL_SECONDS, each part, each heartbeat)
leave its readers' cached pages be: the panel polls its never-cached fragment. A change of status drops them."""

import pytest
from django.utils import timezone

from core.learner_pages import learner_version
from tutor.models import Explanation, ExplanationStatus
from tutor.services import unlock

pytestmark = pytest.mark.django_db


def test_progress_writes_leave_the_readers_pages_and_a_status_change_drops_them(
    learner, lesson, quick_backend, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    unlock(user=learner, lesson=lesson, idempotency_key="k")
    rows = Explanation.objects.filter(lesson=lesson)
    before = learner_version(learner.pk)

    with django_assert_num_queries(1):  # the UPDATE alone: nobody's pages are looked up
        rows.update(partial_markdown="So far…", progress_at=timezone.now())
    with django_assert_num_queries(1):
        rows.update(parts={"intro": {}}, partial_markdown="So far, more…", progress_at=timezone.now())
    assert learner_version(learner.pk) == before

    rows.update(status=ExplanationStatus.FAILED)
    assert learner_version(learner.pk) != before
