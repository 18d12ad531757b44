"""Each app builds its ledger keys from its own formats (<app>/references.py). The keys must stay byte for byte what
earlier releases wrote: a Stripe event replayed, or a reward paid again after a deploy, is then recognised as the
same write and moves no credits twice."""

import pytest

from credits.references import KeyFormat, hold_capture_key
from gamification import references as gamification
from purchases.references import purchase_checkout_key, stripe_key
from tutor import references as tutor


def test_the_key_formats_write_the_keys_earlier_releases_wrote():
    assert hold_capture_key(hold_id=7) == "hold:7:capture"
    assert purchase_checkout_key(reference="purchase:3") == "purchase:3:checkout"
    assert stripe_key(stripe_id="cs_1", outcome="credit") == "stripe:cs_1:credit"
    assert stripe_key(stripe_id="ch_1", outcome="refunded-to:40") == "stripe:ch_1:refunded-to:40"
    assert gamification.lesson_reward_key(user_id=1, lesson_id=2) == "reward:lesson-complete:1:2"
    assert gamification.course_reward_key(user_id=1, course_id=3) == "reward:course-complete:1:3"
    assert gamification.streak_reward_key(user_id=1, milestone=7, streak_started="2026-01-01") == (
        "reward:streak-7:1:2026-01-01"
    )
    assert gamification.freeze_purchase_key(user_id=1, client_key="abc") == "freeze:1:abc"
    assert gamification.league_reward_key(week_key="2026-W01", user_id=1) == "league:2026-W01:1"
    assert gamification.lesson_xp_key(lesson_id=2) == "lesson-complete:2"
    assert gamification.check_first_try_xp_key(question_id=5) == "check-first-try:5"
    assert tutor.unlock_hold_key(client_key="k") == "tutor-unlock:k"
    assert tutor.question_hold_key(client_key="k") == "tutor-question:k"
    assert tutor.report_refund_key(report_id=9) == "tutor-report:9:refund"


def test_a_key_missing_a_part_is_refused_rather_than_written_with_a_hole():
    with pytest.raises(KeyError):
        KeyFormat("hold:{hold_id}:capture")()
