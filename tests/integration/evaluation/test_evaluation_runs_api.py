"""Evaluation runs over HTTP: the real LiteLLM gateway calls the OpenAI-compatible stub,
which echoes its input ("echo: " + the rendered prompt), so a prompt's text decides what
its output passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from tests.integration.evaluation.evaluation_run_support import (
    EVALUATIONS,
    MODELS,
    SelectiveStub,
    create_dataset,
    create_prompt,
    database_of,
    evaluation_api,
    run_stub,
    start_evaluation,
    wait_until_finished,
)

from autoforge.infrastructure.db.event_store import EventStore

__all__ = ["evaluation_api", "run_stub"]

ECHOED = {"type": "icontains", "value": "{{word}}", "metric": "echoed"}
NO_SECRET = {"type": "not-contains", "value": "secret"}
WORDS = ["alpha", "beta", "gamma", "secret"]


def word_cases(words: list[str]) -> list[dict[str, Any]]:
    return [{"vars": {"word": word}, "assert": [ECHOED, NO_SECRET]} for word in words]


async def test_a_full_run_succeeds_with_the_figures_of_each_version_and_model(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}", "Say nothing useful")
    dataset_id = await create_dataset(api, word_cases(WORDS))

    accepted = await start_evaluation(
        api,
        dataset_id=dataset_id,
        prompt_versions=[{"prompt_id": prompt_id, "version": 1}, {"prompt_id": prompt_id}],
        models=list(MODELS),
        repeats=2,
        concurrency=8,
    )
    done = await wait_until_finished(api, f"{EVALUATIONS}/{accepted['evaluation_id']}")

    assert accepted["status"] == "queued"
    assert accepted["total_cells"] == 2 * 2 * 4 * 2
    assert done["status"] == "succeeded"
    assert not done["partial"]
    assert (done["job"]["done"], done["job"]["total"]) == (32, 32)
    arms = {(arm["version"], arm["model"]): arm["summary"] for arm in done["arms"]}
    echoing = arms[(1, "stub-model")]
    assert (echoing["cells"], echoing["passed"], echoing["errors"]) == (8, 6, 0)
    assert echoing["pass_rate"] == 0.75
    assert echoing["named_scores"] == {"echoed": 8.0}
    assert echoing["named_score_counts"] == {"echoed": 8}
    assert echoing["violations"] == 2
    assert echoing["violation_rate"] == 0.25
    assert echoing["reproducibility"] == {
        "groups": 4,
        "identical_share": 1.0,
        "mean_similarity": 1.0,
    }
    assert echoing["latency_p50_ms"] > 0
    assert echoing["latency_p95_ms"] >= echoing["latency_p50_ms"]
    assert echoing["tokens_out"] > 0
    silent = arms[(2, "stub-other")]
    assert (silent["passed"], silent["pass_rate"], silent["violation_rate"]) == (0, 0.0, 0.0)
    assert silent["named_scores"] == {"echoed": 0.0}


async def test_cells_page_through_every_output_and_assertion_result(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, word_cases(WORDS))
    accepted = await start_evaluation(
        api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}]
    )
    url = f"{EVALUATIONS}/{accepted['evaluation_id']}"
    await wait_until_finished(api, url)

    first = (await api.get(f"{url}/cells", params={"page_size": 3})).json()
    rest = (await api.get(f"{url}/cells", params={"page_size": 3, "page": 2})).json()
    failed = (await api.get(f"{url}/cells", params={"status": "failed"})).json()

    assert first["total"] == 4
    assert len(first["items"]) == 3
    assert len(rest["items"]) == 1
    cell = first["items"][0]
    assert cell["output"] == "echo: Repeat alpha"
    assert cell["status"] == "passed"
    assert [result["type"] for result in cell["assertions"]] == ["icontains", "not-contains"]
    assert cell["assertions"][0]["pass"] is True
    assert cell["named_scores"] == {"echoed": 1.0}
    assert [item["output"] for item in failed["items"]] == ["echo: Repeat secret"]


async def test_a_case_missing_a_variable_is_an_error_cell_and_the_run_still_succeeds(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(
        api, [*word_cases(["alpha"]), {"vars": {"other": "x"}, "assert": [NO_SECRET]}]
    )
    accepted = await start_evaluation(
        api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}]
    )
    url = f"{EVALUATIONS}/{accepted['evaluation_id']}"

    done = await wait_until_finished(api, url)
    errors = (await api.get(f"{url}/cells", params={"status": "error"})).json()["items"]

    assert done["status"] == "succeeded"
    summary = done["arms"][0]["summary"]
    assert (summary["cells"], summary["passed"], summary["errors"]) == (2, 1, 1)
    assert [(cell["case_index"], cell["error_code"]) for cell in errors] == [
        (1, "MISSING_VARIABLES")
    ]


async def test_failed_model_calls_become_error_cells_and_the_run_completes(
    evaluation_api: Callable[..., Any], run_stub: SelectiveStub
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, word_cases(["alpha", "BOOM", "beta", "BOOM"]))
    accepted = await start_evaluation(
        api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}], concurrency=2
    )
    url = f"{EVALUATIONS}/{accepted['evaluation_id']}"

    done = await wait_until_finished(api, url)
    cells = (await api.get(f"{url}/cells")).json()["items"]

    assert done["status"] == "succeeded"
    assert [cell["status"] for cell in cells] == ["passed", "error", "passed", "error"]
    assert all(cell["error_code"] == "PROVIDER_ERROR" for cell in cells if cell["error_code"])
    summary = done["arms"][0]["summary"]
    assert (summary["errors"], summary["passed"], summary["pass_rate"]) == (2, 2, 0.5)


async def test_completion_is_recorded_as_an_event_with_figures_and_no_outputs(
    evaluation_api: Callable[..., Any], tmp_path: Path
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, word_cases(WORDS))
    accepted = await start_evaluation(
        api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}]
    )
    evaluation_id = accepted["evaluation_id"]
    await wait_until_finished(api, f"{EVALUATIONS}/{evaluation_id}")

    database = database_of(tmp_path)
    try:
        async with database.reader.connect() as connection:
            history = await EventStore(connection).load(
                tenant_id="local", stream_id=f"evaluation-{evaluation_id}"
            )
    finally:
        await database.dispose()

    assert [recorded.event.event_type for recorded in history] == ["EvaluationCompleted"]
    payload = history[0].event.to_payload()
    assert (payload["evaluation_id"], payload["cells"], payload["errors"]) == (evaluation_id, 4, 0)
    assert payload["arms"][0]["pass_rate"] == 0.75
    assert "echo:" not in str(payload)
    assert "alpha" not in str(payload)


async def test_invalid_requests_are_refused_before_any_job_starts(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, word_cases(["alpha"]))
    empty_dataset = await create_dataset(api, [])
    versions = [{"prompt_id": prompt_id}]

    unknown_model = await api.post(
        EVALUATIONS, json={"dataset_id": dataset_id, "prompt_versions": versions, "models": ["x"]}
    )
    empty = await api.post(
        EVALUATIONS, json={"dataset_id": empty_dataset, "prompt_versions": versions}
    )
    too_concurrent = await api.post(
        EVALUATIONS,
        json={"dataset_id": dataset_id, "prompt_versions": versions, "concurrency": 33},
    )
    missing_version = await api.post(
        EVALUATIONS,
        json={
            "dataset_id": dataset_id,
            "prompt_versions": [{"prompt_id": prompt_id, "version": 9}],
        },
    )

    assert (unknown_model.status_code, unknown_model.json()["code"]) == (422, "UNKNOWN_MODEL")
    assert (empty.status_code, empty.json()["code"]) == (422, "EMPTY_DATASET")
    assert too_concurrent.status_code == 422
    assert missing_version.status_code == 404
    assert (await api.get(f"{EVALUATIONS}/nope")).status_code == 404


async def test_every_cell_asks_the_model_with_the_runs_temperature_and_token_limit(
    evaluation_api: Callable[..., Any], run_stub: SelectiveStub
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, word_cases(["alpha", "beta"]))
    run_stub.clear_requests()

    accepted = await start_evaluation(
        api,
        dataset_id=dataset_id,
        prompt_versions=[{"prompt_id": prompt_id}],
        temperature=0.0,
        max_tokens=7,
    )
    done = await wait_until_finished(api, f"{EVALUATIONS}/{accepted['evaluation_id']}")

    chats = [r.body for r in run_stub.requests if r.path.endswith("/chat/completions")]
    assert done["status"] == "succeeded"
    assert (done["temperature"], done["max_tokens"]) == (0.0, 7)
    assert len(chats) == 2
    assert all((body["temperature"], body["max_tokens"]) == (0.0, 7) for body in chats)
