"""App config for ingestion: polled sources bring lessons in, with their material, for curators to review."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Sources and the incoming queue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ingest.admin import fetch_captions
        from lessons.slots import lesson_admin_action_add, lesson_admin_tool_add

        # On the lessons' admin: "Fetch captions" for the selected lessons, and a link to a lesson's material job.
        lesson_admin_action_add(app=self.name, action=fetch_captions)
        lesson_admin_tool_add(app=self.name, label="Material and captions", url_name="admin:ingest_lesson_material")
