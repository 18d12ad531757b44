"""What the database-crash test puts into its own database and reads back, run in a process of its own:

    python -m tests.load.crash_database seed    # a learner with credits and a session token, lessons to unlock
    python -m tests.load.crash_database facts   # balances, entries, holds, unlocks and the ledger audit, as JSON

The test process talks to the suite's database; these run with DATABASE_URL naming the crashed server's.
"""

from __future__ import annotations

import json
import sys
from importlib import import_module
from typing import Any

LEARNER_EMAIL = "crash-learner@example.com"
LESSONS = 12
START_CREDITS = 400


def seed() -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import login
    from django.test import RequestFactory

    from purchases.models import CreditPack
    from tests.factories import LearnerWithCreditsFactory, PublishedLessonFactory

    learner = LearnerWithCreditsFactory(email=LEARNER_EMAIL, credits=START_CREDITS)
    lessons = PublishedLessonFactory.create_batch(LESSONS)
    # An app session token is the key of a session in the database's session store, as signing in would make.
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, learner, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    pack = CreditPack.objects.filter(active=True).order_by("price").first()
    assert pack is not None, "the migrations add the default credit packs"
    return {
        "token": request.session.session_key,
        "lessons": [{"slug": lesson.slug, "price": lesson.unlock_price} for lesson in lessons],
        "pack": {"slug": pack.slug, "credits": pack.credits},
    }


def facts() -> dict[str, Any]:
    from django.db.models import Count, Sum

    from accounts.models import User
    from credits.models import Hold, LedgerEntry
    from credits.selectors import ledger_audit, wallet_summary
    from tutor.models import Explanation, Unlock

    learner = User.objects.get(email=LEARNER_EMAIL)
    summary = wallet_summary(user=learner)
    entries = LedgerEntry.objects.filter(wallet__user=learner)

    def by_status(rows: Any) -> dict[str, int]:
        return {row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("pk"))}

    return {
        "balance": summary.balance,
        "available": summary.available,
        "entries_sum": entries.aggregate(total=Sum("amount"))["total"],
        "entries_by_kind": {row["kind"]: row["n"] for row in entries.values("kind").annotate(n=Count("pk"))},
        "purchase_entries": entries.filter(kind=LedgerEntry.Kind.PURCHASE).count(),
        "holds": by_status(Hold.objects.filter(wallet__user=learner)),
        "unlocks": by_status(Unlock.objects.filter(user=learner)),
        "explanations": by_status(Explanation.objects.all()),
        "audit": ledger_audit(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps({"seed": seed, "facts": facts}[sys.argv[1]]()))
