"""What the tutor has read of a lesson, before anyone pays: kinds of material, words, chapters covered of all chapters
(tutor/coverage.py), on the shapes lessons come in, and in agreement with the study guide's "not covered" line."""

import dataclasses

import pytest

from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION
from tutor.backends import ChapterMaterial, LessonMaterial
from tutor.backends.base import timestamp_format
from tutor.backends.study_guide import StudyGuideBackend
from tutor.coverage import chapters_covered, lesson_coverage, material_coverage, word_count

SEED_URL = "https://www.youtube.com/watch?v=Bo19sXssYXI"


def seed_material(**changes) -> LessonMaterial:
    material = LessonMaterial(
        title="AI is Already Building AI",
        source_name="Some podcast",
        level="Beginner",
        category="AI",
        url=SEED_URL,
        description=SEED_DESCRIPTION,
        chapters=tuple(
            ChapterMaterial(start_seconds=start, title=title, url=f"{SEED_URL}&t={start}s")
            for start, title in SEED_CHAPTERS
        ),
        transcript="",
        related=(),
        duration_seconds=3600,
        kind="youtube",
    )
    return dataclasses.replace(material, **changes)


def webvtt(lines: list[tuple[int, str]]) -> str:
    def clock(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"

    cues = [f"{clock(start)} --> {clock(start + 5)}\n{text}" for start, text in lines]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def said_in(starts) -> str:
    """A transcript with two full sentences said inside each chapter starting at one of ``starts``."""
    return webvtt(
        [
            (start + 10, f"In this part of the talk we look closely at topic number {n} and why it matters here.")
            for n, start in enumerate(starts)
        ]
        + [
            (start + 20, f"The speaker explains the idea behind topic number {n} with a worked example for us.")
            for n, start in enumerate(starts)
        ]
    )


def test_words_are_counted_as_a_reader_counts_them():
    assert word_count("## Self-attention — in 3 steps: 1:17 ok") == 6


def test_the_seed_lesson_with_only_its_description_covers_two_of_its_eleven_chapters():
    coverage = material_coverage(seed_material())

    words = word_count(SEED_DESCRIPTION)
    assert coverage.kinds == ["description"]
    assert (coverage.words, coverage.chapters_covered, coverage.chapters_total) == (words, 2, 11)
    assert coverage.line == f"The tutor has read: the description ({words} words) · covers 2 of 11 chapters"


def test_a_full_transcript_covers_every_chapter_and_is_named_first():
    transcript = said_in([start for start, _title in SEED_CHAPTERS])
    coverage = material_coverage(seed_material(transcript=transcript))

    spoken = len(SEED_CHAPTERS) * (18 + 15)  # the two sentences said in each chapter
    assert coverage.kinds == ["description", "transcript"]
    assert (coverage.chapters_covered, coverage.chapters_total) == (11, 11)
    assert coverage.words == word_count(SEED_DESCRIPTION) + spoken
    assert coverage.line.startswith(f"The tutor has read: the full transcript ({spoken} words) and the description")
    assert coverage.line.endswith("· covers 11 of 11 chapters")


def test_an_article_covers_the_chapters_its_headings_match():
    material = seed_material(
        description="An essay.",
        kind="article",
        chapters=(
            ChapterMaterial(start_seconds=0, title="Attention", url=""),
            ChapterMaterial(start_seconds=60, title="Training recipes", url=""),
            ChapterMaterial(start_seconds=120, title="Quantum gravity", url=""),
        ),
        material="## Attention\n\nAttention weighs every token against every other token in the sequence.\n\n"
        "## Training recipes\n\nWarm-up schedules keep the first steps of training from diverging badly.\n",
    )
    coverage = material_coverage(material)

    assert coverage.kinds == ["description", "article"]
    assert chapters_covered(material) == (True, True, False)
    assert coverage.line == (
        "The tutor has read: the article's text (25 words) and the description (2 words) · covers 2 of 3 chapters"
    )


def test_a_paper_s_abstract_without_chapters_says_no_chapter_figure():
    abstract = "We propose a new simple network architecture based solely on attention mechanisms."
    coverage = material_coverage(seed_material(description="", chapters=(), kind="paper", material=abstract))

    assert coverage.kinds == ["abstract"]
    assert (coverage.words, coverage.chapters_covered, coverage.chapters_total) == (12, 0, 0)
    assert coverage.line == "The tutor has read: the paper's abstract (12 words)"


def test_a_lesson_without_chapters_or_material_says_so():
    coverage = material_coverage(seed_material(description="", chapters=()))

    assert (coverage.kinds, coverage.words, coverage.chapters_total) == ([], 0, 0)
    assert coverage.line == "The tutor has read: only the lesson's title"
    assert coverage.as_payload(requested=False) == {
        "kinds": [],
        "words": 0,
        "chapters_covered": 0,
        "chapters_total": 0,
        "requested": False,
    }


def test_a_transcript_the_tutor_cannot_read_is_not_counted():
    coverage = material_coverage(seed_material(transcript="00:00:01.000 --> garbage\nnothing readable"))
    assert coverage.kinds == ["description"]


def test_growth_is_a_new_kind_more_words_or_more_chapters_and_the_note_names_what_came():
    before = material_coverage(seed_material())
    after = material_coverage(seed_material(transcript=said_in([0, 77])))

    assert after.grew_from(before)
    assert not before.grew_from(after)
    assert not before.grew_from(before)
    assert after.update_note(before) == "now from the full transcript"
    longer = material_coverage(seed_material(description=SEED_DESCRIPTION + " One more sentence here."))
    assert longer.update_note(before) == f"now from more of the lesson's material ({longer.words:,} words)"


def uncovered_by_the_study_guide(material: LessonMaterial) -> set[str]:
    """The chapters the offline study guide lists in its "not covered" line, as "m:ss Title"."""
    markdown = StudyGuideBackend().generate(material).markdown
    line = next((line for line in markdown.splitlines() if "does not cover these chapters" in line), "")
    return {
        f"{timestamp_format(chapter.start_seconds)} {chapter.title}"
        for chapter in material.chapters
        if f"[{timestamp_format(chapter.start_seconds)} " in line
    }


@pytest.mark.parametrize(
    "shape",
    ["description only", "a transcript of three chapters", "a full transcript"],
)
def test_the_figure_and_the_study_guide_s_not_covered_line_agree(shape):
    starts = [start for start, _title in SEED_CHAPTERS]
    transcript = {"description only": "", "a transcript of three chapters": said_in(starts[:3])}.get(
        shape, said_in(starts)
    )
    material = seed_material(transcript=transcript)

    flags = chapters_covered(material)
    not_covered = {
        f"{timestamp_format(chapter.start_seconds)} {chapter.title}"
        for chapter, covered in zip(material.chapters, flags, strict=True)
        if not covered
    }
    assert not_covered == uncovered_by_the_study_guide(material)


@pytest.mark.django_db
def test_the_lesson_s_coverage_is_kept_and_changes_with_its_material(django_assert_num_queries):
    from tests.factories import ChapterFactory, LessonFactory
    from tutor.services import lesson_transcript_attach

    lesson = LessonFactory(kind="youtube", external_url=SEED_URL, description=SEED_DESCRIPTION)
    for start, title in SEED_CHAPTERS:
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    chapters = list(lesson.chapters.all())

    assert lesson_coverage(lesson, chapters=chapters).chapters_covered == 2
    with django_assert_num_queries(0):  # kept: the page and the API pay nothing for it
        assert lesson_coverage(lesson, chapters=chapters).chapters_covered == 2

    lesson_transcript_attach(lesson=lesson, raw=said_in([start for start, _title in SEED_CHAPTERS]))
    lesson.refresh_from_db()
    coverage = lesson_coverage(lesson, chapters=chapters)
    assert (coverage.kinds, coverage.chapters_covered) == (["description", "transcript"], 11)

    # A chapter removed (no save of the lesson) is a new outline on the page: counted again at once.
    chapters[-1].delete()
    assert lesson_coverage(lesson, chapters=chapters[:-1]).chapters_total == 10
