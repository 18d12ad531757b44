"""Ask the tutor, through the API and the services, with the worker's step called in the test: who may ask, what
is free, what is held and captured or returned, idempotency, limits, and recovery of questions no worker took."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from credits.models import Hold
from credits.selectors import wallet_summary
from tests.factories import LearnerWithCreditsFactory
from tests.threads import at_once
from tests.tutor.conftest import ALWAYS_FAILS
from tutor import services
from tutor.exceptions import QuestionRateLimited
from tutor.models import Question, QuestionStatus
from tutor.services.concepts import concepts_refresh

pytestmark = pytest.mark.django_db

UNIVERSAL = "What is a Universal Transformer?"
FRANCE = "What is the capital of France?"


@pytest.fixture(autouse=True)
def sent(quick_backend, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    monkeypatch.setattr("tutor.services.questions._answer_send", sent.append)
    return sent


@pytest.fixture
def seed(paper_catalog):
    concepts_refresh()
    return paper_catalog["seed"]


@pytest.fixture
def api(client, learner, seed):
    services.unlock(user=learner, lesson=seed, idempotency_key="unlock")
    client.force_login(learner)
    return client


def ask(client, slug, question, key=None):
    return client.post(
        f"/api/v1/lessons/{slug}/questions",
        {"question": question},
        content_type="application/json",
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def answer_all():
    for question_id in Question.objects.filter(status=QuestionStatus.QUEUED).values_list("pk", flat=True):
        services.question_answer(question_id=question_id)


def test_a_question_is_accepted_202_free_and_answered_with_a_citation_of_a_linked_lesson(api, seed):
    response = ask(api, seed.slug, UNIVERSAL)
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["charged"]) == ("queued", 0)

    answer_all()
    detail = api.get(f"/api/v1/questions/{body['id']}").json()

    assert (detail["status"], detail["found"], detail["charged"], detail["question"]) == ("ready", True, 0, UNIVERSAL)
    citation = detail["citations"][0]
    assert citation["lesson"] == "universal-transformers"
    assert citation["url"] == "/lessons/universal-transformers/"
    assert "Universal Transformer" in citation["text"]
    assert citation["text"] in detail["answer_markdown"]
    assert 'href="/lessons/universal-transformers/"' in detail["answer_html"]


def test_a_question_the_material_does_not_cover_is_found_false_and_charged_nothing(api, seed, learner):
    for number in range(3):
        ask(api, seed.slug, f"Question {number} about Universal Transformers?")
    answer_all()
    before = wallet_summary(user=learner)

    question_id = ask(api, seed.slug, FRANCE).json()["id"]
    assert wallet_summary(user=learner).available == before.available - 5  # held while it is answered
    answer_all()
    detail = api.get(f"/api/v1/questions/{question_id}").json()

    assert (detail["found"], detail["charged"], detail["citations"]) == (False, 0, [])
    assert "does not cover this question" in detail["answer_markdown"]
    after = wallet_summary(user=learner)
    assert (after.balance, after.available) == (before.balance, before.available)
    assert Hold.objects.get(tutor_question__pk=question_id).status == Hold.Status.RELEASED


def test_three_questions_are_free_and_the_fourth_holds_and_captures_five_once_under_a_double_submit(api, seed, learner):
    for number in range(3):
        assert ask(api, seed.slug, f"What about Universal Transformers, part {number}?").json()["charged"] == 0
    answer_all()
    balance = wallet_summary(user=learner).balance

    first = ask(api, seed.slug, UNIVERSAL, key="fourth")
    again = ask(api, seed.slug, UNIVERSAL, key="fourth")
    answer_all()

    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["charged"] == 5
    assert Question.objects.filter(user=learner).count() == 4
    assert Hold.objects.filter(tutor_question__user=learner, status=Hold.Status.CAPTURED).count() == 1
    assert wallet_summary(user=learner).balance == balance - 5
    assert api.get(f"/api/v1/questions/{first.json()['id']}").json()["charged"] == 5


def test_a_key_reused_for_another_question_is_refused_409(api, seed):
    ask(api, seed.slug, UNIVERSAL, key="same")
    assert ask(api, seed.slug, FRANCE, key="same").status_code == 409


def test_another_learner_gets_404_on_my_question_and_sees_only_their_own_list(api, seed, other_learner):
    question_id = ask(api, seed.slug, UNIVERSAL).json()["id"]
    other = Client()
    other.force_login(other_learner)

    assert other.get(f"/api/v1/questions/{question_id}").status_code == 404
    assert other.get(f"/api/v1/lessons/{seed.slug}/questions").json() == []
    assert [item["id"] for item in api.get(f"/api/v1/lessons/{seed.slug}/questions").json()] == [question_id]


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_an_empty_or_too_long_question_is_400_and_nothing_is_recorded(api, seed, text):
    assert ask(api, seed.slug, text).status_code == 400
    assert not Question.objects.exists()


def test_a_learner_who_did_not_unlock_gets_403(seed, other_learner):
    client = Client()
    client.force_login(other_learner)
    assert ask(client, seed.slug, UNIVERSAL).status_code == 403


def test_asking_needs_sign_in_and_a_key(client, seed):
    assert ask(client, seed.slug, UNIVERSAL).status_code == 401


def test_the_hourly_limit_answers_429(api, seed, settings):
    settings.TUTOR_QUESTIONS_PER_HOUR = 2
    assert [ask(api, seed.slug, UNIVERSAL).status_code for _ in range(3)] == [202, 202, 429]


def test_a_question_without_enough_credits_is_402_and_holds_nothing(seed, settings):
    settings.TUTOR_FREE_QUESTIONS = 0
    poor = LearnerWithCreditsFactory(credits=32)
    services.unlock(user=poor, lesson=seed, idempotency_key="unlock")
    client = Client()
    client.force_login(poor)

    response = ask(client, seed.slug, UNIVERSAL)

    assert response.status_code == 402
    assert response.json()["price"] == 5
    assert not Question.objects.exists()


def test_a_question_no_worker_took_is_sent_again_by_the_sweep_and_answered_once(api, seed, sent, settings):
    question_id = ask(api, seed.slug, UNIVERSAL).json()["id"]
    sent.clear()
    assert services.questions_recover() == 0  # just asked: its message may still be on its way

    later = timezone.now() + timedelta(seconds=settings.TUTOR_QUESTION_REQUEUE_SECONDS + 1)
    assert services.questions_recover(now=later) == 1
    assert sent == [question_id]

    assert services.question_answer(question_id=question_id) == services.questions.ANSWERED
    assert services.question_answer(question_id=question_id) == services.questions.SKIPPED


def test_an_answer_can_be_rated_and_reported_by_its_learner(api, seed, learner):
    question_id = ask(api, seed.slug, UNIVERSAL).json()["id"]
    answer_all()
    question = Question.objects.get(pk=question_id)

    services.question_rate(user=learner, question=question, stars=4)
    services.question_report(user=learner, question=question, reason="unclear", comment="Too short")

    question.refresh_from_db()
    assert (question.stars, question.report_reason, question.report_comment) == (4, "unclear", "Too short")


def test_the_explanation_of_a_failed_unlock_says_failed_and_returned_instead_of_403(client, seed, learner, settings):
    settings.TUTOR_BACKEND = ALWAYS_FAILS
    result = services.unlock(user=learner, lesson=seed, idempotency_key="doomed")
    services.explanation_write(explanation_id=result.explanation.pk, claimant="t", final_attempt=True)
    client.force_login(learner)

    response = client.get(f"/api/v1/lessons/{seed.slug}/explanation")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["returned"]) == ("failed", 30)
    assert "returned" in body["detail"]
    retry = client.post(f"/api/v1/lessons/{seed.slug}/unlock", headers={"Idempotency-Key": "retry"})
    assert retry.status_code == 201
    assert wallet_summary(user=learner).available == 70


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submits_of_the_fourth_question_hold_five_once(paper_catalog, settings):
    settings.TUTOR_FREE_QUESTIONS = 0
    learner = LearnerWithCreditsFactory(credits=100)
    services.unlock(user=learner, lesson=paper_catalog["seed"], idempotency_key="unlock")
    outcomes = at_once(
        10,
        lambda: (
            services.question_ask(
                user=learner, lesson=paper_catalog["seed"], text=UNIVERSAL, idempotency_key="double"
            ).question.pk
        ),
    )

    assert len(outcomes) == 10
    assert len(set(outcomes)) == 1
    assert Hold.objects.filter(tutor_question__isnull=False).count() == 1
    assert wallet_summary(user=learner).available == 100 - 30 - 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_questions_at_once_over_four_lessons_accept_exactly_the_hourly_limit(paper_catalog, settings):
    """The limit is per learner, not per lesson: questions on different lessons counted each other only by luck."""
    settings.TUTOR_QUESTIONS_PER_HOUR = 20
    learner = LearnerWithCreditsFactory(credits=1000)
    lessons = list(paper_catalog.values())
    assert len(lessons) == 4
    for lesson in lessons:
        services.unlock(user=learner, lesson=lesson, idempotency_key=f"unlock-{lesson.pk}")
    turns = iter(range(40))

    def ask_one() -> str:
        turn = next(turns)
        try:
            services.question_ask(
                user=learner, lesson=lessons[turn % 4], text=f"{UNIVERSAL} ({turn})", idempotency_key=f"q-{turn}"
            )
        except QuestionRateLimited:
            return "limited"
        return "accepted"

    outcomes = at_once(40, ask_one)

    assert sorted(map(str, outcomes)) == ["accepted"] * 20 + ["limited"] * 20
    assert Question.objects.filter(user=learner).count() == 20
    charged = Hold.objects.filter(tutor_question__isnull=False).count()
    assert wallet_summary(user=learner).available == 1000 - 4 * 30 - charged * 5


def test_with_the_openai_backend_the_model_answers_from_the_retrieved_passages_only(api, seed, settings):
    from tests.tutor.chat_server import ChatServer

    with ChatServer() as server:
        settings.TUTOR_BACKEND = "openai"
        settings.TUTOR_BASE_URL = server.base_url
        settings.TUTOR_MODEL = "small-local-model"
        found_id = ask(api, seed.slug, UNIVERSAL).json()["id"]
        missing_id = ask(api, seed.slug, FRANCE).json()["id"]
        answer_all()
        prompts = [request["messages"][1]["content"] for request in server.requests]

    found = api.get(f"/api/v1/questions/{found_id}").json()
    assert found["found"] is True
    assert found["answer_markdown"].startswith("The passages say it reuses one block.")
    assert found["citations"][0]["text"] in found["answer_markdown"]
    assert found["citations"][0]["text"] in prompts[0]
    assert len(prompts) == 1  # France matched no passage: the model was not even asked
    assert api.get(f"/api/v1/questions/{missing_id}").json()["found"] is False


def test_every_citation_of_a_found_answer_carries_its_moment_url_and_origin(api, seed):
    question_id = ask(api, seed.slug, "What do they mean by loops at 1:17?").json()["id"]
    answer_all()
    detail = api.get(f"/api/v1/questions/{question_id}").json()

    assert detail["found"] is True
    for citation in detail["citations"]:
        assert {"lesson", "start_seconds", "url", "text", "origin", "chapter", "lesson_title", "linked"} <= set(
            citation
        )
        assert citation["url"]
    chapter = next(citation for citation in detail["citations"] if citation["start_seconds"] == 77)
    assert chapter["url"].endswith("&t=77s")
    assert 'href="https://www.youtube.com/watch?v=Bo19sXssYXI&amp;t=77s"' in detail["answer_html"]
    own = [citation for citation in detail["citations"] if not citation["linked"]]
    assert {citation["origin"] for citation in own} <= {"description", "chapter"}
    linked = [citation for citation in detail["citations"] if citation["linked"]]
    assert all(citation["origin"] == "abstract" and citation["url"].startswith("/lessons/") for citation in linked)


def test_a_question_only_a_linked_lesson_answers_says_so_and_returns_the_price(api, seed, learner):
    for number in range(3):
        ask(api, seed.slug, f"Question {number} about Universal Transformers?")
    answer_all()
    before = wallet_summary(user=learner)

    question_id = ask(api, seed.slug, "How does adaptive computation time decide when to stop?").json()["id"]
    answer_all()
    detail = api.get(f"/api/v1/questions/{question_id}").json()

    assert (detail["found"], detail["charged"]) == (False, 0)
    assert detail["answer_markdown"].startswith("The lesson's own material does not cover this question")
    assert detail["citations"]
    assert all(citation["linked"] for citation in detail["citations"])
    assert detail["citations"][0]["lesson"] == "universal-transformers"
    assert wallet_summary(user=learner).available == before.available
    assert Hold.objects.get(tutor_question__pk=question_id).status == Hold.Status.RELEASED
