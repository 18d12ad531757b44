"""`lessons` stands on its own: with `tutor`, `gamification` and the API left out, the lesson page renders, and the
slots those apps fill are simply empty. With them installed, the same slots carry their blocks."""

import pytest
from django.conf import settings
from django.test import override_settings

from lessons.slots import lesson_admin_actions, lesson_admin_tools
from tests.factories import ChapterFactory, LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

UPPER_APPS = {"tutor", "gamification", "api", "ingest", "privacy"}


@pytest.fixture
def without_upper_apps():
    installed = [app for app in settings.INSTALLED_APPS if app not in UPPER_APPS]
    with override_settings(INSTALLED_APPS=installed, ROOT_URLCONF="tests.lessons.urls_without_upper_apps"):
        yield


@pytest.fixture
def lesson():
    lesson = LessonFactory(title="Loops in machine learning")
    ChapterFactory(lesson=lesson, start_seconds=77, title="What loops mean")
    return lesson


def test_the_lesson_page_renders_without_the_tutor_and_gamification(client, lesson, without_upper_apps):
    client.force_login(UserFactory())
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "<h1>Loops in machine learning</h1>" in html
    assert "What loops mean" in html
    assert 'id="tutor"' not in html
    assert 'id="lesson-complete"' not in html


def test_with_every_app_installed_the_slots_carry_the_tutor_and_the_completion_blocks(client, lesson):
    client.force_login(UserFactory())
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert html.index('id="tutor"') < html.index("What loops mean") < html.index('id="lesson-complete"')


def test_the_lesson_admin_hook_offers_the_transcript_upload_only_while_the_tutor_is_installed(without_upper_apps):
    assert lesson_admin_tools() == []


def test_the_lesson_admin_hooks_carry_the_upper_apps_links_and_actions():
    assert [(tool.label, tool.url_name) for tool in lesson_admin_tools()] == [
        ("Upload transcript", "admin:tutor_transcript_upload"),
        ("Material and captions", "admin:ingest_lesson_material"),
    ]
    assert [action.__name__ for action in lesson_admin_actions()] == ["fetch_captions"]


def test_without_the_pipeline_the_lessons_admin_offers_no_fetch_captions(without_upper_apps):
    assert lesson_admin_actions() == []
