"""Through a real Celery worker: the seed lesson's explanation links the papers it names, and questions about it are
answered from the material (with a citation of a real passage), or found uncovered and charged nothing."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from credits.models import Hold
from credits.selectors import ledger_audit, wallet_summary
from tests.celery_worker import celery_worker_running, wait_for
from tests.factories import LearnerWithCreditsFactory
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Question

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_tutor_queue")]


def ask(client: Client, slug: str, text: str, key: str | None = None) -> dict:
    response = client.post(
        f"/api/v1/lessons/{slug}/questions",
        {"question": text},
        content_type="application/json",
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_the_seed_explanation_links_the_papers_and_questions_are_answered_from_the_material(paper_catalog):
    seed = paper_catalog["seed"]
    learner = LearnerWithCreditsFactory(credits=100)
    client = Client()
    client.force_login(learner)
    with celery_worker_running(env={"TUTOR_BACKEND": "study_guide"}) as worker:
        result = services.unlock(user=learner, lesson=seed, idempotency_key="unlock")
        wait_for(
            lambda: Explanation.objects.get(pk=result.explanation.pk).status == ExplanationStatus.READY,
            worker=worker,
            what="the explanation",
        )
        markdown = Explanation.objects.get(pk=result.explanation.pk).markdown
        assert "from [the lesson *Universal Transformers* (2018)](/lessons/universal-transformers/)" in markdown
        assert "(2020)](/lessons/an-image-is-worth-16x16-words/)" in markdown
        assert paper_catalog["universal-transformers"].material.split("\n")[0] in markdown
        assert "says nothing more about this chapter" not in markdown

        universal = ask(client, seed.slug, "What is a Universal Transformer?")
        france = ask(client, seed.slug, "What is the capital of France?")
        wait_for(
            lambda: not Question.objects.filter(status__in=["queued", "writing"]).exists(),
            worker=worker,
            what="the first answers",
        )
        for number in range(2):
            ask(client, seed.slug, f"How do Universal Transformers loop, take {number}?")
        # The fourth question that counts (France was not covered, so it used no free one), sent twice.
        fourth = ask(client, seed.slug, "What does the Vision Transformer do with an image?", key="fourth")
        again = ask(client, seed.slug, "What does the Vision Transformer do with an image?", key="fourth")
        assert again["id"] == fourth["id"]
        assert fourth["charged"] == 5

        wait_for(
            lambda: not Question.objects.filter(status__in=["queued", "writing"]).exists(),
            worker=worker,
            what="every answer",
        )

    answered = client.get(f"/api/v1/questions/{universal['id']}").json()
    assert (answered["status"], answered["found"], answered["charged"]) == ("ready", True, 0)
    cited = answered["citations"][0]
    assert cited["lesson"] == "universal-transformers"
    assert cited["text"] in paper_catalog["universal-transformers"].material

    uncovered = client.get(f"/api/v1/questions/{france['id']}").json()
    assert (uncovered["status"], uncovered["found"], uncovered["charged"], uncovered["citations"]) == (
        "ready",
        False,
        0,
        [],
    )

    charged = client.get(f"/api/v1/questions/{fourth['id']}").json()
    assert (charged["found"], charged["charged"]) == (True, 5)
    assert Hold.objects.filter(tutor_question__user=learner).count() == 1
    assert (wallet_summary(user=learner).balance, wallet_summary(user=learner).available) == (65, 65)
    assert ledger_audit() == []

    other = Client()
    other.force_login(LearnerWithCreditsFactory(credits=100))
    assert other.get(f"/api/v1/questions/{universal['id']}").status_code == 404
