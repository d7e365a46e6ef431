"""The house's layers, read from the import statements of the code (every import, at any depth of a module):
no two packages of ``dashboard`` import each other, even through others; the domain core imports nothing of
the project; the store reads neither the intake nor the analyses; the analyses read only the domain."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def project_imports() -> dict[str, set[str]]:
    """Each part of ``dashboard`` (a package, or a top-level module) → the other parts it imports."""
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if "migrations" in relative.parts:
            continue
        part = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        for module in imported_modules(path):
            names = module.split(".")
            if names[0] == "dashboard" and len(names) > 1 and names[1] != part:
                edges.setdefault(part, set()).add(names[1])
    return edges


def reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        for following in edges.get(todo.pop(), ()):
            if following == goal:
                return True
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def packages() -> list[str]:
    return sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists())


def test_no_two_packages_import_each_other():
    edges = project_imports()
    cycles = [(a, b) for a, b in itertools.combinations(packages(), 2) if reaches(edges, a, b) and reaches(edges, b, a)]
    assert cycles == []


@pytest.mark.parametrize("part, allowed", [
    ("domain", set()),
    ("analysis", {"domain"}),
    ("store", {"domain", "config"}),
    ("geo", {"domain", "config"}),
])
def test_what_the_lower_layers_may_import(part, allowed):
    assert project_imports().get(part, set()) <= allowed


def test_the_checker_sees_a_cycle(tmp_path):
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert reaches(edges, "a", "c") and reaches(edges, "c", "a") and not reaches(edges, "a", "d")
