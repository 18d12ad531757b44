"""Pick the explanation backend the settings name, and fingerprint the material an explanation is written from."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tutor.backends.base import (
    REQUIRED_SECTIONS,
    ChapterMaterial,
    ConceptMaterial,
    ExplanationBackend,
    GenerationResult,
    LessonMaterial,
    PartCallback,
    PermanentBackendError,
    ProgressCallback,
    RelatedMaterial,
    TransientBackendError,
)

__all__ = [
    "REQUIRED_SECTIONS",
    "ChapterMaterial",
    "ConceptMaterial",
    "ExplanationBackend",
    "GenerationResult",
    "LessonMaterial",
    "PartCallback",
    "PermanentBackendError",
    "ProgressCallback",
    "RelatedMaterial",
    "TransientBackendError",
    "backend_get",
    "material_fingerprint",
]

DEFAULT_BACKEND = "study_guide"


def backend_get(name: str | None = None) -> ExplanationBackend:
    """The backend called name, or the one settings.TUTOR_BACKEND names; unknown names are a configuration error."""
    name = name or _setting("TUTOR_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND
    # Imported here: each backend pulls in heavy libraries (scikit-learn, openai) a web process rarely needs.
    if name == "study_guide":
        from tutor.backends.study_guide import StudyGuideBackend

        return StudyGuideBackend()
    if name == "openai":
        from tutor.backends.openai_chat import OpenAIChatBackend

        return OpenAIChatBackend(
            base_url=_setting("TUTOR_BASE_URL", None),
            api_key=_setting("TUTOR_API_KEY", None),
            model=_setting("TUTOR_MODEL", ""),
            timeout=float(_setting("TUTOR_TIMEOUT_SECONDS", 60)),
            tokens_per_item=int(_setting("TUTOR_TOKENS_PER_ITEM", 80) or 80),
            max_input_tokens=int(_setting("TUTOR_MAX_INPUT_TOKENS", 0) or 0),
            cost_per_1k_input=float(_setting("TUTOR_COST_PER_1K_INPUT", 0) or 0),
            cost_per_1k_output=float(_setting("TUTOR_COST_PER_1K_OUTPUT", 0) or 0),
        )
    if "." in name:
        # A dotted path to a backend class: the one seam where tests put a double (tests/tutor/backends_for_tests.py).
        from django.utils.module_loading import import_string

        try:
            backend_class = import_string(name)
        except ImportError as error:
            raise PermanentBackendError(f"TUTOR_BACKEND {name!r} cannot be imported: {error}") from error
        return backend_class()
    raise PermanentBackendError(f"unknown TUTOR_BACKEND {name!r}: use 'study_guide', 'openai' or a dotted path")


def material_fingerprint(material: LessonMaterial) -> str:
    """A sha256 of what an explanation says things about, so that editing any of it calls for a new explanation.

    Related lessons, linked concepts and the source's name are left out: they change what to read next, not what
    the lesson teaches.
    """
    content = {
        "title": material.title,
        "description": _newlines(material.description),
        "chapters": [[chapter.start_seconds, chapter.title] for chapter in material.chapters],
        "transcript": _newlines(material.transcript),
    }
    if material.material:  # only when there is some, so explanations of lessons without it keep their fingerprint
        content["material"] = _newlines(material.material)
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _newlines(text: str) -> str:
    # A browser form sends \r\n; the same text saved from a file has \n. Neither is an edit.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _setting(key: str, default: Any) -> Any:
    """Read a Django setting when settings are configured, so the backends stay usable (and testable) without them."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return getattr(settings, key, default)
    except ImproperlyConfigured:
        return default
