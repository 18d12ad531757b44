"""A learner's data across every app: the export gathers each app's own part, the erasure asks each app to erase or
hand on its own rows. Both leave an audit line.

This module sits above the apps it calls (config → api → privacy → practice → tutor, gamification, purchases → lessons,
credits → accounts), so each app keeps the knowledge of its own tables: `<app>.selectors.export_for` and `<app>`
erasure services.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

import accounts.selectors
import credits.selectors
import gamification.selectors
import lessons.selectors
import practice.selectors
import purchases.selectors
import tutor.selectors
from accounts.models import User
from accounts.services import erased_owner_create, user_delete, user_erase_check
from credits.services import credits_owner_transfer
from gamification.services.erasure import user_erase as gamification_erase
from lessons.services import user_erase as lessons_erase
from practice.services.erasure import user_erase as practice_erase
from privacy.models import AccountRequest, AccountRequestKind
from purchases.services import purchases_owner_transfer
from tutor.services.erasure import user_erase as tutor_erase

logger = logging.getLogger(__name__)

EXPORT_FORMAT = 1


def _request_record(*, kind: str, subject_id: int, actor: User | None, owner: User | None = None) -> AccountRequest:
    by_learner = actor is None or actor.pk == subject_id
    row = AccountRequest.objects.create(
        kind=kind, subject_id=subject_id, by_learner=by_learner, actor=None if by_learner else actor, owner=owner
    )
    logger.info("%s", row)
    return row


def account_export(*, user: User, actor: User | None = None) -> dict[str, Any]:
    """Everything the platform holds about the learner, as one JSON-ready document. A support request (`actor`, a
    staff member) leaves an audit line; the learner's own export is only logged, so reading it writes nothing."""
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": accounts.selectors.export_for(user=user),
        "learning": lessons.selectors.export_for(user=user),
        "gamification": gamification.selectors.export_for(user=user),
        "practice": practice.selectors.checks_export_for(user=user),
        "tutor": tutor.selectors.export_for(user=user),
        # The purchases sit beside the ledger they paid into, as they did when both lived in one app.
        "credits": credits.selectors.export_for(user=user) | {"purchases": purchases.selectors.export_for(user=user)},
    }
    if actor is not None and actor.pk != user.pk:
        _request_record(kind=AccountRequestKind.EXPORT, subject_id=user.pk, actor=actor)
    else:
        # The learner's own export is a read (the API's is a GET): logged, not stored.
        logger.info("export of account #%s by the learner", user.pk)
    return document


def account_erase(*, user: User, actor: User | None = None) -> AccountRequest:
    """Erase the learner in one transaction: the money trail (wallet, ledger, holds, purchases, unlocks) passes to a
    new anonymous owner, everything else about them is deleted, then the account itself. Raises AccountNotErasable
    for staff accounts. The audit line names the anonymous owner, so support can still find a refund's wallet."""
    user_erase_check(user=user)
    subject_id = user.pk
    with transaction.atomic():
        owner = erased_owner_create()
        credits_owner_transfer(user=user, owner=owner)
        purchases_owner_transfer(user=user, owner=owner)
        tutor_erase(user=user, owner=owner)
        practice_erase(user=user)
        gamification_erase(user=user)
        lessons_erase(user=user)
        user_delete(user=user)
        return _request_record(kind=AccountRequestKind.ERASE, subject_id=subject_id, actor=actor, owner=owner)
