"""The HTTP explanation backend: any OpenAI-compatible chat-completions server, asked for the explanation one small
part at a time (each chapter, each section), with structured output where the server offers it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openai

from lessons.transcripts import TranscriptFormatError, TranscriptSegment, transcript_parse, transcript_text_by_chapter
from tutor.backends.base import (
    REQUIRED_SECTIONS,
    AnswerResult,
    ChapterMaterial,
    GenerationResult,
    LessonMaterial,
    PermanentBackendError,
    ProgressCallback,
    TransientBackendError,
    explanation_shape_problems,
    timestamp_format,
)
from tutor.backends.study_guide import (
    StudyGuideBackend,
    chapter_for_heading,
    concept_line,
    markdown_escape,
    summary_line_extract,
    text_sections,
    uncovered_chapters_line,
)

try:  # the openai client's HTTP library: httpx2 from openai 3, httpx before it
    import httpx2 as _http
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx as _http  # type: ignore[no-redef]

# Statuses the server may answer differently next time (openai's own client retries the same ones).
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# Without TUTOR_MAX_INPUT_TOKENS, the most material one call carries (longer is summarised first).
TRANSCRIPT_CHARS_MAX = 48_000
OVERVIEW, CHAPTERS, KEY_TERMS, WHY, QUESTIONS, READ_NEXT = REQUIRED_SECTIONS

# Each part of the explanation is one small call, so a small local model on a slow machine answers each in time;
# a part whose answer is not the JSON asked for is asked again alone, and a part that still fails is left out (a
# chapter joins the "not covered" line, a section is taken from the offline study guide) instead of failing all.
PART_ATTEMPTS = 2
# Characters per token, for fitting material into TUTOR_MAX_INPUT_TOKENS; and room kept for the instructions.
CHARS_PER_TOKEN = 4
PROMPT_OVERHEAD_TOKENS = 600
SUMMARY_DEPTH_MAX = 3

SYSTEM_PROMPT = """\
You are a patient tutor helping a learner with one lesson on a learning platform.
Use only the lesson material the user gives you. Never add facts, names, numbers, dates or links that the material
does not contain. When you refer to a moment of the lesson, cite its chapter's start time in square brackets, like
[12:36], and only times given in the material. Answer with one JSON object named {name}, as the schema says, and
nothing else."""

_TEXT = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
_POINTS = {
    "type": "object",
    "properties": {"points": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5}},
    "required": ["points"],
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "chapter_points": _POINTS,
    "summary": _POINTS,
    "section_text": _TEXT,
    "key_terms": {
        "type": "object",
        "properties": {
            "terms": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"term": {"type": "string"}, "meaning": {"type": "string"}},
                    "required": ["term", "meaning"],
                },
                "minItems": 1,
                "maxItems": 8,
            }
        },
        "required": ["terms"],
    },
    "questions": {
        "type": "object",
        "properties": {"questions": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 5}},
        "required": ["questions"],
    },
    "answer": {
        "type": "object",
        "properties": {"found": {"type": "boolean"}, "answer": {"type": "string"}},
        "required": ["found", "answer"],
    },
    "summary_line": {"type": "object", "properties": {"line": {"type": "string"}}, "required": ["line"]},
}
# A model's "Learn …" line is kept only in the shape a curator's queue shows: one line, at most this long, no links.
SUMMARY_LINE_CHARS_MAX = 300
SUMMARY_MATERIAL_CHARS_MAX = 6_000
_LINK = re.compile(r"https?://|www\.|\]\(|<a\b|\b[\w-]+\.(?:com|org|net|io|ai|dev)\b", re.IGNORECASE)
_PASSAGE_NUMBER = re.compile(r"\s?\[\d{1,2}\](?!\()")
_CITATION = re.compile(r"\s?\[(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\](?!\()")


class _PartFailed(Exception):  # noqa: N818 - a signal between our own functions
    """One part's answers were not what was asked for, even when asked again."""


@dataclass
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    calls: int = 0


