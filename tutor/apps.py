"""App config for the AI tutor: explanations, unlocks paid with held credits, the worker that writes them."""

from django.apps import AppConfig
from django.urls import reverse

from credits.references import reference_link_add
from lessons.slots import lesson_admin_tool_add, lesson_slot_fill
from lessons.summaries import summary_writer_set
from tutor.references import QUESTION_PREFIX, UNLOCK_PREFIX


class TutorConfig(AppConfig):
    name = "tutor"
    verbose_name = "AI tutor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The tutor's block under the lesson's link, and a link from a lesson's admin page to its transcript upload.
        lesson_slot_fill("after_link", app=self.name, template_name="tutor/_lesson_slot.html")
        lesson_admin_tool_add(app=self.name, label="Upload transcript", url_name="admin:tutor_transcript_upload")
        # The statement links the entries of unlocks and questions to the lesson.
        for prefix in (UNLOCK_PREFIX, QUESTION_PREFIX):
            reference_link_add(prefix=prefix, url_for=lambda rest: reverse("lessons:by_id", args=[int(rest)]))
        # The sources pipeline's suggested summary lines are written by the tutor's backend.
        from tutor.summaries import summary_lines

        summary_writer_set(summary_lines)
        # A published lesson's material may have grown (a transcript attached, the text brought in): the worker
        # checks and writes the explanation again for those who unlocked it (tutor/services/updates.py).
        from django.db.models.signals import post_save

        from lessons.models import Lesson
        from tutor.signals import lesson_saved

        post_save.connect(lesson_saved, sender=Lesson, dispatch_uid="tutor.lesson_material_refresh")
