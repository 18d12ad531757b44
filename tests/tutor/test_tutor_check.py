"""manage.py tutor_check against the loopback model server: what it reports for each kind of server."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.tutor.chat_server import ChatServer
from tutor.backends.chat_calls import format_known, formats_forget


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def server(chat_server):
    chat_server.reset()
    formats_forget()
    return chat_server


def check(server: ChatServer) -> str:
    out = io.StringIO()
    call_command("tutor_check", base_url=server.base_url, model="m", timeout=5, stdout=out)
    return out.getvalue()


def lines(output: str) -> dict[str, str]:
    return {line.split()[0]: line.split()[1] for line in output.splitlines() if line.startswith("  ")}


def test_a_server_that_does_everything_is_reported_so_with_its_speed(server):
    output = check(server)

    assert lines(output) == {
        "chat": "yes",
        "streaming": "yes",
        "usage": "yes",
        "json_schema": "yes",
        "json_object": "yes",
    }
    assert "tokens/s" in output
    assert "The tutor will ask for: json_schema" in output
    kinds = [(request.get("response_format") or {}).get("type") for request in server.requests]
    assert kinds == [None, None, "json_schema", "json_object"]  # one tiny request per capability
    assert all(request["max_tokens"] <= 96 for request in server.requests)


def test_a_llama_cpp_python_server_is_reported_without_json_schema_and_the_tutor_steps_down(server):
    server.mode = "schema_500"

    output = check(server)

    assert lines(output)["json_schema"] == "no"
    assert lines(output)["json_object"] == "yes"
    assert "answered 500" in output
    assert "The tutor will ask for: json_object" in output
    assert format_known(server.base_url) == "json_object"


def test_a_server_without_usage_in_the_stream_is_reported(server):
    server.mode = "no_usage"

    assert lines(check(server))["usage"] == "no"


def test_a_server_that_is_down_fails_the_check():
    with pytest.raises(CommandError, match="did not answer a plain chat request"):
        call_command("tutor_check", base_url="http://127.0.0.1:9/v1", model="m", timeout=2, stdout=io.StringIO())
