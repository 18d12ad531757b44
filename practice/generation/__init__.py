"""Generating a lesson's check questions from its own material: offline kinds by default, a model server's when
TUTOR_BACKEND is `openai` (falling back to the offline kinds on any failure). Storing them is
`practice.services.generated`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

from django.conf import settings

from lessons.models import Lesson
from practice.generation.catalog import catalog_terms
from practice.generation.offline import QUESTIONS_MIN, offline_questions
from practice.generation.questions import GeneratedQuestion, GeneratedSet, question_problems
from practice.models import QuestionOrigin
from tutor.backends import LessonMaterial, material_fingerprint
from tutor.material import lesson_material

__all__ = ["GeneratedQuestion", "GeneratedSet", "lesson_questions_generate", "material_digest", "question_problems"]

logger = logging.getLogger(__name__)

# Raised when what the generators make changes, so every lesson's questions are made again by the new rules.
GENERATOR_VERSION = "1"


def material_digest(material: LessonMaterial) -> str:
    """What a lesson's generated questions were made from: the tutor's fingerprint of the material, and the rules."""
    return hashlib.sha256(f"{GENERATOR_VERSION}:{material_fingerprint(material)}".encode()).hexdigest()


def lesson_questions_generate(lesson: Lesson, material: LessonMaterial | None = None) -> GeneratedSet:
    """The lesson's questions from its material (read through the tutor's one reader), by the configured backend."""
    material = material or lesson_material(lesson)
    catalog = catalog_terms(exclude_lesson_id=lesson.pk)
    offline = GeneratedSet(questions=offline_questions(material, catalog), origin=QuestionOrigin.OFFLINE)
    if getattr(settings, "TUTOR_BACKEND", "study_guide") != "openai":
        return offline
    from practice.generation.model import model_questions

    try:
        questions = model_questions(lesson, material)
    except Exception as error:  # any failure of the server or its answer: the offline kinds stand in
        logger.warning("check questions of lesson %s: the model server failed (%s); offline kinds", lesson.pk, error)
        offline.fallback_reason = str(error)[:300]
        return offline
    if not questions:
        offline.fallback_reason = "the model server's questions had no answer supported by the material"
        return offline
    # Too few supported questions: the offline kinds make up the number every lesson should have.
    topped = list(questions)
    for question in offline.questions:
        if len(topped) >= QUESTIONS_MIN:
            break
        topped.append(dataclasses.replace(question, origin=QuestionOrigin.OFFLINE))
    return GeneratedSet(questions=topped, origin=QuestionOrigin.MODEL)
