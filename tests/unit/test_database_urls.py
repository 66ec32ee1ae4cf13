"""Database URLs in the spellings users write, mapped to the async drivers."""

from __future__ import annotations

import pytest

from autoforge.infrastructure.db.engine import UnsupportedDatabaseError, normalize_database_url
from autoforge.infrastructure.settings import Settings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("file:local.db", "sqlite+aiosqlite:///local.db"),
        ("sqlite+aiosqlite:///a.db", "sqlite+aiosqlite:///a.db"),
    ],
)
def test_usual_spellings_pick_the_async_driver(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_remote_turso_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="local file"):
        normalize_database_url("libsql://my-db.turso.io")


def test_the_embedded_default_is_a_sqlite_file_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AUTOFORGE_DATABASE_URL", "TURSO_DATABASE_URL", "AUTOFORGE_TURSO_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTOFORGE_DATA_DIR", "/srv/af")

    assert Settings(_env_file=None).effective_database_url == (  # type: ignore[call-arg]
        "sqlite+aiosqlite:////srv/af/autoforge.db"
    )


def test_original_variable_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURSO_DATABASE_URL", "file:edge.db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("LANGFUSE_HOST", "http://127.0.0.1:3000")
    monkeypatch.delenv("AUTOFORGE_DATABASE_URL", raising=False)

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.effective_database_url == "file:edge.db"
    assert settings.redis_url == "redis://127.0.0.1:6379/1"
    assert settings.langfuse_host == "http://127.0.0.1:3000"
