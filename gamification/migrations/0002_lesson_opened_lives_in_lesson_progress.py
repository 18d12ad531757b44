""" "Opened" is recorded once: lessons.LessonProgress.opened_at. Each LessonVisit's time moves there, then the table goes."""

from django.db import migrations


def visits_to_progress(apps, schema_editor):
    LessonVisit = apps.get_model("gamification", "LessonVisit")
    LessonProgress = apps.get_model("lessons", "LessonProgress")
    for visit in LessonVisit.objects.iterator():
        progress, created = LessonProgress.objects.get_or_create(
            user_id=visit.user_id,
            lesson_id=visit.lesson_id,
            # Opening the page did not mark the lesson watched before, and does not now.
            defaults={"started_at": None, "opened_at": visit.opened_at, "source": "server"},
        )
        if created or progress.completed_at is not None:
            continue
        # The clock was the earliest time the server saw the lesson open: the visit, or a start on the server.
        clock = min(visit.opened_at, progress.started_at) if progress.source == "server" else visit.opened_at
        progress.opened_at = clock
        progress.save(update_fields=["opened_at"])


def progress_to_visits(apps, schema_editor):
    LessonVisit = apps.get_model("gamification", "LessonVisit")
    LessonProgress = apps.get_model("lessons", "LessonProgress")
    LessonVisit.objects.bulk_create(
        [
            LessonVisit(user_id=row.user_id, lesson_id=row.lesson_id, opened_at=row.opened_at)
            for row in LessonProgress.objects.filter(opened_at__isnull=False).iterator()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0001_initial"),
        ("lessons", "0005_lesson_progress_opened_clock"),
    ]

    operations = [
        migrations.RunPython(visits_to_progress, progress_to_visits),
        migrations.DeleteModel(name="LessonVisit"),
    ]
