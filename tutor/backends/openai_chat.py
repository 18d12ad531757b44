"""The HTTP explanation backend: any OpenAI-compatible chat-completions server, asked for the study guide's sections."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openai

from tutor.backends.base import (
    REQUIRED_SECTIONS,
    ChapterMaterial,
    GenerationResult,
    LessonMaterial,
    PermanentBackendError,
    ProgressCallback,
    TransientBackendError,
    explanation_shape_problems,
    timestamp_format,
)
from tutor.transcripts import TranscriptFormatError, TranscriptSegment, transcript_parse, transcript_text_by_chapter

try:  # the openai client's HTTP library: httpx2 from openai 3, httpx before it
    import httpx2 as _http
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx as _http  # type: ignore[no-redef]

# Statuses the server may answer differently next time (openai's own client retries the same ones).
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# A long transcript is cut rather than overflowing a small local model's context window.
TRANSCRIPT_CHARS_MAX = 48_000

SYSTEM_PROMPT = """\
You are a patient tutor writing a study guide for one lesson on a learning platform.
Use only the lesson material the user gives you. Never add facts, names, numbers, dates or links that the material
does not contain; if the material does not say something, say that it does not.
Answer in Markdown with exactly these level-two headings, in this order, and no other level-two headings:
{sections}
Under "## Chapter by chapter" write one level-three heading per chapter, in the given order, exactly in the form
"### [m:ss Chapter title](chapter link)", copying each chapter's title word for word, then its key points as bullets.
Under "## Key terms" give 3 to 8 terms from the material, each with what the material says about it.
Under "## Why it matters" say, from the material only, why the subject matters.
Under "## Check your understanding" ask 3 to 5 numbered questions (questions only, no answers).
Under "## What to read next" list the related lessons given, as Markdown links to their paths, or say that none
are listed. Link only to the lesson link, the chapter links and the related lesson paths given.
Do not wrap the answer in a code block."""


class OpenAIChatBackend:
    """Streams an explanation from a chat-completions server and refuses an answer without the agreed shape."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        model: str,
        timeout: float = 60,
        stream: bool = True,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ) -> None:
        if not model:
            raise PermanentBackendError("TUTOR_MODEL is not set: the openai backend needs a model name")
        if not api_key and not base_url:
            raise PermanentBackendError("TUTOR_API_KEY is not set: OpenAI itself needs a key")
        self.model = model
        self.timeout = float(timeout)
        self.stream = stream
        self.temperature = temperature
        self.max_tokens = max_tokens
        # Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one.
        # Retries are the Celery task's job: with the client's own, one failure would cost several timeouts.
        self.client = openai.OpenAI(
            base_url=base_url or None, api_key=api_key or "unused", timeout=self.timeout, max_retries=0
        )

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT.format(sections="\n".join(REQUIRED_SECTIONS))},
            {"role": "user", "content": prompt_material(material)},
        ]
        request: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens:
            request["max_tokens"] = self.max_tokens
        answer = self._streamed(request, on_progress) if self.stream else self._whole(request)

        problems = explanation_shape_problems(answer.markdown, material)
        if problems:
            cut = " (the answer was cut at the token limit)" if answer.finish_reason == "length" else ""
            raise TransientBackendError(f"the model's answer lacks the agreed shape{cut}: {'; '.join(problems)}")
        return GenerationResult(
            markdown=answer.markdown,
            backend=self.name,
            model=answer.model or self.model,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
        )

    def _streamed(self, request: dict[str, Any], on_progress: ProgressCallback | None) -> _Answer:
        deadline = time.monotonic() + self.timeout
        answer = _Answer()
        written = ""
        with self._server_errors():
            stream = self.client.chat.completions.create(**request, stream=True, stream_options={"include_usage": True})
        with stream:
            chunks = iter(stream)
            while True:
                with self._server_errors():
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                # The client's timeout bounds each wait for a chunk; this bounds the whole answer.
                if time.monotonic() > deadline:
                    raise TransientBackendError(f"the model server did not finish within {self.timeout:g} s")
                answer.model = chunk.model or answer.model
                if chunk.usage is not None:
                    answer.prompt_tokens = chunk.usage.prompt_tokens or 0
                    answer.completion_tokens = chunk.usage.completion_tokens or 0
                for choice in chunk.choices:
                    answer.finish_reason = choice.finish_reason or answer.finish_reason
                    if choice.delta is not None and choice.delta.content:
                        written += choice.delta.content
                        if on_progress is not None:
                            on_progress(answer_clean(written))
        answer.markdown = answer_clean(written)
        return answer

    def _whole(self, request: dict[str, Any]) -> _Answer:
        with self._server_errors():
            completion = self.client.chat.completions.create(**request)
        answer = _Answer(model=completion.model)
        if completion.usage is not None:
            answer.prompt_tokens = completion.usage.prompt_tokens or 0
            answer.completion_tokens = completion.usage.completion_tokens or 0
        if completion.choices:
            answer.markdown = answer_clean(completion.choices[0].message.content or "")
            answer.finish_reason = completion.choices[0].finish_reason
        return answer

    @contextmanager
    def _server_errors(self) -> Iterator[None]:
        """Sort what can go wrong in talking to the server into worth-retrying and not."""
        try:
            yield
        except openai.APITimeoutError as error:
            raise TransientBackendError(f"the model server did not answer within {self.timeout:g} s") from error
        except openai.APIConnectionError as error:
            raise TransientBackendError(f"cannot reach the model server: {error}") from error
        except openai.APIStatusError as error:
            message = f"the model server answered {error.status_code}: {error.message}"
            if error.status_code in RETRYABLE_STATUSES or error.status_code >= 500:
                raise TransientBackendError(message) from error
            raise PermanentBackendError(message) from error
        except openai.APIError as error:  # an error event in the stream, or an answer unlike what the API promises
            raise TransientBackendError(f"the model server sent a broken answer: {error}") from error
        except (_http.HTTPError, json.JSONDecodeError) as error:  # the connection or a chunk broke mid-stream
            raise TransientBackendError(f"the model server's stream broke off: {error!r}") from error


