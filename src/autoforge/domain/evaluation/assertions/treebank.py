"""Word tokens in the Penn Treebank style, for ROUGE-N.

promptfoo tokenizes ROUGE input with js-rouge's Treebank tokenizer: punctuation,
brackets and clitics ('s, n't, 'll ...) become tokens of their own, a sentence-final
period is split off, numbers keep their separators (1,000 and 3:30 stay whole). This
is an independent implementation of those rules (js-rouge's rare footnote-marker rule
for quotes is left out).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from autoforge.domain.evaluation.assertions.js import JS_WHITESPACE

__all__ = ["treebank_tokens"]

_SPACES = re.compile(f"[{re.escape(JS_WHITESPACE)}\u0085]+")
_DOUBLE_QUOTE = re.compile(r"``|''|\"")
_SENTENCE_END: Final = frozenset(".!?")

# (pattern, replacement) applied in order; each surrounds a token with spaces.
_PUNCTUATION: Final = (
    (re.compile(r"\.\.\."), " ... "),
    (re.compile(r"[:,](?!\d)"), r" \g<0> "),
    (re.compile(r"[;@#$%&]"), r" \g<0> "),
    # The final period leaves its word, except in initialisms such as "U.S."
    (re.compile(r"(?a)([^.])(?<!\b[A-Za-z]\.[A-Za-z])(\.)([\])}>'\s]*)$"), r"\1 \2\3 "),
    (re.compile(r"[?!]"), r" \g<0> "),
    (re.compile(r"[\[\](){}<>]"), r" \g<0> "),
    (re.compile(r"--"), " -- "),
)
_CLITICS: Final = (
    (re.compile(r"([^'])' "), r"\1 ' "),
    (re.compile(r"'([sSmMdD]) "), r" '\1 "),
    (re.compile(r"('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), r" \1 "),
)
_WORD_EDGE = r"[\w\u200c\u200d]"
_SPLIT_WORDS: Final = tuple(
    re.compile(rf"(?<!{_WORD_EDGE}){pattern}(?!{_WORD_EDGE})", re.IGNORECASE)
    for pattern in (
        "(can)(not)",
        "(d)('ye)",
        "(gim)(me)",
        "(gon)(na)",
        "(got)(ta)",
        "(lem)(me)",
        "(more)('n)",
        "(wan)(na)(?= )",
        "('t)(is)",
        "('t)(was)",
    )
)


def treebank_tokens(text: str) -> list[str]:
    text = _SPACES.sub(" ", text).strip(" ")
    if not text:
        return []
    text = _mark_quotes(text)
    for pattern, replacement in _PUNCTUATION:
        text = pattern.sub(replacement, text)
    text = f" {text} "
    for pattern, replacement in _CLITICS:
        text = pattern.sub(replacement, text)
    for pattern in _SPLIT_WORDS:
        text = pattern.sub(r" \1 \2 ", text)
    return [token for token in text.split(" ") if token]


def _mark_quotes(text: str) -> str:
    """Quotes become `` where they open a quotation and '' where they close one."""
    inside = False

    def replace(match: re.Match[str]) -> str:
        nonlocal inside
        inside = match.group(0) == "``" or _opens(
            text, match.start(), match.group(0), inside=inside
        )
        return " `` " if inside else " '' "

    return _DOUBLE_QUOTE.sub(replace, text)


def _opens(text: str, index: int, quote: str, *, inside: bool) -> bool:
    before = text[index - 1] if index > 0 else ""
    if inside or before in _SENTENCE_END:
        return False
    room = index + len(quote) < len(text) or index == 0 or _is_space_or_open(before)
    context = index == 0 or _is_space_or_punctuation(before) or text[index - 2 : index] == "``"
    return room and context and (quote == '"' or _opens_doubled(text, index))


def _opens_doubled(text: str, index: int) -> bool:
    """'' opens only before a word and when the next quote mark is another ''."""
    following = text[index + 2 : index + 3]
    if index == 0 or not following:
        return False
    category = unicodedata.category(following)
    upcoming = _DOUBLE_QUOTE.search(text, index + 2)
    word_like = category[0] in "LN" or category in {"Sc", "Ps"}
    return word_like and upcoming is not None and upcoming.group(0) == "''"


def _is_space_or_open(char: str) -> bool:
    return char != "" and (
        char in JS_WHITESPACE or char == "<" or unicodedata.category(char) == "Ps"
    )


def _is_space_or_punctuation(char: str) -> bool:
    return char != "" and (
        char in JS_WHITESPACE or char == "<" or unicodedata.category(char)[0] == "P"
    )
