"""The packs, purchases and Stripe events, moved here from `credits` with every row they hold.

The tables already exist (credits/0004 made them): this migration only tells Django that these models own them
(`database_operations` is empty), and hands their content types over to this app, so the admin's history and any
permissions given to staff follow the models instead of being orphaned.
"""

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ("creditpack", "purchase", "stripeevent")


def content_types_move(apps, schema_editor, *, source="credits", target="purchases"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="purchases", target="credits")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("credits", "0009_purchase_models_leave_for_the_purchases_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="CreditPack",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(unique=True)),
                        (
                            "name",
                            models.CharField(
                                help_text="Shown to learners and on the Stripe checkout page.", max_length=80
                            ),
                        ),
                        ("credits", models.PositiveIntegerField()),
                        (
                            "price",
                            models.PositiveIntegerField(
                                help_text="In minor units: 499 is €4.99 (for JPY, 499 is ¥499)."
                            ),
                        ),
                        (
                            "currency",
                            models.CharField(
                                default="eur", help_text="ISO 4217 code, lower case (eur, usd, gbp).", max_length=3
                            ),
                        ),
                        (
                            "active",
                            models.BooleanField(
                                default=True, help_text="Only active packs are offered; old purchases keep theirs."
                            ),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="Packs are listed by this number, smallest first."
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ],
                    options={
                        "db_table": "credits_creditpack",
                        "ordering": ("order", "price", "id"),
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("credits__gt", 0)), name="credits_pack_credits_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("price__gt", 0)), name="credits_pack_price_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("currency__regex", "^[a-z]{3}$")),
                                name="credits_pack_currency_lower_iso",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Purchase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("credits", models.PositiveIntegerField()),
                        ("price", models.PositiveIntegerField(help_text="Minor units charged.")),
                        ("currency", models.CharField(max_length=3)),
                        (
                            "idempotency_key",
                            models.CharField(
                                help_text="The buyer's request key: a double click buys once.", max_length=200
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("created", "Waiting for payment"),
                                    ("pending", "Payment processing"),
                                    ("credited", "Credited"),
                                    ("failed", "Payment failed"),
                                    ("expired", "Checkout expired"),
                                    ("partly_refunded", "Partly refunded"),
                                    ("refunded", "Refunded"),
                                    ("disputed", "Disputed"),
                                ],
                                default="created",
                                max_length=20,
                            ),
                        ),
                        ("checkout_session_id", models.CharField(blank=True, max_length=255, null=True, unique=True)),
                        ("checkout_url", models.URLField(blank=True, max_length=2000)),
                        ("payment_intent", models.CharField(blank=True, max_length=255, null=True, unique=True)),
                        ("charge_id", models.CharField(blank=True, max_length=255)),
                        (
                            "amount_refunded",
                            models.PositiveIntegerField(
                                default=0, help_text="Minor units refunded so far (Stripe's total)."
                            ),
                        ),
                        (
                            "credits_refunded",
                            models.PositiveIntegerField(default=0, help_text="Credits taken back for refunds so far."),
                        ),
                        ("dispute_id", models.CharField(blank=True, max_length=255)),
                        (
                            "dispute_status",
                            models.CharField(blank=True, help_text="Stripe's status of the dispute.", max_length=40),
                        ),
                        (
                            "credits_disputed",
                            models.PositiveIntegerField(
                                default=0, help_text="Credits taken back when the dispute opened."
                            ),
                        ),
                        ("failure_reason", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("credited_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "credit_entry",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="purchase_credited",
                                to="credits.ledgerentry",
                            ),
                        ),
                        (
                            "dispute_entry",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="purchase_disputed",
                                to="credits.ledgerentry",
                            ),
                        ),
                        (
                            "pack",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="purchases",
                                to="purchases.creditpack",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="purchases",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "credits_purchase",
                    },
                ),
                migrations.CreateModel(
                    name="StripeEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("event_id", models.CharField(max_length=255, unique=True)),
                        ("type", models.CharField(max_length=100)),
                        ("created", models.DateTimeField(help_text="When Stripe created the event.")),
                        ("data_object", models.JSONField(help_text="The event's data.object, as signed by Stripe.")),
                        ("payment_intent", models.CharField(blank=True, db_index=True, max_length=255)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("processed", "Processed"),
                                    ("ignored", "Ignored"),
                                    ("deferred", "Waiting for its purchase"),
                                    ("failed", "Failed"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("outcome", models.TextField(blank=True, help_text="What its handler did, in words.")),
                        ("received_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("processed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "purchase",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="purchases.purchase",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "credits_stripeevent",
                    },
                ),
                migrations.AddIndex(
                    model_name="purchase",
                    index=models.Index(fields=["user", "-created_at"], name="credits_purchase_user_newest"),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.UniqueConstraint(
                        fields=("user", "idempotency_key"), name="credits_purchase_key_unique_per_user"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("credits__gt", 0)), name="credits_purchase_credits_positive"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("price__gt", 0)), name="credits_purchase_price_positive"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                [
                                    "created",
                                    "pending",
                                    "credited",
                                    "failed",
                                    "expired",
                                    "partly_refunded",
                                    "refunded",
                                    "disputed",
                                ],
                            )
                        ),
                        name="credits_purchase_status_known",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "credits_refunded__lte",
                                django.db.models.expressions.CombinedExpression(
                                    models.F("credits"), "-", models.F("credits_disputed")
                                ),
                            )
                        ),
                        name="credits_purchase_clawback_within_pack",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="purchase",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("credit_entry__isnull", True), ("credited_at__isnull", True)),
                            models.Q(("credit_entry__isnull", False), ("credited_at__isnull", False)),
                            _connector="OR",
                        ),
                        name="credits_purchase_credited_with_entry",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="stripeevent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["processed", "ignored", "deferred", "failed"])),
                        name="credits_event_status_known",
                    ),
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
