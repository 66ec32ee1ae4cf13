"""`autoforge import` on real prompt collections: good rows kept, bad rows named, no duplicates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autoforge.application.prompt.views import PromptFilter
from autoforge.cli import app
from autoforge.cli_support import run_import
from autoforge.infrastructure.db.engine import Database
from autoforge.infrastructure.db.queries import SqlPromptQueries
from autoforge.infrastructure.settings import Settings
from tests.conftest import shared_data

BAD_CSV = """act,prompt,for_devs,type
Greeter,"Say hello to ${name} in ${language}.",FALSE,TEXT
Empty,"   ",FALSE,TEXT
Poet,"Write a poem about
[Your Topic]
in four lines.",FALSE,TEXT
,,FALSE,TEXT
"""


async def _titles(settings: Settings, text: str | None = None) -> list[str]:
    database = Database.connect(settings.effective_database_url)
    try:
        page = await SqlPromptQueries(database).search(
            "local", PromptFilter(text=text, page_size=200)
        )
        return sorted(item.title for item in page.items)
    finally:
        await database.dispose()


async def test_bad_rows_are_reported_by_line_and_good_rows_kept(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = make_settings()
    path = tmp_path / "prompts.csv"
    path.write_text(BAD_CSV, encoding="utf-8")

    report = await run_import(settings, path)

    assert report.created == 2
    assert [row.line for row in report.rejected] == [3, 7]
    assert await _titles(settings) == ["Greeter", "Poet"]
    database = Database.connect(settings.effective_database_url)
    greeter = (await SqlPromptQueries(database).search("local", PromptFilter(text="greeter"))).items
    await database.dispose()
    assert greeter[0].variables == ["name", "language"]


async def test_running_an_import_twice_creates_no_duplicates(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    path = shared_data("prompts_ja.jsonl")

    first = await run_import(settings, path)
    second = await run_import(settings, path)

    assert (first.created, first.rejected) == (36, [])
    assert (second.created, second.duplicates) == (0, 36)


@pytest.mark.parametrize("name", ["prompts_en.csv"])
def test_the_cli_imports_the_whole_english_collection(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    settings = make_settings()
    monkeypatch.setenv("AUTOFORGE_DATABASE_URL", settings.effective_database_url)

    result = CliRunner().invoke(app, ["import", str(shared_data(name))])

    assert result.exit_code == 0, result.output
    # 13 rows repeat an earlier row exactly; they count as already present, not as errors.
    assert "imported 1312, already present 13, rejected 0" in result.output


def test_projections_rebuild_command_replays_the_log_into_equal_read_models(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings()
    asyncio.run(run_import(settings, shared_data("prompts_ja.jsonl")))
    before = asyncio.run(_titles(settings))
    monkeypatch.setenv("AUTOFORGE_DATABASE_URL", settings.effective_database_url)

    result = CliRunner().invoke(app, ["projections", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "replayed 72 events" in result.output
    assert asyncio.run(_titles(settings)) == before
    assert len(asyncio.run(_titles(settings, "剣道"))) >= 1


def test_a_file_without_the_expected_columns_is_refused_with_a_message(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make_settings()
    monkeypatch.setenv("AUTOFORGE_DATABASE_URL", settings.effective_database_url)
    path = tmp_path / "wrong.csv"
    path.write_text("name,text\na,b\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["import", str(path)])

    assert result.exit_code == 2
    assert "act" in result.output
    assert "Traceback" not in result.output
