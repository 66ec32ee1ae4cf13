"""One logging setup for the API, the worker and the CLI.

structlog renders every record, including those of the standard library loggers used by
uvicorn, SQLAlchemy, httpx and LiteLLM, so all output shares one shape: JSON lines in
production, readable console lines in development. Every event passes through
`redact_event_dict` just before rendering, whatever logger produced it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from autoforge.infrastructure.redaction import redact_for_log

__all__ = ["configure_logging", "redact_event_dict"]

_HANDLER_NAME = "autoforge"

# uvicorn installs its own handlers; they are removed so its records reach ours.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")

# uvicorn's access lines duplicate RequestContextMiddleware's and include query strings,
# which may carry secrets; library request chatter is only worth seeing as warnings.
_QUIET_LOGGERS = (
    "uvicorn.access",
    "httpx",
    "httpcore",
    "LiteLLM",
    "LiteLLM Router",
    "alembic",  # readiness probes configure a migration context; its INFO lines are noise
)

# structlog's own bookkeeping keys that the formatter needs untouched.
_META_KEYS = frozenset({"_record", "_from_structlog"})

# Attributes that libraries' logging filters attach to records (LiteLLM marks the records
# it has masked with a sentinel object); they carry nothing for a reader.
_LIBRARY_MARKERS = ("color_message", "litellm_redacted")


def redact_event_dict(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: redact the message and every field, recursively."""
    meta = {key: event_dict[key] for key in _META_KEYS if key in event_dict}
    redacted: dict[str, Any] = redact_for_log(_without_meta(event_dict))
    return {**redacted, **meta}


def configure_logging(*, json_logs: bool, level: str) -> None:
    """Route structlog and the standard library through one redacting pipeline to stdout.

    Safe to call more than once (tests, CLI then server): the previous handler is replaced.
    """
    shared = _shared_processors()
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a logger first used before this call (an import-time log, a test)
        # would otherwise keep the old pipeline for good.
        cache_logger_on_first_use=False,
    )
    _install_root_handler(_build_formatter(shared, json_logs=json_logs), level=level)
    _route_library_loggers()


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _drop_library_markers,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        # Tracebacks become text here so that redaction sees them before rendering.
        structlog.processors.format_exc_info,
        structlog.processors.UnicodeDecoder(),
    ]


def _drop_library_markers(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    # e.g. uvicorn passes a copy of its message with terminal colour codes as an "extra".
    for key in _LIBRARY_MARKERS:
        event_dict.pop(key, None)
    return event_dict


def _build_formatter(
    shared: list[Processor], *, json_logs: bool
) -> structlog.stdlib.ProcessorFormatter:
    renderer: Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            redact_event_dict,
            renderer,
        ],
    )


def _install_root_handler(formatter: logging.Formatter, *, level: str) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)

    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level.upper())


def _route_library_loggers() -> None:
    for name in _UVICORN_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    for name in _QUIET_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
        library_logger.setLevel(logging.WARNING)


def _without_meta(event_dict: EventDict) -> dict[str, Any]:
    return {key: value for key, value in event_dict.items() if key not in _META_KEYS}
