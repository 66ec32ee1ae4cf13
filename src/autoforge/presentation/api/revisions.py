"""Optimistic concurrency over HTTP: the ETag a resource carries and the If-Match it takes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from autoforge.domain.errors import InvalidInputError

__all__ = ["IfMatch", "etag", "expected_revision"]

IfMatch = Annotated[str | None, Header(description='The ETag you last read, e.g. "3".')]


def etag(revision: int) -> str:
    return f'"{revision}"'


def expected_revision(if_match: str | None, body_value: int | None) -> int | None:
    """The revision a write is based on: the body's expected_revision, else If-Match."""
    if body_value is not None:
        return body_value
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise InvalidInputError(
            'If-Match must be an ETag returned by this API, such as "3".',
            'If-Match にはこの API が返した ETag（例: "3"）を指定してください。',
            code="INVALID_IF_MATCH",
        )
    return int(raw)
