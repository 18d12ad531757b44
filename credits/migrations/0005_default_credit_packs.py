"""Three packs on sale from the start; the admin edits or retires them later (this never overwrites their edits)."""

from django.db import migrations

DEFAULT_PACKS = [
    # slug, name, credits, price in minor units, order
    ("starter", "Starter pack", 100, 499, 10),
    ("explorer", "Explorer pack", 250, 999, 20),
    ("scholar", "Scholar pack", 600, 1999, 30),
]


def create_packs(apps, schema_editor):
    CreditPack = apps.get_model("credits", "CreditPack")
    for slug, name, credits, price, order in DEFAULT_PACKS:
        CreditPack.objects.get_or_create(
            slug=slug, defaults={"name": name, "credits": credits, "price": price, "currency": "eur", "order": order}
        )


def remove_unsold_packs(apps, schema_editor):
    # A pack somebody bought stays: purchases protect their pack.
    CreditPack = apps.get_model("credits", "CreditPack")
    CreditPack.objects.filter(slug__in=[slug for slug, *_ in DEFAULT_PACKS], purchases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("credits", "0004_credit_packs_purchases_stripe_events")]

    operations = [migrations.RunPython(create_packs, remove_unsold_packs)]