@dataclass
class _Answer:
    markdown: str = ""
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None


def prompt_material(material: LessonMaterial) -> str:
    """The lesson as the model reads it: the facts, the description, the chapters and the transcript by chapter."""
    try:
        segments = transcript_parse(material.transcript)
    except TranscriptFormatError as error:
        raise PermanentBackendError(f"the lesson's transcript cannot be read: {error}") from error
    chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
    facts = [
        f"Lesson title: {material.title}",
        f"Source: {material.source_name}",
        f"Level: {material.level}",
        f"Category: {material.category}",
        f"Lesson link: {material.url}",
    ]
    if material.duration_seconds:
        facts.append(f"Length: {timestamp_format(material.duration_seconds)}")
    parts = ["\n".join(facts), "Description:\n" + (material.description.strip() or "(none)")]
    if chapters:
        parts.append(
            "Chapters (one ### heading each, in this order, titles copied exactly):\n"
            + "\n".join(f"- {timestamp_format(c.start_seconds)} {c.title} | link: {c.url}" for c in chapters)
        )
    else:
        parts.append("Chapters: none are listed; say so under the chapter heading and give the lesson's key points.")
    if segments:
        parts.append("Transcript:\n" + _transcript_by_chapter(segments, chapters))
    else:
        parts.append("Transcript: none.")
    if material.related:
        parts.append(
            "Related lessons (for What to read next):\n"
            + "\n".join(f"- {r.title} | path: {r.url} | {r.summary}" for r in material.related)
        )
    else:
        parts.append("Related lessons: none are listed.")
    return "\n\n".join(parts)


def _transcript_by_chapter(segments: Sequence[TranscriptSegment], chapters: Sequence[ChapterMaterial]) -> str:
    before, by_chapter = transcript_text_by_chapter(segments, [chapter.start_seconds for chapter in chapters])
    blocks = [before] + [
        f"[{timestamp_format(chapter.start_seconds)} {chapter.title}]\n{text or '(nothing in the transcript)'}"
        for chapter, text in zip(chapters, by_chapter, strict=True)
    ]
    text = "\n\n".join(block for block in blocks if block)
    if len(text) > TRANSCRIPT_CHARS_MAX:
        text = text[:TRANSCRIPT_CHARS_MAX].rsplit(" ", 1)[0] + " … (the transcript is cut here)"
    return text


_THINKING = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL)
_WHOLE_FENCE = re.compile(r"\A```(?:markdown|md)?[ \t]*\n(?P<body>.*?)(?:\n```[ \t]*)?\Z", re.DOTALL)


def answer_clean(text: str) -> str:
    """Drop what a model wraps around its answer: reasoning in <think> tags and a code fence around the whole."""
    text = _THINKING.sub("", text).strip()
    match = _WHOLE_FENCE.match(text)
    if match:
        text = match["body"].strip()
    return text + "\n"
