"""The offline study guide on the seed lesson: every chapter linked, every quoted sentence from the material."""

from __future__ import annotations

import dataclasses
import random
import re
import time

import pytest

from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION
from tutor.backends import backend_get, material_fingerprint
from tutor.backends.base import (
    REQUIRED_SECTIONS,
    ChapterMaterial,
    LessonMaterial,
    PermanentBackendError,
    RelatedMaterial,
    explanation_shape_problems,
    text_normalise,
    timestamp_format,
)
from tutor.backends.study_guide import StudyGuideBackend
from tutor.rendering import markdown_render

VIDEO = "https://www.youtube.com/watch?v=seed-lesson"

# The seed page's description as it was pasted into the importer, links and chapter list included.
SEED_RELATED = (
    RelatedMaterial(
        "The ABCs of reading medical research and review papers these days",
        "Learn to critically evaluate medical research papers by accepting nothing at face value.",
        "/lessons/abcs-of-reading-medical-research/",
    ),
    RelatedMaterial(
        "How to Set Up a Karpathy-Style Wiki for Your Research Field",
        "Learn to set up a Karpathy-style wiki for your research field.",
        "/lessons/karpathy-style-wiki/",
    ),
)

# Captions for four of the chapters, written for this test: (start, end, words spoken).
CUES = (
    (2.0, 9.5, "Welcome back to the show, where we talk with people who build AI systems for a living."),
    (10.0, 19.0, "My guest today studies how models could take part in improving research itself."),
    (78.0, 88.0, "When we say a model thinks in loops, we mean it runs the same block again on its own output."),
    (88.5, 97.0, "A loop lets the model spend more steps on a hard input and fewer steps on an easy one."),
    (97.5, 110.0, "Universal Transformers share weights across layers, so depth becomes a choice made at run time."),
    (305.0, 318.0, "Self-improvement is important because each better model can help build the next one."),
    (318.5, 330.0, "The hard part is checking that a change is really an improvement and not a new mistake."),
    (606.0, 616.0, "The biggest bottleneck is evaluation, since a benchmark saturates long before the skill does."),
    (616.5, 628.0, "Long horizons are brutal: a step that works ninety nine times in a hundred fails a long task."),
    (847.0, 858.0, "Model collapse is what happens when models are trained on text written by earlier models."),
    (858.5, 870.0, "Each generation loses a little of the rare material, and the tails of the distribution fade."),
    (870.5, 880.0, "Keeping some human written data in every round slows the collapse down a great deal."),
)
SPOKEN = " ".join(text for _start, _end, text in CUES)


def _clock(seconds: float, separator: str) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}{separator}{round(seconds % 1 * 1000):03d}"


