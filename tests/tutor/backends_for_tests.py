"""Explanation backends for the tests, put in place at the one seam: TUTOR_BACKEND = "tests.tutor.backends_for_tests.X".

A real worker process imports them by the same dotted path, so they read their knobs from the environment.
"""

from __future__ import annotations

import os
import time

from tutor.backends import (
    REQUIRED_SECTIONS,
    GenerationResult,
    LessonMaterial,
    PermanentBackendError,
    ProgressCallback,
    TransientBackendError,
)


def guide_markdown(material: LessonMaterial, *, words: str = "") -> str:
    """A short explanation with every required section and every chapter named."""
    parts = [f"{REQUIRED_SECTIONS[0]}\n\nAbout “{material.title}”. {words}".strip()]
    chapters = "\n".join(f"- [{chapter.title}]({chapter.url})" for chapter in material.chapters) or "- The whole lesson"
    parts.append(f"{REQUIRED_SECTIONS[1]}\n\n{chapters}")
    parts += [f"{heading}\n\nWritten for the tests." for heading in REQUIRED_SECTIONS[2:]]
    return "\n\n".join(parts) + "\n"


class Quick:
    """Writes at once; streams the first section as progress."""

    name = "test"
    model = "test-model-1"

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        markdown = guide_markdown(material)
        if on_progress is not None:
            on_progress(markdown.split("\n\n## ")[0])
        return GenerationResult(
            markdown=markdown, backend=self.name, model=self.model, prompt_tokens=120, completion_tokens=80
        )


class AlwaysFails:
    """Every call is an outage: the task retries with backoff and then gives up."""

    name = "test-failing"

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        raise TransientBackendError("the model server answered 503 (test double)")


class Refuses:
    """A permanent failure: bad configuration, not worth retrying."""

    name = "test-refusing"

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        raise PermanentBackendError("the model server refused the API key (test double)")


class Slow:
    """Writes for TUTOR_TEST_SLOW_SECONDS (default 4), reporting progress every tenth of that time."""

    name = "test-slow"
    model = "slow-model-1"

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        seconds = float(os.environ.get("TUTOR_TEST_SLOW_SECONDS", "4"))
        markdown = guide_markdown(material)
        steps = 10
        for step in range(1, steps + 1):
            time.sleep(seconds / steps)
            if on_progress is not None:
                on_progress(markdown[: len(markdown) * step // steps])
        return GenerationResult(markdown=markdown, backend=self.name, model=self.model)
