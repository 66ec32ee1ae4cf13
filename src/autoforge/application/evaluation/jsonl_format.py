"""Test cases as JSON Lines: one test per line, `{vars, assert, description, threshold,
expected, tags}`, the shape promptfoo reads from a .jsonl test file (plus `expected`
and `tags`, which promptfoo ignores)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from autoforge.application.evaluation.importing import (
    ImportNotes,
    ParsedTests,
    keep_valid_assertions,
)
from autoforge.domain.evaluation.assertions import JsonSchemaValidator
from autoforge.domain.evaluation.dataset import TestCase, new_test_case
from autoforge.domain.evaluation.dataset_errors import InvalidTestCaseError

__all__ = ["case_document", "read_jsonl", "write_jsonl"]

_FIELDS: Final = frozenset(
    {"vars", "assert", "assertions", "description", "threshold", "expected", "tags", "metadata"}
)


def read_jsonl(text: str, *, schema_validator: JsonSchemaValidator | None) -> ParsedTests:
    notes = ImportNotes()
    cases: list[TestCase] = []
    for line_number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {line_number}"
        try:
            document = json.loads(line)
        except ValueError as error:
            notes.skip(where, f"not valid JSON: {error}")
            continue
        if not isinstance(document, Mapping):
            notes.skip(where, "each line must be a JSON object")
            continue
        case = _case(document, where=where, notes=notes, schema_validator=schema_validator)
        if case is not None:
            cases.append(case)
    return ParsedTests(cases=cases, not_imported=notes.items)


def _case(
    document: Mapping[str, Any],
    *,
    where: str,
    notes: ImportNotes,
    schema_validator: JsonSchemaValidator | None,
) -> TestCase | None:
    for key in document:
        if key not in _FIELDS:
            notes.skip(f"{where}, field {key}", "this field is not supported")
    raw_vars = document.get("vars") or {}
    if not isinstance(raw_vars, Mapping):
        notes.skip(where, "test not imported: vars must be an object")
        return None
    assertions = keep_valid_assertions(
        document.get("assert", document.get("assertions")),
        where=where,
        notes=notes,
        schema_validator=schema_validator,
    )
    try:
        return new_test_case(
            label=where,
            vars=raw_vars,
            assertions=assertions,
            expected=document.get("expected"),
            threshold=document.get("threshold"),
            description=_text(document.get("description")),
            tags=_tags(document, where=where, notes=notes),
        )
    except InvalidTestCaseError as error:
        notes.skip(where, f"test not imported: {error.detail_en}")
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _tags(document: Mapping[str, Any], *, where: str, notes: ImportNotes) -> list[str]:
    tags = document.get("tags")
    metadata = document.get("metadata")
    if isinstance(metadata, Mapping):
        tags = tags if tags is not None else metadata.get("tags")
        if any(key != "tags" for key in metadata):
            notes.skip(f"{where}, field metadata", "metadata other than tags is not kept")
    if tags is None:
        return []
    if not isinstance(tags, Sequence) or isinstance(tags, str):
        notes.skip(f"{where}, field tags", "tags must be a list of strings")
        return []
    return [str(tag) for tag in tags]


def case_document(case: TestCase) -> dict[str, Any]:
    """The JSON object of one test case, without empty optional fields."""
    document: dict[str, Any] = {"vars": dict(case.vars), "assert": list(case.assertions)}
    if case.description:
        document["description"] = case.description
    if case.threshold is not None:
        document["threshold"] = case.threshold
    if case.expected is not None:
        document["expected"] = case.expected
    if case.tags:
        document["tags"] = list(case.tags)
    return document


def write_jsonl(cases: Sequence[TestCase]) -> str:
    return "".join(json.dumps(case_document(case), ensure_ascii=False) + "\n" for case in cases)