def webvtt_of(cues) -> str:
    blocks = [f"{_clock(start, '.')} --> {_clock(end, '.')}\n{text}" for start, end, text in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def srt_of(cues) -> str:
    blocks = [
        f"{number}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{text}"
        for number, (start, end, text) in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def plain_of(cues) -> str:
    return "\n".join(f"[{timestamp_format(start)}] {text}" for start, _end, text in cues)


def seed_material(*, transcript: str = "", **changes) -> LessonMaterial:
    material = LessonMaterial(
        title="AI is Already Building AI — Google DeepMind’s Mostafa Dehghani",
        source_name="The MAD Podcast with Matt Turck",
        level="Beginner",
        category="Research Papers Explained",
        url=VIDEO,
        description=SEED_DESCRIPTION,
        chapters=tuple(ChapterMaterial(start, title, f"{VIDEO}&t={start}s") for start, title in SEED_CHAPTERS),
        transcript=transcript,
        related=SEED_RELATED,
    )
    return dataclasses.replace(material, **changes)


def sections(markdown: str) -> dict[str, str]:
    """The guide's level-two sections by heading."""
    parts = re.split(r"^(## .+)$", markdown, flags=re.MULTILINE)
    return {heading: body.strip() for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def quoted_sentences(markdown: str) -> list[str]:
    """Every sentence the guide presents as the lesson's own words."""
    parts = sections(markdown)
    quoted = [line[2:] for line in parts["## Overview"].splitlines() if line.startswith("> ")]
    for heading in ("## Chapter by chapter", "## Why it matters"):
        quoted += [line[2:] for line in parts[heading].splitlines() if line.startswith("- ")]
    quoted += re.findall(r"^- \*\*.+?\*\* — “(.+)”", parts["## Key terms"], flags=re.MULTILINE)
    return quoted


def chapter_bullets(markdown: str, heading: str) -> list[str]:
    body = markdown.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return [line[2:] for line in body.splitlines() if line.startswith("- ")]


@pytest.fixture(scope="module")
def guide() -> str:
    return StudyGuideBackend().generate(seed_material(transcript=webvtt_of(CUES))).markdown


def uncovered_line(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith("The lesson's material does not cover"))


def test_every_chapter_is_a_heading_or_listed_once_as_uncovered_with_its_link(guide):
    uncovered = [line for line in guide.splitlines() if line.startswith("The lesson's material does not cover")]
    assert len(uncovered) <= 1
    for start, title in SEED_CHAPTERS:
        link = f"[{timestamp_format(start)} {title}]({VIDEO}&t={start}s)"
        assert f"\n### {link}\n" in guide or link in "".join(uncovered)
    assert "### [14:06 What is model collapse?](https://www.youtube.com/watch?v=seed-lesson&t=846s)" in guide


def test_every_quoted_sentence_is_a_sentence_of_the_lessons_material(guide):
    material = text_normalise(f"{SEED_DESCRIPTION} {SPOKEN}")
    quoted = quoted_sentences(guide)

    assert len(quoted) >= 15
    for sentence in quoted:
        assert text_normalise(sentence) in material, sentence


def test_key_points_of_a_chapter_come_from_what_is_said_in_that_chapter(guide):
    collapse = chapter_bullets(guide, "### [14:06 What is model collapse?]")
    loops = chapter_bullets(guide, "### [1:17 What “loops” in AI actually mean]")

    spoken_in_collapse = [text for start, _end, text in CUES if 846 <= start < 933]
    assert collapse
    assert set(collapse) <= set(spoken_in_collapse)
    assert "Universal Transformers share weights across layers, so depth becomes a choice made at run time." in loops


def test_chapter_without_transcript_quotes_the_description_or_is_listed_once_as_uncovered(guide):
    verification = chapter_bullets(guide, "### [12:36 Can formal verification unlock recursive self-improvement?]")
    assert any("formal verification" in point for point in verification)
    assert f"[8:56 AI building AI: how close are we?]({VIDEO}&t=536s)" in uncovered_line(guide)
    assert "### [8:56" not in guide


def test_links_and_handles_pasted_in_the_description_are_never_quoted(guide):
    for leftover in ("linkedin", "x.com", "spotify", "@", "Listen on"):
        assert leftover.casefold() not in guide.casefold()


def test_key_terms_come_with_the_sentence_that_uses_them_or_point_to_the_one_quoted_above(guide):
    key_terms = sections(guide)["## Key terms"]
    quoted = re.findall(r"^- \*\*(.+?)\*\* — “(.+)”", key_terms, flags=re.MULTILINE)
    pointed = re.findall(r"^- \*\*(.+?)\*\* — defined in the sentence quoted above", key_terms, flags=re.MULTILINE)

    assert 3 <= len(quoted) + len(pointed) <= 6
    for term, sentence in quoted:
        assert term.casefold() in sentence.casefold()
    # Model collapse is defined in its chapter's key points, so the key terms point there instead of quoting it again.
    assert f"- **Model collapse** — defined in the sentence quoted above ([14:06]({VIDEO}&t=846s))" in key_terms


def test_why_it_matters_quotes_only_what_no_earlier_section_quoted(guide):
    why = sections(guide)["## Why it matters"]
    earlier = [sentence for sentence in quoted_sentences(guide) if f"- {sentence}" not in why.splitlines()]

    if why.startswith("Here is how the lesson itself puts why this is worth your time:"):
        points = [line[2:] for line in why.splitlines() if line.startswith("- ")]
        assert points
        assert not set(points) & set(earlier)
    else:
        assert why == "The lesson's material does not say yet why its subject matters."


def test_no_sentence_is_quoted_in_two_places(guide):
    quoted = [text_normalise(sentence) for sentence in quoted_sentences(guide)]
    assert len(quoted) == len(set(quoted))


def test_check_your_understanding_asks_three_to_five_questions_on_the_lessons_terms_and_chapters(guide):
    questions = re.findall(r"^\d+\. (.+)$", sections(guide)["## Check your understanding"], flags=re.MULTILINE)

    assert 3 <= len(questions) <= 5
    assert all(question.endswith("?") for question in questions)
    assert "The chapter “What is model collapse?” (14:06) asks a question. How does the lesson answer it?" in questions


def test_related_lessons_are_listed_as_links_with_their_summaries(guide):
    read_next = sections(guide)["## What to read next"]
    assert (
        "- [How to Set Up a Karpathy-Style Wiki for Your Research Field](/lessons/karpathy-style-wiki/)"
        " — Learn to set up a Karpathy-style wiki for your research field."
    ) in read_next.splitlines()


def test_guide_has_the_shape_the_openai_backend_is_held_to(guide):
    assert list(sections(guide)) == list(REQUIRED_SECTIONS)
    assert explanation_shape_problems(guide, seed_material()) == []


def test_same_material_gives_a_byte_identical_guide(guide):
    again = StudyGuideBackend().generate(seed_material(transcript=webvtt_of(CUES)))

    assert again.markdown == guide
    assert (again.backend, again.model) == ("study_guide", "study-guide-v1")


@pytest.mark.parametrize("transcript_of", [srt_of, plain_of], ids=["srt", "plain-text"])
def test_srt_and_plain_text_transcripts_give_the_same_key_points_as_webvtt(guide, transcript_of):
    other = StudyGuideBackend().generate(seed_material(transcript=transcript_of(CUES))).markdown

    assert sections(other)["## Chapter by chapter"] == sections(guide)["## Chapter by chapter"]


def test_without_a_transcript_every_point_still_comes_from_the_description():
    markdown = StudyGuideBackend().generate(seed_material()).markdown

    quoted = quoted_sentences(markdown)
    assert quoted
    for sentence in quoted:
        assert text_normalise(sentence) in text_normalise(SEED_DESCRIPTION), sentence
    assert f"[0:00 Intro]({VIDEO}&t=0s)" in uncovered_line(markdown)
    assert "says nothing more about this chapter" not in markdown


def test_plain_text_without_times_counts_as_said_at_the_start():
    markdown = StudyGuideBackend().generate(seed_material(transcript=SPOKEN)).markdown

    intro = chapter_bullets(markdown, "### [0:00 Intro]")
    assert intro
    assert all(text_normalise(point) in text_normalise(SPOKEN) for point in intro)


def test_lesson_without_chapters_gets_key_points_of_the_whole_lesson():
    markdown = StudyGuideBackend().generate(seed_material(transcript=webvtt_of(CUES), chapters=())).markdown

    chapters = sections(markdown)["## Chapter by chapter"]
    assert chapters.startswith("The lesson lists no chapters.")
    assert len([line for line in chapters.splitlines() if line.startswith("- ")]) == 5
    assert explanation_shape_problems(markdown, seed_material(chapters=())) == []


def test_lesson_with_nothing_but_a_title_still_gets_every_section_and_three_questions():
    bare = seed_material(description="", chapters=(), related=())

    markdown = StudyGuideBackend().generate(bare).markdown

    assert list(sections(markdown)) == list(REQUIRED_SECTIONS)
    assert "description and transcript have no sentence to quote yet" in markdown
    assert "No related lessons are listed for this one yet." in markdown
    assert len(re.findall(r"^\d+\. .+\?$", markdown, flags=re.MULTILINE)) == 3


def test_markdown_in_the_material_is_shown_as_text_not_followed():
    sneaky = "This lesson explains [a trick](/admin/) with **bold** claims and <b>tags</b> inside."

    markdown = StudyGuideBackend().generate(seed_material(description=sneaky, chapters=())).markdown

    shown = markdown_render(markdown, allowed_link_prefixes=["/"])  # even with every site path allowed
    assert 'href="/admin/"' not in shown
    assert "This lesson explains [a trick](/admin/) with **bold** claims and &lt;b&gt;tags&lt;/b&gt; inside." in shown


def test_progress_is_reported_after_each_section_and_ends_with_the_whole_guide():
    seen: list[str] = []

    result = StudyGuideBackend().generate(seed_material(transcript=webvtt_of(CUES)), on_progress=seen.append)

    assert len(seen) == len(REQUIRED_SECTIONS)
    for count, (text, heading) in enumerate(zip(seen, REQUIRED_SECTIONS, strict=True), 1):
        assert len(sections(text)) == count
        assert heading in text
    assert seen[-1] == result.markdown


def test_unreadable_transcript_is_a_permanent_error():
    with pytest.raises(PermanentBackendError, match="transcript cannot be read"):
        StudyGuideBackend().generate(seed_material(transcript="WEBVTT\n\n00:00:01.000 --> soon\nwords\n"))


def test_one_hour_transcript_gets_key_points_in_every_chapter(capsys):
    rng = random.Random(5)
    subjects = ["the model", "the benchmark", "our data", "the reward signal", "a long task", "the teacher model"]
    verbs = ["improves", "breaks", "checks", "feeds", "narrows", "rewards", "slows down", "explains"]
    objects = ["its own output", "the next model", "every evaluation", "the rare cases", "the search", "long horizons"]
    cues, start, words = [], 0.0, 0
    while words < 9000:
        sentence = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} in round {len(cues)}."
        sentence = sentence[0].upper() + sentence[1:]
        spoken_for = len(sentence.split()) / 2.5  # 150 words a minute
        cues.append((start, start + spoken_for, sentence))
        start += spoken_for
        words += len(sentence.split())
    hour = tuple(
        ChapterMaterial(second, f"Part {second // 300 + 1}", f"{VIDEO}&t={second}s") for second in range(0, 3600, 300)
    )
    material = seed_material(transcript=webvtt_of(cues), chapters=hour)

    started = time.perf_counter()
    markdown = StudyGuideBackend().generate(material).markdown
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(f"\nstudy guide for a {words}-word, {start / 60:.0f}-minute transcript: {elapsed:.2f} s")
    for chapter in hour:
        assert len(chapter_bullets(markdown, f"### [{timestamp_format(chapter.start_seconds)} {chapter.title}]")) == 3


def test_backend_get_builds_the_backend_it_is_named():
    assert isinstance(backend_get("study_guide"), StudyGuideBackend)
    with pytest.raises(PermanentBackendError, match="unknown TUTOR_BACKEND 'gpt'"):
        backend_get("gpt")


def test_fingerprint_changes_with_what_the_lesson_teaches_and_not_with_what_surrounds_it():
    base = seed_material(transcript=webvtt_of(CUES))
    fingerprint = material_fingerprint(base)

    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert material_fingerprint(seed_material(transcript=webvtt_of(CUES))) == fingerprint
    assert material_fingerprint(dataclasses.replace(base, related=())) == fingerprint
    assert (
        material_fingerprint(dataclasses.replace(base, transcript=base.transcript.replace("\n", "\r\n"))) == fingerprint
    )
    renamed = (*base.chapters[:1], dataclasses.replace(base.chapters[1], title="What loops mean"), *base.chapters[2:])
    assert material_fingerprint(dataclasses.replace(base, chapters=renamed)) != fingerprint
    assert material_fingerprint(dataclasses.replace(base, transcript=webvtt_of(CUES[:-1]))) != fingerprint
    assert material_fingerprint(dataclasses.replace(base, description=SEED_DESCRIPTION + " More.")) != fingerprint


def test_a_lesson_without_chapters_gets_the_key_points_of_its_texts_own_sections():
    from demo.material import DEMO_MATERIAL

    material = dataclasses.replace(
        seed_material(), chapters=(), description="", material=DEMO_MATERIAL["universal-transformers"]
    )
    markdown = StudyGuideBackend().generate(material).markdown

    chapters = sections(markdown)["## Chapter by chapter"]
    assert "### Adaptive computation time" in chapters
    assert chapter_bullets(markdown, "### Adaptive computation time") == [
        "With adaptive computation time, each position decides for itself when its representation is good enough "
        "and stops being updated, so harder parts of the input get more steps than easy ones."
    ]
    for sentence in quoted_sentences(markdown):
        assert text_normalise(sentence) in text_normalise(DEMO_MATERIAL["universal-transformers"]), sentence


# Real material's shapes, written for these tests: a channel's boilerplate, a reference list, an arXiv abstract that is
# also the description, and a three-hour lecture without chapters.
SPONSOR = "An equally valuable form of support is to simply share some of the videos with your friends."
PATREON = "This series is made possible by our supporters on Patreon, so please like and share it."
LECTURE_TOPICS = (
    ("plate", "Tectonic plates drift a few centimetres every year and grind against each other at their edges."),
    ("fault", "A fault is a crack in the crust where the two sides have slipped past each other."),
    ("wave", "Primary waves squeeze the rock and arrive first, while secondary waves shake it sideways."),
    ("richter", "The Richter scale takes the logarithm of the largest wave recorded on a standard seismometer."),
    ("moment", "Moment magnitude measures the fault area times the slip times the rigidity of the rock."),
    ("tsunami", "A tsunami forms when a large earthquake lifts the sea floor and the whole water column moves."),
    ("warning", "Early warning networks detect primary waves near the source and alert cities seconds ahead."),
    ("building", "Base isolation lets the ground move beneath a building without the structure following it."),
    ("question", "A viewer asked whether animals feel earthquakes coming, and the evidence for that is weak."),
)


def three_hour_lecture() -> str:
    """Cues every 40 seconds for three hours: a sponsor's line first, then nine topics of twenty minutes each."""
    cues = [(0.0, 30.0, SPONSOR), (40.0, 70.0, PATREON)]
    for number in range(2, 270):
        start = number * 40.0
        topic, sentence = LECTURE_TOPICS[min(int(start // 1200), len(LECTURE_TOPICS) - 1)]
        cues.append((start, start + 30, f"{sentence.rstrip('.')}, as point {number} of the {topic} part shows."))
    return webvtt_of(cues)


def test_sponsor_and_support_lines_are_never_quoted_nor_taken_for_why_it_matters():
    description = (
        f"{SPONSOR} {PATREON} Subscribe for a new lecture every week. "
        "Earthquakes release strain stored in the crust over decades. "
        "Knowing why the ground shakes matters for every city built near a fault."
    )
    markdown = StudyGuideBackend().generate(seed_material(description=description, chapters=())).markdown

    for boilerplate in ("support", "Patreon", "Subscribe", "share some of the videos"):
        assert boilerplate.casefold() not in markdown.casefold()
    assert "Earthquakes release strain stored in the crust over decades." in markdown


def test_a_reference_list_is_never_quoted_nor_the_overview():
    article = (
        "Layer normalization rescales the activations of one example so each layer sees a stable mean and spread.\n"
        "It does not depend on the batch, so it behaves the same way in training and at inference time.\n"
        "# References\n"
        "Layer Normalization. Ba, Kiros and Hinton, 2016.\n"
        "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift.\n"
        "Root Mean Square Layer Normalization. Zhang and Sennrich, 2019.\n"
    )
    material = seed_material(title="Normalization layers, explained", description="", chapters=(), material=article)

    markdown = StudyGuideBackend().generate(material).markdown

    overview = sections(markdown)["## Overview"]
    assert "> Layer normalization rescales the activations of one example" in overview
    for reference in ("Ba, Kiros and Hinton", "Covariate Shift", "Zhang and Sennrich", "### References"):
        assert reference not in markdown


def test_an_abstract_that_is_also_the_description_is_quoted_once_sentence_by_sentence():
    abstract = (
        "Deep Learning (DL) has revolutionized computer vision, speech recognition and language processing. "
        "Yet the cost of training deep networks grows quickly with the size of the model and of the data. "
        "In this survey we review techniques that make training cheaper without changing what the network computes. "
        "Mixed precision training stores activations in 16-bit floating point and keeps a 32-bit copy of the weights. "
        "Gradient checkpointing saves memory by recomputing activations during the backward pass. "
        "We compare data, tensor and pipeline parallelism for spreading one model over many accelerators."
    )
    material = seed_material(
        title="Efficient Training of Deep Networks: A Survey", description=abstract, material=abstract, chapters=()
    )

    markdown = StudyGuideBackend().generate(material).markdown

    for sentence in (
        "Deep Learning (DL) has revolutionized computer vision",
        "Yet the cost of training deep networks grows quickly",
    ):
        assert markdown.count(sentence) <= 1
    quoted = [text_normalise(sentence) for sentence in quoted_sentences(markdown)]
    assert len(quoted) == len(set(quoted))


def test_a_three_hour_lecture_without_chapters_gets_key_points_throughout():
    markdown = StudyGuideBackend().generate(seed_material(transcript=three_hour_lecture(), chapters=())).markdown

    chapters = sections(markdown)["## Chapter by chapter"]
    assert chapters.startswith("The lesson lists no chapters; here are its key points, stretch by stretch")
    stretches = re.findall(r"^### \[(\d+:\d{2}(?::\d{2})?) – ", chapters, flags=re.MULTILINE)
    assert 6 <= len(stretches) <= 12
    assert stretches[0] == "0:00"
    assert stretches[-1].startswith("2:")
    assert f"]({VIDEO}&t=0s)" in chapters  # each stretch links to its moment
    for _topic, sentence in LECTURE_TOPICS:  # every part of the lecture, not only its start, has key points
        assert sentence.rstrip(".") in chapters
    assert "support" not in chapters.casefold()
    quoted = [text_normalise(sentence) for sentence in quoted_sentences(markdown)]
    assert len(quoted) == len(set(quoted))
