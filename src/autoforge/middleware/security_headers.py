"""Security headers on every HTTP response, as a pure ASGI middleware.

API responses get a deny-everything Content-Security-Policy. The interactive docs pages
are HTML that FastAPI builds: they load Swagger UI (or ReDoc) from a CDN and start it with
an inline script. Rather than allowing every inline script there, the middleware reads
the page, hashes its inline scripts and allows exactly those hashes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Collection, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["API_CSP", "DEFAULT_DOCS_PATHS", "SecurityHeadersMiddleware", "docs_csp"]

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

DEFAULT_DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})

# Where FastAPI's default docs pages load their assets from (fastapi/openapi/docs.py):
# Swagger UI and ReDoc bundles from jsDelivr, the favicon from fastapi.tiangolo.com, and
# ReDoc's fonts from Google Fonts.
_DOCS_SCRIPT_SOURCES = ("'self'", "https://cdn.jsdelivr.net")
_DOCS_STYLE_SOURCES = ("'self'", "https://cdn.jsdelivr.net", "https://fonts.googleapis.com")

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL)

_STATIC_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def docs_csp(inline_script_hashes: Iterable[str] = ()) -> str:
    """The policy for the docs pages, allowing the given 'sha256-...' inline scripts."""
    scripts = " ".join([*_DOCS_SCRIPT_SOURCES, *(f"'{h}'" for h in inline_script_hashes)])
    # Swagger UI and ReDoc set inline styles at run time, and their CSS embeds data: images;
    # ReDoc renders in a blob: worker. None of these can run script in the page.
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            f"style-src {' '.join(_DOCS_STYLE_SOURCES)} 'unsafe-inline'",
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
            "font-src https://fonts.gstatic.com",
            "connect-src 'self'",
            "worker-src blob:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds the headers unless the handler already chose its own value."""

    def __init__(self, app: ASGIApp, *, docs_paths: Collection[str] = DEFAULT_DOCS_PATHS) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = list(_STATIC_HEADERS)
        if scope.get("scheme") == "https":
            extra.append(_HSTS)

        if _route_path(scope) in self.docs_paths:
            await self.app(scope, receive, _DocsPageSender(send, extra))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _with_defaults(
                    message, [*extra, (b"content-security-policy", API_CSP.encode())]
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _DocsPageSender:
    """Holds back a docs page until its body is complete, to hash its inline scripts."""

    def __init__(self, send: Send, extra: list[tuple[bytes, bytes]]) -> None:
        self._send = send
        self._extra = extra
        self._start: Message | None = None
        self._body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._start is None:
            await self._send(message)
            return

        self._body.extend(message.get("body", b""))
        if message.get("more_body", False):
            return

        policy = docs_csp(_inline_script_hashes(bytes(self._body)))
        headers = [*self._extra, (b"content-security-policy", policy.encode())]
        await self._send(_with_defaults(self._start, headers))
        await self._send({"type": "http.response.body", "body": bytes(self._body)})


def _route_path(scope: Scope) -> str:
    # Behind a proxy prefix (root_path) the docs page is still the app's "/docs".
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    return path.removeprefix(root_path) if root_path else path


def _inline_script_hashes(body: bytes) -> list[str]:
    html = body.decode("utf-8", errors="replace")
    return [
        "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in _INLINE_SCRIPT.findall(html)
    ]


def _with_defaults(message: Message, defaults: list[tuple[bytes, bytes]]) -> Message:
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    headers.extend((name, value) for name, value in defaults if name not in present)
    return {**message, "headers": headers}
