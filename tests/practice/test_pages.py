"""The lesson page's check questions (practice's part of the completion block): answering with htmx or a plain form,
what shows after answering (the explanation, the passage and its moment), and the queries the block costs."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practice.models import CheckAnswer, QuestionStatus
from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Measured (test below): the block 11 queries (session and user, the lesson, the learner's standing, completion,
# profile, its open clock and today's rewards, the questions, their choices and the learner's answers); a first
# first wrong answer and the block after it 28, savepoints included (the profile's lock, the answer, its review card
# made and scheduled with its log, whether the lesson is done, then the block and the header's wallet).
BLOCK_BUDGET = 12
ANSWER_BUDGET = 30


def toasts(response):
    return json.loads(response.headers["HX-Trigger"])["toast"]["messages"] if "HX-Trigger" in response.headers else []


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(time_zone="UTC"))
    return client


@pytest.fixture
def quiz_lesson(db):
    lesson = PublishedLessonFactory(
        level="intermediate", kind="youtube", external_url="https://www.youtube.com/watch?v=abc"
    )
    CheckQuestionFactory(
        lesson=lesson,
        passage="Attention weighs every token against every other.",
        start_seconds=77,
        explanation="The lesson shows the attention matrix at 1:17.",
    )
    return lesson


def answer(client, lesson, question, text_):
    choice = question.choices.get(text=text_)
    return client.post(f"/lessons/{lesson.slug}/check/{question.pk}", {"choice": choice.pk}, headers=HTMX)


def test_a_right_first_answer_is_explained_with_its_passage_and_completes_the_lesson(signed_in, quiz_lesson):
    question = quiz_lesson.checks.get()
    response = answer(signed_in, quiz_lesson, question, "right")
    page = text(response)
    assert "✓ Right at the first try. This is what the lesson shows." in page
    assert "The lesson shows the attention matrix at 1:17." in page
    assert "Attention weighs every token against every other." in page
    assert 'href="https://www.youtube.com/watch?v=abc&amp;t=77s"' in response.content.decode()
    assert "Where the lesson says it: at 1:17" in page
    assert "✓ Completed" in page
    assert toasts(response)[:4] == ["+25 XP", "Daily goal met!", "🔥 1-day streak", "⚡5 earned"]


def test_before_answering_nothing_gives_the_answer_away(signed_in, quiz_lesson):
    page = signed_in.post(f"/lessons/{quiz_lesson.slug}/opened", headers=HTMX).content.decode()
    assert "Check answer" in page
    assert "attention matrix" not in page
    assert "Attention weighs" not in page
    assert "is-right" not in page
    assert "Answer the check question right to complete this lesson (1 to go)" in text_of(page)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_wrong_answer_shows_the_right_one_and_says_the_question_comes_back(signed_in, quiz_lesson):
    question = quiz_lesson.checks.get()
    response = answer(signed_in, quiz_lesson, question, "wrong")
    page = text(response)
    assert "✗ Not quite. Not this one." in page
    assert "The right answer: right . This is what the lesson shows." in page
    assert "HX-Trigger" not in response.headers

    again = answer(signed_in, quiz_lesson, question, "right")
    assert "✓ Right." in text(again)
    assert toasts(again) == ["Right. It counts towards completing the lesson when it comes back for review."]
    assert "✓ Completed" not in text(again)


def test_answering_without_a_choice_asks_for_one(signed_in, quiz_lesson):
    question = quiz_lesson.checks.get()
    response = signed_in.post(f"/lessons/{quiz_lesson.slug}/check/{question.pk}", {}, headers=HTMX)
    assert "Pick an answer first." in text(response)


def test_without_javascript_an_answer_returns_to_the_check_page_with_messages(signed_in, quiz_lesson):
    question = quiz_lesson.checks.get()
    right = question.choices.get(text="right")
    response = signed_in.post(f"/lessons/{quiz_lesson.slug}/check/{question.pk}", {"choice": right.pk}, follow=True)
    assert response.redirect_chain == [(f"/lessons/{quiz_lesson.slug}/check", 302)]
    assert "+25 XP" in [str(message) for message in response.context["messages"]]
    assert "✓ Right at the first try." in text(response)


def test_visitors_are_sent_to_sign_in_and_a_question_no_longer_live_is_a_404(client, signed_in, quiz_lesson):
    question = quiz_lesson.checks.get()
    right = question.choices.get(text="right")
    url = f"/lessons/{quiz_lesson.slug}/check/{question.pk}"
    visitor = type(client)()
    assert visitor.post(url, {"choice": right.pk}).status_code == 302
    question.status = QuestionStatus.DROPPED
    question.save()
    assert signed_in.post(url, {"choice": right.pk}).status_code == 404
    other = CheckQuestionFactory()
    assert signed_in.post(f"/lessons/{quiz_lesson.slug}/check/{other.pk}", {"choice": 1}).status_code == 404
    assert not CheckAnswer.objects.exists()


def test_the_block_with_its_questions_costs_the_same_queries_for_two_questions_or_seven(client):
    client.force_login(UserFactory())
    counts = []
    for size in (2, 7):
        lesson = PublishedLessonFactory()
        questions = CheckQuestionFactory.create_batch(size, lesson=lesson)
        client.post(f"/lessons/{lesson.slug}/opened", headers=HTMX)  # the first opening writes
        answer(client, lesson, questions[0], "wrong")
        with CaptureQueriesContext(connection) as block:
            client.get(f"/lessons/{lesson.slug}/check")
        with CaptureQueriesContext(connection) as answered:
            answer(client, lesson, questions[-1], "wrong")
        counts.append((len(block), len(answered)))
    assert counts[0] == counts[1], counts
    block_queries, answer_queries = counts[0]
    assert block_queries <= BLOCK_BUDGET, block_queries
    assert answer_queries <= ANSWER_BUDGET, answer_queries
