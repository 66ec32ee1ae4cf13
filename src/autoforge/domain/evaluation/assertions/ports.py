"""Ports the assertion engine needs from the outside world.

The engine is standard library only; JSON Schema validation, embeddings and model
graders are adapters behind these protocols, and so is the matching of user-supplied
regular expressions, which needs a time limit the standard library cannot give.
Adapters signal failure by raising a `DomainError` (an upstream model that fails raises
`UpstreamError`, say) or `TimeoutError`; the engine turns that into an ERROR result for
the assertion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["AssertionPorts", "Embedder", "Grader", "JsonSchemaValidator", "RegexEngine"]


class JsonSchemaValidator(Protocol):
    """Validates JSON instances against a JSON Schema (for is-json and contains-json)."""

    def load_schema_text(self, text: str) -> object:
        """Parse a schema written as JSON or YAML text; raise InvalidJsonSchemaError."""
        ...

    def check_schema(self, schema: object) -> None:
        """Raise InvalidJsonSchemaError when `schema` is not a valid JSON Schema."""
        ...

    def validate(self, schema: object, instance: object) -> list[str]:
        """Every way `instance` breaks `schema`, one message each; empty when it conforms."""
        ...


class RegexEngine(Protocol):
    """Runs a user-supplied pattern, written in Python `re` syntax, within a time limit."""

    def check(self, pattern: str) -> None:
        """Raise ValueError when `pattern` does not compile."""
        ...

    def search(self, pattern: str, text: str) -> bool:
        """Whether `pattern` matches anywhere in `text`.

        Raise TimeoutError past the engine's time limit, ValueError for a bad pattern.
        """
        ...


class Embedder(Protocol):
    """Turns texts into embedding vectors (for `similar`)."""

    @property
    def model_name(self) -> str: ...

    @property
    def multilingual(self) -> bool:
        """False for English-centric models, whose scores on Japanese text are unreliable."""
        ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


class Grader(Protocol):
    """A model that answers a grading prompt (llm-rubric, factuality, closed QA)."""

    async def grade(self, prompt: str) -> str:
        """The grader's raw answer to `prompt`."""
        ...


@dataclass(frozen=True, slots=True)
class AssertionPorts:
    """The adapters an evaluation may use; a missing one makes its assertions ERRORs."""

    schema_validator: JsonSchemaValidator | None = None
    embedder: Embedder | None = None
    grader: Grader | None = None
    # None means the standard library's `re`, which has no time limit: tests only.
    regex_engine: RegexEngine | None = None
