"""Calls to an OpenAI-compatible chat-completions server: what the server can do, one part per call, and sorting what
goes wrong into worth-retrying and not.

Structured output is asked for in the best form the server takes, learned per base URL and remembered for the
process: `json_schema` (constrained by the schema), else `json_object` with the schema written in the prompt, else
plain text with the schema in the prompt, read by a lenient parser. A server that refuses a form (a 4xx, or a 5xx
whose message names the response format, as llama-cpp-python's server answers `json_schema`) is asked again at once
in the next form and never asked in the refused one again.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openai

from tutor.backends.base import PermanentBackendError, TransientBackendError
from tutor.backends.chat_prompts import PART_ITEMS, SCHEMAS, schema_in_words, system_prompt

try:  # the openai client's HTTP library: httpx2 from openai 3, httpx before it
    import httpx2 as _http
except ImportError:  # pragma: no cover - depends on the installed openai
    import httpx as _http  # type: ignore[no-redef]

JSON_SCHEMA, JSON_OBJECT, TEXT = "json_schema", "json_object", "text"
FORMATS = (JSON_SCHEMA, JSON_OBJECT, TEXT)
# Statuses the server may answer differently next time (openai's own client retries the same ones).
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# An error that names the response format: the server cannot do that form, it is not down.
_FORMAT_REFUSAL = re.compile(r"response_format|json_schema|json_object|json schema|grammar|schema", re.IGNORECASE)
# Statuses a server answers a request it cannot do (not a key or a route it does not know).
_REFUSING_STATUSES = frozenset({400, 415, 422})
# About four characters a token: for counting usage when the server sends none.
CHARS_PER_TOKEN = 4
# Room for the JSON around the items of a part, in tokens.
PART_TOKENS_OVERHEAD = 48

_formats: dict[str, str] = {}  # base URL → the best form it took; the probe's answer, cached for the process
_formats_lock = threading.Lock()


def format_known(base_url: str) -> str:
    with _formats_lock:
        return _formats.get(base_url, JSON_SCHEMA)


def format_learn(base_url: str, form: str) -> None:
    with _formats_lock:
        _formats[base_url] = form


def formats_forget() -> None:
    """Forget what every server could do (a server was upgraded; the tests start from nothing)."""
    with _formats_lock:
        _formats.clear()


class CallTimedOutError(TransientBackendError):
    """One call took longer than TUTOR_TIMEOUT_SECONDS; the server may be slow rather than down."""


class StreamBrokenError(TransientBackendError):
    """The connection dropped mid-answer; asking again may well work."""


class FormatRefusedError(PermanentBackendError):
    """The server refused the response format it was asked for."""


@dataclass
class Usage:
    """Tokens and time over every call of one explanation or answer."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    calls: int = 0
    seconds: float = 0.0
    estimated: bool = False  # some call's usage was counted here (the server sent none)

    def add(self, answer: Answer) -> None:
        self.calls += 1
        self.prompt_tokens += answer.prompt_tokens
        self.completion_tokens += answer.completion_tokens
        self.model = answer.model or self.model
        self.seconds += answer.seconds
        self.estimated = self.estimated or answer.estimated

    @property
    def seconds_per_call(self) -> float:
        return self.seconds / self.calls if self.calls else 0.0


@dataclass
class Answer:
    text: str = ""
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    seconds: float = 0.0
    estimated: bool = False
    first_token_seconds: float | None = None
    form: str = JSON_SCHEMA  # how the answer was asked for


