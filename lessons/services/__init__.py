"""Writes in the catalog, split by subject: a learner's progress and enrolment (`progress`), curation and publishing
(`publishing`), the incoming pipeline a source's feed drives (`incoming`) and the health of its polls (`poll_health`).
Every write is importable from here, as `lessons.services.<name>`."""

# isort: skip_file
# One name a line: every write the package offers, by the module of its subject.
from lessons.services.incoming import INCOMING_DESCRIPTION_MAX
from lessons.services.incoming import INCOMING_MATERIAL_MAX
from lessons.services.incoming import IncomingItem
from lessons.services.incoming import IncomingMaterial
from lessons.services.incoming import incoming_item_create
from lessons.services.incoming import incoming_item_refresh
from lessons.services.incoming import incoming_items_create
from lessons.services.incoming import incoming_materials_set
from lessons.services.incoming import lesson_material_fill
from lessons.services.material_requests import material_request_create
from lessons.services.poll_health import source_poll_failed
from lessons.services.poll_health import source_poll_lease_take
from lessons.services.poll_health import source_poll_succeeded
from lessons.services.poll_health import source_polled_add
from lessons.services.poll_health import source_polled_update
from lessons.services.poll_health import sources_poll_schedule
from lessons.services.progress import MERGE_MAX_ENTRIES
from lessons.services.progress import course_enroll
from lessons.services.progress import course_lessons_set
from lessons.services.progress import course_positions_normalise
from lessons.services.progress import lesson_open
from lessons.services.progress import lesson_progress_complete
from lessons.services.progress import lesson_start
from lessons.services.progress import progress_merge
from lessons.services.progress import user_erase
from lessons.services.publishing import LessonImported
from lessons.services.publishing import category_save
from lessons.services.publishing import chapter_rows_build
from lessons.services.publishing import chapters_replace
from lessons.services.publishing import course_save
from lessons.services.publishing import incoming_lessons_publish
from lessons.services.publishing import lesson_curation_set
from lessons.services.publishing import lesson_curator_edited
from lessons.services.publishing import lesson_import
from lessons.services.publishing import lesson_merge
from lessons.services.publishing import lesson_publish
from lessons.services.publishing import lesson_reject
from lessons.services.publishing import lesson_save
from lessons.services.publishing import lesson_transcript_set
from lessons.services.publishing import lessons_publish
from lessons.services.publishing import related_computed_replace
from lessons.services.publishing import related_recompute_enqueue
from lessons.services.publishing import source_feed_set
from lessons.services.publishing import source_save
from lessons.services.publishing import summary_for_learners
from lessons.services.skills import lesson_skills_set
from lessons.services.skills import lesson_skills_suggest
from lessons.services.skills import skill_save
from lessons.tasks import related_recompute_task

__all__ = [
    "INCOMING_DESCRIPTION_MAX",
    "INCOMING_MATERIAL_MAX",
    "MERGE_MAX_ENTRIES",
    "IncomingItem",
    "IncomingMaterial",
    "LessonImported",
    "category_save",
    "chapter_rows_build",
    "chapters_replace",
    "course_enroll",
    "course_lessons_set",
    "course_positions_normalise",
    "course_save",
    "incoming_item_create",
    "incoming_item_refresh",
    "incoming_items_create",
    "incoming_lessons_publish",
    "incoming_materials_set",
    "lesson_curation_set",
    "lesson_curator_edited",
    "lesson_import",
    "lesson_material_fill",
    "lesson_merge",
    "lesson_open",
    "lesson_progress_complete",
    "lesson_publish",
    "lesson_reject",
    "lesson_save",
    "lesson_skills_set",
    "lesson_skills_suggest",
    "lesson_start",
    "lesson_transcript_set",
    "lessons_publish",
    "material_request_create",
    "progress_merge",
    "related_computed_replace",
    "related_recompute_enqueue",
    "related_recompute_task",
    "skill_save",
    "source_feed_set",
    "source_poll_failed",
    "source_poll_lease_take",
    "source_poll_succeeded",
    "source_polled_add",
    "source_polled_update",
    "source_save",
    "sources_poll_schedule",
    "summary_for_learners",
    "user_erase",
]
