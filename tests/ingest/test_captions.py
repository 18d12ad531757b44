"""Captions of video lessons: youtube-transcript-api's own code runs, through our pinned session, against a local fake
of the YouTube endpoints it calls (tests/ingest/youtube_fake.py); only the network is local."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ingest.captions import youtube_video_id
from ingest.exceptions import MaterialRetry
from ingest.models import MaterialFetch, MaterialStatus
from ingest.services import material_fetch, material_fetch_request, materials_fetch_now, source_poll
from ingest.tasks import material_fetch_task
from lessons.models import Kind, Lesson, LessonStatus
from lessons.transcripts import transcript_parse
from tests.ingest.conftest import source_for, video_lesson
from tests.ingest.youtube_fake import THREE_HOURS
from tests.lessons.factories import ChapterFactory, LessonFactory

pytestmark = pytest.mark.django_db


def fetch_now(*lessons: Lesson) -> list[MaterialFetch]:
    asked = material_fetch_request(lessons=lessons)
    materials_fetch_now(fetch_ids=[entry.fetch_id for entry in asked if entry.fetch_id])
    return [MaterialFetch.objects.get(lesson=lesson) for lesson in lessons]


def test_a_video_link_gives_its_id_in_every_form_and_other_links_none():
    for url in (
        "https://www.youtube.com/watch?v=Manual_en01&t=77s",
        "https://youtu.be/Manual_en01?si=x",
        "https://m.youtube.com/shorts/Manual_en01",
        "https://www.youtube.com/embed/Manual_en01",
    ):
        assert youtube_video_id(url) == "Manual_en01"
    for url in ("https://example.org/watch?v=Manual_en01", "https://www.youtube.com/watch?v=short", "not a url"):
        assert youtube_video_id(url) == ""


def test_the_creators_captions_in_the_spoken_language_become_the_transcript_with_chapters_and_duration(youtube):
    lesson = video_lesson("Manual_en01")
    (job,) = fetch_now(lesson)
    lesson.refresh_from_db()
    assert job.status == MaterialStatus.DONE
    assert job.captions == "en, by the creator"
    assert lesson.transcript.startswith("WEBVTT")
    segments = transcript_parse(lesson.transcript)
    assert [s.text for s in segments] == ["Creator one", "Creator two", "Creator loops"]
    assert segments[-1].start_seconds == 77.0
    assert lesson.duration_seconds == 3725
    assert [(c.start_seconds, c.title) for c in lesson.chapters.order_by("position")] == [
        (0, "Intro"),
        (77, 'Loops & "planning"'),
        (304, "Wrap-up"),
    ]
    # The library's three requests, through our session: the watch page, the player, the chosen track only.
    assert (youtube.hits["/watch"], youtube.hits["/youtubei/v1/player"], youtube.hits["/api/timedtext"]) == (1, 1, 1)


def test_automatic_captions_in_the_spoken_language_come_before_a_creators_in_another(youtube):
    lesson = video_lesson("AutoOnly_en")
    (job,) = fetch_now(lesson)
    lesson.refresh_from_db()
    assert job.captions == "en, automatic"
    assert "Machine loops" in lesson.transcript


def test_a_video_with_captions_only_in_another_language_gets_those(youtube):
    lesson = video_lesson("OnlyGerman1")
    (job,) = fetch_now(lesson)
    lesson.refresh_from_db()
    assert job.captions == "de, by the creator"
    assert "Deutsch loops" in lesson.transcript


def test_without_chapter_markers_the_chapters_come_from_the_videos_own_description(youtube):
    lesson = video_lesson("DescChapter", description="A curator's own words, without times.")
    fetch_now(lesson)
    assert [(c.start_seconds, c.title) for c in lesson.chapters.order_by("position")] == [
        (0, "Intro"),
        (77, "Loops"),
        (304, "The end"),
    ]


def test_captions_fill_what_the_lesson_lacks_and_overwrite_nothing(youtube):
    lesson = video_lesson("Manual_en01", duration_seconds=3600)
    ChapterFactory(lesson=lesson, start_seconds=0, title="The curator's chapter", position=1)
    fetch_now(lesson)
    lesson.refresh_from_db()
    assert lesson.transcript.startswith("WEBVTT")
    assert lesson.duration_seconds == 3600
    assert list(lesson.chapters.values_list("title", flat=True)) == ["The curator's chapter"]


def test_a_lesson_with_a_transcript_is_left_as_it_is(youtube):
    lesson = video_lesson("Manual_en01", transcript="00:00 pasted by a curator")
    (asked,) = material_fetch_request(lessons=[lesson])
    assert asked.fetch_id is None
    assert asked.note == "nothing to fetch: it has a transcript"
    assert youtube.hits["/watch"] == 0


def test_hours_of_rolling_captions_with_entities_empty_cues_and_overlaps_are_read_whole(youtube):
    lesson = video_lesson("ThreeHours1")
    (job,) = fetch_now(lesson)
    lesson.refresh_from_db()
    assert job.status == MaterialStatus.DONE, job.error
    assert job.captions == "en, automatic"
    segments = transcript_parse(lesson.transcript)
    texts = [segment.text for segment in segments]
    assert texts[0] == 'Q&A about what\'s "attention" really'  # entities decoded once, the tag dropped
    assert "first line second line" in texts  # one cue, one line
    assert "" not in texts
    assert segments[-1].text == "the very end"
    assert segments[-1].start_seconds == THREE_HOURS - 1.5
    assert (
        len(segments)
        == THREE_HOURS // 2
        - len(range(0, THREE_HOURS // 2, 97))
        - sum(1 for n in range(THREE_HOURS // 2) if n % 89 == 0 and n % 97)
        + 1
    )
    assert "02:59:58.500 --> " in lesson.transcript
    assert lesson.duration_seconds == THREE_HOURS
    assert lesson.chapters.count() == 2


def test_a_transcript_over_the_limit_is_cut_after_a_whole_cue_and_says_so(youtube, settings):
    settings.TRANSCRIPT_MAX_CHARS = 50_000
    lesson = video_lesson("ThreeHours1")
    (job,) = fetch_now(lesson)
    lesson.refresh_from_db()
    assert len(lesson.transcript) <= 50_000
    assert transcript_parse(lesson.transcript)[-1].text.startswith("part ")
    assert "TRANSCRIPT_MAX_CHARS" in job.error
    assert job.status == MaterialStatus.DONE


@pytest.mark.parametrize(
    ("video_id", "note"),
    [
        ("NoCaptions1", "unavailable: turned off for this video"),
        ("GoneVideo01", "unavailable: the video is gone from YouTube"),
        ("NotThere001", "unavailable: HTTP 404 from YouTube"),
    ],
)
def test_a_video_without_captions_says_so_on_its_material_and_is_not_retried(youtube, video_id, note):
    lesson = video_lesson(video_id)
    (job,) = fetch_now(lesson)
    assert (job.status, job.captions, job.attempts, job.retry_at) == (MaterialStatus.FAILED, note, 1, None)
    assert job.error == f"captions: {note.removeprefix('unavailable: ') if 'HTTP' in note else note}"
    lesson.refresh_from_db()
    assert lesson.transcript == ""


def test_a_server_error_is_retried_with_backoff_and_the_retry_brings_the_captions(youtube, settings):
    settings.INGEST_MATERIAL_BACKOFF_SECONDS = 30
    lesson = video_lesson("Flaky503xx1")
    (asked,) = material_fetch_request(lessons=[lesson])
    with pytest.raises(MaterialRetry) as retry:
        material_fetch(fetch_id=asked.fetch_id)
    assert retry.value.countdown == 30
    job = MaterialFetch.objects.get(pk=asked.fetch_id)
    assert (job.status, job.error) == (MaterialStatus.PENDING, "captions: HTTP 503 from YouTube")
    assert job.retry_at > timezone.now() + timedelta(seconds=25)
    # Not before its time: the job is not taken, and nothing is sent.
    watched = youtube.hits["/watch"]
    assert material_fetch(fetch_id=job.pk) == MaterialStatus.PENDING
    assert youtube.hits["/watch"] == watched
    MaterialFetch.objects.filter(pk=job.pk).update(retry_at=timezone.now() - timedelta(seconds=1))
    assert material_fetch(fetch_id=job.pk) == MaterialStatus.DONE
    lesson.refresh_from_db()
    assert "Creator loops" in lesson.transcript


def test_youtube_refusing_us_waits_as_long_as_it_asks(youtube, settings):
    settings.INGEST_MATERIAL_BACKOFF_SECONDS = 1
    lesson = video_lesson("Blocked429x")
    (asked,) = material_fetch_request(lessons=[lesson])
    with pytest.raises(MaterialRetry) as retry:
        material_fetch(fetch_id=asked.fetch_id)
    assert retry.value.countdown == 7  # Retry-After: 7
    assert "YouTube refused our requests for now" in MaterialFetch.objects.get(pk=asked.fetch_id).error


def test_after_the_last_attempt_a_network_failure_is_the_lessons_note(youtube, settings):
    youtube.videos["Flaky503xx1"].failures = [503] * 10
    lesson = video_lesson("Flaky503xx1")
    (asked,) = material_fetch_request(lessons=[lesson])
    assert material_fetch(fetch_id=asked.fetch_id, final_attempt=True) == MaterialStatus.FAILED
    job = MaterialFetch.objects.get(pk=asked.fetch_id)
    assert job.captions == "unavailable: HTTP 503 from YouTube"


def test_the_librarys_requests_go_through_the_address_check(youtube, settings):
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    lesson = video_lesson("Manual_en01")
    (job,) = fetch_now(lesson)
    assert job.status == MaterialStatus.FAILED
    assert re.match(r"captions: refused: 127\.0\.0\.1 is a private or local address", job.error)
    assert sum(youtube.hits.values()) == 0


def test_the_librarys_answers_are_capped_like_any_fetch(youtube, settings):
    settings.INGEST_MAX_BYTES = 100_000  # the three-hour track is larger
    lesson = video_lesson("ThreeHours1")
    (job,) = fetch_now(lesson)
    assert job.status == MaterialStatus.FAILED
    assert job.error.startswith("captions: too large:")
    assert job.attempts == 1  # not retried


def test_a_job_a_worker_holds_is_left_to_it(youtube):
    lesson = video_lesson("Manual_en01")
    (first,) = material_fetch_request(lessons=[lesson])
    MaterialFetch.objects.filter(pk=first.fetch_id).update(claimed_at=timezone.now(), claimed_by="task-1")
    (again,) = material_fetch_request(lessons=[lesson])
    assert (again.fetch_id, again.note) == (first.fetch_id, "already being fetched")
    assert MaterialFetch.objects.get(pk=first.fetch_id).claimed_by == "task-1"


def test_captions_count_against_youtubes_own_budget_per_minute(youtube, settings):
    settings.INGEST_FETCHES_PER_HOST_MINUTE = 5  # one video's three requests fit, not two videos'
    first, second = video_lesson("Manual_en01"), video_lesson("AutoOnly_en")
    other_host = LessonFactory(kind=Kind.ARTICLE, material="", external_url="http://127.0.0.1:9/article")
    jobs = fetch_now(first, second, other_host)
    assert jobs[0].status == MaterialStatus.DONE
    assert (jobs[1].status, jobs[1].attempts) == (MaterialStatus.PENDING, 0)  # waits; no attempt spent
    assert jobs[2].attempts == 1  # another host's budget is its own
    assert youtube.hits["/watch"] == 1


def test_the_worker_task_fetches_captions(youtube):
    lesson = video_lesson("Manual_en01")
    (asked,) = material_fetch_request(lessons=[lesson])
    assert material_fetch_task.apply(args=[asked.fetch_id]).get() == MaterialStatus.DONE
    lesson.refresh_from_db()
    assert "Creator loops" in lesson.transcript


def test_a_youtube_feed_item_gets_its_captions_after_the_poll_and_keeps_the_feeds_chapters(feed_server, youtube):
    source = source_for(feed_server, "/channel.xml", "youtube", name="Test Channel")
    result = source_poll(source_id=source.pk, material_inline=True)
    assert result.failed == 0
    lesson = Lesson.objects.get(source=source)
    assert lesson.status == LessonStatus.INCOMING
    assert "Feed video loops" in lesson.transcript
    assert lesson.duration_seconds == 1500
    assert lesson.chapters.count() == 4  # the description's chapters stay
    assert lesson.material_fetch.captions == "en, automatic"


def test_a_poll_only_queues_the_captions(feed_server, youtube, django_capture_on_commit_callbacks):
    source = source_for(feed_server, "/channel.xml", "youtube", name="Test Channel")
    with django_capture_on_commit_callbacks() as callbacks:
        source_poll(source_id=source.pk)
    assert len(callbacks) >= 1
    assert sum(youtube.hits.values()) == 0  # the poll itself never talks to YouTube
    job = MaterialFetch.objects.get(lesson__source=source)
    assert (job.status, job.video_url) == (MaterialStatus.PENDING, "https://www.youtube.com/watch?v=AbCdEf12345")


def test_a_polls_captions_never_reach_an_item_a_curator_edited_meanwhile(feed_server, youtube):
    source = source_for(feed_server, "/channel.xml", "youtube", name="Test Channel")
    source_poll(source_id=source.pk)
    lesson = Lesson.objects.get(source=source)
    Lesson.objects.filter(pk=lesson.pk).update(curator_edited_at=timezone.now())
    assert material_fetch(fetch_id=lesson.material_fetch.pk) == MaterialStatus.DONE
    lesson.refresh_from_db()
    assert lesson.transcript == ""
    assert lesson.duration_seconds is None
    # A curator who wants them asks: then they fill what the lesson lacks.
    fetch_now(lesson)
    lesson.refresh_from_db()
    assert "Feed video loops" in lesson.transcript


# --- The command -----------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("material_fetch", *args, stdout=out)
    return out.getvalue()


def test_material_fetch_for_one_lesson_prints_what_was_found(youtube):
    lesson = video_lesson("Manual_en01", slug="the-interview")
    out = run("--lesson", "the-interview")
    assert out.startswith("the-interview: done; captions: en, by the creator; transcript ")
    assert "; 3 chapters" in out
    lesson.refresh_from_db()
    assert lesson.transcript.startswith("WEBVTT")


def test_material_fetch_missing_takes_published_lessons_without_a_transcript(youtube):
    video_lesson("Manual_en01", slug="a-video")
    video_lesson("NoCaptions1", slug="no-captions")
    video_lesson("AutoOnly_en", slug="has-one", transcript="WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
    video_lesson("OnlyGerman1", slug="a-draft", status=LessonStatus.DRAFT)
    LessonFactory(slug="an-article", material="Its text is already here.")
    lines = run("--missing").splitlines()
    assert [line.split(":")[0] for line in lines] == ["a-video", "no-captions"]
    assert lines[1] == "no-captions: failed; captions: unavailable: turned off for this video"
    assert Lesson.objects.get(slug="a-draft").transcript == ""


def test_material_fetch_asks_which_lessons(youtube):
    with pytest.raises(CommandError, match="--lesson SLUG or --missing"):
        run()
    with pytest.raises(CommandError, match="No lesson has the slug"):
        run("--lesson", "nope")


# --- The admin -------------------------------------------------------------------------------------------------


def test_the_fetch_captions_action_queues_a_job_per_lesson_and_says_which_have_nothing_to_fetch(
    youtube, staff_client, django_capture_on_commit_callbacks
):
    video = video_lesson("Manual_en01")
    done = video_lesson("AutoOnly_en", transcript="00:00 already here")
    with django_capture_on_commit_callbacks() as callbacks:
        page = staff_client.post(
            "/admin/lessons/lesson/",
            {"action": "fetch_captions", "_selected_action": [video.pk, done.pk]},
            follow=True,
        )
    html = page.content.decode()
    assert "Fetching captions and material for 1 lesson in the background" in html
    assert "nothing to fetch: it has a transcript" in html
    assert len(callbacks) == 1
    job = MaterialFetch.objects.get(lesson=video)
    assert (job.status, job.video_url) == (MaterialStatus.PENDING, "https://www.youtube.com/watch?v=Manual_en01")
    assert sum(youtube.hits.values()) == 0  # the worker fetches, not the admin's request


def test_a_lessons_missing_captions_show_in_the_admin(youtube, staff_client):
    lesson = video_lesson("NoCaptions1")
    fetch_now(lesson)
    change = staff_client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert f"/admin/ingest/materialfetch/lesson/{lesson.pk}/" in change  # "Material and captions"
    row = staff_client.get(f"/admin/ingest/materialfetch/lesson/{lesson.pk}/", follow=True).content.decode()
    assert "unavailable: turned off for this video" in row
    listing = staff_client.get("/admin/ingest/materialfetch/").content.decode()
    assert "⚠ unavailable: turned off for this video" in listing
