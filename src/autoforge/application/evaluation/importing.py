"""What every import shares: the report of what was left out, and keeping valid assertions.

Imports never drop anything silently: a test, an assertion, a column or a config field
that cannot be brought over is named in the report with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from autoforge.domain.errors import InvalidInputError
from autoforge.domain.evaluation.assertions import (
    AssertionSpecError,
    JsonSchemaValidator,
    validate_assertion,
)
from autoforge.domain.evaluation.dataset import TestCase

__all__ = [
    "ImportNotes",
    "NotImported",
    "ParsedTests",
    "invalid_format",
    "keep_valid_assertions",
]


@dataclass(frozen=True, slots=True)
class NotImported:
    """One thing left out: where it was (`tests[2].assert[0]`, `line 4`, `column __prefix`)."""

    item: str
    reason: str


@dataclass(slots=True)
class ImportNotes:
    """Collects what an import left out, in the order it was met."""

    items: list[NotImported] = field(default_factory=list)

    def skip(self, item: str, reason: str) -> None:
        self.items.append(NotImported(item=item, reason=reason))


@dataclass(frozen=True, slots=True)
class ParsedTests:
    cases: list[TestCase]
    not_imported: list[NotImported]


def keep_valid_assertions(
    raw: object,
    *,
    where: str,
    notes: ImportNotes,
    schema_validator: JsonSchemaValidator | None,
) -> list[dict[str, Any]]:
    """The assertions of `raw` that can run here; each one left out is noted with its reason."""
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        notes.skip(f"{where}, assertions", "assertions must be a list")
        return []
    kept: list[dict[str, Any]] = []
    for index, assertion in enumerate(raw):
        try:
            validate_assertion(assertion, schema_validator=schema_validator)
        except AssertionSpecError as error:
            notes.skip(f"{where}, assertion {index}", error.message)
            continue
        assert isinstance(assertion, Mapping)  # validate_assertion accepts mappings only
        kept.append(dict(assertion))
    return kept


def invalid_format(detail_en: str, detail_ja: str) -> InvalidInputError:
    """The whole document cannot be read (as opposed to one part of it being left out)."""
    return InvalidInputError(detail_en, detail_ja, code="INVALID_IMPORT")
