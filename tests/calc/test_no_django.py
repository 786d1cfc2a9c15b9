"""The calculation engine stays free of Django (STYLE habit 1): every front end gets the same numbers."""

from __future__ import annotations

import ast
from pathlib import Path

import forbetter.calc

CALC_DIR = Path(forbetter.calc.__file__).parent


def _imported_modules(tree: ast.AST) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            modules.extend(
                arg.value
                for arg in node.args[:1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return modules


def test_nothing_under_calc_imports_django() -> None:
    sources = sorted(CALC_DIR.rglob("*.py"))
    assert sources, f"no Python files found under {CALC_DIR}"
    offenders = [
        f"{path.relative_to(CALC_DIR)}: {module}"
        for path in sources
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if module == "django" or module.startswith("django.")
    ]
    assert offenders == []


def test_the_scan_would_catch_a_django_import() -> None:
    tree = ast.parse("import numpy\nfrom django.db import models\nimportlib.import_module('django.conf')\n")
    assert [m for m in _imported_modules(tree) if m.startswith("django")] == ["django.db", "django.conf"]
