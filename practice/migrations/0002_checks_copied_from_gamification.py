"""The check questions, their choices and learners' answers move from gamification into practice, rows and ids kept.

Ids stay what they were, so every XP event keyed by a question ("check-first-try:<id>") still names the same
question; on PostgreSQL the tables' id sequences then restart after the copied rows. Questions written before are
hand-written and live. Gamification had no "one prompt per lesson" rule: a repeated prompt gets a number after it.
gamification 0006 drops the old tables once this has run.
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 1000


def _sequences_reset(schema_editor, models):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite's next id follows the largest one by itself
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _unique_prompt(prompt, lesson_id, seen):
    """The prompt, numbered when the lesson already has it (practice keeps one prompt per lesson)."""
    candidate, number = prompt, 1
    while (lesson_id, candidate) in seen:
        number += 1
        suffix = f" ({number})"
        candidate = prompt[: 500 - len(suffix)] + suffix
    seen.add((lesson_id, candidate))
    return candidate


def checks_copy(apps, schema_editor):
    old_question = apps.get_model("gamification", "CheckQuestion")
    old_choice = apps.get_model("gamification", "CheckChoice")
    old_answer = apps.get_model("gamification", "CheckAnswer")
    question = apps.get_model("practice", "CheckQuestion")
    choice = apps.get_model("practice", "CheckChoice")
    answer = apps.get_model("practice", "CheckAnswer")
    seen = set()
    question.objects.bulk_create(
        (
            question(
                id=row.id,
                lesson_id=row.lesson_id,
                prompt=_unique_prompt(row.prompt, row.lesson_id, seen),
                position=row.position,
                kind="choice",
                origin="hand",
                status="live",
            )
            for row in old_question.objects.order_by("id").iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    choice.objects.bulk_create(
        (
            choice(
                id=row.id,
                question_id=row.question_id,
                text=row.text,
                is_correct=row.is_correct,
                explanation=row.explanation,
                position=row.position,
            )
            for row in old_choice.objects.order_by("id").iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    answer.objects.bulk_create(
        (
            answer(
                id=row.id,
                user_id=row.user_id,
                question_id=row.question_id,
                first_choice_id=row.first_choice_id,
                first_correct=row.first_correct,
                last_choice_id=row.last_choice_id,
                correct_at=row.correct_at,
                attempts=row.attempts,
                answered_at=row.answered_at,
            )
            for row in old_answer.objects.order_by("id").iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    _sequences_reset(schema_editor, [question, choice, answer])


def checks_copy_back(apps, schema_editor):
    """Going back: the hand-written questions (and their choices and answers) return to gamification's tables."""
    question = apps.get_model("practice", "CheckQuestion")
    choice = apps.get_model("practice", "CheckChoice")
    answer = apps.get_model("practice", "CheckAnswer")
    old_question = apps.get_model("gamification", "CheckQuestion")
    old_choice = apps.get_model("gamification", "CheckChoice")
    old_answer = apps.get_model("gamification", "CheckAnswer")
    hand = question.objects.filter(origin="hand")
    hand_ids = list(hand.values_list("id", flat=True))
    old_question.objects.bulk_create(
        old_question(id=row.id, lesson_id=row.lesson_id, prompt=row.prompt, position=row.position)
        for row in hand.order_by("id").iterator(chunk_size=BATCH)
    )
    old_choice.objects.bulk_create(
        old_choice(
            id=row.id,
            question_id=row.question_id,
            text=row.text,
            is_correct=row.is_correct,
            explanation=row.explanation,
            position=row.position,
        )
        for row in choice.objects.filter(question_id__in=hand_ids).order_by("id").iterator(chunk_size=BATCH)
    )
    old_answer.objects.bulk_create(
        old_answer(
            id=row.id,
            user_id=row.user_id,
            question_id=row.question_id,
            first_choice_id=row.first_choice_id,
            first_correct=row.first_correct,
            last_choice_id=row.last_choice_id,
            correct_at=row.correct_at,
            attempts=row.attempts,
            answered_at=row.answered_at,
        )
        for row in answer.objects.filter(question_id__in=hand_ids).order_by("id").iterator(chunk_size=BATCH)
    )
    hand.delete()
    _sequences_reset(schema_editor, [old_question, old_choice, old_answer])


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("gamification", "0005_learnerprofile_welcome_dismissed_at"),
    ]

    operations = [migrations.RunPython(checks_copy, checks_copy_back)]
