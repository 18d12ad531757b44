"""A small OpenAI-compatible chat-completions server on loopback, standing in for a model server in tests.

It streams Server-Sent Events chunk by chunk as llama.cpp's server does, honours `response_format` json_schema
requests by answering the JSON object the schema names (a small model constrained by a grammar), and can be told to
misbehave: everything malformed, one chapter always malformed, each kind of part malformed once, refuse structured
output (with a 400 like a strict server, or with a 500 naming `response_format` like llama-cpp-python's server), send
no usage, repeat itself until `max_tokens` stops it, answer slowly, trickle, drop the connection mid-answer, or fail
with a status.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWERING_MODEL = "loopback-tutor-1"
MODES = (
    "good",
    "malformed",
    "slow",
    "trickle",
    "wrapped",
    "no_schema",
    "schema_500",
    "text_only",
    "no_usage",
    "runaway",
    "drop",
    "429",
    "500",
    "401",
)
# What llama-cpp-python's server answers a json_schema response_format it cannot turn into a grammar (HTTP 500).
SCHEMA_500_MESSAGE = (
    "1 validation error for CreateChatCompletionRequest\nresponse_format\n  Input should be a valid dictionary or "
    "instance of ChatCompletionRequestResponseFormat [type=model_type, input_value={'type': 'json_schema', ...}]"
)
RUNAWAY_PIECE = "The subject is self-improvement. "
ERROR_STATUSES = {"429": 429, "500": 500, "401": 401}

# The backend lists chapters as "- m:ss Title | link: URL"; a good answer names each one back.
_CHAPTER_LINE = re.compile(r"^- (?P<time>\d+:\d{2}(?::\d{2})?) (?P<title>.+) \| link: (?P<url>\S+)$", re.MULTILINE)


class ChatServer:
    """Answers POST /v1/chat/completions the way `mode` says, and keeps every request body it received."""

    def __init__(self) -> None:
        self.mode = "good"
        self.slow_seconds = 5.0  # "slow": how long before the answer starts
        self.delay_seconds = 0.0  # in any mode: how long every answer takes before it starts (a slow, healthy server)
        self.drop_times = 0  # this many answers, whatever the mode, stop mid-stream with the connection dropped
        self.slow_chapters: set[str] = set()  # chapter titles whose parts take slow_seconds before answering
        self.points: list[str] | None = None  # the points every chapter's part answers, when a test wants its own
        self.garbage: set[str] = set()  # part names answered in the right shape with nothing in it
        self.fail_times = 0  # this many requests, whatever the mode, answer 500 (an outage that passes)
        self.answer_found: bool | None = None  # the "answer" part's found, when a test wants the model to say it
        self.trickle_seconds = 0.15  # "trickle": the pause between streamed chunks
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.bad_chapters: set[str] = set()  # chapter titles whose parts always come back malformed
        self.flaky_once: set[str] = set()  # part names answered malformed the first time each is asked
        self._flaked: set[str] = set()
        self.summary_line = ""  # the "summary_line" part's line, when a test wants a particular (or a bad) one
        self.stopping = threading.Event()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.chat = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, name="chat-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reset(self) -> None:
        self.mode = "good"
        self.slow_seconds = 5.0
        self.delay_seconds = 0.0
        self.drop_times = 0
        self.slow_chapters = set()
        self.points = None
        self.garbage = set()
        self.fail_times = 0
        self.answer_found = None
        self.trickle_seconds = 0.15
        self.requests.clear()
        self.headers.clear()
        self.bad_chapters.clear()
        self.flaky_once.clear()
        self._flaked.clear()
        self.summary_line = ""

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes handlers asleep in "slow" or "trickle"
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_PART_NAME = re.compile(r"JSON object named (\w+)")
_CHAPTER = re.compile(r"^Chapter: (?P<time>\d+:\d{2}(?::\d{2})?) (?P<title>.+)$", re.MULTILINE)
_SECTION = re.compile(r"^Section: (?P<heading>.+)$", re.MULTILINE)


def part_answer(chat: ChatServer, name: str, prompt: str) -> str:
    """The JSON a well-behaved small model would give for one part, or a malformed one when told to."""
    chapter = _CHAPTER.search(prompt)
    if chapter and chapter["title"] in chat.bad_chapters:
        return "Sure! Here are the key points: loops."
    if name in chat.garbage:
        return json.dumps(GARBAGE.get(name, {}))
    if name in chat.flaky_once and name not in chat._flaked:
        chat._flaked.add(name)
        return '{"points": '
    if name in ("chapter_points", "summary"):
        return json.dumps({"points": chat.points or _points(chapter["time"] if chapter else "0:00", prompt)})
    if name == "chapters_points":
        chapters = [
            {"time": match["time"], "points": _points(match["time"], prompt)} for match in _CHAPTER.finditer(prompt)
        ]
        return json.dumps({"chapters": chapters})
    if name == "section_text":
        return json.dumps({"text": "What the material says about the lesson and its loops [0:00]."})
    if name == "key_terms":
        return json.dumps({"terms": [{"term": "loop", "meaning": "Running the same block again [1:17]."}]})
    if name == "questions":
        return json.dumps(
            {"questions": ["What is a loop in a model?", "Why does it matter here?", "How would you check it?"]}
        )
    if name == "summary_line":
        return json.dumps({"line": chat.summary_line or "Learn how a looped model feeds its own output back in."})
    if name == "check_questions":
        return json.dumps({"questions": check_questions(prompt)})
    if name == "answer":
        found = "France" not in prompt if chat.answer_found is None else chat.answer_found
        return json.dumps({"found": found, "answer": "The passages say it reuses one block [1]." if found else ""})
    return json.dumps({"text": "unknown part"})


_NUMBERED_PASSAGE = re.compile(r"^\[(?P<number>\d+)\] (?P<text>.+)$", re.MULTILINE)


def check_questions(prompt: str) -> list[dict[str, Any]]:
    """A small model's check questions: one per numbered passage whose answer is copied from it (so the material
    supports it), one about something no passage says, and one naming a passage that does not exist."""
    questions = []
    for match in list(_NUMBERED_PASSAGE.finditer(prompt))[:3]:
        words = re.findall(r"[A-Za-z][A-Za-z-]+", match["text"])
        if len(words) < 8:
            continue
        about, answer = " ".join(words[1:5]), " ".join(words[5:8])
        questions.append(
            {
                "question": f"In the lesson, what follows {about}?",
                "answer": answer,
                "wrong": ["a lookup table", "a random guess", "a hand-written rule"],
                "passage": int(match["number"]),
                "explanation": f"The lesson says {about} {answer}.",
            }
        )
    questions.append(
        {
            "question": "What is the capital of France?",
            "answer": "Paris",
            "wrong": ["Lyon", "Marseille"],
            "passage": 1,
            "explanation": "Everybody knows that.",
        }
    )
    questions.append({"question": "Which passage is missing?", "answer": "x", "wrong": ["y", "z"], "passage": 99})
    return questions


# What a tiny model answered in the right shape with nothing in it (seen from SmolLM2 and Gemma 3 270M).
GARBAGE: dict[str, dict[str, Any]] = {
    "chapter_points": {"points": ["1", "2", "3", "4", "5"]},
    "section_text": {"text": "pointers"},
    "key_terms": {"terms": [{"term": "1", "meaning": "1"}] + [{"term": "loop", "meaning": "A loop."}] * 7},
    "questions": {"questions": ["What?", "What?", "What?"]},
}


def _points(time_label: str, prompt: str) -> list[str]:
    # One citation of the chapter's own start, one of a moment that is no chapter's; a section names its heading.
    section = _SECTION.search(prompt)
    if section:
        return [f"The section {section['heading']} makes its main point clearly.", "A second point from the section."]
    return [f"The chapter's main point, from the material [{time_label}].", "A second point about it [99:59]."]


def good_answer(prompt: str) -> str:
    """An answer with every agreed section that names every chapter listed in the prompt."""
    chapters = [
        f"### [{match['time']} {match['title']}]({match['url']})\n\n- The chapter's main point, from the material."
        for match in _CHAPTER_LINE.finditer(prompt)
    ]
    return "\n\n".join(
        [
            "## Overview\n\nThe lesson, summarised from its description.",
            "## Chapter by chapter\n\n" + ("\n\n".join(chapters) or "The lesson lists no chapters."),
            "## Key terms\n\n- **term** — what the material says about it.",
            "## Why it matters\n\nWhat the material says about why it matters.",
            "## Check your understanding\n\n1. What is the first question?\n2. And the second?\n3. And a third?",
            "## What to read next\n\nNo related lessons are listed.",
        ]
    )


class _Handler(BaseHTTPRequestHandler):
    server_version = "LoopbackChat/1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    @property
    def chat(self) -> ChatServer:
        return self.server.chat  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        chat = self.chat
        chat.requests.append(body)
        chat.headers.append({key.lower(): value for key, value in self.headers.items()})
        mode = chat.mode
        try:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, "no such route")
            elif chat.fail_times > 0:
                chat.fail_times -= 1
                self._error(500, "the loopback server is restarting")
            elif mode in ERROR_STATUSES:
                self._error(ERROR_STATUSES[mode], f"the loopback server was told to answer {mode}")
            elif mode == "no_schema" and "response_format" in body:
                self._error(400, "response_format is not supported by this server")
            elif mode == "schema_500" and (body.get("response_format") or {}).get("type") == "json_schema":
                self._error(500, SCHEMA_500_MESSAGE)
            elif mode == "text_only" and "response_format" in body:
                self._error(500, "Unsupported response_format: this server writes text only")
            else:
                if mode == "slow" and chat.stopping.wait(chat.slow_seconds):
                    return
                if chat.delay_seconds and chat.stopping.wait(chat.delay_seconds):
                    return
                prompt = next((m["content"] for m in body.get("messages", []) if m.get("role") == "user"), "")
                chapter = _CHAPTER.search(prompt)
                if chapter and chapter["title"] in chat.slow_chapters and chat.stopping.wait(chat.slow_seconds):
                    return
                system = next((m["content"] for m in body.get("messages", []) if m.get("role") == "system"), "")
                schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
                named = _PART_NAME.search(system)
                part = schema or (named.group(1) if named else None)
                answer = part_answer(chat, part, prompt) if part else good_answer(prompt)
                if mode == "malformed":
                    answer = "## Overview\n\nThis answer is no JSON at all."
                elif mode == "wrapped":
                    answer = f"<think>The user wants a study guide.</think>\n```markdown\n{answer}\n```"
                elif mode == "text_only" and part in ("chapter_points", "summary"):
                    # A model asked in words: a list, not JSON.
                    answer = "\n".join(f"- {point}" for point in json.loads(answer)["points"])
                elif mode == "runaway":
                    self._runaway(body)
                    return
                if chat.drop_times > 0:
                    chat.drop_times -= 1
                    self._drop(answer)
                    return
                if body.get("stream"):
                    self._stream(body, answer, prompt)
                else:
                    self._whole(answer, prompt)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, as the timeout tests want it to

    def _runaway(self, body: dict[str, Any]) -> None:
        """A small model repeating itself: it writes until max_tokens (one word a token here) stops it, or for
        ever (until the client hangs up) without one."""
        limit = body.get("max_tokens")
        pieces = 10_000 if limit is None else max(1, int(limit) // len(RUNAWAY_PIECE.split()))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self._event(
            _chunk([{"index": 0, "delta": {"role": "assistant", "content": '{"points": ["'}, "finish_reason": None}])
        )
        for _ in range(pieces):
            self._event(_chunk([{"index": 0, "delta": {"content": RUNAWAY_PIECE}, "finish_reason": None}]))
            if self.chat.stopping.wait(0.001):
                return
        self._event(_chunk([{"index": 0, "delta": {}, "finish_reason": "length"}]))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _drop(self, answer: str) -> None:
        """Start the answer, then close the connection without ending it (a server restarted mid-answer)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self._event(
            _chunk([{"index": 0, "delta": {"role": "assistant", "content": answer[:10]}, "finish_reason": None}])
        )
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _whole(self, answer: str, prompt: str) -> None:
        self._json(
            200,
            {
                "id": "chatcmpl-loopback",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": ANSWERING_MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
                **({} if self.chat.mode == "no_usage" else {"usage": _usage(prompt, answer)}),
            },
        )

    def _stream(self, body: dict[str, Any], answer: str, prompt: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
        pieces = [answer[start : start + 40] for start in range(0, len(answer), 40)]
        for number, piece in enumerate(pieces):
            delta = {"role": "assistant", "content": piece} if number == 0 else {"content": piece}
            self._event(_chunk([{"index": 0, "delta": delta, "finish_reason": None}]))
            if self.chat.mode == "trickle" and self.chat.stopping.wait(self.chat.trickle_seconds):
                return
        self._event(_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        if (body.get("stream_options") or {}).get("include_usage") and self.chat.mode != "no_usage":
            self._event(_chunk([], usage=_usage(prompt, answer)))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": {"message": message, "type": "loopback_error", "code": str(status)}})

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _chunk(choices: list[dict[str, Any]], usage: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": ANSWERING_MODEL,
        "choices": choices,
        "usage": usage,
    }


def _usage(prompt: str, answer: str) -> dict[str, int]:
    # Words stand in for tokens: what matters is that the backend reports the server's numbers.
    prompt_tokens, completion_tokens = len(prompt.split()), len(answer.split())
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
