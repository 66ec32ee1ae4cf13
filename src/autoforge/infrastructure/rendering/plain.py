"""The fast path: templates that are only text and plain ``{{ name }}`` substitutions.

Most prompts are exactly that, so they are rendered by one regular-expression pass,
in-process, without Jinja at all: nothing in them can execute. The result is the one the
sandboxed renderer would produce, except that Jinja normalises newlines while text here is
left byte for byte as written. Anything else the template lexer would react to (``{%``,
a comment opener, a ``{{`` holding anything but a name, a literal word such as ``none``)
returns None and goes to the sandbox.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from autoforge.domain.prompt.rendering import RenderResult
from autoforge.domain.prompt.variables import is_variable_name
from autoforge.infrastructure.rendering.environment import COMMENT_START, output_limit

__all__ = ["render_plain"]

# Leftmost-first like the template lexer: a ``{{`` that does not open a plain
# substitution still matches, bare, and sends the template to the sandbox.
_TOKEN = re.compile(r"\{\{(?:\s*(?P<name>[^\W\d]\w*)\s*\}\})?|\{%|" + re.escape(COMMENT_START))
_SPECIAL_NAMES = frozenset({"self"})


def render_plain(
    content: str, values: Mapping[str, str], *, max_output_chars: int
) -> RenderResult | None:
    """Render ``content`` if it needs no template engine; None when it does.

    The output is measured while it is assembled, so a value repeated by many
    placeholders is refused before it is copied, not after.
    """
    pieces: list[str] = []
    missing: dict[str, None] = {}
    used: set[str] = set()
    position = 0
    size = 0
    for token in _TOKEN.finditer(content):
        name = token.group("name")
        if name is None or not is_variable_name(name) or name in _SPECIAL_NAMES:
            return None

        pieces.append(content[position : token.start()])
        if name in values:
            pieces.append(str(values[name]))
            used.add(name)
        else:
            pieces.append(token.group(0))
            missing.setdefault(name, None)
        size += len(pieces[-2]) + len(pieces[-1])
        if size > max_output_chars:
            raise output_limit(max_output_chars)
        position = token.end()

    if not pieces:
        return RenderResult(text=content, unused=tuple(values))
    pieces.append(content[position:])
    return RenderResult(
        text="".join(pieces),
        missing=tuple(missing),
        unused=tuple(name for name in values if name not in used),
    )
