"""Datasets: named, tenant-scoped sets of test cases, each in promptfoo's shape.

A test case holds variable values (always text: other JSON values are kept as their
JSON text, as a prompt template would print them), an optional expected output, its
assertions in promptfoo's format, an optional pass threshold, a description and tags.
Assertions are checked with the assertion engine's validator when a dataset is saved.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from autoforge.domain.evaluation.assertions import JsonSchemaValidator, validate_assertions
from autoforge.domain.evaluation.assertions.js import is_js_number, js_json_stringify
from autoforge.domain.evaluation.dataset_errors import (
    DatasetTooLargeError,
    InvalidDatasetError,
    InvalidTestCaseError,
)
from autoforge.domain.prompt.model import normalize_tags

__all__ = [
    "MAX_TEST_CASES",
    "Dataset",
    "TestCase",
    "case_label",
    "check_assertions",
    "new_dataset",
    "new_test_case",
    "variable_text",
]

MAX_NAME_CHARS: Final = 200
MAX_DESCRIPTION_CHARS: Final = 5_000
MAX_TAGS: Final = 20
MAX_TEST_CASES: Final = 10_000
MAX_VARIABLE_NAME_CHARS: Final = 100
# promptfoo's CSV gives columns starting with "__" a special meaning; variables may not.
RESERVED_PREFIX: Final = "__"


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test. `test_case_id` is identity only: two cases with the same content are equal."""

    vars: dict[str, str]
    assertions: tuple[dict[str, Any], ...] = ()
    expected: str | None = None
    threshold: float | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    test_case_id: str = field(default="", compare=False)

    # pytest would otherwise try to collect this class from test modules importing it.
    __test__ = False

    def with_id(self, test_case_id: str) -> TestCase:
        return replace(self, test_case_id=test_case_id)


@dataclass(frozen=True, slots=True)
class Dataset:
    dataset_id: str
    tenant_id: str
    owner_id: str
    name: str
    description: str
    tags: tuple[str, ...]
    test_cases: tuple[TestCase, ...]
    revision: int
    created_at: datetime
    updated_at: datetime

    def revised(
        self,
        *,
        at: datetime,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        test_cases: Sequence[TestCase] | None = None,
    ) -> Dataset:
        """A copy with the given fields changed and the next revision."""
        cases = self.test_cases if test_cases is None else _within_limit(test_cases)
        return replace(
            self,
            name=self.name if name is None else _name(name),
            description=self.description if description is None else _description(description),
            tags=self.tags if tags is None else _dataset_tags(tags),
            test_cases=cases,
            revision=self.revision + 1,
            updated_at=at,
        )


def new_dataset(
    *,
    dataset_id: str,
    tenant_id: str,
    owner_id: str,
    name: str,
    at: datetime,
    description: str = "",
    tags: Iterable[str] = (),
    test_cases: Sequence[TestCase] = (),
) -> Dataset:
    return Dataset(
        dataset_id=dataset_id,
        tenant_id=tenant_id,
        owner_id=owner_id,
        name=_name(name),
        description=_description(description),
        tags=_dataset_tags(tags),
        test_cases=_within_limit(test_cases),
        revision=1,
        created_at=at,
        updated_at=at,
    )


def new_test_case(
    *,
    label: str,
    vars: Mapping[str, object] | None = None,
    assertions: Sequence[Mapping[str, Any]] = (),
    expected: object = None,
    threshold: float | None = None,
    description: str = "",
    tags: Iterable[str] = (),
) -> TestCase:
    """A test case with its fields normalised; InvalidTestCaseError names `label` when one is bad.

    The assertions are copied as given; `check_assertions` validates them.
    """
    return TestCase(
        vars=_variables(vars or {}, label),
        assertions=tuple(copy.deepcopy(dict(assertion)) for assertion in assertions),
        # An empty reference says nothing, and CSV cannot tell it from no reference.
        expected=None if expected is None or expected == "" else variable_text(expected),
        threshold=_threshold(threshold, label),
        description=description.strip(),
        tags=_test_tags(tags, label),
    )


