"""The template rendering port: how use cases turn a prompt and its values into text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from autoforge.domain.prompt.rendering import RenderResult

__all__ = ["TemplateRenderer"]


class TemplateRenderer(Protocol):
    def render(self, content: str, values: Mapping[str, str]) -> RenderResult:
        """Render ``content`` with ``values``.

        Missing and unused names are reported in the result, not raised: the use case
        decides (``RenderResult.require_complete``). A template that is refused or cannot
        be rendered raises ``TemplateRenderError`` (``TemplateSyntaxError`` for syntax).
        Rendering a template with logic may block for up to the adapter's time limit, so
        async callers run it in a worker thread.
        """
        ...
