"""With gamification's CheckAnswer gone, a user's check answers take their plain name back: `user.check_answers`.
A related name lives only in Django's state; the table does not change."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0002_checks_copied_from_gamification"),
        ("gamification", "0006_check_questions_moved_to_practice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkanswer",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="check_answers",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