def check_assertions(
    cases: Sequence[TestCase],
    *,
    schema_validator: JsonSchemaValidator | None,
    first_index: int = 0,
) -> None:
    """Raise InvalidAssertionError naming the first test and assertion that cannot run."""
    for offset, case in enumerate(cases):
        label = case_label(first_index + offset, case.description)
        validate_assertions(case.assertions, test=label, schema_validator=schema_validator)


def case_label(index: int, description: str = "") -> str:
    """How errors and reports name a test: its 0-based position and its description."""
    return f"{index} ({description})" if description else str(index)


def variable_text(value: object) -> str:
    """A variable value as text: strings as they are, other JSON values as JSON text."""
    return value if isinstance(value, str) else js_json_stringify(value)


def _variables(values: Mapping[str, object], label: str) -> dict[str, str]:
    variables: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not name.strip():
            raise _invalid(label, "variable names must be non-empty text", "変数名は空にできません")
        if len(name) > MAX_VARIABLE_NAME_CHARS or name.startswith(RESERVED_PREFIX):
            raise _invalid(
                label,
                f'variable "{name[:40]}" must be at most {MAX_VARIABLE_NAME_CHARS} characters '
                f'and not start with "{RESERVED_PREFIX}"',
                f"変数「{name[:40]}」は {MAX_VARIABLE_NAME_CHARS} 文字以内で、"
                f"「{RESERVED_PREFIX}」で始まらない名前にしてください",
            )
        variables[name] = variable_text(value)
    return variables


def _threshold(threshold: float | None, label: str) -> float | None:
    if threshold is None:
        return None
    if not is_js_number(threshold) or not math.isfinite(threshold) or not 0 <= threshold <= 1:
        raise _invalid(
            label,
            "threshold must be a number from 0 to 1",
            "しきい値は 0 から 1 の数値にしてください",
        )
    return float(threshold)


def _test_tags(tags: Iterable[str], label: str) -> tuple[str, ...]:
    normalized = normalize_tags(tags)
    if len(normalized) > MAX_TAGS or any("," in tag for tag in normalized):
        raise _invalid(
            label,
            f"at most {MAX_TAGS} tags, none containing a comma",
            f"タグは {MAX_TAGS} 個までで、カンマを含めないでください",
        )
    return normalized


def _dataset_tags(tags: Iterable[str]) -> tuple[str, ...]:
    normalized = normalize_tags(tags)
    if len(normalized) > MAX_TAGS:
        raise InvalidDatasetError(
            f"A dataset has at most {MAX_TAGS} tags.",
            f"データセットのタグは {MAX_TAGS} 個までです。",
            code="TOO_MANY_TAGS",
        )
    return normalized


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidDatasetError(
            f"A dataset name must have 1 to {MAX_NAME_CHARS} characters.",
            f"データセット名は 1〜{MAX_NAME_CHARS} 文字にしてください。",
            code="INVALID_DATASET_NAME",
        )
    return name


def _description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidDatasetError(
            f"A dataset description has at most {MAX_DESCRIPTION_CHARS:,} characters.",
            f"データセットの説明は {MAX_DESCRIPTION_CHARS:,} 文字までです。",
            code="DESCRIPTION_TOO_LONG",
        )
    return description.strip()


def _within_limit(cases: Sequence[TestCase]) -> tuple[TestCase, ...]:
    if len(cases) > MAX_TEST_CASES:
        raise DatasetTooLargeError(count=len(cases), limit=MAX_TEST_CASES)
    return tuple(cases)


def _invalid(label: str, reason_en: str, reason_ja: str) -> InvalidTestCaseError:
    return InvalidTestCaseError(test=label, reason_en=reason_en, reason_ja=reason_ja)
