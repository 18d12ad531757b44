"""Wallet.entry_count: the number of a wallet's ledger entries, kept with the balance so the statement never counts.

Existing wallets get their count from their entries, in one UPDATE.
"""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_existing_entries(apps, schema_editor):
    Wallet = apps.get_model("credits", "Wallet")
    LedgerEntry = apps.get_model("credits", "LedgerEntry")
    counted = (
        LedgerEntry.objects.filter(wallet=OuterRef("pk"))
        .order_by()
        .values("wallet")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Wallet.objects.update(entry_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0006_signup_bonus_once_per_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="wallet",
            name="entry_count",
            field=models.BigIntegerField(default=0, editable=False, help_text="Number of this wallet's entries."),
        ),
        migrations.AddConstraint(
            model_name="wallet",
            constraint=models.CheckConstraint(
                condition=models.Q(("entry_count__gte", 0)), name="credits_wallet_entry_count_not_negative"
            ),
        ),
        migrations.RunPython(count_existing_entries, migrations.RunPython.noop, elidable=True),
    ]
