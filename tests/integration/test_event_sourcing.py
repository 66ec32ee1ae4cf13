"""The event log, its concurrency guard, and read models rebuilt from it (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select

from autoforge.application.prompt.commands import (
    ArchivePrompt,
    CreatePrompt,
    MoveLabel,
    RestorePrompt,
    UpdatePrompt,
)
from autoforge.application.prompt.handlers import PromptPolicy, PromptService
from autoforge.domain.evaluation.run_events import EvaluationCompleted
from autoforge.domain.events import EventMetadata
from autoforge.domain.identity.model import Actor
from autoforge.domain.prompt.errors import PromptQuotaExceededError, VersionConflictError
from autoforge.domain.prompt.model import PromptLimits
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.event_store import EventStore
from autoforge.infrastructure.db.projections import READ_MODEL_TABLES
from autoforge.infrastructure.db.rebuild import rebuild_projections
from autoforge.infrastructure.db.unit_of_work import SqlUnitOfWork
from autoforge.infrastructure.migrations.runner import migrations_applied, upgrade_to_head
from autoforge.infrastructure.settings import Settings

ALICE = Actor(tenant_id="t1", user_id="alice")
BOB = Actor(tenant_id="t2", user_id="bob")
SERVICE = PromptService(
    policy=PromptPolicy(limits=PromptLimits(max_content_chars=10_000), prompt_quota_per_user=100)
)


@pytest.fixture(params=["sqlite", "postgres"])
async def database(
    request: pytest.FixtureRequest, make_settings: Callable[..., Settings]
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = make_settings().effective_database_url
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database.connect(url)
    await upgrade_to_head(db)
    if request.param == "postgres":
        async with db.writer.begin() as connection:
            for table in (*READ_MODEL_TABLES, *_record_tables()):
                await connection.execute(table.delete())
    yield db
    await db.dispose()


def _record_tables() -> tuple[Any, ...]:
    from autoforge.infrastructure.db.tables import events, outbox

    return (outbox, events)


async def _snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    snapshot: dict[str, list[dict[str, Any]]] = {}
    async with db.reader.connect() as connection:
        for table in READ_MODEL_TABLES:
            rows = await connection.execute(select(table).order_by(*table.primary_key.columns))
            snapshot[table.name] = [dict(row._mapping) for row in rows]
    return snapshot


async def _history(db: Database) -> None:
    def uow(actor: Actor) -> SqlUnitOfWork:
        return SqlUnitOfWork(db, actor)

    first = await SERVICE.create(
        uow(ALICE), ALICE, CreatePrompt("要約", "{{ text }} を要約", tags=("ja",))
    )
    second = await SERVICE.create(uow(BOB), BOB, CreatePrompt("Other", "Bob's prompt"))
    for n in range(3):
        await SERVICE.update(
            uow(ALICE), UpdatePrompt(first.prompt_id, content=f"v{n + 2} {{{{ x }}}}")
        )
    await SERVICE.update(
        uow(ALICE), UpdatePrompt(first.prompt_id, title="Summary", tags=("en", "x"))
    )
    await SERVICE.move_label(uow(ALICE), MoveLabel(first.prompt_id, "production", 2))
    await SERVICE.move_label(uow(ALICE), MoveLabel(first.prompt_id, "production", 3))
    await SERVICE.archive(uow(BOB), ArchivePrompt(second.prompt_id))
    await SERVICE.restore(uow(BOB), RestorePrompt(second.prompt_id))
    await SERVICE.archive(uow(BOB), ArchivePrompt(second.prompt_id))


async def test_migrations_are_applied_and_detected(database: Database) -> None:
    assert await migrations_applied(database)


async def test_rebuilt_read_models_equal_the_live_ones(database: Database) -> None:
    await _history(database)
    live = await _snapshot(database)

    replayed = await rebuild_projections(database)

    assert replayed == 13
    assert await _snapshot(database) == live
    assert len(live["prompt_versions"]) == 5
    assert live["prompt_labels"][0]["version"] == 3


async def test_rebuild_passes_over_events_of_other_streams(database: Database) -> None:
    await _history(database)
    completed = EvaluationCompleted(
        evaluation_id="e1",
        kind="evaluation",
        dataset_id="d1",
        dataset_revision=1,
        cells=4,
        errors=0,
        arms=({"pass_rate": 1.0},),
    )
    async with database.writer.begin() as connection:
        await EventStore(connection).append(
            stream_id="evaluation-e1",
            expected_version=0,
            new_events=[completed],
            metadata=EventMetadata(tenant_id="t1", actor_id="alice"),
        )
    live = await _snapshot(database)

    assert await rebuild_projections(database) == 14
    assert await _snapshot(database) == live


async def test_events_are_stored_once_per_stream_version_with_metadata(database: Database) -> None:
    await _history(database)
    async with database.reader.connect() as connection:
        store = EventStore(connection)
        events = [event async for event in store.all_events(batch_size=3)]

    positions = [event.position for event in events]
    assert positions == sorted(positions)
    per_stream: dict[str, list[int]] = {}
    for event in events:
        per_stream.setdefault(event.stream_id, []).append(event.stream_version)
    assert all(versions == list(range(1, len(versions) + 1)) for versions in per_stream.values())
    assert {event.metadata.tenant_id for event in events} == {"t1", "t2"}


async def test_a_stale_writer_gets_a_conflict_and_nothing_is_written(database: Database) -> None:
    prompt = await SERVICE.create(SqlUnitOfWork(database, ALICE), ALICE, CreatePrompt("t", "v1"))
    await SERVICE.update(
        SqlUnitOfWork(database, ALICE), UpdatePrompt(prompt.prompt_id, content="v2")
    )

    with pytest.raises(VersionConflictError):
        await SERVICE.update(
            SqlUnitOfWork(database, ALICE),
            UpdatePrompt(prompt.prompt_id, content="v3", expected_revision=prompt.revision),
        )

    snapshot = await _snapshot(database)
    assert [row["content"] for row in snapshot["prompt_versions"]] == ["v1", "v2"]


async def test_two_transactions_racing_on_one_stream_cannot_both_append(
    make_settings: Callable[..., Settings], postgres_url: str
) -> None:
    """Only PostgreSQL lets two writers hold transactions at once; the unique key decides."""
    db = Database.connect(postgres_url)
    await upgrade_to_head(db)
    try:
        prompt = await SERVICE.create(SqlUnitOfWork(db, ALICE), ALICE, CreatePrompt("t", "v1"))
        first, second = SqlUnitOfWork(db, ALICE), SqlUnitOfWork(db, ALICE)
        async with first, second:
            mine = await first.prompts.get(prompt.prompt_id)
            theirs = await second.prompts.get(prompt.prompt_id)
            mine.commit_content("mine", message="", limits=PromptLimits())
            theirs.commit_content("theirs", message="", limits=PromptLimits())
            await first.commit()
            with pytest.raises(VersionConflictError):
                await second.commit()

        async with db.reader.connect() as connection:
            store = EventStore(connection)
            history = await store.load(tenant_id="t1", stream_id=prompt.prompt_id)
        assert [e.event.to_payload().get("content") for e in history][-1] == "mine"
    finally:
        await db.dispose()


async def test_concurrent_creates_never_exceed_the_quota_on_postgresql(postgres_url: str) -> None:
    import asyncio

    db = Database.connect(postgres_url)
    await upgrade_to_head(db)
    service = PromptService(policy=PromptPolicy(limits=PromptLimits(), prompt_quota_per_user=5))
    carol = Actor(tenant_id="quota", user_id="carol")
    try:
        results = await asyncio.gather(
            *(
                service.create(SqlUnitOfWork(db, carol), carol, CreatePrompt(f"t{i}", "c"))
                for i in range(20)
            ),
            return_exceptions=True,
        )
        created = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, PromptQuotaExceededError)]
        assert (len(created), len(refused)) == (5, 15)
    finally:
        await db.dispose()


async def test_writers_that_name_no_revision_all_land_on_postgresql(postgres_url: str) -> None:
    import asyncio

    db = Database.connect(postgres_url)
    await upgrade_to_head(db)
    try:
        prompt = await SERVICE.create(SqlUnitOfWork(db, ALICE), ALICE, CreatePrompt("t", "v0"))
        await asyncio.gather(
            *(
                SERVICE.update(
                    SqlUnitOfWork(db, ALICE), UpdatePrompt(prompt.prompt_id, content=f"v{i}")
                )
                for i in range(1, 9)
            )
        )
        async with db.reader.connect() as connection:
            history = await EventStore(connection).load(tenant_id="t1", stream_id=prompt.prompt_id)
        assert len(history) == 2 + 8
    finally:
        await db.dispose()
