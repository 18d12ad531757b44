"""System checks for settings whose values must keep an order that no single setting can state.

A tutor job runs at most CELERY_TASK_TIME_LIMIT; its claim is only taken over after TUTOR_CLAIM_LEASE_SECONDS, so the
lease must outlast the job. The unlock's hold must outlast the lease (a job taken over after a lost worker still
finds its hold open), and on Redis the broker hands a lost message back only after its visibility timeout, which
must come last so a message is never delivered twice while the first delivery may still be working.
"""

import itertools
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register


def timing_order() -> list[tuple[str, int | float]]:
    """The timings that must rise strictly, in order, as (setting, seconds)."""
    order: list[tuple[str, int | float]] = [
        ("CELERY_TASK_TIME_LIMIT", settings.CELERY_TASK_TIME_LIMIT),
        ("TUTOR_CLAIM_LEASE_SECONDS", settings.TUTOR_CLAIM_LEASE_SECONDS),
        ("TUTOR_HOLD_TTL_SECONDS", settings.TUTOR_HOLD_TTL_SECONDS),
    ]
    visibility = (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout")
    if visibility is not None:  # the filesystem broker never hands a message back
        order.append(("CELERY_VISIBILITY_TIMEOUT", int(str(visibility))))
    return order


@register()
def timings_keep_their_order(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[Error]:
    order = timing_order()
    errors = []
    for (shorter, shorter_value), (longer, longer_value) in itertools.pairwise(order):
        if not shorter_value < longer_value:
            errors.append(
                Error(
                    f"{shorter} ({shorter_value} s) must be shorter than {longer} ({longer_value} s).",
                    hint="Task time limit < claim lease < hold expiry < broker visibility timeout (config/checks.py).",
                    id="project.E001",
                )
            )
    return errors