class OpenAIChatBackend:
    """Writes an explanation part by part from a chat-completions server, each part small, checked and retried."""

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
        max_input_tokens: int = 0,
        cost_per_1k_input: float = 0.0,
        cost_per_1k_output: float = 0.0,
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
        self.max_input_tokens = int(max_input_tokens or 0)
        self.cost_per_1k_input = Decimal(str(cost_per_1k_input))
        self.cost_per_1k_output = Decimal(str(cost_per_1k_output))
        self.structured = True  # turned off for a server that refuses response_format
        self.unreachable = False  # the server timed out or refused once: later summary lines skip it (see summary_line)
        # Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one.
        # Retries are the Celery task's job: with the client's own, one failure would cost several timeouts.
        self.client = openai.OpenAI(
            base_url=base_url or None, api_key=api_key or "unused", timeout=self.timeout, max_retries=0
        )

    # --- The explanation ---------------------------------------------------------------------------------------

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        try:
            segments = transcript_parse(material.transcript)
        except TranscriptFormatError as error:
            raise PermanentBackendError(f"the lesson's transcript cannot be read: {error}") from error
        chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
        usage = _Usage()
        offline: list[dict[str, str]] = []  # the study guide's sections, made once if a part needs one

        def fallback(heading: str) -> str:
            if not offline:
                offline.append(_sections(StudyGuideBackend().generate(material).markdown))
            return offline[0].get(heading, heading)

        parts: list[str] = []

        def done(part: str) -> None:
            parts.append(part)
            if on_progress is not None:
                on_progress("\n\n".join(parts) + "\n")

        facts = prompt_facts(material)
        chunks = chapter_chunks(material, segments, chapters)
        # Chapter by chapter first: the other sections are written from what the chapters say.
        chapter_points: list[str] = []
        blocks = [CHAPTERS]
        uncovered: list[ChapterMaterial] = []
        passed = failed = 0
        for chapter, chunk in zip(chapters, chunks, strict=True):
            if not chunk.strip():
                uncovered.append(chapter)
                continue
            time_label = timestamp_format(chapter.start_seconds)
            prompt = (
                f"{facts}\n\nChapter: {time_label} {chapter.title}\n\nWhat is said in this chapter:\n"
                f"{self._fit(chunk, usage)}\n\nGive the chapter's key points (1 to 5), each one sentence."
            )
            try:
                points = self._part("chapter_points", prompt, usage, _points_check)["points"]
            except _PartFailed:
                failed += 1
                uncovered.append(chapter)
                continue
            passed += 1
            checked = [citations_check(point, chapters) for point in points]
            chapter_points += [f"[{time_label}] {point}" for point in points]
            blocks += ["", f"### [{time_label} {chapter.title}]({chapter.url})", ""]
            blocks += [f"- {point}" for point in checked if point]
        if not chapters:
            blocks += ["", "The lesson lists no chapters."]
        if uncovered:
            blocks += ["", uncovered_chapters_line(uncovered)]
        digest = "\n".join(chapter_points) or material.description

        sections: dict[str, str] = {}
        asks = {
            OVERVIEW: ("section_text", "Write a short overview of the lesson (3 sentences at most)."),
            KEY_TERMS: ("key_terms", "List the lesson's key terms (3 to 8), each with what the material says."),
            WHY: ("section_text", "Say in 2 sentences, from the material only, why the subject matters."),
            QUESTIONS: ("questions", "Ask 3 to 5 questions that check understanding (questions only, no answers)."),
        }
        for heading, (schema, task) in asks.items():
            prompt = f"{facts}\n\nKey points by chapter:\n{self._fit(digest, usage)}\n\n{task}"
            try:
                answer = self._part(schema, prompt, usage, _CHECKS[schema])
            except _PartFailed:
                failed += 1
                sections[heading] = fallback(heading)
                continue
            passed += 1
            sections[heading] = _section_markdown(heading, schema, answer, material, chapters)

        done(sections[OVERVIEW])
        done("\n".join(blocks))
        done(sections[KEY_TERMS])
        done(sections[WHY])
        done(sections[QUESTIONS])
        done(read_next_markdown(material))
        if not passed:
            raise TransientBackendError(f"none of the {failed} parts came back in the agreed shape")
        markdown = "\n\n".join(parts) + "\n"
        problems = explanation_shape_problems(markdown, material)
        if problems:  # cannot happen with the parts assembled here; a guard for future edits
            raise TransientBackendError(f"the assembled explanation lacks the agreed shape: {'; '.join(problems)}")
        return GenerationResult(
            markdown=markdown,
            backend=self.name,
            model=usage.model or self.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost=self._cost(usage),
        )

    # --- Answering a question ----------------------------------------------------------------------------------

    def answer(self, question: str, passages: Sequence[Any]) -> AnswerResult:
        """Answer only from the retrieved passages; say so when they do not hold the answer."""
        usage = _Usage()
        numbered = "\n".join(f"[{number}] {passage.text}" for number, passage in enumerate(passages, 1))
        prompt = (
            f"Passages from the lesson's material:\n{numbered}\n\nQuestion: {question}\n\n"
            "Answer from these passages only, in 1 to 4 sentences. If they do not hold the answer, set found to false."
        )
        try:
            answer = self._part("answer", prompt, usage, _answer_check)
        except _PartFailed as error:
            raise TransientBackendError(str(error)) from error
        # Passage numbers and times are dropped: the passages are quoted with their own links under the answer.
        text = _PASSAGE_NUMBER.sub("", _CITATION.sub("", str(answer["answer"]))).strip()
        return AnswerResult(
            markdown=text + "\n",
            found=bool(answer["found"]),
            model=usage.model or self.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )

    # --- A one-line summary --------------------------------------------------------------------------------------

    def summary_line(self, *, title: str, text: str) -> str:
        """One short "Learn …" line written by the model from the material, checked (one line, starts with "Learn",
        at most SUMMARY_LINE_CHARS_MAX characters, no links); the extractive line on any failure.

        A server that timed out or could not be reached is not asked again by this backend object: a poll asks for
        one line per new item, and fifty timeouts in a row would hold the poll for fifty times the timeout.
        """
        fallback = summary_line_extract(title=title, text=text)
        if self.unreachable or not text.strip():
            return fallback
        prompt = (
            f"Lesson title: {title}\n\nThe lesson's material:\n{text[:SUMMARY_MATERIAL_CHARS_MAX]}\n\n"
            'Write one short line (at most 200 characters) that starts with "Learn" and says what a learner will '
            "learn from this material. Use only what the material says; no links."
        )
        try:
            answer = self._part("summary_line", prompt, _Usage(), _summary_line_check)
        except TransientBackendError:
            self.unreachable = True
            return fallback
        except (_PartFailed, PermanentBackendError):
            return fallback
        return " ".join(str(answer["line"]).split())

    # --- Calls -------------------------------------------------------------------------------------------------

    def _part(self, schema: str, prompt: str, usage: _Usage, check: Callable[[Any], bool]) -> dict[str, Any]:
        """One small call for one part, checked; asked again alone when the answer is not what was asked for."""
        problem = ""
        for _attempt in range(PART_ATTEMPTS):
            text = self._call(schema, prompt, usage)
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                problem = f"{schema}: the answer is not JSON"
                continue
            if isinstance(data, dict) and check(data):
                return data
            problem = f"{schema}: the answer lacks the agreed fields"
        raise _PartFailed(problem)

    def _call(self, schema: str, prompt: str, usage: _Usage) -> str:
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT.format(name=schema)},
            {"role": "user", "content": prompt},
        ]
        request: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens:
            request["max_tokens"] = self.max_tokens
        if self.structured:
            # Grammar-constrained output where the server offers it (OpenAI, vLLM, llama.cpp's server).
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema, "schema": SCHEMAS[schema], "strict": True},
            }
        try:
            answer = self._streamed(request, None) if self.stream else self._whole(request)
        except PermanentBackendError:
            if not self.structured:
                raise
            self.structured = False  # a server that refuses response_format: ask for JSON in words only
            request.pop("response_format")
            answer = self._streamed(request, None) if self.stream else self._whole(request)
        usage.calls += 1
        usage.prompt_tokens += answer.prompt_tokens
        usage.completion_tokens += answer.completion_tokens
        usage.model = answer.model or usage.model
        return answer.markdown

    def _fit(self, text: str, usage: _Usage, depth: int = 0) -> str:
        """Text that fits TUTOR_MAX_INPUT_TOKENS: longer text is summarised piece by piece (map), then joined
        (reduce), again if the summaries are still too long."""
        budget = (
            (self.max_input_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN
            if self.max_input_tokens
            else TRANSCRIPT_CHARS_MAX
        )
        budget = max(budget, 500)
        if len(text) <= budget:
            return text
        if depth >= SUMMARY_DEPTH_MAX:
            return text[:budget].rsplit(" ", 1)[0] + " …"
        summaries = []
        for start in range(0, len(text), budget):
            piece = text[start : start + budget]
            try:
                points = self._part("summary", f"Summarise this part of the lesson:\n{piece}", usage, _points_check)
                summaries += [str(point) for point in points["points"]]
            except _PartFailed:
                summaries.append(piece[: budget // 4].rsplit(" ", 1)[0] + " …")
        return self._fit("\n".join(summaries), usage, depth + 1)

    def _cost(self, usage: _Usage) -> Decimal:
        return (
            Decimal(usage.prompt_tokens) * self.cost_per_1k_input
            + Decimal(usage.completion_tokens) * self.cost_per_1k_output
        ) / 1000

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


def prompt_facts(material: LessonMaterial) -> str:
    """What every part's prompt starts with: the lesson's facts, description and own text (cut to fit)."""
    facts = [
        f"Lesson title: {material.title}",
        f"Source: {material.source_name}",
        f"Level: {material.level}",
        f"Description: {material.description.strip() or '(none)'}",
    ]
    if material.material:
        facts.append(f"The work's own text (start): {material.material[:2000]}")
    return "\n".join(facts)


def chapter_chunks(
    material: LessonMaterial, segments: Sequence[TranscriptSegment], chapters: Sequence[ChapterMaterial]
) -> list[str]:
    """What each chapter has behind it: its stretch of transcript and the sections of the text whose headings match
    it (the text's other sections go to no chapter)."""
    _before, by_chapter = transcript_text_by_chapter(segments, [chapter.start_seconds for chapter in chapters])
    chunks = list(by_chapter) if segments else ["" for _ in chapters]
    for heading, body in text_sections(material.material):
        index = chapter_for_heading(heading, chapters) if heading else None
        if index is not None:
            chunks[index] = f"{chunks[index]}\n{body}".strip()
    return chunks


def citations_check(text: str, chapters: Sequence[ChapterMaterial]) -> str:
    """Turn each [m:ss] that is a chapter's start into a link to that moment; drop every other one."""
    starts = {timestamp_format(chapter.start_seconds): chapter.url for chapter in chapters}

    def link(match: re.Match[str]) -> str:
        time_label = match["time"]
        url = starts.get(time_label)
        return f" [{time_label}]({url})" if url else ""

    return _CITATION.sub(link, text).strip()


def read_next_markdown(material: LessonMaterial) -> str:
    """What to read next needs no model: the related lessons, as the study guide lists them."""
    lines = [READ_NEXT, ""]
    if not material.related:
        lines.append("No related lessons are listed for this one yet.")
    for related in material.related:
        summary = f" — {markdown_escape(related.summary.strip())}" if related.summary.strip() else ""
        lines.append(f"- [{markdown_escape(related.title)}]({related.url}){summary}")
    return "\n".join(lines)


def _section_markdown(
    heading: str, schema: str, answer: dict[str, Any], material: LessonMaterial, chapters: Sequence[ChapterMaterial]
) -> str:
    lines = [heading, ""]
    if schema == "section_text":
        lines.append(citations_check(str(answer["text"]), chapters))
    elif schema == "key_terms":
        lines += [concept_line(concept) for concept in material.concepts]
        for item in answer["terms"]:
            meaning = citations_check(str(item["meaning"]), chapters)
            lines.append(f"- **{markdown_escape(str(item['term']))}** — {meaning}")
    elif schema == "questions":
        lines += [f"{number}. {question}" for number, question in enumerate(answer["questions"], 1)]
    return "\n".join(lines)


def _sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^(## .+)$", markdown, flags=re.MULTILINE)
    return {heading: f"{heading}\n\n{body.strip()}" for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def _strings(value: Any, *, least: int, most: int) -> bool:
    return (
        isinstance(value, list)
        and least <= len(value) <= most
        and all(isinstance(item, str) and item.strip() for item in value)
    )


def _points_check(data: dict[str, Any]) -> bool:
    return _strings(data.get("points"), least=1, most=5)


def _summary_line_check(data: dict[str, Any]) -> bool:
    line = data.get("line")
    if not isinstance(line, str):
        return False
    line = line.strip()
    return (
        bool(line)
        and "\n" not in line
        and "\r" not in line
        and re.match(r"Learn\b", line) is not None
        and len(" ".join(line.split())) <= SUMMARY_LINE_CHARS_MAX
        and _LINK.search(line) is None
    )


def _answer_check(data: dict[str, Any]) -> bool:
    return isinstance(data.get("found"), bool) and isinstance(data.get("answer"), str)


_CHECKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "section_text": lambda data: isinstance(data.get("text"), str) and bool(data["text"].strip()),
    "key_terms": lambda data: (
        isinstance(data.get("terms"), list)
        and 1 <= len(data["terms"]) <= 8
        and all(isinstance(item, dict) and item.get("term") and item.get("meaning") for item in data["terms"])
    ),
    "questions": lambda data: (
        _strings(data.get("questions"), least=3, most=5)
        and all(question.rstrip().endswith("?") for question in data["questions"])
    ),
}


_THINKING = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL)
_WHOLE_FENCE = re.compile(r"\A```(?:markdown|md)?[ \t]*\n(?P<body>.*?)(?:\n```[ \t]*)?\Z", re.DOTALL)


def answer_clean(text: str) -> str:
    """Drop what a model wraps around its answer: reasoning in <think> tags and a code fence around the whole."""
    text = _THINKING.sub("", text).strip()
    match = _WHOLE_FENCE.match(text)
    if match:
        text = match["body"].strip()
    return text + "\n"
