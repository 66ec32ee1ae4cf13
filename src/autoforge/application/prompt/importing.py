"""Parsing prompt collections (CSV and JSON Lines) into rows ready to import.

Parsing never stops at a bad row: good rows are kept and each bad one becomes a
RejectedRow with the physical line where its record starts (a CSV record can span many
lines) and a stable code. Only a file that cannot be read as the format at all (a CSV
without the required columns) raises ImportFormatError.

Every kept row has its newlines normalised to ``\\n``, its outer whitespace trimmed and its
placeholders rewritten as ``{{name}}`` (see ``domain.prompt.placeholders``). Its
``source_key`` is the SHA-256 of the normalised title and content, so importing the same
collection twice finds the rows it already has; a row repeating an earlier row of the same
file is rejected as a duplicate for the same reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from autoforge.domain.errors import InvalidInputError
from autoforge.domain.prompt.model import TITLE_LIMIT, normalize_tags
from autoforge.domain.prompt.placeholders import convert_placeholders

__all__ = [
    "DEFAULT_MAX_CONTENT_CHARS",
    "ImportBatch",
    "ImportFormatError",
    "ImportRow",
    "RejectedRow",
    "parse_csv",
    "parse_jsonl",
    "source_key",
]

DEFAULT_MAX_CONTENT_CHARS = 200_000

_REQUIRED_CSV_COLUMNS = ("act", "prompt")
_TRUE_WORDS = frozenset({"true", "yes", "1"})
_LINE_MARKER = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|>\s*)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    title: str
    content: str
    tags: tuple[str, ...]
    source_key: str
    description: str = ""
    variable_defaults: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported; ``code`` is stable, ``reason`` is for people."""

    line: int
    reason: str
    code: str = "rejected"


@dataclass(frozen=True, slots=True)
class ImportBatch:
    rows: tuple[ImportRow, ...]
    rejected: tuple[RejectedRow, ...]


class ImportFormatError(InvalidInputError):
    code = "IMPORT_FORMAT_ERROR"


class _CsvReader(Iterator[list[str]], Protocol):
    @property
    def line_num(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    title: str
    content: str
    tags: tuple[str, ...] = ()
    description: str = ""


def parse_csv(text: str, *, max_content_chars: int = DEFAULT_MAX_CONTENT_CHARS) -> ImportBatch:
    """Rows of a CSV with columns act (title), prompt, and optional for_devs and type."""
    _allow_fields_of(max_content_chars)
    reader = csv.reader(io.StringIO(_normalised_text(text), newline=""))
    header = next(reader, None)
    if header is None:
        return ImportBatch(rows=(), rejected=())

    columns = {name.strip().lower(): index for index, name in enumerate(header)}
    absent = [name for name in _REQUIRED_CSV_COLUMNS if name not in columns]
    if absent:
        raise ImportFormatError(
            f"The CSV has no column named {', '.join(absent)}.",
            f"CSV に列 {', '.join(absent)} がありません。",
            extra={"missing_columns": absent},
        )
    return _batch(_csv_records(reader, columns), max_content_chars=max_content_chars)


def parse_jsonl(text: str, *, max_content_chars: int = DEFAULT_MAX_CONTENT_CHARS) -> ImportBatch:
    """Rows of JSON Lines with title or name, prompt or content, and optional
    category, tags and description."""
    return _batch(_jsonl_records(_normalised_text(text)), max_content_chars=max_content_chars)


def _csv_records(reader: _CsvReader, columns: Mapping[str, int]) -> Iterable[_Record | RejectedRow]:
    needed = max(columns[name] for name in _REQUIRED_CSV_COLUMNS) + 1
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader, None)
        except csv.Error as error:
            # The reader cannot resynchronise after a broken record; keep what came before.
            yield RejectedRow(
                start, code="malformed_csv", reason=f"Unreadable CSV from here on: {error}"
            )
            return
        if fields is None:
            return
        line, start = start, reader.line_num + 1
        if not fields:
            continue
        if len(fields) < needed:
            yield RejectedRow(
                line, code="missing_field", reason="The record has fewer columns than the header."
            )
            continue
        yield _Record(
            line=line,
            title=fields[columns["act"]],
            content=fields[columns["prompt"]],
            tags=_csv_tags(fields, columns),
        )


def _csv_tags(fields: list[str], columns: Mapping[str, int]) -> tuple[str, ...]:
    tags: list[str] = []
    for_devs = _field(fields, columns, "for_devs")
    if for_devs.strip().lower() in _TRUE_WORDS:
        tags.append("for-devs")
    kind = _field(fields, columns, "type").strip().lower()
    if kind and kind != "text":
        tags.append(kind)
    return tuple(tags)


