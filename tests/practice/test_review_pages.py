"""/review/ (the due cards one at a time, htmx and plain forms), the header's due count, and /me/'s practice part."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from practice.models import ReviewCard
from tests.accounts.factories import UserFactory
from tests.lessons.factories import PublishedLessonFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered, choice_id, term_card

pytestmark = pytest.mark.django_db

SIGNED_IN_QUERIES = 2  # the session and the user: what every signed-in page costs
# The wallet and the due count (header), the queue (count, cards, choices) and the terms other lessons offer.
REVIEW_PAGE_BUDGET = 6
# gamification's profile (7 on a miss) and practice's part: skills, cards, lessons done, the queue (3), the header.
ME_MISS_BUDGET = 15


def _due(user, *, lesson=None, minutes_ago=30):
    lesson = lesson or PublishedLessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc")
    question = PracticeQuestionFactory(lesson=lesson)
    card = card_answered(user=user, question=question, now=timezone.now() - timedelta(minutes=minutes_ago))
    return card, question


def _header_due(html: str) -> str:
    found = re.search(r"<span data-review-due>(\d+)</span>", html)
    assert found, "the header shows the due count"
    return found[1]


def test_visitors_are_sent_to_sign_in(client):
    answer = client.get("/review/")
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_the_page_serves_the_due_cards_one_at_a_time_and_says_how_many(client):
    user = UserFactory()
    cards = [_due(user, minutes_ago=30 + index) for index in range(3)]
    client.force_login(user)
    html = client.get("/review/").content.decode()
    assert "<strong>1 of 3</strong> due" in html
    oldest = cards[-1][1]  # due first: the card that came due longest ago
    assert oldest.prompt in html
    assert cards[0][1].prompt not in html
    assert f'action="/review/{cards[-1][0].pk}/answer"' in html
    assert _header_due(html) == "3"


def test_a_plain_form_answer_shows_the_feedback_the_passage_and_its_moment_then_the_next_due_date(client):
    user = UserFactory()
    card, question = _due(user)
    client.force_login(user)
    client.get("/review/")
    answer = client.post(f"/review/{card.pk}/answer", {"choice": choice_id(question, "right"), "done": "0"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "✓ Right." in html
    assert question.passage in html
    assert "At 1:35 in the lesson" in html
    assert "t=95" in html  # the passage's moment in the video
    assert "Next review:" in html
    assert "+2 XP" in html
    assert _header_due(html) == "0"
    card.refresh_from_db()
    assert card.due > timezone.now()


def test_an_htmx_answer_swaps_the_card_and_the_headers_count(client):
    user = UserFactory()
    card, question = _due(user)
    _due(user)
    client.force_login(user)
    answer = client.post(
        f"/review/{card.pk}/answer", {"choice": choice_id(question, "wrong"), "done": "0"}, HTTP_HX_REQUEST="true"
    )
    html = answer.content.decode()
    assert "<html" not in html
    assert 'id="review-card"' in html
    assert "✗ Not quite." in html
    assert "The right answer: <strong>right</strong>" in html
    assert '<span hx-swap-oob="innerHTML:[data-review-due]">1</span>' in html  # the wrong one is due in minutes


def test_answering_a_card_twice_from_two_tabs_says_the_second_changed_nothing(client):
    user = UserFactory()
    card, question = _due(user)
    client.force_login(user)
    right = {"choice": choice_id(question, "right")}
    client.post(f"/review/{card.pk}/answer", right)
    html = client.post(f"/review/{card.pk}/answer", right).content.decode()
    assert "was not due yet, so nothing changed" in html
    assert "XP" not in html.split("review-result")[1].split("</div>")[0]


def test_another_learners_card_is_not_found(client):
    card, question = _due(UserFactory())
    client.force_login(UserFactory())
    assert client.post(f"/review/{card.pk}/answer", {"choice": choice_id(question, "right")}).status_code == 404


def test_nothing_due_says_when_the_next_card_comes(client):
    user = UserFactory()
    card_answered(user=user, correct=True)
    client.force_login(user)
    html = client.get("/review/").content.decode()
    assert "Nothing due right now" in html
    assert "The next card comes due in 10 minutes" in re.sub(r"<[^>]+>", "", html)


def test_a_term_card_offers_its_term_among_others_and_blanks_it(client):
    user = UserFactory()
    card = term_card(user=user, term="attention")
    client.force_login(user)
    html = client.get("/review/").content.decode()
    assert "Which term fills the blank? “In a transformer, _____ is how each token weighs the others.”" in html
    assert 'value="attention"' in html
    answer = client.post(f"/review/{card.pk}/answer", {"choice": "attention"}).content.decode()
    assert "✓ Right." in answer


def test_the_headers_due_count_is_each_learners_own_on_their_cached_pages(client, settings):
    settings.LEARNER_PAGE_SECONDS = 60
    busy, idle = UserFactory(), UserFactory()
    for _ in range(2):
        _due(busy)
    for user, expected in ((busy, "2"), (idle, "0"), (busy, "2"), (idle, "0")):
        client.force_login(user)
        for url in ("/me/", "/lessons/", "/review/"):
            assert _header_due(client.get(url).content.decode()) == expected, (user, url)


def test_a_card_coming_due_shows_in_the_header_without_a_write(client, time_machine):
    user = UserFactory()
    card = card_answered(user=user)  # wrong: due within minutes
    client.force_login(user)
    assert _header_due(client.get("/review/").content.decode()) == "0"
    time_machine.move_to(card.due + timedelta(seconds=1), tick=False)
    assert _header_due(client.get("/review/").content.decode()) == "1"


def test_the_review_page_stays_within_its_query_budget_whatever_the_queue(client, django_assert_max_num_queries):
    few, many = UserFactory(), UserFactory()
    _due(few)
    for _ in range(30):
        _due(many)
    term_card(user=many)
    for user in (few, many):
        client.force_login(user)
        with django_assert_max_num_queries(SIGNED_IN_QUERIES + REVIEW_PAGE_BUDGET):
            assert client.get("/review/").status_code == 200


def test_me_shows_mastery_per_skill_and_what_is_due(client, django_assert_max_num_queries):
    from lessons.models import LessonSkill, Skill

    user = UserFactory()
    lesson = PublishedLessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc")
    skill = Skill.objects.create(name="Transformers", slug="transformers")
    LessonSkill.objects.create(lesson=lesson, skill=skill, weight=80)
    for _ in range(3):
        _due(user, lesson=lesson)
    client.force_login(user)
    with django_assert_max_num_queries(SIGNED_IN_QUERIES + ME_MISS_BUDGET):
        html = client.get("/me/").content.decode()
    assert "Your skills" in html
    assert "Transformers" in html
    assert 'data-skill-mastery="transformers"' in html
    assert "3 cards due now" in re.sub(r"<[^>]+>", "", html)
    with django_assert_max_num_queries(SIGNED_IN_QUERIES):
        client.get("/me/")  # the learner's cached copy


def test_review_cards_are_only_the_learners_own_in_the_queue(client):
    mine, theirs = UserFactory(), UserFactory()
    _due(theirs)
    client.force_login(mine)
    assert "Nothing due right now" in client.get("/review/").content.decode()
    assert ReviewCard.objects.filter(user=mine).count() == 0
