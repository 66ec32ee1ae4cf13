"""The real JSON output of configure_logging: shape, context and redaction."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import structlog

from autoforge.infrastructure.logging import configure_logging
from autoforge.infrastructure.redaction import EMAIL_MARKER, SECRET_MARKER, TOKEN_MARKER

if TYPE_CHECKING:
    from .conftest import LogCapture

EMAIL = "hanako.yamada@example.co.jp"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXBhcnQ"


def test_email_and_bearer_token_never_reach_the_output(json_logs: LogCapture) -> None:
    json_logs.start()
    log = structlog.get_logger("autoforge.test")

    log.info(
        f"login by {EMAIL} with Bearer {TOKEN}",
        contact=EMAIL,
        header=f"Bearer {TOKEN}",
        nested={"users": [{"email": EMAIL}], "authorization": f"Bearer {TOKEN}"},
    )
    raw = json_logs.raw()

    assert EMAIL not in raw
    assert TOKEN not in raw
    line = json.loads(raw)
    assert line["event"] == f"login by {EMAIL_MARKER} with Bearer {TOKEN_MARKER}"
    assert line["contact"] == EMAIL_MARKER
    assert line["header"] == f"Bearer {TOKEN_MARKER}"
    assert line["nested"] == {"users": [{"email": EMAIL_MARKER}], "authorization": SECRET_MARKER}


def test_lines_carry_level_iso_timestamp_logger_and_bound_context(json_logs: LogCapture) -> None:
    json_logs.start()
    structlog.contextvars.bind_contextvars(request_id="req-1", correlation_id="corr-1")

    structlog.get_logger("autoforge.test").warning("prompt_saved", prompt_id="p-1")

    [line] = json_logs.lines()
    assert line["event"] == "prompt_saved"
    assert line["prompt_id"] == "p-1"
    assert line["level"] == "warning"
    assert line["logger"] == "autoforge.test"
    assert line["request_id"] == "req-1"
    assert line["correlation_id"] == "corr-1"
    assert line["timestamp"].endswith("Z")
    assert "T" in line["timestamp"]


def test_standard_library_records_are_rendered_and_redacted_too(json_logs: LogCapture) -> None:
    json_logs.start()
    structlog.contextvars.bind_contextvars(request_id="req-2")

    logging.getLogger("uvicorn.error").info("client %s sent password=%s", EMAIL, "hunter2")

    [line] = json_logs.lines()
    # Once LiteLLM is imported its own log filter may mask the pair first; either way the
    # secret is gone and the e-mail address carries our marker.
    assert line["event"].startswith(f"client {EMAIL_MARKER} sent ")
    assert "hunter2" not in line["event"]
    assert line["logger"] == "uvicorn.error"
    assert line["level"] == "info"
    assert line["request_id"] == "req-2"


def test_exception_tracebacks_are_redacted(json_logs: LogCapture) -> None:
    json_logs.start()
    log = structlog.get_logger("autoforge.test")

    try:
        raise ValueError(f"bad address {EMAIL}")
    except ValueError:
        log.exception("import_failed")

    [line] = json_logs.lines()
    assert f"ValueError: bad address {EMAIL_MARKER}" in line["exception"]
    assert EMAIL not in json.dumps(line)


def test_records_below_the_configured_level_are_dropped(json_logs: LogCapture) -> None:
    json_logs.start(level="warning")
    log = structlog.get_logger("autoforge.test")

    log.info("hidden_event")
    log.warning("shown_event")

    assert [line["event"] for line in json_logs.lines()] == ["shown_event"]


def test_uvicorn_access_lines_are_silenced(json_logs: LogCapture) -> None:
    json_logs.start()

    logging.getLogger("uvicorn.access").info('%s - "GET /x?token=abc HTTP/1.1" 200', "1.2.3.4")
    logging.getLogger("uvicorn.access").warning("access log overflow")

    assert [line["event"] for line in json_logs.lines()] == ["access log overflow"]


def test_reconfiguring_keeps_a_single_handler(json_logs: LogCapture) -> None:
    json_logs.start()
    configure_logging(json_logs=True, level="info")

    structlog.get_logger("autoforge.test").info("once")

    assert [line["event"] for line in json_logs.lines()] == ["once"]


def test_console_rendering_is_redacted_too(json_logs: LogCapture) -> None:
    configure_logging(json_logs=False, level="info")
    json_logs.raw()

    structlog.get_logger("autoforge.test").info("console_line", contact=EMAIL)

    raw = json_logs.raw()
    assert "console_line" in raw
    assert EMAIL_MARKER in raw
    assert EMAIL not in raw


def test_standard_library_tracebacks_are_redacted_and_uvicorn_colours_dropped(
    json_logs: LogCapture,
) -> None:
    json_logs.start()

    try:
        raise RuntimeError(f"lookup failed for {EMAIL}")
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception(
            "Exception in ASGI application", extra={"color_message": "\x1b[31mboom\x1b[0m"}
        )

    [line] = json_logs.lines()
    assert f"RuntimeError: lookup failed for {EMAIL_MARKER}" in line["exception"]
    assert EMAIL not in json.dumps(line)
    assert "color_message" not in line
