"""The prompt text measured once: language, token estimate, sentences and lexicon helpers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from autoforge.domain.evaluation.quality.report import Language

__all__ = [
    "PromptText",
    "detect_language",
    "english_terms",
    "estimate_tokens",
    "examples_of",
    "japanese_terms",
    "matches",
    "prepare",
]

# Kana, kanji (with extension A and compatibility ideographs) and half-width katakana.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
# Japanese punctuation and full-width forms: each is about one token as well.
_CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff65]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s)|[。！？]+|\n+")

# Tokenizers spend about one token per 1–1.5 Japanese characters, and about one per
# four characters of English text (spaces included).
_CJK_CHARS_PER_TOKEN = 1.25
_OTHER_CHARS_PER_TOKEN = 4.0
# A Japanese character carries about as much as a short English word, so a modest
# share of kana and kanji already means the prompt is written in Japanese.
_JAPANESE_SHARE = 0.1
# Japanese words are about two characters long; used to compare densities across languages.
_CJK_CHARS_PER_WORD = 2.0


@dataclass(frozen=True, slots=True)
class PromptText:
    text: str
    # Lexicons match the lower-cased text: case-insensitive regexes are several times
    # slower on long non-ASCII text.
    lower: str
    language: Language
    token_estimate: int
    # Approximate word count across both scripts, the denominator of every density.
    units: float
    sentences: tuple[str, ...]
    lines: tuple[str, ...]


def prepare(text: str, language: Language | None = None) -> PromptText:
    cjk = len(_CJK.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    sentences = tuple(s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip())
    return PromptText(
        text=text,
        lower=text.lower(),
        language=language or detect_language(text),
        token_estimate=estimate_tokens(text),
        units=latin_words + cjk / _CJK_CHARS_PER_WORD,
        sentences=sentences,
        lines=tuple(text.splitlines()),
    )


def detect_language(text: str) -> Language:
    """Japanese when kana and kanji make up a meaningful share of the letters."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if cjk and cjk / (cjk + latin) >= _JAPANESE_SHARE:
        return "ja"
    return "en"


def estimate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text)) + len(_CJK_PUNCTUATION.findall(text))
    other = len(text) - cjk
    return math.ceil(cjk / _CJK_CHARS_PER_TOKEN + other / _OTHER_CHARS_PER_TOKEN)


def english_terms(*terms: str) -> re.Pattern[str]:
    """Whole-word match of any lower-case term in lower-cased text; spaces match any whitespace."""
    ordered = sorted(terms, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(part) for part in term.split()) for term in ordered)
    return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])")


def japanese_terms(*terms: str) -> re.Pattern[str]:
    """Match of any term anywhere: Japanese has no spaces to mark word boundaries."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in ordered))


def matches(text: str, *patterns: re.Pattern[str]) -> list[str]:
    """Every match of every pattern, lower-cased with whitespace collapsed."""
    found: list[str] = []
    for pattern in patterns:
        found.extend(" ".join(m.group(0).lower().split()) for m in pattern.finditer(text))
    return found


def examples_of(items: Iterable[str], *, limit: int = 5) -> list[str]:
    """The first few distinct items, in order of appearance, to quote in a reason."""
    distinct: list[str] = []
    for item in items:
        if item not in distinct:
            distinct.append(item)
        if len(distinct) == limit:
            break
    return distinct
