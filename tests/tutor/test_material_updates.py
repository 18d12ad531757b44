"""When a lesson's material grows (a transcript attached), the explanation is written again and everyone who unlocked
an earlier version reads the new one at no charge: no ledger entry, no new hold, a note on the page."""

import pytest

from credits.models import Hold, LedgerEntry
from credits.selectors import wallet_summary
from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory
from tests.lessons.html import visible_text
from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION
from tests.tutor.test_coverage import SEED_URL, said_in
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus

pytestmark = pytest.mark.django_db

TRANSCRIPT = said_in([start for start, _title in SEED_CHAPTERS])


@pytest.fixture(autouse=True)
def _quick(quick_backend, monkeypatch):
    # Nothing reaches a broker: the tests run the worker's service themselves.
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


@pytest.fixture
def seed(db):
    lesson = LessonFactory(kind="youtube", external_url=SEED_URL, description=SEED_DESCRIPTION)
    for start, title in SEED_CHAPTERS:
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    return lesson


def write(explanation):
    return services.explanation_write(explanation_id=explanation.pk, claimant="task", final_attempt=True)


def paid(learner, lesson, key="key-1"):
    result = services.unlock(user=learner, lesson=lesson, idempotency_key=key)
    write(result.explanation)
    unlock = Unlock.objects.select_related("hold").get(pk=result.unlock.pk)
    assert unlock.state == UnlockStatus.CHARGED
    return unlock


def test_a_transcript_attached_is_written_again_and_earlier_unlockers_get_it_without_paying(seed):
    first, second = LearnerWithCreditsFactory(credits=100), LearnerWithCreditsFactory(credits=100)
    unlocks = [paid(first, seed, "key-1"), paid(second, seed, "key-2")]
    entries, holds = LedgerEntry.objects.count(), list(Hold.objects.values_list("pk", "status", "amount"))
    balances = [wallet_summary(user=learner).balance for learner in (first, second)]

    services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)
    new = services.explanation_material_refresh(lesson=seed)

    assert new is not None
    assert (new.version, new.status, new.update_note) == (2, ExplanationStatus.PENDING, "now from the full transcript")
    assert new.enqueued_at is not None
    # Until it is written they keep reading the version they had.
    assert set(Unlock.objects.values_list("explanation__version", flat=True)) == {1}

    assert write(new) == services.WRITTEN

    for unlock in unlocks:
        unlock.refresh_from_db()
        assert (unlock.explanation_id, unlock.updated_from.version, unlock.state) == (new.pk, 1, UnlockStatus.CHARGED)
    assert LedgerEntry.objects.count() == entries  # no credit moved
    assert list(Hold.objects.values_list("pk", "status", "amount")) == holds
    assert [wallet_summary(user=learner).balance for learner in (first, second)] == balances == [70, 70]


def test_the_page_shows_the_new_explanation_with_the_update_note(client, seed):
    learner = LearnerWithCreditsFactory(credits=100)
    paid(learner, seed)
    services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)
    write(services.explanation_material_refresh(lesson=seed))

    client.force_login(learner)
    text = visible_text(client.get(seed.get_absolute_url()).content)

    assert "version 2" in text
    assert "Updated: now from the full transcript. The lesson's material grew" in text
    assert "Unlock AI tutor explanation" not in text
    api = client.get(f"/api/v1/lessons/{seed.slug}/explanation").json()
    assert api["markdown"] == Explanation.objects.get(version=2).markdown


def test_a_later_unlock_reads_the_new_version_without_the_note(client, seed):
    paid(LearnerWithCreditsFactory(credits=100), seed)
    services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)
    write(services.explanation_material_refresh(lesson=seed))
    newcomer = LearnerWithCreditsFactory(credits=100)

    unlock = paid(newcomer, seed)

    assert (unlock.explanation.version, unlock.updated_from_id) == (2, None)
    client.force_login(newcomer)
    assert "Updated:" not in visible_text(client.get(seed.get_absolute_url()).content)


def test_nothing_is_written_again_when_the_material_did_not_grow_or_nobody_unlocked(seed):
    assert services.explanation_material_refresh(lesson=seed) is None  # nobody unlocked it
    paid(LearnerWithCreditsFactory(credits=100), seed)

    seed.title = "A new title, the same material"
    seed.save()

    assert services.explanation_material_refresh(lesson=seed) is None
    assert Explanation.objects.count() == 1


def test_asking_twice_finds_the_same_new_explanation(seed):
    paid(LearnerWithCreditsFactory(credits=100), seed)
    services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)

    first = services.explanation_material_refresh(lesson=seed)
    again = services.explanation_material_refresh(lesson=seed)

    assert first is not None
    assert again is not None
    assert again.pk == first.pk
    assert Explanation.objects.count() == 2


def test_a_new_version_already_written_by_a_later_unlock_is_delivered_at_once(seed, django_capture_on_commit_callbacks):
    early = paid(LearnerWithCreditsFactory(credits=100), seed)
    services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)
    paid(LearnerWithCreditsFactory(credits=100), seed, "key-late")  # writes version 2 for the content as it is now

    with django_capture_on_commit_callbacks(execute=True):
        new = services.explanation_material_refresh(lesson=seed)

    early.refresh_from_db()
    assert new is not None
    assert new.status == ExplanationStatus.READY
    assert (early.explanation_id, early.updated_from.version) == (new.pk, 1)


def test_saving_a_published_lesson_has_the_worker_check_it(seed, celery_eager, django_capture_on_commit_callbacks):
    unlock = paid(LearnerWithCreditsFactory(credits=100), seed)

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_transcript_attach(lesson=seed, raw=TRANSCRIPT)  # saves the lesson: the signal, then the task
    new = Explanation.objects.get(version=2)
    assert new.update_note == "now from the full transcript"
    write(new)  # the broker is not reached here (see the fixture); the worker's part

    unlock.refresh_from_db()
    assert unlock.explanation_id == new.pk


def test_only_saves_of_a_published_lesson_s_material_ask_for_a_check(
    seed, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[int] = []
    monkeypatch.setattr("tutor.signals._refresh_send", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        LessonFactory()  # new: nobody can have unlocked it
        seed.save(update_fields=["unlock_price"])  # not what an explanation is written from
        seed.transcript = TRANSCRIPT
        seed.save(update_fields=["transcript"])

    assert sent == [seed.pk]
