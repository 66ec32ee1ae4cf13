"""The dependency rule of the layers, checked on every module's imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import autoforge

PACKAGE = Path(autoforge.__file__).parent
STDLIB = sys.stdlib_module_names


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def violations(layer: str, allowed_internal: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in STDLIB or top == "__future__":
                continue
            if module.startswith(allowed_internal):
                continue
            found.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return found


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    assert violations("domain", ("autoforge.domain",)) == []


def test_application_imports_only_domain_its_own_ports_and_the_logger() -> None:
    # Use cases log (structlog, configured in infrastructure); nothing else from outside.
    allowed = ("autoforge.domain", "autoforge.application", "structlog")
    assert violations("application", allowed) == []


@pytest.mark.parametrize("layer", ["domain", "application"])
def test_inner_layers_never_import_outer_layers(layer: str) -> None:
    outer = ("autoforge.infrastructure", "autoforge.presentation", "autoforge.middleware")
    for path in (PACKAGE / layer).rglob("*.py"):
        assert not any(m.startswith(outer) for m in imported_modules(path)), path


def test_the_checker_notices_a_framework_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import fastapi\nfrom sqlalchemy import select\nimport json\n")

    assert imported_modules(sample) == {"fastapi", "sqlalchemy", "json"}
