"""Request id, log context and the access log line, as one pure ASGI middleware.

Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through untouched and the
context variables bound here are visible to the handler's task.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import MutableMapping
from typing import Any, Protocol

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CORRELATION_ID_HEADER",
    "REQUEST_ID_HEADER",
    "UNMATCHED_ROUTE",
    "RequestContextMiddleware",
    "RequestObserver",
    "accept_or_generate_id",
    "sane_id_or_none",
]

REQUEST_ID_HEADER = "X-Request-ID"
CORRELATION_ID_HEADER = "X-Correlation-ID"

# Client-supplied ids end up in log lines and response headers: anything beyond a short
# token of safe characters could forge log fields or split headers.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

# Label used when no route matched, so scanners probing random paths cannot create an
# unbounded number of metric series.
UNMATCHED_ROUTE = "<unmatched>"

_log = structlog.get_logger(__name__)


class RequestObserver(Protocol):
    """What the middleware reports each finished request to (AppMetrics fits)."""

    def observe_http_request(
        self, *, method: str, route: str, status: int, duration_s: float
    ) -> None: ...


def sane_id_or_none(candidate: str | None) -> str | None:
    """The candidate if it is a short token of safe characters, else None."""
    if candidate is not None and _SANE_ID.fullmatch(candidate):
        return candidate
    return None


def accept_or_generate_id(candidate: str | None) -> str:
    """The candidate when it is a sane id, otherwise a fresh uuid4 hex."""
    return sane_id_or_none(candidate) or uuid.uuid4().hex


class RequestContextMiddleware:
    """Binds request and correlation ids, echoes them, logs and times each request."""

    def __init__(self, app: ASGIApp, *, observer: RequestObserver | None = None) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = _request_headers(scope)
        request_id = accept_or_generate_id(headers.get(REQUEST_ID_HEADER.lower()))
        # A caller that threads one id through several requests sends X-Correlation-ID;
        # otherwise this request starts its own chain.
        correlation_id = sane_id_or_none(headers.get(CORRELATION_ID_HEADER.lower())) or request_id

        state: MutableMapping[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["correlation_id"] = correlation_id

        with structlog.contextvars.bound_contextvars(
            request_id=request_id, correlation_id=correlation_id
        ):
            await self._handle(scope, receive, send, request_id=request_id)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, *, request_id: str) -> None:
        status = 500  # what the client gets if the app fails before starting a response
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = _with_header(message, REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration_s = time.perf_counter() - started
            self._record(scope, status=status, duration_s=duration_s)

    def _record(self, scope: Scope, *, status: int, duration_s: float) -> None:
        method = scope["method"]
        template = _route_template(scope)
        client = scope.get("client")

        # The path is logged without its query string: queries may carry tokens or emails.
        log_method = _log.error if status >= 500 else _log.info
        log_method(
            "http_request",
            method=method,
            route=template or scope["path"][:256],
            status=status,
            duration_ms=round(duration_s * 1000, 3),
            client_ip=client[0] if client else None,
        )
        if self.observer is not None:
            self.observer.observe_http_request(
                method=method,
                route=template or UNMATCHED_ROUTE,
                status=status,
                duration_s=duration_s,
            )


def _request_headers(scope: Scope) -> dict[str, str]:
    # latin-1 is how ASGI servers hand over header bytes; it never fails to decode.
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
    }


def _route_template(scope: Scope) -> str | None:
    # Starlette stores the matched route in the scope while routing; it is read afterwards.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else None


def _with_header(message: Message, name: str, value: str) -> Message:
    encoded_name = name.lower().encode("latin-1")
    headers = [(key, val) for key, val in message.get("headers", []) if key.lower() != encoded_name]
    headers.append((encoded_name, value.encode("latin-1")))
    return {**message, "headers": headers}
