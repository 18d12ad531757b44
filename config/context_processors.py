"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest

# The prices a learner reads about (the welcome, the statement): the settings', never a copy.
ECONOMY = {
    "unlock_price": "UNLOCK_PRICE",
    "question_price": "QUESTION_PRICE",
    "free_questions": "TUTOR_FREE_QUESTIONS",
    "signup_bonus": "SIGNUP_BONUS",
}


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": "Learn ⚡", "economy": {name: getattr(settings, setting) for name, setting in ECONOMY.items()}}
