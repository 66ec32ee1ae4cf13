"""Fixtures that run the real logging pipeline and read back what it printed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from autoforge.infrastructure.logging import configure_logging


class LogCapture:
    """Reads the JSON lines the real pipeline writes to the captured stdout."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def start(self, level: str = "info") -> None:
        # Called from the test body: stdout is only redirected by capsys in the call phase.
        configure_logging(json_logs=True, level=level)
        self._capsys.readouterr()

    def raw(self) -> str:
        return self._capsys.readouterr().out

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.raw().splitlines() if line.strip()]


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[LogCapture]:
    yield LogCapture(capsys)

    # Later tests must not write into this test's (then closed) captured stream.
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "autoforge":
            root.removeHandler(handler)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
