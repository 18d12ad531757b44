"""The free-question rule, in one place: the first TUTOR_FREE_QUESTIONS questions a learner asks about an unlocked
lesson come with the unlock; each later one costs QUESTION_PRICE (every question is free when that is 0). A question
that was not answered, or whose answer the lesson did not cover, does not use one up (Question.USES_FREE)."""

from django.conf import settings


def free_questions_left(*, used: int) -> int:
    """How many free questions are still to come, after ``used`` have used one up."""
    return max(int(settings.TUTOR_FREE_QUESTIONS) - used, 0)


def next_question_free(*, used: int) -> bool:
    """Whether the next question is free, after ``used`` have used one up."""
    return free_questions_left(used=used) > 0 or settings.QUESTION_PRICE <= 0
