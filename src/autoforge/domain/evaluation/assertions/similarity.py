"""The `similar` assertion: cosine similarity of embeddings, default threshold 0.75.

With several reference values, `similar` passes when any of them is close enough
and `not-similar` passes only when none is. No embedding model means an ERROR result,
never a pass. An English-centric model says so in the reason when the texts hold
Japanese, whose scores it cannot be trusted with.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from typing import Final

from autoforge.domain.errors import DomainError
from autoforge.domain.evaluation.assertions.context import CheckInput
from autoforge.domain.evaluation.assertions.errors import CheckError
from autoforge.domain.evaluation.assertions.model import Verdict
from autoforge.domain.evaluation.assertions.ports import Embedder
from autoforge.domain.evaluation.assertions.values import string_list

__all__ = ["check_similar", "cosine_similarity"]

_DEFAULT_THRESHOLD: Final = 0.75
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def cosine_similarity(first: Sequence[float], second: Sequence[float]) -> float:
    if len(first) != len(second):
        raise CheckError("embedding vectors differ in length")
    norms = math.sqrt(sum(x * x for x in first)) * math.sqrt(sum(y * y for y in second))
    if norms == 0:
        return 0.0
    return sum(x * y for x, y in zip(first, second, strict=True)) / norms


async def check_similar(check: CheckInput) -> Verdict:
    references = string_list(check.value, check.kind)
    embedder = check.ports.embedder
    if embedder is None:
        raise CheckError(f'"{check.kind}" needs an embedding model, and none is configured')
    vectors = await _embed(embedder, [check.output_text, *references])
    threshold = check.threshold_or(_DEFAULT_THRESHOLD)
    verdicts = [_verdict(check, cosine_similarity(vectors[0], v), threshold) for v in vectors[1:]]
    verdict = _combine(check, verdicts)
    note = _language_note(embedder, [check.output_text, *references])
    return Verdict(passed=verdict.passed, score=verdict.score, reason=verdict.reason + note)


async def _embed(embedder: Embedder, texts: list[str]) -> list[list[float]]:
    try:
        vectors = await embedder.embed(texts)
    except (DomainError, TimeoutError) as error:
        raise CheckError(f"the embedding call failed: {error}") from error
    if len(vectors) != len(texts):
        raise CheckError(
            f"the embedding model returned {len(vectors)} vectors for {len(texts)} texts"
        )
    return vectors


def _verdict(check: CheckInput, similarity: float, threshold: float) -> Verdict:
    # The epsilon keeps a similarity equal to the threshold from failing on rounding.
    if check.inverse:
        passed = similarity <= threshold + sys.float_info.epsilon
        score = 1 - similarity
    else:
        passed = similarity >= threshold - sys.float_info.epsilon
        score = similarity
    relation = "at or above" if similarity >= threshold else "below"
    return Verdict(
        passed, score, f"Similarity {similarity:.2f} is {relation} threshold {threshold}"
    )


def _combine(check: CheckInput, verdicts: list[Verdict]) -> Verdict:
    if len(verdicts) == 1:
        return verdicts[0]
    if check.inverse:
        failed = next((v for v in verdicts if not v.passed), None)
        return failed or min(verdicts, key=lambda v: v.score)
    passed = next((v for v in verdicts if v.passed), None)
    if passed is not None:
        return passed
    best = max(v.score for v in verdicts)
    return Verdict(False, best, "None of the values reached the similarity threshold")


def _language_note(embedder: Embedder, texts: list[str]) -> str:
    if embedder.multilingual or not any(_JAPANESE.search(text) for text in texts):
        return ""
    return (
        f" (note: {embedder.model_name} is an English-centric embedding model;"
        " its similarity on Japanese text is unreliable)"
    )
