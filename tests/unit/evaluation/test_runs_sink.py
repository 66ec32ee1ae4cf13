"""Storing finished cells in batches, and running a matrix a few cells at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import pytest

from autoforge.application.evaluation.run_sink import CellSink, run_bounded
from autoforge.domain.evaluation.run import Cell, CellKey, error_cell
from tests.unit.evaluation.run_fakes import NOW


def cells(count: int) -> list[Cell]:
    return [
        error_cell(CellKey(0, i, 0), test_case_id=str(i), code="X", message="", at=NOW)
        for i in range(count)
    ]


class Recorder:
    def __init__(self, *, fail: bool = False) -> None:
        self.batches: list[int] = []
        self.progress: list[int] = []
        self.fail = fail

    async def store(self, batch: Sequence[Cell]) -> None:
        if self.fail:
            raise OSError("disk full")
        self.batches.append(len(batch))

    async def stored(self, count: int) -> None:
        self.progress.append(count)


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not met within a second")


async def test_a_full_batch_is_stored_while_open_and_the_rest_on_leaving() -> None:
    recorder = Recorder()
    sink = CellSink(store=recorder.store, on_stored=recorder.stored, batch_size=4, interval_s=60)
    first, rest = cells(7)[:4], cells(7)[4:]

    async with sink:
        for cell in first:
            sink.add(cell)
        await until(lambda: recorder.batches == [4])
        for cell in rest:
            sink.add(cell)

    assert recorder.batches == [4, 3]
    assert recorder.progress == [4, 7]
    assert sink.stored == 7


async def test_cells_wait_at_most_the_interval_before_being_stored() -> None:
    recorder = Recorder()

    async with CellSink(store=recorder.store, on_stored=recorder.stored, interval_s=0.01) as sink:
        sink.add(cells(1)[0])
        await asyncio.sleep(0.05)
        stored_while_open = list(recorder.batches)

    assert stored_while_open == [1]


async def test_a_failed_store_keeps_the_cells_and_fails_the_next_add() -> None:
    recorder = Recorder(fail=True)
    sink = CellSink(store=recorder.store, on_stored=recorder.stored, batch_size=1)
    first, second = cells(2)
    await sink.__aenter__()
    sink.add(first)
    await asyncio.sleep(0.01)

    with pytest.raises(OSError, match="disk full"):
        sink.add(second)
    with pytest.raises(OSError, match="disk full"):
        await sink.__aexit__(None, None, None)
    recorder.fail = False
    await sink.flush()

    assert recorder.batches == [1]
    assert recorder.progress == [1]


async def test_a_cancelled_run_still_stores_what_finished() -> None:
    recorder = Recorder()
    finished = asyncio.Event()

    async def run() -> None:
        async with CellSink(store=recorder.store, on_stored=recorder.stored, interval_s=60) as sink:
            for cell in cells(3):
                sink.add(cell)
            finished.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(run())
    await finished.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert recorder.batches == [3]


async def test_run_bounded_visits_every_item_in_order_with_at_most_n_at_once() -> None:
    active, most, seen = 0, 0, []

    async def work(item: int) -> None:
        nonlocal active, most
        active += 1
        most = max(most, active)
        seen.append(item)
        await asyncio.sleep(0.001)
        active -= 1

    await run_bounded(range(20), work, concurrency=3)

    assert seen == list(range(20))
    assert most == 3
