"""The HTTP explanation backend: any OpenAI-compatible chat-completions server, asked for the explanation one small
part at a time (each chapter, each section), in the best structured form the server takes.

The pieces: `chat_prompts` (what is said to the model), `chat_plan` (which parts, grouped how), `chat_calls` (the
server and what it can do), `chat_checks` (reading and checking an answer) and `chat_assembly` (the Markdown).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends.base import (
    AnswerResult,
    GenerationResult,
    LessonMaterial,
    PartCallback,
    PermanentBackendError,
    ProgressCallback,
    TransientBackendError,
    explanation_shape_problems,
)
from tutor.backends.chat_assembly import Draft, markdown_sections, timestamps_link
from tutor.backends.chat_calls import TEXT, CallTimedOutError, ChatCaller, StreamBrokenError, Usage, part_max_tokens
from tutor.backends.chat_checks import (
    STATIC_CHECKS,
    answer_check,
    answer_parse,
    chapters_points_check,
    key_terms_check,
)
from tutor.backends.chat_plan import ChapterPart, calls_affordable, chapter_parts, group_size
from tutor.backends.chat_prompts import (
    PART_ITEMS,
    SECTION_ASKS,
    answer_prompt,
    chapter_prompt,
    chapters_prompt,
    piece_prompt,
    prompt_facts,
    section_prompt,
    summary_line_prompt,
    summary_prompt,
)
from tutor.backends.study_guide import StudyGuideBackend, summary_line_extract

# Without TUTOR_MAX_INPUT_TOKENS, the most material one call carries (longer is summarised first).
TRANSCRIPT_CHARS_MAX = 48_000
# A part whose answer is not what was asked for (or whose call timed out or dropped) is asked again alone once; a
# part that still fails is left out (a chapter joins the "not covered" line, a section comes from the offline study
# guide) instead of failing the rest.
PART_ATTEMPTS = 2
# Characters per token, for fitting material into TUTOR_MAX_INPUT_TOKENS; and room kept for the instructions.
CHARS_PER_TOKEN = 4
PROMPT_OVERHEAD_TOKENS = 600
SUMMARY_DEPTH_MAX = 3
SUMMARY_MATERIAL_CHARS_MAX = 6_000
# Output tokens allowed per item a part asks for (a point, a term, a question, a sentence): TUTOR_TOKENS_PER_ITEM.
TOKENS_PER_ITEM = 80
_PASSAGE_NUMBER = re.compile(r"\s?\[\d{1,2}\](?!\()")


class _PartFailed(Exception):  # noqa: N818 - a signal between our own functions
    """One part's answers were not what was asked for, even when asked again."""


class _OutOfTime(Exception):  # noqa: N818 - a signal between our own functions
    """No further call fits before the deadline."""


