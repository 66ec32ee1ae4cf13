"""Prompt template rendering: a fast path for plain substitutions, a sandbox for logic.

The exports are loaded lazily so that the render worker (``python -m
autoforge.infrastructure.rendering.worker``) imports only Jinja and the sandbox, not the
logging stack, and starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autoforge.infrastructure.rendering.environment import RenderLimits
    from autoforge.infrastructure.rendering.renderer import JinjaTemplateRenderer

__all__ = ["JinjaTemplateRenderer", "RenderLimits"]


def __getattr__(name: str) -> Any:
    if name == "JinjaTemplateRenderer":
        from autoforge.infrastructure.rendering.renderer import JinjaTemplateRenderer

        return JinjaTemplateRenderer
    if name == "RenderLimits":
        from autoforge.infrastructure.rendering.environment import RenderLimits

        return RenderLimits
    raise AttributeError(name)
