"""Requests refused before they reach a route: oversized bodies and foreign Host headers."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LOOPBACK_HOSTS", "RequestGuardMiddleware"]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class _BodyTooLargeError(Exception):
    pass


def _host_name(value: str) -> str:
    if value.startswith("["):  # [::1]:8000
        return value[1 : value.find("]")]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RequestGuardMiddleware:
    """413 for a body over `max_body_bytes` (declared or streamed); 421 for a Host header
    outside `allowed_hosts`, which stops DNS rebinding from reaching the local mode."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        allowed_hosts: Collection[str] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = frozenset(allowed_hosts) if allowed_hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        if self.allowed_hosts is not None:
            host = _host_name(headers.get("host", "")).lower()
            if host not in self.allowed_hosts:
                await _refuse(
                    scope,
                    send,
                    421,
                    "MISDIRECTED_REQUEST",
                    "This server answers only requests addressed to its loopback name.",
                )
                return
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, send)
            return
        try:
            await self.app(scope, self._counting(receive), send)
        except _BodyTooLargeError:
            await self._too_large(scope, send)

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLargeError
            return message

        return counted

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await _refuse(
            scope,
            send,
            413,
            "PAYLOAD_TOO_LARGE",
            f"The request body is larger than {self.max_body_bytes:,} bytes.",
        )


async def _refuse(scope: Scope, send: Send, status: int, code: str, detail: str) -> None:
    state: dict[str, Any] = scope.get("state", {})
    body = {
        "type": f"urn:autoforge:problem:{code.lower().replace('_', '-')}",
        "title": detail,
        "status": status,
        "code": code,
        "detail": detail,
        "instance": scope.get("path", ""),
        "request_id": state.get("request_id"),
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
