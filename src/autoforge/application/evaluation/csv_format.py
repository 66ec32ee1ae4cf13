"""Test cases as CSV, in promptfoo's layout, read and written without loss.

One column per variable, plus promptfoo's special columns: `__expected` (or
`__expected1`, `__expected2` ...; see csv_assertions), `__description`, `__threshold`
and `__metric`. Four columns of our own carry what promptfoo's layout cannot:
`__assertions` (a JSON array, for assertions no cell can express), `__reference`
(the expected output), `__tags` (comma-separated) and `__unset` (a JSON array of the
variables a test does not set: an empty cell is an empty value, as in promptfoo).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from autoforge.application.evaluation.csv_assertions import (
    UnsupportedCellError,
    assertion_from_cell,
    assertion_to_cell,
)
from autoforge.application.evaluation.importing import (
    ImportNotes,
    ParsedTests,
    invalid_format,
    keep_valid_assertions,
)
from autoforge.domain.evaluation.assertions import JsonSchemaValidator
from autoforge.domain.evaluation.dataset import TestCase, new_test_case
from autoforge.domain.evaluation.dataset_errors import InvalidTestCaseError

__all__ = ["read_csv", "write_csv"]

_SPECIAL: Final = frozenset(
    {
        "__assertions",
        "__description",
        "__metric",
        "__reference",
        "__tags",
        "__threshold",
        "__unset",
    }
)
_NOT_SUPPORTED: Final = {
    "__prefix": "prompt prefixes are not supported; put the text in the prompt",
    "__suffix": "prompt suffixes are not supported; put the text in the prompt",
    "__providerOutput": "fixed provider outputs are not supported; grade outputs with "
    "POST /api/v1/assertions/check",
}


@dataclass(slots=True)
class _Row:
    """A test under construction from one CSV line."""

    vars: dict[str, str] = field(default_factory=dict)
    assertions: list[object] = field(default_factory=list)
    cell_assertions: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def read_csv(text: str, *, schema_validator: JsonSchemaValidator | None) -> ParsedTests:
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error as error:
        raise invalid_format(
            f"The CSV cannot be read: {error}", f"CSV を読めません: {error}"
        ) from error
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise invalid_format("The CSV has no header row.", "CSV に見出し行がありません。")
    notes = ImportNotes()
    header = rows[0]
    ignored = _ignored_columns(header, notes)
    cases: list[TestCase] = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            notes.skip(f"line {line}", "cells beyond the header row are ignored")
        row = _row(header, cells, ignored=ignored, where=f"line {line}", notes=notes)
        case = _case(row, where=f"line {line}", notes=notes, schema_validator=schema_validator)
        if case is not None:
            cases.append(case)
    return ParsedTests(cases=cases, not_imported=notes.items)


def _ignored_columns(header: Sequence[str], notes: ImportNotes) -> set[str]:
    ignored: set[str] = set()
    seen: set[str] = set()
    for name in header:
        if name in seen and not name.startswith("__expected"):
            notes.skip(f"column {name}", "the column appears twice; the last one is used")
        seen.add(name)
        if name.startswith("__expected") or name in _SPECIAL or not name.startswith("__"):
            continue
        reason = _NOT_SUPPORTED.get(name, "this special column is not supported")
        if name.startswith("__metadata") or name.startswith("__config"):
            reason = "promptfoo metadata and per-assertion config columns are not supported"
        notes.skip(f"column {name}", reason)
        ignored.add(name)
    return ignored


def _row(
    header: Sequence[str],
    cells: Sequence[str],
    *,
    ignored: set[str],
    where: str,
    notes: ImportNotes,
) -> _Row:
    row = _Row()
    padded = [*cells, *[""] * (len(header) - len(cells))]
    for name, cell in zip(header, padded, strict=False):
        if name in ignored:
            continue
        if name.startswith("__expected"):
            _read_cell(row, cell, where=f"{where}, column {name}", notes=notes)
        elif name == "__assertions":
            _read_json_assertions(row, cell, where=where, notes=notes)
        elif name in _SPECIAL:
            row.values[name] = cell
        else:
            row.vars[name] = cell
    return row


def _read_cell(row: _Row, cell: str, *, where: str, notes: ImportNotes) -> None:
    if not cell.strip():
        return
    try:
        assertion = assertion_from_cell(cell)
    except UnsupportedCellError as error:
        notes.skip(where, str(error))
        return
    row.cell_assertions.append(assertion)
    row.assertions.append(assertion)


def _read_json_assertions(row: _Row, cell: str, *, where: str, notes: ImportNotes) -> None:
    if not cell.strip():
        return
    try:
        parsed = json.loads(cell)
    except ValueError:
        notes.skip(f"{where}, column __assertions", "not a JSON array of assertions")
        return
    if not isinstance(parsed, list):
        notes.skip(f"{where}, column __assertions", "not a JSON array of assertions")
        return
    row.assertions.extend(parsed)


def _case(
    row: _Row, *, where: str, notes: ImportNotes, schema_validator: JsonSchemaValidator | None
) -> TestCase | None:
    metric = row.values.get("__metric", "").strip()
    for assertion in row.cell_assertions:
        if metric:
            assertion["metric"] = metric
    assertions = keep_valid_assertions(
        row.assertions, where=where, notes=notes, schema_validator=schema_validator
    )
    try:
        unset = _unset(row.values.get("__unset", ""))
        return new_test_case(
            label=where,
            vars={name: value for name, value in row.vars.items() if name not in unset},
            assertions=assertions,
            expected=row.values.get("__reference") or None,
            threshold=_threshold(row.values.get("__threshold", "")),
            description=row.values.get("__description", ""),
            tags=[tag for tag in row.values.get("__tags", "").split(",") if tag.strip()],
        )
    except (InvalidTestCaseError, ValueError) as error:
        reason = error.detail_en if isinstance(error, InvalidTestCaseError) else str(error)
        notes.skip(where, f"test not imported: {reason}")
        return None


def _threshold(cell: str) -> float | None:
    if not cell.strip():
        return None
    try:
        return float(cell)
    except ValueError:
        raise ValueError(f"__threshold {cell[:40]!r} is not a number") from None


def _unset(cell: str) -> set[str]:
    if not cell.strip():
        return set()
    try:
        names = json.loads(cell)
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("__unset must be a JSON array of variable names")
    return set(names)


def write_csv(cases: Sequence[TestCase]) -> str:
    variables = _variable_names(cases)
    cells = [_assertion_cells(case) for case in cases]
    width = max((len(found[0]) for found in cells if found is not None), default=0)
    expected_columns = (
        ["__expected"] if width == 1 else [f"__expected{i}" for i in range(1, width + 1)]
    )
    extras = _extra_columns(cases, cells, variables)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*variables, *expected_columns, *extras])
    for case, found in zip(cases, cells, strict=True):
        assertion_cells = found[0] if found is not None else []
        writer.writerow(
            [
                *(case.vars.get(name, "") for name in variables),
                *(assertion_cells + [""] * (width - len(assertion_cells))),
                *(_extra_cell(column, case, found, variables) for column in extras),
            ]
        )
    return buffer.getvalue()


def _variable_names(cases: Iterable[TestCase]) -> list[str]:
    names: dict[str, None] = {}
    for case in cases:
        names.update(dict.fromkeys(case.vars))
    return list(names)


_Cells = tuple[list[str], str | None] | None


def _assertion_cells(case: TestCase) -> _Cells:
    """The cells and shared metric for the case's assertions; None when JSON is needed."""
    metrics = {assertion.get("metric") for assertion in case.assertions}
    metric = next(iter(metrics)) if len(metrics) == 1 else None
    if len(metrics) > 1 or (metric is not None and not isinstance(metric, str)):
        return None
    cells: list[str] = []
    for assertion in case.assertions:
        bare = {key: value for key, value in assertion.items() if key != "metric"}
        cell = assertion_to_cell(bare if metric else assertion)
        if cell is None:
            return None
        cells.append(cell)
    return cells, metric or None


