"""A/B comparisons and the performance history of a prompt, over HTTP against the stub."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from tests.integration.evaluation.evaluation_run_support import (
    COMPARISONS,
    EVALUATIONS,
    create_dataset,
    create_prompt,
    evaluation_api,
    run_stub,
    start_evaluation,
    wait_until_finished,
)

__all__ = ["evaluation_api", "run_stub"]

# The stub echoes the prompt, so "APPROVED" in a version's text makes every case pass.
CASES = [
    {"vars": {"topic": topic}, "assert": [{"type": "contains", "value": "APPROVED"}]}
    for topic in ("tea", "rain", "maps", "bees", "jazz", "salt", "snow", "kites", "owls", "tide")
]


async def compare(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await api.post(COMPARISONS, json=body)
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location == f"{COMPARISONS}/{response.json()['evaluation_id']}"
    return await wait_until_finished(api, location)


async def test_a_version_that_always_passes_beats_one_that_always_fails(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Write about {{topic}}. APPROVED", "Write about {{topic}}")
    dataset_id = await create_dataset(api, CASES)

    done = await compare(
        api,
        dataset_id=dataset_id,
        a={"prompt_id": prompt_id, "version": 1},
        b={"prompt_id": prompt_id, "version": 2},
    )

    assert done["status"] == "succeeded"
    assert done["kind"] == "comparison"
    result = done["comparison"]
    assert result["winner"] == "a"
    assert result["significant"] is True
    assert result["pairs"] == 10
    assert (result["b10"], result["b01"]) == (10, 0)
    assert result["mcnemar_p"] < 0.05
    assert result["wilcoxon_p"] < 0.05
    assert result["ci_high"] < 0
    assert result["mean_difference"] == -1.0
    assert (result["pass_rate_a"], result["pass_rate_b"]) == (1.0, 0.0)
    assert result["alpha"] == 0.05
    assert result["needed_additional_cases"] == 0


async def test_two_arms_that_score_alike_show_no_significant_difference(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "About {{topic}}: APPROVED", "{{topic}} is APPROVED")
    dataset_id = await create_dataset(api, CASES)

    versions = await compare(
        api,
        dataset_id=dataset_id,
        a={"prompt_id": prompt_id, "version": 1},
        b={"prompt_id": prompt_id, "version": 2},
        alpha=0.01,
    )
    models = await compare(
        api,
        dataset_id=dataset_id,
        a={"prompt_id": prompt_id, "version": 1, "model": "stub-model"},
        b={"prompt_id": prompt_id, "version": 1, "model": "stub-other"},
    )

    for done in (versions, models):
        result = done["comparison"]
        assert result["winner"] is None
        assert result["significant"] is False
        assert result["mcnemar_p"] == 1.0
        assert result["wilcoxon_p"] == 1.0
        assert result["message"].startswith("No significant difference")
    assert versions["comparison"]["alpha"] == 0.01
    assert [arm["model"] for arm in models["arms"]] == ["stub-model", "stub-other"]


async def test_history_charts_each_version_across_evaluations_and_runs(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "About {{topic}}: APPROVED", "About {{topic}}")
    dataset_id = await create_dataset(api, CASES[:4])
    both = [{"prompt_id": prompt_id, "version": 1}, {"prompt_id": prompt_id, "version": 2}]
    first = await start_evaluation(api, dataset_id=dataset_id, prompt_versions=both)
    await wait_until_finished(api, f"{EVALUATIONS}/{first['evaluation_id']}")
    second = await start_evaluation(api, dataset_id=dataset_id, prompt_versions=both[:1])
    await wait_until_finished(api, f"{EVALUATIONS}/{second['evaluation_id']}")
    run = await api.post(f"/api/v1/prompts/{prompt_id}/runs", json={"variables": {"topic": "x"}})
    assert run.status_code == 200, run.text

    history = (await api.get(f"/api/v1/prompts/{prompt_id}/history")).json()

    points = [(p["evaluation_id"], p["version"], p["pass_rate"]) for p in history["points"]]
    assert points == [
        (first["evaluation_id"], 1, 1.0),
        (first["evaluation_id"], 2, 0.0),
        (second["evaluation_id"], 1, 1.0),
    ]
    v1, v2 = history["versions"]
    assert (v1["version"], v1["evaluations"], v1["evaluation_cells"]) == (1, 2, 8)
    assert (v1["pass_rate"], v1["mean_score"]) == (1.0, 1.0)
    assert (v2["evaluations"], v2["pass_rate"], v2["prompt_runs"]) == (1, 0.0, 1)
    assert v2["run_count"] == 4 + 1
    assert v1["prompt_runs"] == 0
