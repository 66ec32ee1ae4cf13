"""Metrics of how the prompt is written: structure, length and efficiency, ambiguity."""

from __future__ import annotations

import json
import re

from autoforge.domain.evaluation.quality.report import MetricResult, metric_result
from autoforge.domain.evaluation.quality.text import (
    PromptText,
    english_terms,
    examples_of,
    japanese_terms,
    matches,
)

__all__ = ["ambiguity", "length", "structure"]

_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+\S|【[^】\n]+】|[■◆●□◇▼▶][ \t]*\S"
    r"|\*\*[^*\n]{1,60}\*\*[ \t]*:?[ \t]*$|[A-Z][A-Za-z /&-]{1,40}:[ \t]*$)",
    re.MULTILINE,
)
_LIST_ITEM = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]+|・|\d+[.)．][ \t]*|[①-⑳]|\(\d+\)[ \t]*)\S", re.MULTILINE
)
_DELIMITER = re.compile(
    r"```|\"\"\"|<<<|>>>|</[A-Za-z][\w-]*>|^[ \t]*(?:-{3,}|={3,}|\*{3,}|_{3,})[ \t]*$",
    re.MULTILINE,
)
# Keys of YAML or JSON prompts: structured data is structure in its own right.
_KEY_VALUE = re.compile(r"^[ \t]*[\"']?[\w-]+[\"']?[ \t]*:[ \t]", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Below this length a prompt reads fine without headings or lists.
_STRUCTURE_OPTIONAL_TOKENS = 40
_SHORT_PROMPT_FLOOR = 0.5

_SHORT_TOKENS = 60
_LONG_TOKENS = 6000
_LONG_DECAY_TOKENS = 30000
_LONG_FLOOR = 0.6
_SEQUENCE_TOKEN = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Natural prose repeats a few phrases; only repetition beyond this share is padding.
_REPETITION_GRACE = 0.1
_FILLER = (
    english_terms(
        "please note that", "it is important to note", "it should be noted", "needless to say",
        "as mentioned above", "as previously mentioned", "basically", "actually", "literally",
        "very very", "really really", "at the end of the day", "for all intents and purposes",
        "it goes without saying",
    ),
    japanese_terms(
        "させていただ", "基本的に", "念のため", "改めて", "繰り返しになりますが",
        "言うまでもなく", "ということです", "的な感じ",
    ),
)  # fmt: skip

_PRONOUN = re.compile(
    r"(?<![A-Za-z])(?:it|they|them)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:this|these|those)(?=[ \t]*(?:[.,;:!?]|$)|\s+(?:is|was|are|were|will|would"
    r"|should|can|could|must|might|may|does|did|has|had|means|seems|looks|needs)(?![A-Za-z]))"
    r"|(?<![A-Za-z])that(?=[ \t]*(?:[.,;:!?]|$))"
    r"|(?:それ|あれ|これ)(?!ぞれ|から|まで|でも|とも|ば|以外|以上|以降|により|によって|に対して|だけ|ほど)"
    r"|そこ|あそこ|そちら|あちら",
    re.MULTILINE,
)
# A first sentence that points at something never introduced ("Fix it.", 「これを直して」).
_OPENING_POINTER = re.compile(
    r"^\W*(?:[A-Za-z']+\s+){0,3}(?:it|this|that|these|those|them)"
    r"(?:\s+(?:better|again|more|shorter|longer|nicer|up|please|now))?\W*$"
    r"|^\W*(?:it|this|that|they)\s+(?:is|was|should|must|needs|has|will|can|does)(?![A-Za-z])"
    r"|^\W*(?:それ|これ|あれ)(?:を|は|が|に|で|って)",
    re.IGNORECASE,
)
_DOUBLE_NEGATIVE = (
    re.compile(r"(?<![A-Za-z])not\s+un[a-z]+"),
    re.compile(
        r"(?<![A-Za-z])(?:don't|do not|doesn't|does not|can't|cannot|won't|isn't|never)"
        r"(?![A-Za-z])[^.!?\n]{0,30}?(?<![A-Za-z])(?:nothing|nobody|none|nowhere|no one|never)"
        r"(?![A-Za-z])",
    ),
    japanese_terms(
        "ないわけではない", "なくはない", "ないとは言えない", "ないこともない", "ないことはない",
        "なくもない", "ないとは限らない", "しないでもない", "ないわけにはいかない",
    ),
)  # fmt: skip
# Instructions refer back to their subject now and then; more often than this is guesswork.
_PRONOUNS_PER_SENTENCE_ALLOWED = 0.5
_PRONOUN_EXCESS_WEIGHT = 0.5


def structure(prompt: PromptText) -> MetricResult:
    text = prompt.text
    headings = bool(_HEADING.search(text)) or len(_KEY_VALUE.findall(text)) >= 3
    lists = len(_LIST_ITEM.findall(text)) >= 2
    delimiters = bool(_DELIMITER.search(text))
    paragraphs = bool(_PARAGRAPH_BREAK.search(text.strip()))
    structured_data = _is_json(text)

    score = 0.1 + 0.3 * headings + 0.3 * lists + 0.2 * delimiters + 0.1 * paragraphs
    if structured_data:
        score = max(score, 0.9)
    short = prompt.token_estimate < _STRUCTURE_OPTIONAL_TOKENS
    if short:
        score = max(score, _SHORT_PROMPT_FLOOR)

    if score >= 0.8:
        en, ja = "Well structured into sections.", "セクションに分かれ、構造化されています。"
    elif short:
        en = "Short enough to read without structure."
        ja = "短いため、構造化しなくても読めます。"
    else:
        en = "Little structure: use headings, lists or delimiters to separate the parts."
        ja = "構造が乏しいです。見出し・箇条書き・区切り記号で各部分を分けてください。"
    return metric_result(
        "structure",
        score,
        en=en,
        ja=ja,
        headings=headings,
        lists=lists,
        delimiters=delimiters,
        paragraphs=paragraphs,
        structured_data=structured_data,
    )


def length(prompt: PromptText) -> MetricResult:
    tokens = prompt.token_estimate
    if tokens < _SHORT_TOKENS:
        size = 0.15 + 0.85 * tokens / _SHORT_TOKENS
    elif tokens <= _LONG_TOKENS:
        size = 1.0
    else:
        size = max(_LONG_FLOOR, 1.0 - (tokens - _LONG_TOKENS) / _LONG_DECAY_TOKENS)

    repetition = _repetition(prompt)
    duplicates = _duplicate_line_share(prompt.lines)
    fillers = matches(prompt.lower, *_FILLER)
    filler_rate = min(0.3, len(fillers) / max(1, len(prompt.sentences)))
    padding = max(0.0, repetition - _REPETITION_GRACE) * 1.5 + duplicates * 0.5 + filler_rate
    efficiency = max(0.0, 1.0 - padding)

    en, ja = _length_reason(tokens=tokens, size=size, efficiency=efficiency)
    return metric_result(
        "length",
        size * efficiency,
        en=en,
        ja=ja,
        token_estimate=tokens,
        repetition=round(repetition, 4),
        duplicate_lines=round(duplicates, 4),
        fillers=examples_of(fillers),
    )


def ambiguity(prompt: PromptText) -> MetricResult:
    pronouns = matches(prompt.lower, _PRONOUN)
    rate = len(pronouns) / max(1, len(prompt.sentences))
    excess = max(0.0, rate - _PRONOUNS_PER_SENTENCE_ALLOWED)
    first = prompt.sentences[0] if prompt.sentences else ""
    opening = bool(_OPENING_POINTER.search(first))
    double_negatives = matches(prompt.lower, *_DOUBLE_NEGATIVE)

    score = 1.0 - _PRONOUN_EXCESS_WEIGHT * excess - 0.3 * opening - 0.25 * len(double_negatives)
    problems_en: list[str] = []
    problems_ja: list[str] = []
    if opening:
        problems_en.append("it opens by pointing at something never introduced")
        problems_ja.append("冒頭の指示語が何を指すか不明")
    if excess > 0:
        problems_en.append(f"{len(pronouns)} pronouns such as it/this/that")
        problems_ja.append(f"「それ」「これ」などの指示語が{len(pronouns)}件")
    if double_negatives:
        problems_en.append(f"{len(double_negatives)} double negative(s)")
        problems_ja.append(f"二重否定が{len(double_negatives)}件")
    if problems_en:
        en = f"Ambiguous: {'; '.join(problems_en)}. Name the thing instead."
        ja = f"曖昧な表現があります（{'、'.join(problems_ja)}）。指す対象を明記してください。"
    else:
        en, ja = "References are clear.", "指示語や否定表現は明確です。"
    return metric_result(
        "ambiguity",
        score,
        en=en,
        ja=ja,
        pronouns=len(pronouns),
        opening_pointer=opening,
        double_negatives=examples_of(double_negatives),
    )


def _is_json(text: str) -> bool:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def _repetition(prompt: PromptText) -> float:
    """Share of repeated n-grams: about four words, or eight Japanese characters."""
    sequence = _SEQUENCE_TOKEN.findall(prompt.lower)
    n = 8 if prompt.language == "ja" else 5
    total = len(sequence) - n + 1
    if total < 2:
        return 0.0
    distinct = {tuple(sequence[i : i + n]) for i in range(total)}
    return 1.0 - len(distinct) / total


def _duplicate_line_share(lines: tuple[str, ...]) -> float:
    # Short lines ("---", "}", "- yes") repeat legitimately; only sentences count.
    meaningful = [line.strip() for line in lines if len(line.strip()) >= 12]
    if len(meaningful) < 3:
        return 0.0
    return 1.0 - len(set(meaningful)) / len(meaningful)


def _length_reason(*, tokens: int, size: float, efficiency: float) -> tuple[str, str]:
    if efficiency < 0.8:
        return (
            f"About {tokens} tokens with repeated or filler text; cut the padding.",
            f"約{tokens}トークンのうち繰り返しや冗長な表現があります。削ってください。",
        )
    if tokens < _SHORT_TOKENS and size < 1.0:
        return (
            f"Only about {tokens} tokens: too short to carry the needed detail.",
            f"約{tokens}トークンしかなく、必要な情報を伝えるには短すぎます。",
        )
    if tokens > _LONG_TOKENS:
        return (
            f"About {tokens} tokens: long prompts cost more and dilute the instructions.",
            f"約{tokens}トークンと長く、コストが増え指示が埋もれます。",
        )
    return (
        f"About {tokens} tokens, without padding.",
        f"約{tokens}トークンで、冗長さはありません。",
    )
