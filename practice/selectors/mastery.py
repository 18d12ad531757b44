"""A learner's mastery of each skill (0–100), from the FSRS recall probability of the cards of the skill's lessons.

For a skill with published lessons l (weight w_l from LessonSkill) and the learner's cards c on lesson l, each with
R_c, the recall probability FSRS gives it a day from now (`practice.scheduling.retrievability` at now + 1 day; 0 for
a card never reviewed):

    recall_l = Σ R_c / max(n_l, CARDS_FOR_A_WHOLE_LESSON)        (n_l: the learner's cards on lesson l)
    mastery  = round(100 · Σ w_l · recall_l / Σ w_l)             (over all the skill's published lessons)

so it rises with right answers (each raises a card's stability, so its R stays near 1 for longer), falls as time
passes without review (R decays), and counts how much of the skill was practised: a lesson without cards adds 0,
and one card on one lesson is not the whole skill. Why a day ahead: right after any answer, wrong or right, the
chance to recall it this minute is near 1 (the library counts elapsed time in whole days); what tells a memory that
holds from one that does not is how it stands tomorrow (a wrong answer's card, with a stability of hours, is at
about 0.77 a day later, a right one's at about 0.95). docs/learning.md explains it for learners and curators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from lessons.models import LessonProgress, LessonSkill, LessonStatus
from practice import scheduling
from practice.models import ReviewCard

# A lesson counts fully once the learner holds this many of its cards (its questions and key terms) in memory.
CARDS_FOR_A_WHOLE_LESSON = 3
# Mastery is the recall a day ahead: how the memory stands tomorrow, not in the minute after an answer.
MASTERY_HORIZON = timedelta(days=1)


@dataclass(frozen=True)
class SkillMastery:
    slug: str
    name: str
    mastery: int  # 0–100
    lessons: int  # the skill's published lessons
    lessons_done: int  # of which the learner completed
    cards: int  # the learner's cards on them

    @property
    def practised(self) -> bool:
        return bool(self.cards or self.lessons_done)


def skill_mastery_for(*, user: User, now: datetime | None = None, practised_only: bool = False) -> list[SkillMastery]:
    """Every skill with published lessons and the learner's mastery of it, best first (three queries)."""
    now = now or timezone.now()
    weights = list(
        LessonSkill.objects.filter(lesson__status=LessonStatus.PUBLISHED)
        .select_related("skill")
        .only("lesson_id", "weight", "skill__slug", "skill__name")
    )
    lesson_ids = {row.lesson_id for row in weights}
    cards = ReviewCard.objects.filter(user=user, lesson_id__in=lesson_ids).only(
        "lesson_id", "state", "step", "stability", "difficulty", "due", "last_review"
    )
    recall: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    ahead = now + MASTERY_HORIZON
    for card in cards:
        recall[card.lesson_id] += scheduling.retrievability(card, now=ahead)
        counts[card.lesson_id] += 1
    done = set(
        LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    by_skill: dict[str, list[LessonSkill]] = defaultdict(list)
    for row in weights:
        by_skill[row.skill.slug].append(row)
    skills = []
    for slug, rows in by_skill.items():
        total_weight = sum(row.weight for row in rows)
        held = sum(
            row.weight * recall[row.lesson_id] / max(counts[row.lesson_id], CARDS_FOR_A_WHOLE_LESSON) for row in rows
        )
        skills.append(
            SkillMastery(
                slug=slug,
                name=rows[0].skill.name,
                mastery=max(0, min(100, round(100 * held / total_weight))) if total_weight else 0,
                lessons=len(rows),
                lessons_done=sum(1 for row in rows if row.lesson_id in done),
                cards=sum(counts[row.lesson_id] for row in rows),
            )
        )
    if practised_only:
        skills = [skill for skill in skills if skill.practised]
    skills.sort(key=lambda skill: (-skill.mastery, skill.name))
    return skills