def _extra_columns(
    cases: Sequence[TestCase], cells: Sequence[_Cells], variables: Sequence[str]
) -> list[str]:
    wanted = {
        "__assertions": any(
            c is None and case.assertions for case, c in zip(cases, cells, strict=True)
        ),
        "__metric": any(c is not None and c[1] for c in cells),
        "__reference": any(case.expected is not None for case in cases),
        "__description": any(case.description for case in cases),
        "__threshold": any(case.threshold is not None for case in cases),
        "__tags": any(case.tags for case in cases),
        "__unset": any(len(case.vars) < len(variables) for case in cases),
    }
    return [column for column, needed in wanted.items() if needed]


def _extra_cell(column: str, case: TestCase, cells: _Cells, variables: Sequence[str]) -> str:
    if column == "__assertions":
        return "" if cells is not None else json.dumps(list(case.assertions), ensure_ascii=False)
    if column == "__metric":
        return (cells[1] or "") if cells is not None else ""
    if column == "__unset":
        unset = [name for name in variables if name not in case.vars]
        return json.dumps(unset, ensure_ascii=False) if unset else ""
    return _CASE_CELLS[column](case)


_CASE_CELLS: Final[dict[str, Callable[[TestCase], str]]] = {
    "__reference": lambda case: case.expected or "",
    "__description": lambda case: case.description,
    "__threshold": lambda case: "" if case.threshold is None else repr(case.threshold),
    "__tags": lambda case: ",".join(case.tags),
}
