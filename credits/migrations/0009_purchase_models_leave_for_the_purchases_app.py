"""CreditPack, Purchase and StripeEvent now belong to the `purchases` app (purchases/0001 takes them up).

Only Django's idea of the models changes here: the tables, their rows, constraints and indexes stay as they are,
under their old names, and the `purchases` models point at them with `db_table`.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0008_signup_bonus_addresses_canonical"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="purchase",
                    name="pack",
                ),
                migrations.RemoveField(
                    model_name="purchase",
                    name="credit_entry",
                ),
                migrations.RemoveField(
                    model_name="purchase",
                    name="dispute_entry",
                ),
                migrations.RemoveField(
                    model_name="purchase",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="stripeevent",
                    name="purchase",
                ),
                migrations.DeleteModel(
                    name="CreditPack",
                ),
                migrations.DeleteModel(
                    name="Purchase",
                ),
                migrations.DeleteModel(
                    name="StripeEvent",
                ),
            ],
        ),
    ]
