"""manage.py load_demo: the demo catalog, courses and users; running it twice changes no counts."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from credits.selectors import wallet_summary
from demo import data as demo_data
from demo.load import demo_catalog_load
from lessons.models import Category, Chapter, Course, CourseLesson, Lesson, LessonSkill, RelatedLesson, Skill, Source
from tests.factories import xp_give
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (
        Category,
        Source,
        Lesson,
        Chapter,
        Course,
        CourseLesson,
        RelatedLesson,
        Skill,
        LessonSkill,
        User,
        EmailAddress,
    )
    return {model.__name__: model.objects.count() for model in models}


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_twice_leaves_the_same_rows():
    first_output = load()
    first = counts()
    load()
    assert counts() == first
    assert first["Lesson"] == len(demo_data.ALL_LESSONS) >= 35
    assert first["Course"] == len(demo_data.COURSES) >= 4
    assert (
        "Demo catalog loaded: 6 categories, 13 sources, 51 lessons (11 chapters), 12 skills, 5 courses" in first_output
    )


def test_every_demo_lesson_trains_a_skill_and_the_seed_lesson_is_mostly_about_reading_papers():
    demo_catalog_load()
    assert Skill.objects.count() == 12
    assert not Lesson.objects.published().filter(lesson_skills__isnull=True).exists()
    seed = LessonSkill.objects.filter(lesson__slug=demo_data.SEED_SLUG).order_by("-weight").select_related("skill")
    assert next((row.skill.name, row.weight) for row in seed) == ("Reading ML papers", 90)


def test_the_seed_lesson_is_loaded_with_its_chapters_related_lessons_and_up_next():
    load()
    seed = Lesson.objects.get(slug=demo_data.SEED_SLUG)
    assert seed.is_published
    assert seed.chapters.count() == 11
    assert seed.chapters.order_by("start_seconds").last().title == "Could top AI rese"
    curated = [row.related.title for row in RelatedLesson.objects.filter(lesson=seed, curated=True)]
    assert curated == [item.title for item in demo_data.SEED_NEIGHBOURS[:4]]
    assert seed.up_next.title == "Microsoft Research Forum | Season 2, Episode 4"
    assert seed.up_next_reason == demo_data.SEED_LESSON.up_next_why
    assert RelatedLesson.objects.filter(lesson=seed, curated=False).count() == 4  # computed ones besides


def test_courses_keep_their_order():
    load()
    for item in demo_data.COURSES:
        course = Course.objects.get(slug=item.slug)
        assert list(course.course_lessons.order_by("position").values_list("lesson__slug", flat=True)) == list(
            item.lessons
        )


def test_both_demo_users_can_sign_in_with_a_verified_email_and_the_curator_is_staff(client):
    load()
    load()
    for item in demo_data.USERS:
        user = User.objects.get(email=item.email)
        assert user.check_password(item.password)
        assert EmailAddress.objects.filter(user=user, email=item.email, verified=True, primary=True).count() == 1
        assert (user.is_staff, user.is_superuser) == (item.is_staff, item.is_superuser)
    curator = next(item for item in demo_data.USERS if item.is_staff)
    response = client.post("/accounts/login/", {"login": curator.email, "password": curator.password})
    assert response.status_code == 302
    assert client.get("/admin/lessons/lesson/").status_code == 200


def test_reloading_restores_curated_data_a_curator_changed():
    load()
    seed = Lesson.objects.get(slug=demo_data.SEED_SLUG)
    seed.chapters.all().delete()
    RelatedLesson.objects.filter(lesson=seed, curated=True).first().delete()
    load()
    assert seed.chapters.count() == 11
    assert RelatedLesson.objects.filter(lesson=seed, curated=True).count() == 4


def test_the_demo_users_start_with_the_welcome_bonus_once_however_often_the_demo_loads(settings):
    load()
    load()
    for item in demo_data.USERS:
        assert wallet_summary(user=User.objects.get(email=item.email)).balance == settings.SIGNUP_BONUS


def test_a_lone_learner_s_leaderboard_shows_the_demo_s_weekly_league(client):
    demo_catalog_load()
    demo_catalog_load()  # a second load in the same week adds no XP
    learner = User.objects.get(email="learner@example.com")
    xp_give(user=learner, amount=10, idempotency_key="first")
    client.force_login(learner)

    text = visible_text(client.get("/leaderboard/").content)

    for name, xp in (("Grace", 140), ("Alan", 95), ("Barbara", 20)):
        assert f"{name} {xp}" in text
