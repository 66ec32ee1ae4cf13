"""One test case that breaks scoring fails its own cell; the evaluation goes on."""

from __future__ import annotations

import asyncio

from autoforge.application.evaluation.jobs import JobStatus
from autoforge.application.evaluation.run_cells import SCORING_FAILED, CellExecutor, CellWork
from autoforge.application.evaluation.runs import StartEvaluation, VersionChoice
from autoforge.application.prompt.views import VersionView
from autoforge.domain.evaluation.assertions import AssertionPorts
from autoforge.domain.evaluation.run import Arm, CellKey
from tests.unit.evaluation.run_fakes import ACTOR, NOW, FakeGateway, FakeRenderer, case
from tests.unit.evaluation.run_harness import build_harness


class BrokenRegexEngine:
    """An engine failing in a way no check expects."""

    def check(self, pattern: str) -> None:
        return None

    def search(self, pattern: str, text: str) -> bool:
        raise RuntimeError("engine fault")


def work(*assertions: dict[str, object]) -> CellWork:
    version = VersionView("p1", 1, "Repeat {{word}}", [], "", "u1", [], NOW)
    return CellWork(CellKey(0, 0, 0), Arm("p1", 1, "m1"), version, case("w1", *assertions))


async def test_a_cell_whose_scoring_breaks_is_an_error_cell_that_keeps_the_output() -> None:
    executor = CellExecutor(
        evaluation_id="e1",
        renderer=FakeRenderer(),
        gateway=FakeGateway(),
        ports=AssertionPorts(regex_engine=BrokenRegexEngine()),
        clock=lambda: NOW,
    )

    cell = await executor.run(work({"type": "regex", "value": "w"}))

    assert cell.error_code == SCORING_FAILED
    assert "RuntimeError" in (cell.error or "")
    assert not cell.passed
    assert cell.score == 0.0
    assert cell.output.startswith("echo:")


async def test_hostile_assertions_fail_their_cases_and_the_evaluation_still_succeeds() -> None:
    nested: object = 1
    for _ in range(900):
        nested = [nested]
    cases = [
        case("w1", {"type": "equals", "value": nested}),
        case("w2", {"type": "is-json", "value": {"$ref": "#"}}),
        case("w3", {"type": "regex", "value": "^(a|a)*$"}, {"type": "icontains", "value": "w3"}),
        case("w4", {"type": "icontains", "value": "w4"}),
    ]
    harness = build_harness(cases=cases)

    view = await harness.service.start(ACTOR, StartEvaluation("d1", [VersionChoice("p1", 1)]))
    await asyncio.wait_for(harness.jobs.wait(view.job.job_id), timeout=10)
    done = await harness.service.get(ACTOR, view.plan.evaluation_id)

    assert done.job.status is JobStatus.SUCCEEDED
    cells = harness.evaluations.stored_cells[view.plan.evaluation_id]
    by_case = {cell.test_case_id: cell for cell in cells.values()}
    assert set(by_case) == {"w1", "w2", "w3", "w4"}
    assert not by_case["w1"].passed
    assert not by_case["w2"].passed
    assert by_case["w2"].assertions[0].is_error
    assert by_case["w4"].passed
