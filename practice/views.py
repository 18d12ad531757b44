"""The lesson page's check questions: answering one (htmx, or a plain form post without JavaScript).

Thin: parse the pick, call practice's service, and answer with the lesson's whole check-and-complete block
(gamification's block, whose questions are practice's part of it), so the questions and the completion update
together. Without htmx: back to the block's own page with the news as messages.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from core.htmx import sign_in_first
from gamification.views import completion_block_answer
from lessons.exceptions import LessonNotFound
from lessons.selectors import lesson_published_get
from practice.models import CheckChoice, CheckQuestion, QuestionStatus
from practice.services import check_answer

# A choice id as a form sends it: digits only, short enough for a bigint.
_CHOICE_ID_MAX_DIGITS = 18


@require_POST
def check_answer_view(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    try:
        lesson = lesson_published_get(slug=slug)
    except LessonNotFound:
        raise Http404("No such lesson.") from None
    learner = signed_in_user(request.user)
    if learner is None:
        return sign_in_first(request, next_url=lesson.get_absolute_url())
    question = CheckQuestion.objects.filter(pk=question_id, lesson=lesson, status=QuestionStatus.LIVE).first()
    if question is None:
        raise Http404("No such question.")
    question.lesson = lesson
    raw_choice = request.POST.get("choice", "").strip()
    # A hand-made form may send anything: only a choice id of this question counts as an answer.
    choice = (
        CheckChoice.objects.filter(pk=int(raw_choice), question=question).first()
        if raw_choice.isdecimal() and raw_choice.isascii() and len(raw_choice) <= _CHOICE_ID_MAX_DIGITS
        else None
    )
    if choice is None:
        return completion_block_answer(request, lesson, error="Pick an answer first.")
    result = check_answer(user=learner, question=question, choice=choice)
    toasts = result.gains.messages
    if result.correct and not result.counted:
        toasts = [*toasts, "Right. It counts towards completing the lesson when it comes back for review."]
    return completion_block_answer(request, lesson, toasts=toasts)
