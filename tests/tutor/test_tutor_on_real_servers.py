"""What a real model server taught the tutor, end to end with the database: parts kept across attempts and shown as
they are written, credits returned before "failed" is shown, and questions answered from the material's quotes when
the model server is down or says it found nothing."""

from __future__ import annotations

import socket
import uuid

import pytest

from credits.models import Hold
from credits.selectors import wallet_summary
from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory
from tests.tutor.chat_server import ChatServer
from tests.tutor.conftest import ALWAYS_FAILS
from tutor import services
from tutor.backends.chat_calls import formats_forget
from tutor.exceptions import GenerationRetry
from tutor.models import Explanation, ExplanationStatus, Question, QuestionStatus, Unlock, UnlockStatus

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=realserver1"
TRANSCRIPT = """WEBVTT

00:00:03.000 --> 00:00:08.000
Welcome to a short lesson about recurrent depth in transformers.

00:01:20.000 --> 00:01:30.000
A looped transformer feeds its own output back in as the next input, again and again.

00:14:10.000 --> 00:14:20.000
Model collapse happens when a model is trained on a previous model's generated text for many rounds.
"""


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def server(chat_server, settings):
    chat_server.reset()
    formats_forget()
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = chat_server.base_url
    settings.TUTOR_MODEL = "small-local-model"
    settings.TUTOR_TIMEOUT_SECONDS = 1
    return chat_server


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    monkeypatch.setattr("tutor.services.questions._answer_send", sent.append)
    return sent


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(
        title="Looped transformers and model collapse",
        description="A lesson about looped transformers. It also explains model collapse.",
        external_url=VIDEO,
        kind="youtube",
        transcript=TRANSCRIPT,
    )
    for start, title in ((0, "Intro"), (77, "Looped transformers"), (846, "What is model collapse?")):
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    return lesson


def test_a_part_that_times_out_keeps_the_written_parts_on_screen_and_the_retry_asks_only_for_the_rest(
    server, sent, lesson
):
    learner = LearnerWithCreditsFactory(credits=100)
    explanation = services.unlock(user=learner, lesson=lesson, idempotency_key="k").explanation
    server.slow_chapters = {"What is model collapse?"}
    server.slow_seconds = 2.0

    with pytest.raises(GenerationRetry, match="within 1 s"):
        services.explanation_write(explanation_id=explanation.pk, claimant="task-1", final_attempt=False)

    explanation.refresh_from_db()
    assert explanation.status == ExplanationStatus.PENDING
    assert set(explanation.parts) == {"chapter:0", "chapter:77"}
    assert "Looped transformers]" in explanation.partial_markdown  # what the learner's page shows meanwhile
    server.slow_chapters.clear()
    server.requests.clear()

    outcome = services.explanation_write(explanation_id=explanation.pk, claimant="task-1", final_attempt=False)

    explanation.refresh_from_db()
    assert outcome == "ready"
    assert len(server.requests) == 5  # the third chapter and the four sections; the first two were kept
    assert "### [0:00 Intro]" in explanation.markdown
    assert explanation.parts == {}
    assert Unlock.objects.get(user=learner).status == UnlockStatus.CHARGED


def test_the_credits_are_returned_before_the_explanation_reads_failed(sent, lesson, settings, monkeypatch):
    from tutor.services import unlocks

    settings.TUTOR_BACKEND = ALWAYS_FAILS
    learner = LearnerWithCreditsFactory(credits=100)
    explanation = services.unlock(user=learner, lesson=lesson, idempotency_key="k").explanation
    seen_at_release: list[str] = []
    real_release = unlocks.hold_release

    def release(*, hold, reason):
        seen_at_release.append(Explanation.objects.get(pk=explanation.pk).status)
        return real_release(hold=hold, reason=reason)

    monkeypatch.setattr(unlocks, "hold_release", release)

    outcome = services.explanation_write(explanation_id=explanation.pk, claimant="t", final_attempt=True)

    assert outcome == "failed"
    assert seen_at_release == [ExplanationStatus.RUNNING]  # the money moved while it still read "being written"
    assert Explanation.objects.get(pk=explanation.pk).status == ExplanationStatus.FAILED
    assert Unlock.objects.get(user=learner).hold.status == Hold.Status.RELEASED
    assert wallet_summary(user=learner).available == 100


