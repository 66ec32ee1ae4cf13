"""Shared fixtures: settings on a fresh database, the app over real HTTP semantics."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

from autoforge.infrastructure.settings import Settings

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
POSTGRES_ADMIN_URL = os.environ.get(
    "AUTOFORGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def shared_data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the shared real prompts beside the repo")
    return path


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "data_dir": tmp_path,
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
            "local_model_enabled": False,
            "log_json": True,
            "log_level": "WARNING",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


def _run_in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run set-up SQL on its own loop: the fixture may be requested from inside a running one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def _admin_sql(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"autoforge_test_{uuid.uuid4().hex[:10]}"
    _run_in_thread(_admin_sql(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    _run_in_thread(_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
