"""Importing a promptfoo config (promptfooconfig.yaml, already parsed) into our shapes.

What comes over: `description`, `prompts` given as text, `providers` (or `targets`)
mapped to our model names, and `tests` with `vars`, `assert`, `threshold` and
`description`. `defaultTest` is merged into every test: the test's own variables and
threshold win, and the default assertions come before the test's own. A variable
whose value is a list makes one test per item (the cartesian product for several),
unless the test's options set `disableVarExpansion`. Files (`file://`) cannot be read
on the server, and code never runs here: everything left out is in `not_imported`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from autoforge.application.evaluation.importing import (
    ImportNotes,
    NotImported,
    invalid_format,
    keep_valid_assertions,
)
from autoforge.application.evaluation.promptfoo_prompts import ImportedPrompt, read_prompts
from autoforge.application.evaluation.promptfoo_providers import ProviderMapping, read_providers
from autoforge.domain.evaluation.assertions import JsonSchemaValidator
from autoforge.domain.evaluation.dataset import MAX_TEST_CASES, TestCase, new_test_case
from autoforge.domain.evaluation.dataset_errors import InvalidTestCaseError

__all__ = ["ImportedPrompt", "PromptfooConfig", "ProviderMapping", "read_promptfoo_config"]

_TOP_LEVEL: Final = frozenset(
    {"description", "prompts", "providers", "targets", "tests", "defaultTest"}
)
_TEST_FIELDS: Final = frozenset({"vars", "assert", "threshold", "description", "options"})
_FILE_REF: Final = "file://"
_OPTION_REASON: Final = "this test option is not imported"
_OPTION_REASONS: Final = {
    "provider": "the server's grader model grades model-graded assertions",
    "transform": "output transforms run user-supplied code, which this server never does",
    "postprocess": "output transforms run user-supplied code, which this server never does",
}
_FILE_REASON: Final = "files cannot be read on the server; paste their content instead"


@dataclass(frozen=True, slots=True)
class PromptfooConfig:
    description: str
    prompts: list[ImportedPrompt]
    providers: list[ProviderMapping]
    tests: list[TestCase]
    not_imported: list[NotImported]


@dataclass(frozen=True, slots=True)
class _Defaults:
    vars: Mapping[str, object]
    assertions: list[dict[str, Any]]
    threshold: object


def read_promptfoo_config(
    document: object, *, schema_validator: JsonSchemaValidator | None
) -> PromptfooConfig:
    if not isinstance(document, Mapping):
        raise invalid_format(
            "A promptfoo config must be a YAML or JSON object.",
            "promptfoo の設定は YAML か JSON のオブジェクトにしてください。",
        )
    notes = ImportNotes()
    for key in document:
        if key not in _TOP_LEVEL:
            notes.skip(str(key), "this part of a promptfoo config is not imported")
    description = document.get("description")
    defaults = _defaults(document.get("defaultTest"), notes, schema_validator)
    providers = document.get("providers", document.get("targets"))
    return PromptfooConfig(
        description=description if isinstance(description, str) else "",
        prompts=read_prompts(document.get("prompts"), notes),
        providers=read_providers(providers, notes),
        tests=_tests(document.get("tests"), defaults, notes, schema_validator),
        not_imported=notes.items,
    )


def _defaults(
    raw: object, notes: ImportNotes, schema_validator: JsonSchemaValidator | None
) -> _Defaults:
    if raw is None:
        return _Defaults(vars={}, assertions=[], threshold=None)
    if not isinstance(raw, Mapping):
        notes.skip("defaultTest", _FILE_REASON if _is_file(raw) else "must be an object")
        return _Defaults(vars={}, assertions=[], threshold=None)
    _note_unknown(raw, where="defaultTest", notes=notes)
    raw_vars = raw.get("vars")
    if raw_vars is not None and not isinstance(raw_vars, Mapping):
        notes.skip("defaultTest.vars", "must be an object")
    return _Defaults(
        vars=raw_vars if isinstance(raw_vars, Mapping) else {},
        assertions=_assertions(raw.get("assert"), "defaultTest", notes, schema_validator),
        threshold=raw.get("threshold"),
    )


def _tests(
    raw: object,
    defaults: _Defaults,
    notes: ImportNotes,
    schema_validator: JsonSchemaValidator | None,
) -> list[TestCase]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        notes.skip("tests", _FILE_REASON if _is_file(raw) else "tests must be a list")
        return []
    cases: list[TestCase] = []
    for index, entry in enumerate(raw):
        where = f"tests[{index}]"
        if not isinstance(entry, Mapping):
            notes.skip(where, _FILE_REASON if _is_file(entry) else "a test must be an object")
            continue
        room = MAX_TEST_CASES - len(cases)
        cases.extend(_expanded(entry, defaults, where, notes, schema_validator, room=room))
    return cases


def _expanded(
    test: Mapping[str, Any],
    defaults: _Defaults,
    where: str,
    notes: ImportNotes,
    schema_validator: JsonSchemaValidator | None,
    *,
    room: int,
) -> list[TestCase]:
    _note_unknown(test, where=where, notes=notes)
    own_vars = test.get("vars") or {}
    if not isinstance(own_vars, Mapping):
        notes.skip(
            where,
            "test not imported: "
            + (_FILE_REASON if _is_file(own_vars) else "vars must be an object"),
        )
        return []
    merged = {**defaults.vars, **own_vars}
    file_vars = [name for name, value in merged.items() if _is_file(value)]
    if file_vars:
        notes.skip(where, f"test not imported: variable {file_vars[0]} is a file; {_FILE_REASON}")
        return []
    assertions = defaults.assertions + _assertions(
        test.get("assert"), where, notes, schema_validator
    )
    threshold = _threshold(test.get("threshold", defaults.threshold), where, notes)
    combinations = _combinations(merged, expand=not _expansion_disabled(test))
    if not combinations:
        notes.skip(where, "test not imported: a variable is an empty list, which makes no tests")
    if len(combinations) > room:
        notes.skip(where, f"only {room} of its {len(combinations)} tests fit in one dataset")
        combinations = combinations[:room]
    cases: list[TestCase] = []
    for variables in combinations:
        try:
            cases.append(
                new_test_case(
                    label=where,
                    vars=variables,
                    assertions=assertions,
                    threshold=threshold,
                    description=_text(test.get("description")),
                )
            )
        except InvalidTestCaseError as error:
            notes.skip(where, f"test not imported: {error.detail_en}")
            return []
    return cases


def _threshold(raw: object, where: str, notes: ImportNotes) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        notes.skip(f"{where}.threshold", "the threshold must be a number")
        return None
    return float(raw)


def _assertions(
    raw: object, where: str, notes: ImportNotes, schema_validator: JsonSchemaValidator | None
) -> list[dict[str, Any]]:
    if isinstance(raw, list):
        raw = [
            _without_grader(item, f"{where}, assertion {i}", notes) for i, item in enumerate(raw)
        ]
    return keep_valid_assertions(raw, where=where, notes=notes, schema_validator=schema_validator)


def _without_grader(assertion: object, where: str, notes: ImportNotes) -> object:
    """promptfoo lets an assertion pick its grader; here the server's grader model is used."""
    if not isinstance(assertion, Mapping) or "provider" not in assertion:
        return assertion
    notes.skip(f"{where}, provider", "the server's grader model is used instead")
    return {key: value for key, value in assertion.items() if key != "provider"}


def _combinations(variables: Mapping[str, object], *, expand: bool) -> list[dict[str, object]]:
    if not expand:
        return [dict(variables)]
    names = list(variables)
    choices = [value if isinstance(value, list) else [value] for value in variables.values()]
    return [dict(zip(names, chosen, strict=True)) for chosen in itertools.product(*choices)]


def _expansion_disabled(test: Mapping[str, Any]) -> bool:
    options = test.get("options")
    return isinstance(options, Mapping) and options.get("disableVarExpansion") is True


def _note_unknown(test: Mapping[str, Any], *, where: str, notes: ImportNotes) -> None:
    for key in test:
        if key not in _TEST_FIELDS:
            notes.skip(f"{where}.{key}", "this test field is not imported")
    options = test.get("options")
    if isinstance(options, Mapping):
        for key in options:
            if key != "disableVarExpansion":
                notes.skip(f"{where}.options.{key}", _OPTION_REASONS.get(key, _OPTION_REASON))


def _is_file(value: object) -> bool:
    if isinstance(value, list):
        return any(_is_file(item) for item in value)
    return isinstance(value, str) and value.startswith(_FILE_REF)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
