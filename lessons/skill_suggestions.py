"""Which skills a new lesson is probably about, from its own words and its category (no model, no network).

A skill lists keywords (one per line: "transformer", "self-attention", "attention is all you need"). A keyword in the
title counts three times, in the summary twice, in the description or material once (at most five times, so a long
transcript does not outweigh its title); a lesson in one of the skill's categories gets two points more. The best
`SUGGESTED_SKILLS_MAX` skills scoring at least `SUGGESTION_MIN_SCORE` are suggested, weighted 30–90 by score; a
curator confirms, edits or drops them in the admin before or after publishing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

SUGGESTED_SKILLS_MAX = 3
SUGGESTION_MIN_SCORE = 3
BODY_HITS_MAX = 5
CATEGORY_POINTS = 2


@dataclass(frozen=True)
class SkillKeywords:
    skill_id: int
    keywords: tuple[str, ...]
    category_ids: frozenset[int]


@dataclass(frozen=True)
class LessonWords:
    title: str
    summary: str = ""
    body: str = ""  # description and material
    category_id: int | None = None


@lru_cache(maxsize=512)
def _pattern(keyword: str) -> re.Pattern[str]:
    # Whole words, any case, a plural ending allowed, and any dash or space between a phrase's words.
    words = [re.escape(word) for word in re.split(r"[\s\-‐‑‒–—]+", keyword.strip()) if word]
    return re.compile(r"(?<!\w)" + r"[\s\-‐‑‒–—]+".join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


def keywords_parse(text: str) -> tuple[str, ...]:
    """A skill's keywords field: one per line (commas also separate), blanks and repeats dropped."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\n,]", text):
        keyword = part.strip()
        if keyword and keyword.casefold() not in {k.casefold() for k in seen}:
            seen[keyword] = None
    return tuple(seen)


def _hits(keywords: Iterable[str], text: str) -> int:
    return sum(len(_pattern(keyword).findall(text)) for keyword in keywords) if text else 0


def skill_score(skill: SkillKeywords, lesson: LessonWords) -> int:
    score = 3 * _hits(skill.keywords, lesson.title) + 2 * _hits(skill.keywords, lesson.summary)
    score += min(BODY_HITS_MAX, _hits(skill.keywords, lesson.body))
    if lesson.category_id is not None and lesson.category_id in skill.category_ids:
        score += CATEGORY_POINTS
    return score


def weight_for(score: int) -> int:
    """30 at the threshold, 10 more per point, at most 90: a suggestion never claims a lesson is all one skill."""
    return max(30, min(90, 30 + 10 * (score - SUGGESTION_MIN_SCORE)))


def skills_suggest(skills: Sequence[SkillKeywords], lesson: LessonWords) -> list[tuple[int, int]]:
    """(skill id, weight) of the skills to suggest, heaviest first."""
    scored = [(skill_score(skill, lesson), skill.skill_id) for skill in skills]
    best = sorted((item for item in scored if item[0] >= SUGGESTION_MIN_SCORE), key=lambda item: (-item[0], item[1]))
    return [(skill_id, weight_for(score)) for score, skill_id in best[:SUGGESTED_SKILLS_MAX]]
