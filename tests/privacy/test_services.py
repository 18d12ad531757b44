"""Export and erasure across the apps: everything held comes out; erasing keeps the ledger whole and balanced under an
anonymous owner, and leaderboards and leagues drop the learner."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.exceptions import AccountNotErasable
from accounts.models import User
from credits.models import LedgerEntry, Wallet
from credits.selectors import ledger_audit, wallet_summary
from credits.services import credits_spend
from gamification.models import BadgeAward, League, LeagueMembership, XPEvent
from gamification.selectors import leaderboard_for
from privacy.models import AccountRequest
from privacy.services import account_erase, account_export
from purchases.models import Purchase
from tests.factories import (
    CreditPackFactory,
    EnrollmentFactory,
    LessonProgressFactory,
    PublishedLessonFactory,
    StaffUserFactory,
    UserFactory,
    wallet_fund,
    xp_give,
)
from tutor.models import Unlock
from tutor.services import unlock

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    """A learner with a bit of everything: a course, progress, XP (so a league seat and a badge), a spend, an unlock."""
    user = UserFactory(display_name="Ada")
    lesson = PublishedLessonFactory(title="Attention is all you need")
    EnrollmentFactory(user=user)
    LessonProgressFactory(user=user, lesson=lesson)
    wallet_fund(user, 100)
    xp_give(user=user, amount=20, reason="Completed “Attention”", idempotency_key="xp-1")
    credits_spend(user=user, amount=5, reason="A streak freeze", idempotency_key="spend-1")
    unlock(user=user, lesson=lesson, idempotency_key="unlock-1")
    return user


def test_the_export_holds_every_part_of_what_the_platform_keeps(learner):
    document = account_export(user=learner)

    assert document["account"]["profile"]["email"] == learner.email
    assert document["account"]["emails"] == [{"email": learner.email, "verified": True, "primary": True}]
    assert len(document["learning"]["enrollments"]) == 1
    assert document["learning"]["progress"][0]["title"] == "Attention is all you need"
    assert [event["reason"] for event in document["gamification"]["xp_events"]] == ["Completed “Attention”"]
    assert document["gamification"]["profile"]["xp"] == 20
    assert document["gamification"]["streak_days"][0]["xp"] == 20
    assert document["gamification"]["badges"]
    assert document["gamification"]["league_weeks"][0]["xp"] == 20
    assert document["tutor"]["unlocks"][0]["state"] == "pending"
    reasons = [entry["reason"] for entry in document["credits"]["ledger"]]
    assert "A streak freeze" in reasons
    assert document["credits"]["wallet"]["balance"] == sum(entry["amount"] for entry in document["credits"]["ledger"])
    assert document["credits"]["holds"][0]["status"] == "open"
    assert "password" not in str(document["account"]).replace("has_password", "")


def test_a_support_export_leaves_an_audit_line_naming_who_asked_and_the_learners_own_writes_nothing(learner):
    staff = StaffUserFactory()
    account_export(user=learner)
    account_export(user=learner, actor=staff)

    lines = list(AccountRequest.objects.order_by("id").values_list("kind", "subject_id", "by_learner", "actor"))
    assert lines == [("export", learner.pk, False, staff.pk)]


def test_erasing_keeps_the_ledger_whole_and_balanced_under_an_anonymous_owner(learner):
    wallet = Wallet.objects.get(user=learner)
    entries = LedgerEntry.objects.filter(wallet=wallet).values_list("id", "amount", "balance_after")
    entries_before = list(entries)
    balance_before = wallet.balance
    learner_id, email = learner.pk, learner.email

    record = account_erase(user=learner)

    assert not User.objects.filter(pk=learner_id).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    wallet.refresh_from_db()
    owner = wallet.user
    assert owner == record.owner
    assert (owner.is_active, owner.has_usable_password(), owner.display_name) == (False, False, "")
    assert owner.email.endswith("@erased.invalid")
    assert wallet.balance == balance_before
    assert list(entries.all()) == entries_before
    assert Unlock.objects.get().user == owner  # the held ⚡ still settles with its unlock
    assert ledger_audit() == []
    call_command("audit_ledger")  # exits 0
    assert (record.kind, record.subject_id, record.by_learner) == ("erase", learner_id, True)


def test_erasing_deletes_the_learners_progress_xp_and_badges(learner):
    account_erase(user=learner)

    assert not XPEvent.objects.exists()
    assert not BadgeAward.objects.exists()
    assert not LeagueMembership.objects.exists()
    assert not EmailAddress.objects.exists()


def test_leaderboards_and_leagues_drop_an_erased_learner(learner):
    rival = UserFactory(display_name="Grace")
    xp_give(user=rival, amount=10, reason="Practice", idempotency_key="r")
    board = leaderboard_for(user=rival)
    assert [row.display_name for row in board.rows] == ["Ada", "Grace"]
    league = League.objects.get()
    assert league.member_count == 2

    account_erase(user=learner)

    assert [row.display_name for row in leaderboard_for(user=rival).rows] == ["Grace"]
    league.refresh_from_db()
    assert league.member_count == 1


def test_a_staff_account_is_not_erased_here():
    staff = StaffUserFactory()

    with pytest.raises(AccountNotErasable):
        account_erase(user=staff)

    assert User.objects.filter(pk=staff.pk).exists()
    assert not AccountRequest.objects.exists()


def test_an_erased_learners_purchases_pass_to_the_same_anonymous_owner_as_the_wallet(learner):
    pack = CreditPackFactory()
    Purchase.objects.create(
        user=learner, pack=pack, credits=pack.credits, price=pack.price, currency=pack.currency, idempotency_key="k"
    )

    record = account_erase(user=learner)

    assert Purchase.objects.get().user == record.owner == Wallet.objects.get().user
    assert wallet_summary(user=record.owner).balance > 0


def test_a_learners_questions_are_exported_and_their_words_erased(learner):
    from tutor.models import Question
    from tutor.services.questions import question_ask

    lesson = Unlock.objects.get(user=learner).lesson
    question_ask(user=learner, lesson=lesson, text="What is attention for?", idempotency_key="q-1")

    exported = account_export(user=learner)["tutor"]["questions"]
    assert [(row["lesson"], row["question"]) for row in exported] == [(lesson.slug, "What is attention for?")]

    record = account_erase(user=learner)

    question = Question.objects.get()
    assert (question.user, question.text) == (record.owner, "(erased)")
    assert ledger_audit() == []


def test_an_erased_learners_mailbox_gets_no_second_welcome_bonus_and_the_address_is_not_kept():
    from credits.models import SignupBonus
    from credits.services.signup_bonus import signup_bonus_grant

    first = UserFactory(signup_bonus=True, email="alice@example.com")
    assert wallet_summary(user=first).balance > 0  # a verified factory user was paid the bonus
    account_erase(user=first)
    assert not SignupBonus.objects.filter(address__contains="alice").exists()

    again = UserFactory(email="Alice+again@example.com", verified=False)
    assert signup_bonus_grant(user=again) is None
    assert wallet_summary(user=again).balance == 0
