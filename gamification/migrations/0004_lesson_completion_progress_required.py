"""LessonCompletion.progress is required now that every completion points at its LessonProgress, and the completion's
own copy of the time goes (a migration of its own: PostgreSQL refuses to alter a table in the transaction that just
updated rows it references)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0003_completion_time_lives_in_lesson_progress"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lessoncompletion",
            name="progress",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="lessons.lessonprogress"
            ),
        ),
        migrations.AlterModelOptions(
            name="lessoncompletion",
            options={"ordering": ["-pk"]},
        ),
        migrations.RemoveField(
            model_name="lessoncompletion",
            name="completed_at",
        ),
    ]
