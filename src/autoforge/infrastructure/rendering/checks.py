"""Static checks on a parsed template, run before any of it is compiled or executed.

The template language allowed in prompts is a small, useful part of Jinja: output,
``{% if %}``, ``{% for %}`` (not recursive), ``{% set %}``, ``{% with %}``, ``{% filter %}``,
expressions, allowed filters and tests, and calls to ``range``, ``loop.cycle`` and
``loop.changed`` only. Everything else is refused with the reason, including what the
runtime sandbox would also stop: private attributes (``x.__class__``, ``x['_y']``),
``self``, imports, includes, inheritance and macros. Refusing early gives a clear message
and never starts a render process for a template that cannot be allowed.

The walk is iterative, so a deeply nested template cannot exhaust the Python stack here.
"""

from __future__ import annotations

from jinja2 import nodes

from autoforge.domain.prompt.rendering import TemplateRenderError
from autoforge.infrastructure.rendering.environment import ALLOWED_FILTERS, RANGE_GLOBAL

__all__ = ["check_template", "names_in_order"]

_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.For,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
    nodes.FilterBlock,
    nodes.Const,
    nodes.Name,
    nodes.Tuple,
    nodes.List,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.CondExpr,
    nodes.Filter,
    nodes.Test,
    nodes.Call,
    nodes.Getitem,
    nodes.Getattr,
    nodes.Slice,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.BinExpr,
    nodes.UnaryExpr,
)
_LOOP_METHODS = frozenset({"cycle", "changed"})
# ``self`` is Jinja's template reference; the range global is reached only through range().
_RESERVED_NAMES = frozenset({"self", RANGE_GLOBAL})


def check_template(template: nodes.Template) -> None:
    """Raise TemplateRenderError when the template uses anything outside the allowed set."""
    walked = _walk(template)
    # Private access is reported first: it is the more telling reason when a payload
    # also calls something, as ''.__class__.__mro__[1].__subclasses__() does.
    for node in walked:
        _check_access(node)
    for node in walked:
        if not isinstance(node, _ALLOWED_NODES):
            raise _refused_tag(type(node).__name__, node.lineno)
        _check_construct(node)


def names_in_order(template: nodes.Template) -> dict[str, int]:
    """Each name the template reads, with its rank of first appearance."""
    order: dict[str, int] = {}
    for node in _walk(template):
        if isinstance(node, nodes.Name) and node.ctx == "load":
            order.setdefault(node.name, len(order))
    return order


def _walk(template: nodes.Template) -> list[nodes.Node]:
    # Depth-first, in source order: children are pushed in reverse.
    ordered: list[nodes.Node] = []
    stack: list[nodes.Node] = [template]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(list(node.iter_child_nodes())))
    return ordered


def _check_access(node: nodes.Node) -> None:
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        raise _unsafe_attribute(node.attr, node.lineno)
    if isinstance(node, nodes.Getitem):
        key = node.arg
        if isinstance(key, nodes.Const) and isinstance(key.value, str) and key.value[:1] == "_":
            raise _unsafe_attribute(key.value, node.lineno)
    if isinstance(node, nodes.Name) and node.name in _RESERVED_NAMES:
        raise _unsafe_attribute(node.name, node.lineno)


def _check_construct(node: nodes.Node) -> None:
    if isinstance(node, nodes.For) and node.recursive:
        raise _refused_tag("recursive for", node.lineno)
    if isinstance(node, nodes.Filter):
        _check_filter(node)
    if isinstance(node, nodes.Call):
        _check_call(node)


def _check_filter(node: nodes.Filter) -> None:
    # A {% filter %} block holds a Filter node too, so both forms are checked here.
    if node.name not in ALLOWED_FILTERS:
        raise TemplateRenderError(
            f"Line {node.lineno}: the filter '{node.name}' is not available in prompts.",
            f"{node.lineno} 行目: フィルター '{node.name}' はプロンプトでは使えません。",
            reason="unsupported_syntax",
        )


def _check_call(node: nodes.Call) -> None:
    function = node.node
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        raise _refused_call(node.lineno)
    if isinstance(function, nodes.Name) and function.name == "range":
        return
    if (
        isinstance(function, nodes.Getattr)
        and isinstance(function.node, nodes.Name)
        and function.node.name == "loop"
        and function.attr in _LOOP_METHODS
    ):
        return
    raise _refused_call(node.lineno)


def _unsafe_attribute(name: str, line: int) -> TemplateRenderError:
    return TemplateRenderError(
        f"Line {line}: '{name}' cannot be accessed from a prompt template.",
        f"{line} 行目: プロンプトのテンプレートから '{name}' にはアクセスできません。",
        reason="unsafe_attribute",
    )


def _refused_tag(kind: str, line: int) -> TemplateRenderError:
    return TemplateRenderError(
        f"Line {line}: '{kind}' is not supported in prompt templates; "
        "use {{ }}, if, for, set, with and filters.",
        f"{line} 行目: '{kind}' はプロンプトのテンプレートでは使えません。"
        "{{ }}、if、for、set、with とフィルターを使ってください。",
        reason="unsupported_syntax",
    )


def _refused_call(line: int) -> TemplateRenderError:
    return TemplateRenderError(
        f"Line {line}: templates can only call range(), loop.cycle() and loop.changed().",
        f"{line} 行目: テンプレートで呼び出せるのは range()、loop.cycle()、"
        "loop.changed() だけです。",
        reason="unsupported_syntax",
    )
