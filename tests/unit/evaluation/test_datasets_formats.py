"""CSV and JSONL: promptfoo's layouts read as promptfoo reads them, and lossless round trips."""

from __future__ import annotations

from typing import Any

import pytest

from autoforge.application.evaluation.csv_assertions import (
    UnsupportedCellError,
    assertion_from_cell,
    assertion_to_cell,
)
from autoforge.application.evaluation.csv_format import read_csv, write_csv
from autoforge.application.evaluation.jsonl_format import read_jsonl, write_jsonl
from autoforge.domain.errors import InvalidInputError
from autoforge.domain.evaluation.dataset import TestCase, new_test_case
from autoforge.infrastructure.evaluation.json_schema import JsonSchemaAdapter

VALIDATOR = JsonSchemaAdapter()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Paris", {"type": "equals", "value": "Paris"}),
        ("contains:Paris", {"type": "contains", "value": "Paris"}),
        ("contains: Hello", {"type": "contains", "value": "Hello"}),
        ("not-icontains:error", {"type": "not-icontains", "value": "error"}),
        ("contains-any: <b>,</span>", {"type": "contains-any", "value": ["<b>", "</span>"]}),
        (
            "factuality:The capital is Paris",
            {"type": "factuality", "value": "The capital is Paris"},
        ),
        ("similar(0.8):Hello there", {"type": "similar", "value": "Hello there", "threshold": 0.8}),
        ("similar:Hello", {"type": "similar", "value": "Hello", "threshold": 0.8}),
        ("rouge-n:the cat", {"type": "rouge-n", "value": "the cat", "threshold": 0.75}),
        ("levenshtein(3):kitten", {"type": "levenshtein", "value": "kitten", "threshold": 3.0}),
        ("is-json", {"type": "is-json"}),
        ("llm-rubric: is polite", {"type": "llm-rubric", "value": " is polite"}),
        ("grade:is polite", {"type": "llm-rubric", "value": "is polite"}),
        ("model-graded-factuality:Paris", {"type": "factuality", "value": "Paris"}),
        ("note: not a type", {"type": "equals", "value": "note: not a type"}),
    ],
)
def test_expected_cells_read_as_promptfoo_reads_them(cell: str, expected: dict[str, Any]) -> None:
    assert assertion_from_cell(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["javascript: output.length < 10", "python:len(output)", "file://check.py", "classifier:x"],
)
def test_cells_that_run_code_or_unsupported_types_are_refused(cell: str) -> None:
    with pytest.raises(UnsupportedCellError):
        assertion_from_cell(cell)


@pytest.mark.parametrize(
    "assertion",
    [
        {"type": "equals", "value": "contains:x"},
        {"type": "starts-with", "value": "Hi"},
        {"type": "contains", "value": " padded "},
        {"type": "contains-any", "value": ["a,b", "c"]},
        {"type": "is-json", "value": {"type": "object"}},
        {"type": "contains", "value": "x", "weight": 2},
    ],
)
def test_a_cell_is_written_only_when_it_reads_back_as_the_same_assertion(
    assertion: dict[str, Any],
) -> None:
    cell = assertion_to_cell(assertion)

    assert cell is None or assertion_from_cell(cell) == assertion


def _case(**fields: Any) -> TestCase:
    return new_test_case(label="0", **fields)


CASES = [
    _case(
        vars={"question": "Capital of France?", "lang": "en"},
        assertions=[
            {"type": "contains", "value": "Paris"},
            {"type": "not-icontains", "value": "x"},
        ],
        description="capital",
        threshold=0.5,
        tags=["geo", "smoke"],
    ),
    _case(
        vars={"question": '日本の首都は？\n改行, "引用"', "lang": ""},
        assertions=[{"type": "equals", "value": "東京"}],
        expected="東京です",
    ),
    _case(
        vars={"question": "JSON please"},
        assertions=[
            {"type": "is-json", "value": {"type": "object", "required": ["a"]}},
            {"type": "contains", "value": "a", "weight": 0, "metric": "info"},
        ],
    ),
    _case(
        vars={"lang": "ja"},
        assertions=[
            {"type": "regex", "value": "\\d+", "metric": "format"},
            {"type": "similar", "value": "hello", "threshold": 0.9, "metric": "format"},
        ],
    ),
    _case(vars={}, assertions=[]),
]