# --- Questions ---------------------------------------------------------------------------------------------------


@pytest.fixture
def asker(sent, lesson, settings):
    settings.TUTOR_FREE_QUESTIONS = 0  # every question holds ⚡5, so charging shows
    learner = LearnerWithCreditsFactory(credits=100)
    services.unlock(user=learner, lesson=lesson, idempotency_key="unlock")  # ⚡30 held while it is written
    return learner


def asked(learner, lesson, text: str) -> Question:
    question = services.question_ask(user=learner, lesson=lesson, text=text, idempotency_key=str(uuid.uuid4())).question
    services.question_answer(question_id=question.pk)
    return Question.objects.select_related("hold").get(pk=question.pk)


COLLAPSE = "What is model collapse when a model is trained on generated text?"


def test_when_the_model_says_not_found_the_retrieved_passages_are_the_answer_with_their_moment(server, asker, lesson):
    server.answer_found = False

    question = asked(asker, lesson, COLLAPSE)

    assert (question.status, question.found) == (QuestionStatus.READY, True)
    assert "Model collapse happens when a model is trained" in question.answer_markdown
    assert f"[14:10 What is model collapse?]({VIDEO}&t=850s)" in question.answer_markdown
    assert question.hold.status == Hold.Status.CAPTURED
    assert question.prompt_tokens > 0  # the model was asked: its tokens are stored


def test_a_backend_error_is_retried_and_the_answer_keeps_its_tokens(server, asker, lesson):
    server.fail_times = 1

    question = asked(asker, lesson, COLLAPSE)

    assert len(server.requests) == 2
    assert question.answer_markdown.startswith("The passages say it reuses one block.")
    assert (question.backend, question.model) == ("openai", "loopback-tutor-1")
    assert question.prompt_tokens > 20
    assert question.completion_tokens > 0


def test_usage_is_counted_when_the_server_sends_none(server, asker, lesson):
    server.mode = "no_usage"

    question = asked(asker, lesson, COLLAPSE)

    prompt = server.requests[0]["messages"]
    assert question.prompt_tokens == pytest.approx(sum(len(m["content"]) for m in prompt) / 4, abs=2)


def test_with_the_model_server_down_the_question_gets_the_materials_quotes_and_is_charged(
    sent, asker, lesson, settings
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = f"http://127.0.0.1:{port}/v1"
    settings.TUTOR_MODEL = "m"

    question = asked(asker, lesson, COLLAPSE)

    assert (question.status, question.found, question.backend) == (QuestionStatus.READY, True, "study_guide")
    assert f"({VIDEO}&t=850s)" in question.answer_markdown
    assert question.hold.status == Hold.Status.CAPTURED


def test_with_the_model_server_down_a_question_the_material_does_not_cover_is_not_charged(
    sent, asker, lesson, settings
):
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = "http://127.0.0.1:9/v1"
    settings.TUTOR_MODEL = "m"

    question = asked(asker, lesson, "Which football team does the speaker support?")

    assert (question.status, question.found) == (QuestionStatus.READY, False)
    assert question.hold.status == Hold.Status.RELEASED


def test_offline_a_question_that_only_shares_words_with_the_material_is_not_found_and_not_charged(
    sent, asker, lesson, settings
):
    settings.TUTOR_BACKEND = "study_guide"

    question = asked(asker, lesson, "What did the transformer model eat for breakfast in Paris?")

    assert (question.found, question.citations) == (False, [])
    assert question.hold.status == Hold.Status.RELEASED
    assert wallet_summary(user=asker).available == 100 - 30
