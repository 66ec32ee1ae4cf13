"""Following, cancelling and isolating evaluation runs over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
from tests.integration.evaluation.evaluation_run_support import (
    COMPARISONS,
    EVALUATIONS,
    SelectiveStub,
    create_dataset,
    create_prompt,
    evaluation_api,
    run_stub,
    start_evaluation,
    wait_until_finished,
)
from tests.support.tokens import TokenIssuer

__all__ = ["evaluation_api", "run_stub"]

CASE = {"vars": {"word": "alpha"}, "assert": [{"type": "icontains", "value": "{{word}}"}]}


def parse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


async def wait_for_progress(api: httpx.AsyncClient, url: str, *, done: int) -> None:
    for _ in range(500):
        if (await api.get(url)).json()["job"]["done"] >= done:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {done} cells stored after 10 s")


async def test_server_sent_events_report_progress_then_the_finished_run(
    evaluation_api: Callable[..., Any], run_stub: SelectiveStub
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, [CASE] * 12)
    with run_stub.configured(latency_ms=40):
        accepted = await start_evaluation(
            api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}], concurrency=2
        )
        response = await api.get(f"{EVALUATIONS}/{accepted['evaluation_id']}/events")

    events = parse_events(response.text)
    assert response.headers["content-type"].startswith("text/event-stream")
    names = [name for name, _ in events]
    assert names[-1] == "finished"
    assert set(names[:-1]) == {"progress"}
    assert len(names) >= 2
    progress = [data["done"] for name, data in events if name == "progress"]
    assert progress == sorted(progress)
    assert all(data["total"] == 12 for _, data in events[:-1])
    final = events[-1][1]
    assert final["status"] == "succeeded"
    assert final["arms"][0]["summary"]["passed"] == 12


async def test_cancel_stops_the_run_and_keeps_the_cells_already_stored(
    evaluation_api: Callable[..., Any], run_stub: SelectiveStub
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, [CASE] * 30)
    with run_stub.configured(latency_ms=60):
        accepted = await start_evaluation(
            api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}], concurrency=1
        )
        url = f"{EVALUATIONS}/{accepted['evaluation_id']}"
        await wait_for_progress(api, url, done=3)
        cancelled = await api.post(f"{url}/cancel")
        stored = (await api.get(f"{url}/cells")).json()["total"]
        await asyncio.sleep(0.3)
        later = await api.get(url)
        stored_later = (await api.get(f"{url}/cells")).json()["total"]

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert 3 <= stored < 30
    assert stored_later == stored
    body = later.json()
    assert body["status"] == "cancelled"
    assert body["partial"] is True
    assert body["arms"][0]["summary"]["cells"] == stored
    assert (await api.post(f"{url}/cancel")).json()["status"] == "cancelled"


async def test_another_tenants_evaluation_is_not_found_anywhere(
    evaluation_api: Callable[..., Any],
) -> None:
    issuer = TokenIssuer()
    api: httpx.AsyncClient = await evaluation_api(
        auth_mode="clerk", clerk_jwt_issuer=issuer.issuer, clerk_jwt_public_key=issuer.public_pem
    )
    alice, bob = issuer.headers("alice", org="org_a"), issuer.headers("bob", org="org_b")
    prompt_id = await create_prompt(api, "Repeat {{word}}", headers=alice)
    dataset_id = await create_dataset(api, [CASE], headers=alice)
    body = {"dataset_id": dataset_id, "prompt_versions": [{"prompt_id": prompt_id}]}
    accepted = await start_evaluation(api, headers=alice, **body)
    url = f"{EVALUATIONS}/{accepted['evaluation_id']}"
    arm = {"prompt_id": prompt_id}

    answers = [
        await api.get(url, headers=bob),
        await api.get(f"{url}/cells", headers=bob),
        await api.get(f"{url}/events", headers=bob),
        await api.post(f"{url}/cancel", headers=bob),
        await api.get(f"{COMPARISONS}/{accepted['evaluation_id']}", headers=bob),
        await api.post(EVALUATIONS, json=body, headers=bob),
        await api.post(
            COMPARISONS, json={"dataset_id": dataset_id, "a": arm, "b": arm}, headers=bob
        ),
        await api.get(f"/api/v1/prompts/{prompt_id}/history", headers=bob),
    ]

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    mine = await api.get(url, headers=alice)
    assert mine.status_code == 200
    assert mine.json()["evaluation_id"] == accepted["evaluation_id"]
    assert (await api.get(url, headers=issuer.headers("carol", org="org_a"))).status_code == 200


async def test_a_plain_evaluation_is_not_a_comparison(
    evaluation_api: Callable[..., Any],
) -> None:
    api: httpx.AsyncClient = await evaluation_api()
    prompt_id = await create_prompt(api, "Repeat {{word}}")
    dataset_id = await create_dataset(api, [CASE])
    accepted = await start_evaluation(
        api, dataset_id=dataset_id, prompt_versions=[{"prompt_id": prompt_id}]
    )
    await wait_until_finished(api, f"{EVALUATIONS}/{accepted['evaluation_id']}")

    response = await api.get(f"{COMPARISONS}/{accepted['evaluation_id']}")

    assert (response.status_code, response.json()["code"]) == (404, "EVALUATION_NOT_FOUND")