def tokens_estimate(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def part_max_tokens(schema: str, tokens_per_item: int, items: int | None = None) -> int:
    """The most a part may write: the items it asks for times tokens per item, and the JSON around them. Without a
    limit a small model that repeats itself writes until the call times out."""
    count = items if items is not None else PART_ITEMS.get(schema, 5)
    return count * tokens_per_item + PART_TOKENS_OVERHEAD


class ChatCaller:
    """One server: sends a part's request in the best form the server takes, streamed or whole."""

    def __init__(
        self, *, base_url: str | None, api_key: str | None, model: str, timeout: float, stream: bool, temperature: float
    ) -> None:
        self.base_url = base_url or "https://api.openai.com/v1"
        self.model = model
        self.timeout = float(timeout)
        self.stream = stream
        self.temperature = temperature
        # Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one.
        # Retries are ours (a part) and the Celery task's (the rest): the client's own would multiply timeouts.
        self.client = openai.OpenAI(
            base_url=base_url or None, api_key=api_key or "unused", timeout=self.timeout, max_retries=0
        )

    @property
    def form(self) -> str:
        return format_known(self.base_url)

    def call(
        self, schema: str, prompt: str, *, max_tokens: int | None, form: str | None = None, timeout: float | None = None
    ) -> Answer:
        """One part, in the best form the server takes (stepping down when it refuses one); timeout: shorter than
        TUTOR_TIMEOUT_SECONDS when the whole generation has less time left."""
        form = form or self.form
        while True:
            try:
                answer = self.send(self.request(schema, prompt, form=form, max_tokens=max_tokens), timeout=timeout)
                answer.form = form
                return answer
            except FormatRefusedError:
                lower = FORMATS.index(form) + 1
                if lower >= len(FORMATS):
                    raise
                form = FORMATS[lower]
                format_learn(self.base_url, form)

    def request(self, schema: str, prompt: str, *, form: str, max_tokens: int | None) -> dict[str, Any]:
        if form != JSON_SCHEMA:
            prompt += schema_in_words(schema)
        messages = [{"role": "system", "content": system_prompt(schema)}, {"role": "user", "content": prompt}]
        request: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if max_tokens:
            request["max_tokens"] = max_tokens
        if form == JSON_SCHEMA:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema, "schema": SCHEMAS[schema], "strict": True},
            }
        elif form == JSON_OBJECT:
            # llama-cpp-python's server constrains json_object output with a "schema" beside it; others ignore it
            # (or refuse it, and are asked in words).
            request["response_format"] = {"type": "json_object", "schema": SCHEMAS[schema]}
        return request

    def send(self, request: dict[str, Any], *, stream: bool | None = None, timeout: float | None = None) -> Answer:
        started = time.monotonic()
        limit = min(self.timeout, timeout) if timeout is not None else self.timeout
        streamed = self.stream if stream is None else stream
        answer = self._streamed(request, started, limit) if streamed else self._whole(request, limit)
        answer.seconds = time.monotonic() - started
        if not answer.prompt_tokens and not answer.completion_tokens:
            # The server sent no usage (it ignored stream_options): count it ourselves, roughly.
            answer.prompt_tokens = sum(tokens_estimate(str(m["content"])) for m in request["messages"])
            answer.completion_tokens = tokens_estimate(answer.text)
            answer.estimated = True
        return answer

    def _streamed(self, request: dict[str, Any], started: float, limit: float) -> Answer:
        deadline = started + limit
        answer = Answer()
        written: list[str] = []
        with self._server_errors(request):
            stream = self.client.chat.completions.create(
                **request, stream=True, stream_options={"include_usage": True}, timeout=limit
            )
        with stream:
            chunks = iter(stream)
            while True:
                with self._server_errors(request):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                # The client's timeout bounds each wait for a chunk; this bounds the whole answer.
                if time.monotonic() > deadline:
                    raise CallTimedOutError(f"the model server did not finish within {limit:g} s")
                answer.model = chunk.model or answer.model
                if chunk.usage is not None:
                    answer.prompt_tokens = chunk.usage.prompt_tokens or 0
                    answer.completion_tokens = chunk.usage.completion_tokens or 0
                for choice in chunk.choices or ():
                    answer.finish_reason = choice.finish_reason or answer.finish_reason
                    if choice.delta is not None and choice.delta.content:
                        if answer.first_token_seconds is None:
                            answer.first_token_seconds = time.monotonic() - started
                        written.append(choice.delta.content)
        answer.text = "".join(written)
        return answer

    def _whole(self, request: dict[str, Any], limit: float) -> Answer:
        with self._server_errors(request):
            completion = self.client.chat.completions.create(**request, timeout=limit)
        answer = Answer(model=completion.model)
        if completion.usage is not None:
            answer.prompt_tokens = completion.usage.prompt_tokens or 0
            answer.completion_tokens = completion.usage.completion_tokens or 0
        if completion.choices:
            answer.text = completion.choices[0].message.content or ""
            answer.finish_reason = completion.choices[0].finish_reason
        return answer

    @contextmanager
    def _server_errors(self, request: dict[str, Any]) -> Iterator[None]:
        """Sort what can go wrong in talking to the server into worth-retrying and not."""
        try:
            yield
        except openai.APITimeoutError as error:
            raise CallTimedOutError(f"the model server did not answer within {self.timeout:g} s") from error
        except openai.APIConnectionError as error:
            if isinstance(error.__cause__, _http.RemoteProtocolError | _http.ReadError):
                raise StreamBrokenError(f"the model server dropped the connection: {error.__cause__!r}") from error
            raise TransientBackendError(f"cannot reach the model server: {error}") from error
        except openai.APIStatusError as error:
            message = f"the model server answered {error.status_code}: {error.message}"
            refused_form = "response_format" in request and (
                error.status_code in _REFUSING_STATUSES or _FORMAT_REFUSAL.search(_error_text(error)) is not None
            )
            if refused_form:
                raise FormatRefusedError(message) from error
            if error.status_code in RETRYABLE_STATUSES or error.status_code >= 500:
                raise TransientBackendError(message) from error
            raise PermanentBackendError(message) from error
        except openai.APIError as error:  # an error event in the stream, or an answer unlike what the API promises
            raise StreamBrokenError(f"the model server sent a broken answer: {error}") from error
        except (_http.HTTPError, json.JSONDecodeError) as error:  # the connection or a chunk broke mid-stream
            raise StreamBrokenError(f"the model server's stream broke off: {error!r}") from error


def _error_text(error: openai.APIStatusError) -> str:
    try:
        return f"{error.message} {error.response.text}"
    except Exception:  # a streamed body already read
        return str(error.message)
