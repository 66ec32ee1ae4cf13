"""llm-rubric, factuality and model-graded-closedqa: a grader model decides.

A grader answer that cannot be read (no JSON object, no category, no final Y or N)
is an ERROR result that keeps the raw answer; it is never taken as a pass. Unlike
promptfoo, `not-factuality` and `not-model-graded-closedqa` do invert the verdict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from autoforge.domain.errors import DomainError
from autoforge.domain.evaluation.assertions.context import CheckInput
from autoforge.domain.evaluation.assertions.errors import CheckError
from autoforge.domain.evaluation.assertions.grading_prompts import (
    FACTUALITY_CATEGORIES,
    closed_qa_prompt,
    factuality_prompt,
    rubric_prompt,
)
from autoforge.domain.evaluation.assertions.js import (
    JS_WHITESPACE,
    is_js_number,
    js_json_stringify,
    js_to_number,
)
from autoforge.domain.evaluation.assertions.json_checks import extract_json_objects
from autoforge.domain.evaluation.assertions.model import AssertionType, Verdict
from autoforge.domain.evaluation.assertions.values import nonempty_string

__all__ = ["GRADED_CHECKS", "rubric_text"]

_TRUE_WORDS: Final = frozenset({"true", "yes", "pass", "y"})
_FALSE_WORDS: Final = frozenset({"false", "no", "fail", "n"})
_LEGACY_CATEGORY = re.compile(r"\(?([A-Ea-e])\)")
_DEFAULT_RUBRIC_THRESHOLD: Final = 0.5
_FAILING_CATEGORIES: Final = frozenset({"D"})


def rubric_text(value: object, kind: str) -> str:
    """The rubric: a non-empty string, or an object given to the grader as JSON."""
    if isinstance(value, Mapping) and value:
        return js_json_stringify(value)
    return nonempty_string(value, kind)


async def _ask(check: CheckInput, prompt: str) -> str:
    grader = check.ports.grader
    if grader is None:
        raise CheckError(f'"{check.kind}" needs a grader model, and none is configured')
    try:
        answer = await grader.grade(prompt)
    except (DomainError, TimeoutError) as error:
        raise CheckError(f"the grader call failed: {error}") from error
    if not answer.strip():
        raise CheckError("the grader returned an empty answer", grader_output=answer)
    return answer


def _required_prompt(check: CheckInput) -> str:
    if not check.prompt:
        raise CheckError(f'"{check.kind}" needs the prompt that produced the output')
    return check.prompt


def _inverted(check: CheckInput, *, passed: bool, score: float, reason: str) -> Verdict:
    if not check.inverse:
        return Verdict(passed=passed, score=score, reason=reason)
    return Verdict(passed=not passed, score=min(1.0, max(0.0, 1 - score)), reason=reason)


async def check_llm_rubric(check: CheckInput) -> Verdict:
    rubric = rubric_text(check.value, check.kind)
    answer = await _ask(check, rubric_prompt(output=check.output_text, rubric=rubric))
    graded = _grading_object(answer)
    passed, score = _pass_and_score(graded, check, answer)
    reason = str(graded.get("reason") or ("Grading passed" if passed else "Grading failed"))
    return _inverted(check, passed=passed, score=score, reason=reason)


def _grading_object(answer: str) -> dict[str, object]:
    for candidate in extract_json_objects(answer):
        if isinstance(candidate, dict) and ("pass" in candidate or "score" in candidate):
            return candidate
    raise CheckError(
        "the grader's answer has no JSON object with pass or score", grader_output=answer
    )


def _pass_and_score(
    graded: dict[str, object], check: CheckInput, answer: str
) -> tuple[bool, float]:
    threshold = check.assertion.threshold
    score = _score(graded.get("score"), answer)
    stated = _stated_pass(graded.get("pass"), answer)
    if score is None:
        # Without a score, the stated verdict is the score: 1 for a pass, 0 otherwise.
        score = 1.0 if stated else 0.0
    if stated is None:
        stated = score >= (_DEFAULT_RUBRIC_THRESHOLD if threshold is None else threshold)
    passed = stated
    if threshold is not None:
        passed = passed and score >= threshold
    return passed, score


def _score(raw: object, answer: str) -> float | None:
    if raw is None:
        return None
    if is_js_number(raw):
        score = float(raw)
    else:
        score = js_to_number(raw) if isinstance(raw, str) else math.nan
    if not 0.0 <= score <= 1.0:
        raise CheckError(
            f"the grader's score {raw!r} is not a number from 0 to 1", grader_output=answer
        )
    return score


def _stated_pass(raw: object, answer: str) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in _TRUE_WORDS or word in _FALSE_WORDS:
        return word in _TRUE_WORDS
    raise CheckError(f"the grader's pass value {raw!r} is not a yes or no", grader_output=answer)


async def check_factuality(check: CheckInput) -> Verdict:
    expert = nonempty_string(check.value, check.kind)
    prompt = factuality_prompt(
        question=_required_prompt(check), expert_answer=expert, submission=check.output_text
    )
    answer = await _ask(check, prompt)
    category, reason = _category(answer)
    passed = category not in _FAILING_CATEGORIES
    return _inverted(check, passed=passed, score=1.0 if passed else 0.0, reason=reason)


def _category(answer: str) -> tuple[str, str]:
    for candidate in extract_json_objects(answer):
        if isinstance(candidate, dict) and isinstance(candidate.get("category"), str):
            category = str(candidate["category"]).strip().upper()
            if category not in FACTUALITY_CATEGORIES:
                raise CheckError(
                    f"the grader chose no valid category: {category!r}", grader_output=answer
                )
            reason = str(candidate.get("reason") or "").strip()
            return category, reason or f"Category {category}: {FACTUALITY_CATEGORIES[category]}"
    legacy = _LEGACY_CATEGORY.search(answer)
    if legacy is None:
        raise CheckError("the grader's answer names no category (A) to (E)", grader_output=answer)
    category = legacy.group(1).upper()
    return category, f"Category {category}: {FACTUALITY_CATEGORIES[category]}"


async def check_closed_qa(check: CheckInput) -> Verdict:
    criterion = nonempty_string(check.value, check.kind)
    prompt = closed_qa_prompt(
        task=_required_prompt(check), submission=check.output_text, criterion=criterion
    )
    answer = await _ask(check, prompt)
    verdict = answer.rstrip(JS_WHITESPACE)[-1:]
    if verdict not in ("Y", "N"):
        raise CheckError("the grader's answer does not end with Y or N", grader_output=answer)
    passed = verdict == "Y"
    meets = "meets" if passed else "does not meet"
    return _inverted(
        check, passed=passed, score=float(passed), reason=f"The submission {meets} the criterion"
    )


GRADED_CHECKS: Final[Mapping[AssertionType, Callable[[CheckInput], Awaitable[Verdict]]]] = {
    AssertionType.LLM_RUBRIC: check_llm_rubric,
    AssertionType.FACTUALITY: check_factuality,
    AssertionType.MODEL_GRADED_CLOSEDQA: check_closed_qa,
}