class OpenAIChatBackend:
    """Writes an explanation part by part from a chat-completions server, each part small, checked, kept and
    retried alone."""

    name = "openai"
    keeps_parts = True  # generate() takes kept parts, reports each finished one, and honours a deadline

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        model: str,
        timeout: float = 60,
        stream: bool = True,
        temperature: float = 0.2,
        tokens_per_item: int = TOKENS_PER_ITEM,
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
        self.tokens_per_item = int(tokens_per_item or TOKENS_PER_ITEM)
        self.max_input_tokens = int(max_input_tokens or 0)
        self.cost_per_1k_input = Decimal(str(cost_per_1k_input))
        self.cost_per_1k_output = Decimal(str(cost_per_1k_output))
        self.deadline: float | None = None  # while generate() runs: the time.monotonic() to be done by
        self.unreachable = False  # the server timed out or refused once: later summary lines skip it (see summary_line)
        self.caller = ChatCaller(
            base_url=base_url, api_key=api_key, model=model, timeout=timeout, stream=stream, temperature=temperature
        )

    # --- The explanation ---------------------------------------------------------------------------------------

    def generate(
        self,
        material: LessonMaterial,
        *,
        on_progress: ProgressCallback | None = None,
        kept: Mapping[str, Any] | None = None,
        on_part: PartCallback | None = None,
        deadline: float | None = None,
    ) -> GenerationResult:
        """Each chapter, then each section written from the chapters' points. kept: parts finished by an earlier
        attempt (not asked again); on_part(key, data, markdown so far) as each part finishes; deadline: a
        time.monotonic() by which to be done (calls are grouped, then stopped, to meet it)."""
        try:
            segments = transcript_parse(material.transcript)
        except TranscriptFormatError as error:
            raise PermanentBackendError(f"the lesson's transcript cannot be read: {error}") from error
        chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
        self.deadline = deadline
        writing = _Writing(self, material, chapter_parts(material, segments, chapters), on_progress, on_part, deadline)
        writing.draft.done.update({key: value for key, value in (kept or {}).items() if isinstance(value, dict)})
        try:
            writing.chapters_write()
            writing.sections_write()
            return writing.result()
        finally:
            self.deadline = None

    # --- Answering a question ----------------------------------------------------------------------------------

    def answer(self, question: str, passages: Sequence[Any]) -> AnswerResult:
        """Answer only from the retrieved passages; say so when they do not hold the answer."""
        usage = Usage()
        prompt = answer_prompt(question, [str(passage.text) for passage in passages])
        try:
            answer = self._part("answer", prompt, usage, answer_check(len(passages)))
        except _PartFailed as error:
            raise TransientBackendError(str(error)) from error
        # Passage numbers and times are dropped: the passages are quoted with their own links under the answer.
        text = timestamps_link(_PASSAGE_NUMBER.sub("", str(answer["answer"])), (), {})
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
        at most 300 characters, no links); the extractive line on any failure.

        A server that timed out or could not be reached is not asked again by this backend object: a poll asks for
        one line per new item, and fifty timeouts in a row would hold the poll for fifty times the timeout.
        """
        fallback = summary_line_extract(title=title, text=text)
        if self.unreachable or not text.strip():
            return fallback
        prompt = summary_line_prompt(title, text[:SUMMARY_MATERIAL_CHARS_MAX])
        try:
            answer = self._part("summary_line", prompt, Usage(), STATIC_CHECKS["summary_line"], retry_stalls=False)
        except TransientBackendError:
            self.unreachable = True
            return fallback
        except (_PartFailed, PermanentBackendError):
            return fallback
        return " ".join(str(answer["line"]).split())

    # --- One part ----------------------------------------------------------------------------------------------

    def _part(
        self,
        schema: str,
        prompt: str,
        usage: Usage,
        check: Callable[[dict[str, Any]], str],
        *,
        items: int | None = None,
        retry_stalls: bool = True,
    ) -> dict[str, Any]:
        """One part: asked, read, checked; asked again alone when the answer is not what was asked for, or the call
        timed out or dropped. A server that is down or refuses (any other error) raises at once."""
        problem = ""
        max_tokens = part_max_tokens(schema, self.tokens_per_item, items)
        for attempt in range(PART_ATTEMPTS):
            # No call may run past the generation's deadline: it is cut at the deadline, and the part left out.
            left = self.deadline - time.monotonic() if self.deadline is not None else None
            if left is not None and left < 1:
                raise _OutOfTime
            try:
                answer = self.caller.call(schema, prompt, max_tokens=max_tokens, timeout=left)
            except (CallTimedOutError, StreamBrokenError):
                if self.deadline is not None and time.monotonic() >= self.deadline - 1:
                    raise _OutOfTime from None
                if not retry_stalls or attempt + 1 >= PART_ATTEMPTS:
                    raise
                continue
            usage.add(answer)
            data = answer_parse(answer.text, schema, plain=answer.form == TEXT)
            if data is None:
                problem = f"{schema}: the answer is not JSON"
                if answer.finish_reason == "length":
                    problem += f" (cut off at {max_tokens} tokens)"
                continue
            problem = check(data)
            if not problem:
                return data
            problem = f"{schema}: {problem}"
        raise _PartFailed(problem)

    def fit(self, text: str, usage: Usage, depth: int = 0) -> str:
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
                points = self._part("summary", summary_prompt(piece), usage, STATIC_CHECKS["summary"])
                summaries += [str(point) for point in points["points"]]
            except _PartFailed:
                summaries.append(piece[: budget // 4].rsplit(" ", 1)[0] + " …")
        return self.fit("\n".join(summaries), usage, depth + 1)

    def cost(self, usage: Usage) -> Decimal:
        return (
            Decimal(usage.prompt_tokens) * self.cost_per_1k_input
            + Decimal(usage.completion_tokens) * self.cost_per_1k_output
        ) / 1000


class _Writing:
    """One generate() call: the parts still to write, the time left, and the draft they fill."""

    def __init__(
        self,
        backend: OpenAIChatBackend,
        material: LessonMaterial,
        parts: list[ChapterPart],
        on_progress: ProgressCallback | None,
        on_part: PartCallback | None,
        deadline: float | None,
    ) -> None:
        self.backend = backend
        self.material = material
        self.usage = Usage()
        self.on_progress = on_progress
        self.on_part = on_part
        self.deadline = deadline
        self.facts = prompt_facts(material)
        self.draft = Draft(material, sorted(material.chapters, key=lambda c: c.start_seconds), parts)
        self.passed = self.failed = 0

    def _finished(self, key: str, data: dict[str, Any]) -> None:
        self.passed += 1
        self.draft.done[key] = data
        markdown = self.draft.markdown(final=False)
        if self.on_part is not None:
            self.on_part(key, data, markdown)
        elif self.on_progress is not None:
            self.on_progress(markdown)

    def _affordable(self) -> int | None:
        return calls_affordable(
            deadline=self.deadline, now=time.monotonic(), seconds_per_call=self.usage.seconds_per_call
        )

    def _check_time(self) -> None:
        if self.deadline is not None and (time.monotonic() >= self.deadline or self._affordable() == 0):
            raise _OutOfTime

    def chapters_write(self) -> None:
        waiting = [part for part in self.draft.parts if part.key not in self.draft.done and part.said.strip()]
        sections_left = sum(f"section:{name}" not in self.draft.done for name in SECTION_ASKS)
        while waiting:
            size = group_size(chapters_left=len(waiting), sections_left=sections_left, affordable=self._affordable())
            group, waiting = waiting[:size], waiting[size:]
            try:
                self._check_time()
                self._chapters_ask(group)
            except (_PartFailed, _OutOfTime):
                self.failed += len(group)
                self.draft.uncovered.update(part.key for part in group)

    def _chapters_ask(self, group: list[ChapterPart]) -> None:
        backend, usage = self.backend, self.usage
        if len(group) == 1 or any(part.chapter is None for part in group):
            for part in group:
                said = backend.fit(part.said, usage)
                if part.chapter is not None:
                    prompt = chapter_prompt(self.facts, part.chapter, said)
                else:
                    prompt = piece_prompt(self.facts, part.heading, said)
                self._finished(
                    part.key, backend._part("chapter_points", prompt, usage, STATIC_CHECKS["chapter_points"])
                )
            return
        chapters = [part.chapter for part in group if part.chapter is not None]
        stretches = [backend.fit(part.said, usage) for part in group]
        times = [part.time_label for part in group]
        data = backend._part(
            "chapters_points",
            chapters_prompt(self.facts, chapters, stretches),
            usage,
            chapters_points_check(times),
            items=PART_ITEMS["chapter_points"] * len(group),
        )
        answered = {str(item["time"]).strip("[] "): item for item in data["chapters"]}
        for part in group:
            self._finished(part.key, {"points": answered[part.time_label]["points"]})

    def sections_write(self) -> None:
        digest = self.draft.digest() or self.material.description
        material_text = "\n".join(
            [self.material.title, self.material.description, self.material.material, self.material.transcript]
            + [chapter.title for chapter in self.material.chapters]
        )
        for name, (schema, task) in SECTION_ASKS.items():
            key = f"section:{name}"
            if key in self.draft.done:
                continue
            check = key_terms_check(material_text) if schema == "key_terms" else STATIC_CHECKS[schema]
            try:
                self._check_time()
                prompt = section_prompt(self.facts, self.backend.fit(digest, self.usage), task)
                self._finished(key, self.backend._part(schema, prompt, self.usage, check))
            except (_PartFailed, _OutOfTime):
                self.failed += 1

    def result(self) -> GenerationResult:
        draft = self.draft
        if not any(key.startswith(("chapter:", "piece:", "section:")) for key in draft.done):
            raise TransientBackendError(f"none of the {self.failed} parts came back in the agreed shape")
        if any(f"section:{name}" not in draft.done for name in SECTION_ASKS):
            draft.offline.update(markdown_sections(StudyGuideBackend().generate(self.material).markdown))
        markdown = draft.markdown(final=True)
        problems = explanation_shape_problems(markdown, self.material)
        if problems:  # cannot happen with the parts assembled here; a guard for future edits
            raise TransientBackendError(f"the assembled explanation lacks the agreed shape: {'; '.join(problems)}")
        if self.on_progress is not None and self.on_part is None:
            self.on_progress(markdown)
        usage = self.usage
        return GenerationResult(
            markdown=markdown,
            backend=self.backend.name,
            model=usage.model or self.backend.model,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost=self.backend.cost(usage),
        )