def _field(fields: list[str], columns: Mapping[str, int], name: str) -> str:
    index = columns.get(name)
    return fields[index] if index is not None and index < len(fields) else ""


def _jsonl_records(text: str) -> Iterable[_Record | RejectedRow]:
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            yield RejectedRow(line, code="invalid_json", reason=f"Not valid JSON: {error.msg}.")
            continue
        if not isinstance(record, dict):
            yield RejectedRow(line, code="not_an_object", reason="Each line must be a JSON object.")
            continue
        content = _first_string(record, "prompt", "content")
        if content is None:
            yield RejectedRow(
                line, code="missing_field", reason="The record has no prompt or content."
            )
            continue
        yield _Record(
            line=line,
            title=_first_string(record, "title", "name") or "",
            content=content,
            tags=_json_tags(record),
            description=_first_string(record, "description") or "",
        )


def _first_string(record: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str):
            return value
    return None


def _json_tags(record: Mapping[str, Any]) -> tuple[str, ...]:
    tags: list[str] = []
    category = record.get("category")
    if isinstance(category, str):
        tags.append(category)
    raw_tags = record.get("tags")
    if isinstance(raw_tags, str):
        tags.extend(raw_tags.split(","))
    elif isinstance(raw_tags, list):
        tags.extend(tag for tag in raw_tags if isinstance(tag, str))
    return tuple(tags)


def _batch(records: Iterable[_Record | RejectedRow], *, max_content_chars: int) -> ImportBatch:
    rows: list[ImportRow] = []
    rejected: list[RejectedRow] = []
    first_line_of: dict[str, int] = {}
    for record in records:
        outcome = record if isinstance(record, RejectedRow) else _row(record, max_content_chars)
        if isinstance(outcome, RejectedRow):
            rejected.append(outcome)
            continue
        first = first_line_of.setdefault(outcome.source_key, outcome.line)
        if first != outcome.line:
            rejected.append(
                RejectedRow(
                    outcome.line,
                    code="duplicate",
                    reason=f"Same title and content as line {first}.",
                )
            )
            continue
        rows.append(outcome)
    return ImportBatch(rows=tuple(rows), rejected=tuple(rejected))


def _row(record: _Record, max_content_chars: int) -> ImportRow | RejectedRow:
    content = record.content.strip()
    if not content:
        return RejectedRow(record.line, code="empty_content", reason="The prompt is empty.")

    conversion = convert_placeholders(content)
    if len(conversion.content) > max_content_chars:
        return RejectedRow(
            record.line,
            code="content_too_long",
            reason=f"The prompt has {len(conversion.content):,} characters; "
            f"the limit is {max_content_chars:,}.",
        )
    title = _clipped_title(record.title) or _clipped_title(_first_line(content))
    return ImportRow(
        line=record.line,
        title=title,
        content=conversion.content,
        tags=normalize_tags(_WHITESPACE.sub("-", tag.strip()) for tag in record.tags),
        source_key=source_key(title, conversion.content),
        description=record.description.strip(),
        variable_defaults=conversion.defaults,
    )


def source_key(title: str, content: str) -> str:
    """A stable key for a title and content: equal after Unicode and space normalisation."""
    normal_title = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", title)).strip().casefold()
    normal_content = unicodedata.normalize("NFC", content).strip()
    digest = hashlib.sha256(f"{normal_title}\x1f{normal_content}".encode())
    return digest.hexdigest()


def _first_line(content: str) -> str:
    for line in content.split("\n"):
        # Without heading, bullet and quote markers and bold emphasis.
        cleaned = _EMPHASIS.sub(r"\2", _LINE_MARKER.sub("", line.strip())).strip("*_` \t")
        if cleaned:
            return cleaned
    return ""


def _clipped_title(title: str) -> str:
    title = _WHITESPACE.sub(" ", title).strip()
    if len(title) <= TITLE_LIMIT:
        return title
    return title[: TITLE_LIMIT - 1].rstrip() + "…"


def _normalised_text(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _allow_fields_of(max_content_chars: int) -> None:
    # The csv module refuses fields over 128 KiB by default, below the prompt limit. The
    # limit is process-wide, so it is only ever raised; oversized prompts are still
    # rejected row by row against max_content_chars.
    needed = max(max_content_chars * 2, 1_000_000)
    if csv.field_size_limit() < needed:
        csv.field_size_limit(needed)
