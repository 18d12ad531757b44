"""Captions through a real Celery worker: a curator's "Fetch captions" queues the job, the worker fetches it from the
local YouTube fake, and the lesson gets its transcript, chapters and duration; a video without captions says so."""

from __future__ import annotations

import pytest

from ingest.models import MaterialFetch, MaterialStatus
from lessons.models import Lesson
from tests.celery_worker import celery_worker_running, wait_for
from tests.ingest.conftest import video_lesson

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(transactional_db, youtube):
    env = {"INGEST_ALLOW_PRIVATE_ADDRESSES": "1", "INGEST_YOUTUBE_BASE": youtube.base}
    with celery_worker_running(env=env) as worker:
        yield worker


def test_fetch_captions_in_the_admin_is_done_by_the_worker(celery_worker, youtube, staff_client):
    video = video_lesson("Manual_en01")
    silent = video_lesson("NoCaptions1")
    page = staff_client.post(
        "/admin/lessons/lesson/", {"action": "fetch_captions", "_selected_action": [video.pk, silent.pk]}, follow=True
    )
    assert "Fetching captions and material for 2 lessons in the background" in page.content.decode()
    wait_for(
        lambda: not MaterialFetch.objects.filter(status=MaterialStatus.PENDING).exists(),
        worker=celery_worker,
        what="both caption jobs",
    )
    video = Lesson.objects.get(pk=video.pk)
    assert "Creator loops" in video.transcript
    assert (video.duration_seconds, video.chapters.count()) == (3725, 3)
    job = MaterialFetch.objects.get(lesson=silent)
    assert (job.status, job.captions) == (MaterialStatus.FAILED, "unavailable: turned off for this video")
