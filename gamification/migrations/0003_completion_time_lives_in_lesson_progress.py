""" "Completed" is recorded once: lessons.LessonProgress.completed_at. Each LessonCompletion points at that row and
keeps only what the completion paid; its own copy of the time goes."""

import django.db.models.deletion
from django.db import migrations, models


def completions_to_progress(apps, schema_editor):
    LessonCompletion = apps.get_model("gamification", "LessonCompletion")
    LessonProgress = apps.get_model("lessons", "LessonProgress")
    for completion in LessonCompletion.objects.iterator():
        progress, _ = LessonProgress.objects.get_or_create(
            user_id=completion.user_id,
            lesson_id=completion.lesson_id,
            defaults={"started_at": completion.completed_at, "completed_at": completion.completed_at},
        )
        if progress.completed_at is None:
            progress.completed_at = completion.completed_at
            progress.opened_at = None
            if progress.started_at is None or progress.started_at > completion.completed_at:
                progress.started_at = completion.completed_at
            progress.save(update_fields=["completed_at", "opened_at", "started_at"])
        completion.progress_id = progress.pk
        completion.save(update_fields=["progress"])


def progress_to_completions(apps, schema_editor):
    LessonCompletion = apps.get_model("gamification", "LessonCompletion")
    for completion in LessonCompletion.objects.select_related("progress").iterator():
        completion.completed_at = completion.progress.completed_at
        completion.save(update_fields=["completed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0002_lesson_opened_lives_in_lesson_progress"),
        ("lessons", "0005_lesson_progress_opened_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessoncompletion",
            name="progress",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="lessons.lessonprogress",
            ),
        ),
        migrations.RunPython(completions_to_progress, progress_to_completions),
    ]
