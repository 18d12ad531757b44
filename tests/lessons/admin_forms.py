"""What the lessons admin's change form posts for a lesson with no chapters or related lessons (its inline formsets'
management fields included), for tests that save a lesson through the admin."""

from lessons.models import Lesson


def lesson_change_form(lesson: Lesson, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "title": lesson.title, "slug": lesson.slug, "status": "published", "external_url": lesson.external_url,
        "kind": "article", "source": lesson.source_id, "authors": "", "published_at": "2024-01-01",
        "duration_seconds": "", "summary": lesson.summary, "level": "beginner", "category": lesson.category_id,
        "description": "", "transcript": "", "unlock_price": "30", "up_next": "", "up_next_reason": "",
        "lesson_skills-TOTAL_FORMS": "0", "lesson_skills-INITIAL_FORMS": "0",
        "chapters-TOTAL_FORMS": "0", "chapters-INITIAL_FORMS": "0", "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
        "related_links-TOTAL_FORMS": "0", "related_links-INITIAL_FORMS": "0", "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "related_links-2-TOTAL_FORMS": "0", "related_links-2-INITIAL_FORMS": "0",
        "related_links-2-MIN_NUM_FORMS": "0", "related_links-2-MAX_NUM_FORMS": "0",
    }  # fmt: skip
    return data | changes