def test_csv_export_then_import_gives_the_same_test_cases() -> None:
    text = write_csv(CASES)

    parsed = read_csv(text, schema_validator=VALIDATOR)

    assert parsed.not_imported == []
    assert parsed.cases == CASES


def test_jsonl_export_then_import_gives_the_same_test_cases() -> None:
    parsed = read_jsonl(write_jsonl(CASES), schema_validator=VALIDATOR)

    assert parsed.not_imported == []
    assert parsed.cases == CASES


def test_csv_export_uses_promptfoo_columns_where_they_are_enough() -> None:
    header = write_csv(CASES[:2]).splitlines()[0].split(",")

    assert header[:2] == ["question", "lang"]
    assert {"__expected1", "__expected2", "__description", "__threshold"} <= set(header)
    assert "__assertions" not in header


def test_csv_in_promptfoo_documented_layout_imports_with_metric_and_threshold() -> None:
    text = (
        "question,__expected1,__expected2,__metric,__threshold,__description\n"
        '"What is 2+2?","equals: 4","contains: four",math,0.5,Basic math\n'
        '"Capital of France?",Paris,,geo,,\n'
    )

    parsed = read_csv(text, schema_validator=VALIDATOR)

    first, second = parsed.cases
    assert first.vars == {"question": "What is 2+2?"}
    assert first.assertions == (
        {"type": "equals", "value": "4", "metric": "math"},
        {"type": "contains", "value": "four", "metric": "math"},
    )
    assert (first.threshold, first.description) == (0.5, "Basic math")
    assert second.assertions == ({"type": "equals", "value": "Paris", "metric": "geo"},)
    assert second.threshold is None


def test_csv_reports_unsupported_columns_code_cells_and_invalid_assertions() -> None:
    text = (
        "input,__prefix,__expected1,__expected2,__threshold\n"
        "hi,Say:,javascript: output.length < 10,regex:(,abc\n"
    )

    parsed = read_csv(text, schema_validator=VALIDATOR)

    items = [note.item for note in parsed.not_imported]
    assert items == [
        "column __prefix",
        "line 2, column __expected1",
        "line 2, assertion 0",
        "line 2",
    ]
    assert parsed.cases == []  # the unreadable threshold drops the test, and says so


def test_csv_without_a_header_is_refused_as_a_whole() -> None:
    with pytest.raises(InvalidInputError):
        read_csv("\n\n", schema_validator=VALIDATOR)


def test_jsonl_reports_bad_lines_and_unknown_fields_and_keeps_the_rest() -> None:
    text = (
        '{"vars": {"x": 5, "y": [1, 2]}, "assert": [{"type": "equals", "value": "8"}]}\n'
        "not json\n"
        "\n"
        '{"vars": {"x": 1}, "provider": "openai:gpt-4o", "metadata": {"tags": ["A"], "k": 1}}\n'
        '{"vars": {"x": 1}, "assert": [{"type": "nope"}]}\n'
    )

    parsed = read_jsonl(text, schema_validator=VALIDATOR)

    assert [case.vars for case in parsed.cases] == [
        {"x": "5", "y": "[1,2]"},
        {"x": "1"},
        {"x": "1"},
    ]
    assert parsed.cases[1].tags == ("a",)
    assert parsed.cases[2].assertions == ()
    assert [note.item for note in parsed.not_imported] == [
        "line 2",
        "line 4, field provider",
        "line 4, field metadata",
        "line 5, assertion 0",
    ]
