"""What an OpenAI-compatible server can do, asked with one tiny request per capability: plain chat, streaming, usage
in the stream, `json_schema` and `json_object` response formats; and how fast it writes. `manage.py tutor_check`
prints it for an operator."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tutor.backends.base import PermanentBackendError, TransientBackendError
from tutor.backends.chat_calls import JSON_OBJECT, JSON_SCHEMA, TEXT, Answer, ChatCaller, format_learn

PROBE_PROMPT = 'Lesson title: Loops in models\n\nWrite one short line that starts with "Learn".'
CHAT_PROMPT = "In one sentence, what is a loop in a computer program?"
PROBE_MAX_TOKENS = 48


@dataclass
class Probe:
    capability: str
    supported: bool
    detail: str  # what was seen: the answer's start, or the error
    seconds: float = 0.0


@dataclass
class ServerReport:
    base_url: str
    model: str  # as the server names it
    probes: list[Probe] = field(default_factory=list)
    tokens_per_second: float = 0.0
    first_token_seconds: float | None = None

    @property
    def best_form(self) -> str:
        supported = {probe.capability for probe in self.probes if probe.supported}
        return next((form for form in (JSON_SCHEMA, JSON_OBJECT) if form in supported), TEXT)

    def supports(self, capability: str) -> bool:
        return any(probe.capability == capability and probe.supported for probe in self.probes)


def server_check(*, base_url: str | None, api_key: str | None, model: str, timeout: float) -> ServerReport:
    """Ask the server once per capability; remembers the best response format it found for this process."""
    caller = ChatCaller(base_url=base_url, api_key=api_key, model=model, timeout=timeout, stream=False, temperature=0)
    report = ServerReport(base_url=caller.base_url, model=model)
    plain = {
        "model": model,
        "messages": [{"role": "user", "content": CHAT_PROMPT}],
        "max_tokens": PROBE_MAX_TOKENS,
        "temperature": 0,
    }

    whole = _probe(report, "chat", lambda: caller.send(dict(plain), stream=False))
    streamed = _probe(report, "streaming", lambda: caller.send(dict(plain), stream=True))
    if streamed is not None:
        report.first_token_seconds = streamed.first_token_seconds
        usage = not streamed.estimated
        report.probes.append(
            Probe("usage", usage, "sent in the stream" if usage else "none sent: tokens are counted by the tutor")
        )
        # The writing speed: tokens after the first one, over the time after it (prompt and warm-up left out).
        writing = streamed.seconds - (streamed.first_token_seconds or 0)
        if writing > 0 and streamed.completion_tokens > 1:
            report.tokens_per_second = (streamed.completion_tokens - 1) / writing
    if not report.tokens_per_second and whole is not None and whole.seconds:
        report.tokens_per_second = whole.completion_tokens / whole.seconds
    for form in (JSON_SCHEMA, JSON_OBJECT):
        request = caller.request("summary_line", PROBE_PROMPT, form=form, max_tokens=PROBE_MAX_TOKENS * 2)
        answer = _probe(report, form, lambda request=request: caller.send(request, stream=False))
        if answer is not None and not _is_json_object(answer.text):
            report.probes[-1] = Probe(form, False, f"accepted, but answered no JSON object: {answer.text[:60]!r}")
    format_learn(report.base_url, report.best_form)
    return report


def _probe(report: ServerReport, capability: str, send: object) -> Answer | None:
    try:
        answer = send()  # type: ignore[operator]
    except (TransientBackendError, PermanentBackendError) as error:
        report.probes.append(Probe(capability, False, str(error)[:160]))
        return None
    if not answer.text.strip():
        report.probes.append(Probe(capability, False, "answered with no text", answer.seconds))
        return None
    report.model = answer.model or report.model
    report.probes.append(Probe(capability, True, " ".join(answer.text.split())[:60], answer.seconds))
    return answer


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False
