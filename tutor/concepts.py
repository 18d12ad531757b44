"""Terms and how they are matched across the catalog: normalised keys, acronyms, a lesson's subjects and key terms.

Pure text functions; `tutor.services.concepts` stores what they find in the concept index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Titles longer than this name a claim or a method ("Attention Is All You Need"), not a concept others mention.
SUBJECT_TITLE_WORDS_MAX = 4
MENTION_WORDS_MAX = 4
KEY_TERMS_PER_LESSON = 12

_APOSTROPHE_S = re.compile(r"['’]s\b")
_NOT_WORD = re.compile(r"[^\w\s]")
# "Vision Transformer (ViT)", "Recursive Self-Improvement (RSI)", "adaptive computation time (ACT)".
_ACRONYM_PAIR = re.compile(r"((?:[\w-]+\s+){1,6})\(\s*([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*?)s?\s*\)")
_WORD = re.compile(r"[\w][\w'’-]*")


def word_singular(word: str) -> str:
    """English plural to singular for the words terms are made of ("transformers", "LLMs", "ViTs", "studies")."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def concept_key(text: str, *, aliases: Mapping[str, str] | None = None) -> str:
    """A term normalised: case and width folded, possessives and punctuation dropped, hyphens as spaces, each word
    singular; an acronym known in ``aliases`` (key → long form key) becomes its long form."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHE_S.sub("", text).replace("-", " ").replace("‐", " ")
    words = [word_singular(word) for word in _NOT_WORD.sub(" ", text).split()]
    key = " ".join(words)
    if aliases:
        key = aliases.get(key, key)
    return key


def acronym_pairs(text: str) -> list[tuple[str, str]]:
    """(long form, acronym) for every "Long Form (LF)" in the text whose words' initials spell the acronym."""
    pairs = []
    for match in _ACRONYM_PAIR.finditer(text):
        words = match.group(1).split()
        acronym = match.group(2)
        letters = [letter for letter in acronym if letter.isupper()]
        for count in range(1, len(words) + 1):
            candidate = words[-count:]
            initials = [part[0].upper() for word in candidate for part in word.split("-") if part]
            if initials == letters:
                pairs.append((" ".join(candidate), acronym))
                break
    return pairs


# After "Long Form (LF)": words that say what it is ("is", "refers to") or that it is the work's own thing.
_PAIR_DEFINED_AFTER = re.compile(
    r"^\s*(?:,[^,.;]{1,80},\s*)?(?:is|are|refers\s+to|means|denotes|stands\s+for|describes)\b", re.IGNORECASE
)
# Before it: the text introduces it ("We propose the …", "we call it …", "called …").
_PAIR_INTRODUCED_BEFORE = re.compile(
    r"\b(?:we\s+(?:propose|introduce|present|call|name|describe|define)|this\s+(?:paper|work|article)\s+"
    r"(?:proposes|introduces|presents|describes)|called|named|known\s+as|dubbed)\b[^.;]{0,60}$",
    re.IGNORECASE,
)
# "Deep Learning (DL) has revolutionized …", "Large language models (LLMs) have become …": a field the text opens
# with, not what it defines.
_FIELD_AFTER = re.compile(r"^\s*(?:,[^,.;]{1,80},\s*)?(?:has|have|had)\b", re.IGNORECASE)


def acronym_pairs_defined(sentence: str) -> list[tuple[str, str]]:
    """The "Long Form (LF)" pairs a sentence defines or introduces as its own, not a field it merely opens with:
    "The Vision Transformer (ViT) reads …", "We propose the Universal Transformer (UT)", "X (X) is a …" are;
    "Deep Learning (DL) has revolutionized …" is not."""
    defined = []
    for long_form, acronym in acronym_pairs(sentence):
        match = re.search(re.escape(long_form) + r"\s*\(\s*" + re.escape(acronym) + r"s?\s*\)", sentence)
        if match is None:
            continue
        before, after = sentence[: match.start()], sentence[match.end() :]
        if _FIELD_AFTER.match(after):
            continue
        opens_as_the = not before.strip() and long_form.split()[0].casefold() not in ("the", "a", "an")
        named_with_article = re.search(r"(?:^|\W)(?:the|a|an|our)\s*$", before, re.IGNORECASE) is not None
        opens_defining = opens_as_the and after.lstrip().startswith(("is ", "are "))
        if (
            _PAIR_DEFINED_AFTER.match(after)
            or _PAIR_INTRODUCED_BEFORE.search(before)
            or named_with_article
            or opens_defining
        ):
            defined.append((long_form, acronym))
    return defined


def title_subjects(title: str) -> list[str]:
    """What a lesson's title names as its subject: a short title itself, or the short part before a colon."""
    subjects = []
    for part in (title, title.split(":", 1)[0] if ":" in title else ""):
        part = part.strip()
        if part and len(part.split()) <= SUBJECT_TITLE_WORDS_MAX and part not in subjects:
            subjects.append(part)
    return subjects


def key_terms(text: str, *, count: int = KEY_TERMS_PER_LESSON, stop_words: Iterable[str] = ()) -> list[str]:
    """YAKE's best phrases of one to three words in the text (no phrase made only of stop words)."""
    if not text.strip():
        return []
    stop = {word.casefold() for word in stop_words}
    import yake  # a tenth of a second to import (networkx comes with it): only when terms are extracted

    extractor = yake.KeywordExtractor(lan="en", n=3, top=count * 3)
    terms: list[str] = []
    for keyword, _score in extractor.extract_keywords(text):
        words = keyword.casefold().split()
        if len(keyword) < 3 or all(word in stop for word in words) or words[0] in stop or words[-1] in stop:
            continue
        terms.append(keyword)
        if len(terms) == count:
            break
    return terms


@dataclass(frozen=True)
class Mention:
    key: str
    term: str  # as the text writes it
    position: int  # index of its first word in the text


def mentions_find(text: str, keys: Iterable[str], *, aliases: Mapping[str, str] | None = None) -> list[Mention]:
    """Every key of ``keys`` that the text mentions (longest phrase first, one mention per key, in text order)."""
    wanted = set(keys)
    words = _WORD.findall(text)
    found: dict[str, Mention] = {}
    taken: set[int] = set()
    for size in range(MENTION_WORDS_MAX, 0, -1):
        for start in range(len(words) - size + 1):
            if any(index in taken for index in range(start, start + size)):
                continue
            phrase = " ".join(words[start : start + size])
            key = concept_key(phrase, aliases=aliases)
            if key in wanted and key not in found:
                found[key] = Mention(key=key, term=phrase.strip("-'’"), position=start)
                taken.update(range(start, start + size))
    return sorted(found.values(), key=lambda mention: mention.position)
