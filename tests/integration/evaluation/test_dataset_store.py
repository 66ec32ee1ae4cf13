"""The dataset and quality stores on SQLite and PostgreSQL, migrated by Alembic."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from autoforge.application.evaluation.dataset_ports import DatasetFilter
from autoforge.application.evaluation.quality import PromptQuality
from autoforge.domain.evaluation.dataset import Dataset, new_dataset, new_test_case
from autoforge.domain.evaluation.dataset_errors import (
    DatasetNotFoundError,
    DatasetRevisionConflictError,
)
from autoforge.domain.evaluation.quality import analyze_prompt_quality
from autoforge.infrastructure.db.datasets import SqlDatasetRepository
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.evaluation_tables import datasets, prompt_quality, test_cases
from autoforge.infrastructure.db.prompt_quality import SqlQualityStore
from autoforge.infrastructure.migrations.runner import upgrade_to_head
from autoforge.infrastructure.settings import Settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = make_settings().effective_database_url
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database.connect(url)
    await upgrade_to_head(db)
    async with db.writer.begin() as connection:
        for table in (test_cases, datasets, prompt_quality):
            await connection.execute(table.delete())
    yield db
    await db.dispose()


def _dataset(dataset_id: str = "d1", *, tenant_id: str = "t1", cases: int = 2) -> Dataset:
    return new_dataset(
        dataset_id=dataset_id,
        tenant_id=tenant_id,
        owner_id="alice",
        name=f"set {dataset_id}",
        at=NOW,
        tags=["qa"],
        test_cases=[
            new_test_case(
                label=str(i),
                vars={"q": f"question {i}", "日本語": "はい"},
                assertions=[{"type": "contains", "value": str(i), "weight": 0.5}],
                threshold=0.25 if i else None,
                expected="answer" if i else None,
                tags=["t"],
            ).with_id(f"{dataset_id}-c{i}")
            for i in range(cases)
        ],
    )


async def test_a_stored_dataset_reads_back_equal(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    dataset = _dataset()

    await repository.add(dataset)
    loaded = await repository.get("t1", "d1")

    assert loaded == dataset
    assert [case.test_case_id for case in loaded.test_cases] == ["d1-c0", "d1-c1"]
    assert loaded.created_at == NOW


async def test_another_tenant_finds_nothing(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    await repository.add(_dataset())

    with pytest.raises(DatasetNotFoundError):
        await repository.get("t2", "d1")
    page = await repository.search("t2", DatasetFilter())
    assert (page.total, page.items) == (0, [])


async def test_saving_over_a_stale_revision_conflicts(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    dataset = _dataset()
    await repository.add(dataset)
    later = NOW + timedelta(hours=1)

    await repository.save(dataset.revised(at=later, name="first"), replace_cases=False)
    with pytest.raises(DatasetRevisionConflictError) as caught:
        await repository.save(dataset.revised(at=later, name="second"), replace_cases=False)

    assert caught.value.extra == {"expected_revision": 1, "current_revision": 2}
    stored = await repository.get("t1", "d1")
    assert (stored.name, stored.revision, stored.test_cases) == ("first", 2, dataset.test_cases)


async def test_replacing_and_appending_cases_keeps_their_order(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    dataset = _dataset()
    await repository.add(dataset)
    only = replace(dataset.test_cases[1], test_case_id="new-0")

    await repository.save(dataset.revised(at=NOW, test_cases=[only]), replace_cases=True)
    revision = await repository.append(
        "t1", "d1", [replace(only, test_case_id="new-1")], base_revision=2, at=NOW
    )

    stored = await repository.get("t1", "d1")
    summary = await repository.summary("t1", "d1")
    assert revision == 3
    assert [case.test_case_id for case in stored.test_cases] == ["new-0", "new-1"]
    assert (summary.test_case_count, summary.revision) == (2, 3)
    with pytest.raises(DatasetRevisionConflictError):
        await repository.append("t1", "d1", [only], base_revision=2, at=NOW)


async def test_search_pages_by_most_recent_and_matches_text(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    for index in range(3):
        dataset = _dataset(f"d{index}", cases=0)
        await repository.add(replace(dataset, updated_at=NOW + timedelta(minutes=index)))

    page = await repository.search("t1", DatasetFilter(page=1, page_size=2))
    matched = await repository.search("t1", DatasetFilter(text="SET D1"))
    literal = await repository.search("t1", DatasetFilter(text="%"))

    assert ([s.dataset_id for s in page.items], page.total) == (["d2", "d1"], 3)
    assert [s.dataset_id for s in matched.items] == ["d1"]
    assert literal.total == 0


async def test_delete_removes_the_dataset_and_its_cases(database: Database) -> None:
    repository = SqlDatasetRepository(database)
    await repository.add(_dataset())

    with pytest.raises(DatasetRevisionConflictError):
        await repository.delete("t1", "d1", base_revision=5)
    await repository.delete("t1", "d1", base_revision=1)

    with pytest.raises(DatasetNotFoundError):
        await repository.get("t1", "d1")
    async with database.reader.connect() as connection:
        assert (await connection.execute(test_cases.select())).all() == []


async def test_a_quality_report_is_stored_once_per_tenant_prompt_and_version(
    database: Database,
) -> None:
    store = SqlQualityStore(database)
    report = analyze_prompt_quality("あなたは編集者です。{{ text }} を3行で要約してください。")
    quality = PromptQuality(prompt_id="p1", version=1, report=report, computed_at=NOW, stored=False)

    await store.put("t1", quality)
    await store.put("t1", replace(quality, computed_at=NOW + timedelta(days=1)))

    stored = await store.get("t1", "p1", 1)
    assert stored is not None
    assert (stored.report, stored.computed_at, stored.stored) == (report, NOW, True)
    assert await store.get("t2", "p1", 1) is None
    assert await store.get("t1", "p1", 2) is None
