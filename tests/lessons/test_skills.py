"""Skills: a lesson's weighted skills on its page and in the API, the skills pages, the catalog's skill filter, and
the skills suggested for a lesson a source brings in."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from lessons.models import Lesson, LessonSkill
from lessons.services import incoming_item_create, lesson_skills_set, lesson_skills_suggest, skill_save
from lessons.services.incoming import IncomingItem
from lessons.skill_suggestions import LessonWords, SkillKeywords, keywords_parse, skills_suggest
from tests.lessons.factories import CategoryFactory, LessonFactory, LessonSkillFactory, SkillFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    return SkillFactory(name="Reading ML papers", slug="reading-ml-papers")


def test_the_lesson_page_shows_its_skills_heaviest_first_with_links(client, papers):
    lesson = LessonFactory()
    LessonSkillFactory(lesson=lesson, skill=SkillFactory(name="Agents", slug="agents"), weight=40)
    LessonSkillFactory(lesson=lesson, skill=papers, weight=90)
    page = client.get(lesson.get_absolute_url()).content.decode()
    papers_at, agents_at = page.index("Reading ML papers"), page.index("Agents")
    assert papers_at < agents_at
    assert 'href="/skills/reading-ml-papers/"' in page
    assert "90 %" in page
    assert "40 %" in page


def test_a_lesson_without_skills_shows_no_skill_list(client):
    assert 'class="skill-list"' not in client.get(LessonFactory().get_absolute_url()).content.decode()


def test_the_skills_page_counts_published_lessons_only(client, papers):
    LessonSkillFactory(skill=papers, weight=80)
    LessonSkillFactory(skill=papers, lesson=LessonFactory(status=Lesson.Status.DRAFT), weight=80)
    page = client.get("/skills/").content.decode()
    assert "Reading ML papers" in page
    assert "1 lesson<" in page


def test_a_skill_page_lists_visible_lessons_heaviest_first(client, papers):
    light = LessonSkillFactory(skill=papers, weight=30, lesson=LessonFactory(title="Lightly about papers")).lesson
    heavy = LessonSkillFactory(skill=papers, weight=95, lesson=LessonFactory(title="All about papers")).lesson
    draft = LessonFactory(title="A draft about papers", status=Lesson.Status.DRAFT)
    LessonSkillFactory(skill=papers, weight=99, lesson=draft)
    page = client.get("/skills/reading-ml-papers/").content.decode()
    assert page.index(heavy.title) < page.index(light.title)
    assert draft.title not in page
    assert client.get("/skills/no-such-skill/").status_code == 404


def test_the_catalog_filters_by_skill(client, papers):
    tagged = LessonSkillFactory(skill=papers, lesson=LessonFactory(title="Tagged lesson")).lesson
    other = LessonFactory(title="Untagged lesson")
    page = client.get("/lessons/", {"skill": "reading-ml-papers"}).content.decode()
    assert tagged.title in page
    assert other.title not in page
    # An unknown skill (an old link) is dropped from the filters, not an error page.
    assert other.title in client.get("/lessons/", {"skill": "gone"}).content.decode()


def test_the_api_gives_a_lessons_skills_and_the_skills(client, papers):
    lesson = LessonFactory()
    LessonSkillFactory(lesson=lesson, skill=papers, weight=90)
    detail = client.get(f"/api/v1/lessons/{lesson.slug}").json()
    assert detail["skills"] == [{"slug": "reading-ml-papers", "name": "Reading ML papers", "weight": 90}]
    listing = client.get("/api/v1/skills").json()
    assert listing["items"] == [
        {"slug": "reading-ml-papers", "name": "Reading ML papers", "description": papers.description, "lessons": 1}
    ]
    one = client.get("/api/v1/skills/reading-ml-papers").json()
    assert [(item["weight"], item["lesson"]["slug"]) for item in one["items"]] == [(90, lesson.slug)]
    missing = client.get("/api/v1/skills/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No skill with slug “nope”."}
    filtered = client.get("/api/v1/lessons", {"skill": "reading-ml-papers"}).json()
    assert [item["slug"] for item in filtered["items"]] == [lesson.slug]


def test_setting_a_lessons_skills_replaces_them_and_refuses_unknown_ones(papers):
    lesson = LessonFactory()
    agents = SkillFactory(slug="agents")
    lesson_skills_set(lesson=lesson, weights={"agents": 20})
    lesson_skills_set(lesson=lesson, weights={"reading-ml-papers": 90})
    assert list(lesson.lesson_skills.values_list("skill__slug", "weight")) == [("reading-ml-papers", 90)]
    with pytest.raises(ValueError, match="No such skill: gone"):
        lesson_skills_set(lesson=lesson, weights={"gone": 10, agents.slug: 10})
    assert lesson.lesson_skills.count() == 1  # nothing changed


@pytest.mark.parametrize("weight", [0, 101])
def test_a_weight_outside_1_to_100_is_refused_by_the_database(papers, weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonSkill.objects.create(lesson=LessonFactory(), skill=papers, weight=weight)


def test_keywords_are_one_a_line_or_comma_separated_without_repeats():
    assert keywords_parse("transformer\n self-attention, Transformer\n\n") == ("transformer", "self-attention")


def _skill(skill_id: int, *keywords: str, categories: frozenset[int] = frozenset()) -> SkillKeywords:
    return SkillKeywords(skill_id=skill_id, keywords=keywords, category_ids=categories)


def test_suggestions_weigh_the_title_over_the_body_and_respect_the_threshold():
    skills = [_skill(1, "transformer"), _skill(2, "agent"), _skill(3, "optimizer")]
    lesson = LessonWords(
        title="Transformers from scratch", body="A short aside on agents. Nothing on the third.", category_id=None
    )
    # Title hit: 3 points (weight 30); one body mention: 1 point, under the threshold.
    assert skills_suggest(skills, lesson) == [(1, 30)]


def test_suggestions_match_any_dash_plural_and_case():
    skills = [_skill(1, "self-attention"), _skill(2, "chain of thought")]
    lesson = LessonWords(title="Self–attention and Chain-of-Thought", summary="", body="")
    assert dict(skills_suggest(skills, lesson)) == {1: 30, 2: 30}


def test_a_category_adds_points_and_at_most_three_skills_are_suggested():
    skills = [_skill(n, f"topic{n}", categories=frozenset({7})) for n in range(1, 6)]
    lesson = LessonWords(title="topic1 topic2", body="topic3 topic4 topic5", category_id=7)
    suggested = skills_suggest(skills, lesson)
    assert [skill_id for skill_id, _ in suggested] == [1, 2, 3]
    assert suggested[0][1] == 50  # 3 (title) + 2 (category) → two points over the threshold


def test_an_incoming_lesson_gets_its_skills_suggested(papers):
    category = CategoryFactory(slug="agents-cat")
    skill_save(name="Agents", slug="agents", keywords=["agent", "tool use"], category_slugs=["agents-cat"])
    papers.keywords = "paper\narXiv"
    papers.save()
    item = IncomingItem(
        identity_key="yt:video:abc",
        title="Agents that read papers",
        link="https://example.org/v/abc",
        published_on=date(2026, 1, 2),
        description="An arXiv paper on tool use.",
        suggested_category_id=category.pk,
    )
    lesson = incoming_item_create(source=SourceFactory(), item=item, now=date(2026, 1, 2))
    rows = {row.skill.slug: row for row in lesson.lesson_skills.select_related("skill")}
    assert set(rows) == {"agents", "reading-ml-papers"}
    assert all(row.suggested for row in rows.values())
    assert rows["agents"].weight > rows["reading-ml-papers"].weight  # title + body + category


def test_suggestions_leave_a_lesson_with_skills_alone(papers):
    papers.keywords = "lesson"
    papers.save()
    lesson = LessonFactory(title="Lesson lesson lesson")
    LessonSkillFactory(lesson=lesson, skill=SkillFactory(slug="kept"), weight=10)
    assert lesson_skills_suggest(lessons=[lesson]) == 0
    assert list(lesson.lesson_skills.values_list("skill__slug", flat=True)) == ["kept"]


def test_curators_edit_skills_in_the_admin(staff_client, papers):
    lesson = LessonFactory()
    LessonSkillFactory(lesson=lesson, skill=papers, weight=70)
    listing = staff_client.get("/admin/lessons/skill/").content.decode()
    assert "Reading ML papers" in listing
    form = staff_client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert 'name="lesson_skills-TOTAL_FORMS"' in form
    assert 'value="70"' in form
