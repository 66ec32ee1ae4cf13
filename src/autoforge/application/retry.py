"""Re-applying a change that lost a race, when the caller did not ask for a given revision."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from autoforge.domain.errors import ConflictError

__all__ = ["retry_unless_pinned"]

T = TypeVar("T")

ATTEMPTS = 10
BACKOFF_S = 0.01


async def retry_unless_pinned(
    operation: Callable[[], Awaitable[T]], *, expected_revision: int | None
) -> T:
    """Run `operation` (one load-change-save transaction); retry it after a write conflict.

    A writer that named the revision it read gets the conflict: its change was based on
    something that no longer holds. One that named none asked for "whatever is there now",
    so it reloads and applies its change again, with a short random pause between tries.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await operation()
        except ConflictError as error:
            if expected_revision is not None or attempt == ATTEMPTS or not _is_race(error):
                raise
        await asyncio.sleep(random.uniform(0, BACKOFF_S * attempt))  # noqa: S311
    raise AssertionError("unreachable")  # pragma: no cover


def _is_race(error: ConflictError) -> bool:
    return error.instance_code == "VERSION_CONFLICT"
