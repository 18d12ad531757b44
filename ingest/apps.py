"""App config for ingestion: polled sources bring lessons in, with their material, for curators to review."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Sources and the incoming queue"
    default_auto_field = "django.db.models.BigAutoField"
