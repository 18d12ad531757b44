"""Storing generated questions: live or drafts, hand-written ones untouched, made again only when the material
changed, and answered ones kept (dropped) rather than deleted."""

from __future__ import annotations

import pytest

from practice.generation.questions import GeneratedChoice, GeneratedQuestion, answer_in_passage
from practice.models import CheckAnswer, CheckChoice, CheckQuestion, QuestionOrigin, QuestionStatus
from practice.services.generated import lesson_checks_generate
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def generated(lesson):
    return CheckQuestion.objects.filter(lesson=lesson, origin__in=[QuestionOrigin.OFFLINE, QuestionOrigin.MODEL])


def as_generated(question: CheckQuestion) -> GeneratedQuestion:
    choices = tuple(GeneratedChoice(c.text, c.is_correct) for c in question.choices.all())
    return GeneratedQuestion(question.kind, question.prompt, choices, question.passage, question.explanation)


def test_questions_are_stored_live_with_their_passage_digest_and_choices(abstract_lesson):
    stored = lesson_checks_generate(lesson_id=abstract_lesson.pk)
    questions = list(generated(abstract_lesson).prefetch_related("choices"))
    assert stored == len(questions) >= 3
    digests = {question.material_digest for question in questions}
    assert len(digests) == 1
    assert len(digests.pop()) == 64
    for question in questions:
        assert question.origin == QuestionOrigin.OFFLINE
        assert question.status == QuestionStatus.LIVE
        assert question.passage
        assert question.explanation
        assert question.choices.filter(is_correct=True).count() == 1
        assert answer_in_passage(as_generated(question))
    assert [q.position for q in questions] == sorted(q.position for q in questions)


def test_with_checks_not_live_at_once_they_wait_as_drafts(abstract_lesson, settings):
    settings.CHECKS_LIVE_AT_ONCE = False
    assert lesson_checks_generate(lesson_id=abstract_lesson.pk) >= 3
    assert set(generated(abstract_lesson).values_list("status", flat=True)) == {QuestionStatus.DRAFT}


def test_generating_again_for_the_same_material_writes_nothing(abstract_lesson, django_assert_max_num_queries):
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    before = list(generated(abstract_lesson).values_list("pk", "prompt"))
    with django_assert_max_num_queries(8):
        assert lesson_checks_generate(lesson_id=abstract_lesson.pk) == 0
    assert list(generated(abstract_lesson).values_list("pk", "prompt")) == before


def test_hand_written_questions_are_never_touched_and_win_over_a_generated_one(abstract_lesson):
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    taken = generated(abstract_lesson).first()
    prompt = taken.prompt
    CheckQuestion.objects.filter(lesson=abstract_lesson).delete()
    hand = CheckQuestion.objects.create(lesson=abstract_lesson, prompt=prompt, origin=QuestionOrigin.HAND, position=1)
    CheckChoice.objects.create(question=hand, text="By hand", is_correct=True)

    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    abstract_lesson.material += "\n\nA second version of the paper adds tree-structured drafts to speculative decoding."
    abstract_lesson.save()
    lesson_checks_generate(lesson_id=abstract_lesson.pk)

    hand.refresh_from_db()
    assert (hand.origin, hand.status, hand.prompt) == (QuestionOrigin.HAND, QuestionStatus.LIVE, prompt)
    assert list(hand.choices.values_list("text", flat=True)) == ["By hand"]
    assert not generated(abstract_lesson).filter(prompt=prompt).exists()


def test_changed_material_drops_answered_questions_and_deletes_the_rest(abstract_lesson):
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    old = list(generated(abstract_lesson))
    answered, unanswered = old[0], old[1:]
    learner = UserFactory()
    CheckAnswer.objects.create(
        user=learner, question=answered, first_choice=answered.choices.first(), first_correct=False
    )

    # The sentence the answered question quotes is rewritten: that question is not asked again.
    assert answered.passage in abstract_lesson.material
    abstract_lesson.material = abstract_lesson.material.replace(
        answered.passage, "Speculative decoding drafts tokens with a small model and checks them with a large one."
    )
    abstract_lesson.save()
    stored = lesson_checks_generate(lesson_id=abstract_lesson.pk)

    assert stored >= 3
    answered.refresh_from_db()
    assert answered.status == QuestionStatus.DROPPED  # kept: a learner's answer points at it
    assert CheckAnswer.objects.filter(question=answered).exists()
    assert not CheckQuestion.objects.filter(pk__in=[q.pk for q in unanswered]).exists()
    live = generated(abstract_lesson).exclude(status=QuestionStatus.DROPPED)
    assert len({question.material_digest for question in live}) == 1
    assert answered.material_digest not in {question.material_digest for question in live}


def test_an_answered_question_asked_again_by_new_material_comes_back_live(abstract_lesson):
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    answered = generated(abstract_lesson).first()
    CheckAnswer.objects.create(
        user=UserFactory(), question=answered, first_choice=answered.choices.first(), first_correct=True
    )
    abstract_lesson.description += " It was presented at a workshop on efficient inference."
    abstract_lesson.save()
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    answered.refresh_from_db()
    # The abstract's sentences did not change, so the same question (same right answer) is asked again: it is the
    # answered row, live again, rather than a second row with its prompt.
    assert answered.status == QuestionStatus.LIVE
    assert generated(abstract_lesson).filter(prompt=answered.prompt).count() == 1


def test_a_curator_who_dropped_every_generated_question_is_not_overruled(abstract_lesson):
    lesson_checks_generate(lesson_id=abstract_lesson.pk)
    generated(abstract_lesson).update(status=QuestionStatus.DROPPED)
    assert lesson_checks_generate(lesson_id=abstract_lesson.pk) == 0
    assert not generated(abstract_lesson).exclude(status=QuestionStatus.DROPPED).exists()


def test_unpublished_or_missing_lessons_get_nothing(catalog):
    draft = LessonFactory(status="draft", description="The Vision Transformer (ViT) reads an image as patches.")
    assert lesson_checks_generate(lesson_id=draft.pk) == 0
    assert lesson_checks_generate(lesson_id=10**9) == 0
    assert not CheckQuestion.objects.exists()
