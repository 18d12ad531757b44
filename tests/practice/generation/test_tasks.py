"""The worker makes a lesson's questions when it is published or its material changes; the demo command too."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from config.celery import app
from lessons.chapters import ParsedChapter
from lessons.models import Lesson
from lessons.services import chapters_replace, lesson_publish
from practice.models import CheckQuestion, QuestionOrigin
from practice.tasks import lesson_checks_generate_task
from tests.celery_worker import celery_worker_running, wait_for
from tests.factories import LessonFactory
from tests.practice.generation.material import ABSTRACT


@pytest.mark.django_db
def test_the_task_stores_the_lessons_questions(abstract_lesson, celery_eager):
    assert lesson_checks_generate_task.delay(abstract_lesson.pk).get() >= 3
    assert CheckQuestion.objects.filter(lesson=abstract_lesson, origin=QuestionOrigin.OFFLINE).count() >= 3
    assert lesson_checks_generate_task.delay(abstract_lesson.pk).get() == 0  # the material did not change


def test_the_task_goes_to_the_queue_of_work_that_waits_on_a_model():
    route = app.amqp.router.route({}, "practice.tasks.lesson_checks_generate_task")
    assert route["queue"].name == "tutor"


@pytest.mark.django_db
def test_publishing_a_lesson_makes_its_questions_after_commit(
    catalog, django_capture_on_commit_callbacks, celery_eager
):
    draft = LessonFactory(status=Lesson.Status.DRAFT, title="Speculative decoding", material=ABSTRACT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lesson_publish(lesson=draft)
    assert not CheckQuestion.objects.filter(lesson=draft).exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert CheckQuestion.objects.filter(lesson=draft).count() >= 3


@pytest.mark.django_db
def test_new_chapters_of_a_published_lesson_make_its_questions_again_but_a_drafts_do_not(
    abstract_lesson, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        chapters_replace(lesson=abstract_lesson, chapters=[ParsedChapter(0, "Drafting"), ParsedChapter(60, "Verify")])
    first = set(CheckQuestion.objects.filter(lesson=abstract_lesson).values_list("material_digest", flat=True))
    assert len(first) == 1
    with django_capture_on_commit_callbacks(execute=True):
        chapters_replace(lesson=abstract_lesson, chapters=[ParsedChapter(0, "Drafting"), ParsedChapter(90, "Check")])
    second = set(CheckQuestion.objects.filter(lesson=abstract_lesson).values_list("material_digest", flat=True))
    assert len(second) == 1
    assert second != first

    draft = LessonFactory(status=Lesson.Status.DRAFT, material=ABSTRACT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        chapters_replace(lesson=draft, chapters=[ParsedChapter(0, "Intro"), ParsedChapter(60, "More")])
    assert len(callbacks) == 0
    assert not CheckQuestion.objects.filter(lesson=draft).exists()


@pytest.mark.django_db
def test_the_command_generates_for_every_published_lesson_or_one(abstract_lesson, capsys):
    call_command("checks_generate", "--lesson", abstract_lesson.slug)
    assert CheckQuestion.objects.filter(lesson=abstract_lesson).count() >= 3
    call_command("checks_generate")
    out = capsys.readouterr().out
    assert "Check questions: 0 generated over" in out.splitlines()[-1] or "generated over" in out
    with pytest.raises(CommandError):
        call_command("checks_generate", "--lesson", "no-such-lesson")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_questions_of_a_lesson_when_it_is_published(catalog):
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("tutor")
    draft = LessonFactory(status=Lesson.Status.DRAFT, title="Speculative decoding", material=ABSTRACT)
    with celery_worker_running(env={"TUTOR_BACKEND": "study_guide"}) as worker:
        lesson_publish(lesson=draft)
        wait_for(lambda: CheckQuestion.objects.filter(lesson=draft).count() >= 3, worker=worker, what="questions")


@pytest.mark.django_db
def test_a_transcript_uploaded_by_a_curator_makes_questions_tied_to_its_moments(
    abstract_lesson, django_capture_on_commit_callbacks, celery_eager
):
    from tests.practice.generation.material import long_transcript
    from tutor.services.curation import lesson_transcript_attach

    transcript, _parts = long_transcript(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_transcript_attach(lesson=abstract_lesson, raw=transcript)
    moments = CheckQuestion.objects.filter(lesson=abstract_lesson, start_seconds__isnull=False)
    assert moments.exists()


@pytest.mark.django_db
def test_regenerating_an_explanation_looks_at_the_questions_too(
    abstract_lesson, django_capture_on_commit_callbacks, celery_eager, settings
):
    from tutor.services.curation import explanation_regenerate

    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    with django_capture_on_commit_callbacks(execute=True):
        explanation_regenerate(lesson=abstract_lesson)
    assert CheckQuestion.objects.filter(lesson=abstract_lesson).count() >= 3
