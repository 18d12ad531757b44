"""Check questions live in practice now: practice 0002 copied the rows (ids kept), so the old tables go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0005_learnerprofile_welcome_dismissed_at"),
        ("practice", "0002_checks_copied_from_gamification"),
    ]

    operations = [
        migrations.DeleteModel(name="CheckAnswer"),
        migrations.DeleteModel(name="CheckChoice"),
        migrations.DeleteModel(name="CheckQuestion"),
    ]
