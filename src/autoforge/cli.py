"""The `autoforge` command: serve, migrate, import, and rebuild projections."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from autoforge.infrastructure.settings import Settings

__all__ = ["app"]

app = typer.Typer(
    help="AutoForgeNexus: the prompt-engineering platform backend.", no_args_is_help=True
)
projections = typer.Typer(help="Read models built from the event log.", no_args_is_help=True)
app.add_typer(projections, name="projections")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (one per core)")] = 1,
) -> None:
    """Start the API server (embedded SQLite and the local model unless configured)."""
    import os

    import uvicorn

    from autoforge.main import create_app
    from autoforge.middleware.auth import LocalModeRefusedError

    # Worker processes build their own app from the environment, so the options go there.
    for name, value in (("AUTOFORGE_HOST", host), ("AUTOFORGE_PORT", port)):
        if value is not None:
            os.environ[name] = str(value)
    settings = Settings()
    try:
        application = create_app(settings)
    except LocalModeRefusedError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from error
    # With several workers each process builds its own app from the same environment.
    uvicorn.run(
        application if workers == 1 else "autoforge.main:create_app",
        factory=workers > 1,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )


@app.command()
def migrate() -> None:
    """Apply every database migration."""
    from autoforge.infrastructure.db.engine import Database
    from autoforge.infrastructure.migrations.runner import upgrade_to_head

    async def run() -> None:
        database = Database.connect(Settings().effective_database_url)
        try:
            await upgrade_to_head(database)
        finally:
            await database.dispose()

    asyncio.run(run())
    typer.echo("migrations applied")


@app.command("import")
def import_prompts(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSONL file")],
) -> None:
    """Import a prompt collection (CSV with act and prompt columns, or JSONL)."""
    from autoforge.cli_support import run_import
    from autoforge.domain.errors import DomainError

    try:
        report = asyncio.run(run_import(Settings(), file))
    except DomainError as error:
        typer.echo(f"error: {error.detail_en}", err=True)
        raise typer.Exit(code=2) from error
    for rejected in report.rejected:
        typer.echo(f"line {rejected.line}: skipped: {rejected.reason}", err=True)
    typer.echo(
        f"imported {report.created}, already present {report.duplicates}, "
        f"rejected {len(report.rejected)}"
    )


@projections.command("rebuild")
def rebuild_projections() -> None:
    """Replay the event log into fresh read models."""
    from autoforge.cli_support import run_rebuild

    count = asyncio.run(run_rebuild(Settings()))
    typer.echo(f"replayed {count} events")
