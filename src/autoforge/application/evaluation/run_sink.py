"""Running a matrix of cells a few at a time, and storing the results as they come.

Finished cells are stored in small batches, each in its own short transaction, so a
run never holds the database's write lock while it waits on a model, and what was
stored stays stored whatever happens to the cells after it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from autoforge.domain.evaluation.run import Cell

__all__ = ["CellSink", "run_bounded"]

T = TypeVar("T")


async def run_bounded(
    items: Iterable[T], worker: Callable[[T], Awaitable[None]], *, concurrency: int
) -> None:
    """Run `worker` on every item, at most `concurrency` at once, in the items' order.

    A fixed set of workers pulls from one iterator, so a matrix of any size costs
    `concurrency` tasks, not one task per cell. Cancelling the caller cancels them all.
    """
    iterator = iter(items)

    async def drain() -> None:
        for item in iterator:
            await worker(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(drain())


class CellSink:
    """Buffers finished cells; a background task stores them every `interval_s`, or sooner
    once `batch_size` wait, so no worker ever waits on the database.

    Use it as an async context manager: leaving it stores what is still buffered, even
    when the run is being cancelled, so no finished cell is lost. A failed store is
    raised to the next `add` (and on leaving), which fails the run.
    """

    def __init__(
        self,
        *,
        store: Callable[[Sequence[Cell]], Awaitable[None]],
        on_stored: Callable[[int], Awaitable[None]],
        already_stored: int = 0,
        batch_size: int = 64,
        interval_s: float = 0.2,
    ) -> None:
        self._store = store
        self._on_stored = on_stored
        self._stored = already_stored
        self._batch_size = batch_size
        self._interval_s = interval_s
        self._buffer: list[Cell] = []
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._closing = False
        self._flusher: asyncio.Task[None] | None = None

    @property
    def stored(self) -> int:
        return self._stored

    async def __aenter__(self) -> CellSink:
        self._flusher = asyncio.create_task(self._flush_periodically(), name="cell-sink")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._wake.set()
        try:
            if self._flusher is not None:
                await self._flusher
        finally:
            await self.flush()

    def add(self, cell: Cell) -> None:
        if self._flusher is not None and self._flusher.done():
            self._flusher.result()  # raises what stopped the flusher
        self._buffer.append(cell)
        if len(self._buffer) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> None:
        async with self._lock:
            batch, self._buffer = self._buffer, []
            if not batch:
                return
            try:
                await self._store(batch)
            except BaseException:
                # Keep them for the next flush (the final one runs on the way out).
                self._buffer[:0] = batch
                raise
            self._stored += len(batch)
        await self._on_stored(self._stored)

    async def _flush_periodically(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            self._wake.clear()
            await self.flush()
