"""Ask the tutor on the lesson page: the box under a ready explanation, the question polling until answered, the
answer with its source links, rating and reporting — read as the learner sees it."""

import re
import uuid

import pytest

from tests.lessons.html import visible_text
from tutor import services
from tutor.models import Explanation, Question
from tutor.services.concepts import concepts_refresh

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _quick(quick_backend, monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    monkeypatch.setattr("tutor.services.questions._answer_send", lambda question_id: None)


@pytest.fixture
def seed(paper_catalog, client, learner):
    concepts_refresh()
    seed = paper_catalog["seed"]
    result = services.unlock(user=learner, lesson=seed, idempotency_key="unlock")
    services.explanation_write(explanation_id=result.explanation.pk, claimant="t", final_attempt=True)
    assert Explanation.objects.get(pk=result.explanation.pk).is_ready
    client.force_login(learner)
    return seed


def ask(client, seed, text, **extra):
    return client.post(
        f"/lessons/{seed.slug}/tutor/questions", {"question": text, "idempotency_key": str(uuid.uuid4())}, **extra
    )


def test_a_ready_explanation_offers_the_question_box_with_the_free_questions_left(client, seed):
    page = client.get(seed.get_absolute_url()).content.decode()
    assert '<label for="tutor-question-text">Your question</label>' in page
    assert "3 free questions left with your unlock." in visible_text(page)


def test_an_asked_question_polls_until_answered_then_shows_the_passage_and_its_source(client, seed):
    fragment = ask(client, seed, "What is a Universal Transformer?", **HTMX).content.decode()
    question = Question.objects.get()
    assert f'hx-get="/lessons/{seed.slug}/tutor/questions/{question.pk}"' in fragment
    assert "2 free questions left" in fragment
    assert 'hx-trigger="every 1s"' in fragment

    services.question_answer(question_id=question.pk)
    item = client.get(f"/lessons/{seed.slug}/tutor/questions/{question.pk}", **HTMX).content.decode()

    assert "hx-trigger" not in item
    assert 'href="/lessons/universal-transformers/"' in item
    assert "Universal Transformers" in item
    assert "Rate this answer" in item
    assert "<script" not in item
    assert "style=" not in item


def test_an_empty_question_is_refused_in_the_fragment_and_nothing_is_recorded(client, seed):
    fragment = ask(client, seed, "   ", **HTMX).content.decode()
    assert 'role="alert"' in fragment
    assert not Question.objects.exists()


def test_rating_and_reporting_an_answer_from_the_page(client, seed):
    ask(client, seed, "What is a Universal Transformer?", **HTMX)
    question = Question.objects.get()
    services.question_answer(question_id=question.pk)

    client.post(f"/lessons/{seed.slug}/tutor/questions/{question.pk}/rate", {"stars": "5"}, **HTMX)
    client.post(
        f"/lessons/{seed.slug}/tutor/questions/{question.pk}/report", {"reason": "wrong", "comment": ""}, **HTMX
    )

    question.refresh_from_db()
    assert (question.stars, question.report_reason) == (5, "wrong")


def test_another_learners_question_is_404_on_the_page(client, seed, other_learner):
    ask(client, seed, "What is a Universal Transformer?", **HTMX)
    question = Question.objects.get()
    client.force_login(other_learner)
    assert client.get(f"/lessons/{seed.slug}/tutor/questions/{question.pk}").status_code == 404
    assert re.search("Your question", client.get(seed.get_absolute_url()).content.decode()) is None


def test_each_question_carries_its_own_number_newest_first(client, seed, settings):
    settings.TUTOR_QUESTIONS_PER_HOUR = 20
    for n in range(8):
        ask(client, seed, f"What is a Universal Transformer, take {n}?", **HTMX)
    for question in Question.objects.all()[:4]:
        services.question_answer(question_id=question.pk)  # answered ones carry a "Report a problem" summary

    page = client.get(seed.get_absolute_url()).content.decode()

    values = re.findall(r'<li id="tutor-question-\d+" value="(\d+)"', page)
    assert values == ["8", "7", "6", "5", "4", "3", "2", "1"]
    newest = Question.objects.order_by("-id").first()
    polled = client.get(f"/lessons/{seed.slug}/tutor/questions/{newest.pk}", **HTMX).content.decode()
    assert f'<li id="tutor-question-{newest.pk}" value="8"' in polled


def test_a_not_covered_answer_gives_its_free_question_back_in_the_form_at_once(client, seed):
    fragment = ask(client, seed, "What is the recipe for sourdough bread?", **HTMX).content.decode()
    assert "2 free questions left" in fragment
    question = Question.objects.get()

    services.question_answer(question_id=question.pk)
    question.refresh_from_db()
    assert question.found is False
    item = client.get(f"/lessons/{seed.slug}/tutor/questions/{question.pk}", **HTMX).content.decode()

    assert re.search(r'<p class="muted" id="tutor-question-price" hx-swap-oob="true">\s*3 free questions left', item)
