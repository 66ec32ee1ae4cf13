"""A small, real OpenAI-compatible HTTP server for tests and benchmarks.

It listens on 127.0.0.1 (a free port) in a background thread and answers

- ``POST /v1/chat/completions``: a deterministic reply, ``"echo: "`` followed by the last user
  message, cut to ``max_tokens`` words (then ``finish_reason`` is ``"length"``), with usage
  numbers that count whitespace-separated words;
- ``POST /v1/embeddings``: one deterministic unit vector per input text (a hash of the text);
- ``GET /v1/models``: the models it was told to serve.

Usage::

    with OpenAIStub(latency_ms=50) as stub:
        client_base_url = stub.base_url          # "http://127.0.0.1:PORT/v1"
        with stub.configured(fail_with=503):      # every request now answers 503
            ...
        stub.requests                             # what it received, in order

``fail_with`` makes every request answer that HTTP status with an OpenAI-style error body
(429 also sends ``Retry-After: 1``). ``models`` limits the model names it accepts: any other
name answers 404 ``model_not_found``, as OpenAI does. ``latency_ms`` delays every answer.
The attributes may be changed while it runs; ``configured`` restores them afterwards.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["OpenAIStub", "ReceivedRequest"]

_ERROR_TYPES = {
    400: "invalid_request_error",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
    500: "server_error",
    503: "service_unavailable",
}


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    method: str
    path: str
    body: dict[str, Any]


class OpenAIStub:
    """An OpenAI-compatible server on loopback; a context manager that starts and stops it."""

    def __init__(
        self,
        *,
        latency_ms: float = 0.0,
        fail_with: int | None = None,
        models: Sequence[str] | None = None,
        embedding_dim: int = 8,
    ) -> None:
        self.latency_ms = latency_ms
        self.fail_with = fail_with
        self.models = tuple(models) if models is not None else None
        self.embedding_dim = embedding_dim
        self._received: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, ending in ``/v1``."""
        if self._server is None:
            raise RuntimeError("the stub is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def clear_requests(self) -> None:
        with self._lock:
            self._received.clear()

    @contextmanager
    def configured(
        self, *, latency_ms: float | None = None, fail_with: int | None = None
    ) -> Iterator[OpenAIStub]:
        """Change the latency and/or failure for the duration of a block, then restore them."""
        saved = (self.latency_ms, self.fail_with)
        if latency_ms is not None:
            self.latency_ms = latency_ms
        self.fail_with = fail_with
        try:
            yield self
        finally:
            self.latency_ms, self.fail_with = saved

    def start(self) -> OpenAIStub:
        server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, name="openai-stub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers that are still sleeping out a latency
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # What the handler asks of the stub; kept here so the handler stays thin.

    def _record(self, method: str, path: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._received.append(ReceivedRequest(method=method, path=path, body=body))

    def _wait_latency(self) -> None:
        if self.latency_ms > 0:
            self._stopping.wait(self.latency_ms / 1000)

    def _unknown_model(self, body: dict[str, Any]) -> str | None:
        model = str(body.get("model", ""))
        if self.models is not None and model not in self.models:
            return model
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping out a latency must not block stop()
    block_on_close = False
    request_queue_size = 256  # benchmarks open many connections at once


def chat_reply(body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages") or []
    prompt_words = sum(len(str(m.get("content", "")).split()) for m in messages)
    last_user: dict[str, Any] = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    words = ["echo:", *str(last_user.get("content", "")).split()]
    limit = body.get("max_tokens") or body.get("max_completion_tokens")
    finish = "stop"
    if isinstance(limit, int) and len(words) > limit:
        words, finish = words[:limit], "length"
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": " ".join(words)},
                "finish_reason": finish,
            }
        ],
        "usage": {
            "prompt_tokens": max(prompt_words, 1),
            "completion_tokens": len(words),
            "total_tokens": max(prompt_words, 1) + len(words),
        },
    }


def embedding_reply(body: dict[str, Any], dim: int) -> dict[str, Any]:
    raw = body.get("input", [])
    texts = [raw] if isinstance(raw, str) else list(raw)
    data = [
        {"object": "embedding", "index": i, "embedding": text_vector(str(t), dim)}
        for i, t in enumerate(texts)
    ]
    tokens = sum(len(str(t).split()) for t in texts)
    return {
        "object": "list",
        "data": data,
        "model": body.get("model", ""),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def text_vector(text: str, dim: int) -> list[float]:
    """A unit vector derived from the text's hash: equal texts, equal vectors."""
    digest = hashlib.sha256(text.encode()).digest()
    raw = [digest[i % len(digest)] - 127.5 for i in range(dim)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


def _error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": code or kind}}


def _handler_for(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections alive, as real providers do; replies carry Content-Length.
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle's algorithm the client's delayed
        # ACK would hold the body back about 40 ms on a kept-alive connection.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            stub._record("GET", self.path, {})
            if self.path.rstrip("/") != "/v1/models":
                self._send(404, _error_body(404, f"no route {self.path}"))
                return
            names = stub.models or ()
            data = [{"id": n, "object": "model", "owned_by": "stub"} for n in names]
            self._send(200, {"object": "list", "data": data})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            stub._record("POST", self.path, body)
            stub._wait_latency()
            self._send(*self._answer(body))

        def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            if stub.fail_with is not None:
                return stub.fail_with, _error_body(stub.fail_with, "stub told to fail")
            unknown = stub._unknown_model(body)
            if unknown is not None:
                message = f"The model `{unknown}` does not exist"
                return 404, _error_body(404, message, "model_not_found")
            route = self.path.rstrip("/")
            if route == "/v1/chat/completions":
                return 200, chat_reply(body)
            if route == "/v1/embeddings":
                return 200, embedding_reply(body, stub.embedding_dim)
            return 404, _error_body(404, f"no route {self.path}")

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (a timeout test); nothing is left to answer.
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output clean

    return Handler
