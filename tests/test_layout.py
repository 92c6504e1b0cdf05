"""The shape of the house: small modules, short functions, no import cycles, documented API.

These read the source as text (nothing is imported or run), so they hold for
every module, including those no other test reaches.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "barenet"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _docstring_lines(node: ast.AST) -> int:
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0].end_lineno - body[0].lineno + 1
    return 0


def test_the_source_is_found():
    assert len(MODULES) > 30 and (PACKAGE / "engine" / "network.py") in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _name(p))
def test_modules_and_functions_are_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines"
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            code = node.end_lineno - node.lineno + 1 - _docstring_lines(node)
            assert code <= MAX_FUNCTION_LINES, \
                f"{_name(path)}.{node.name} has {code} lines of code"


def _imports(path: Path, known: set[str]) -> set[str]:
    """The barenet modules ``path`` imports, at any depth of its code."""
    here = _name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from . import x" names a module x when there is one.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != here)
    return found


def test_no_import_cycles():
    known = {_name(p) for p in MODULES}
    graph = {_name(p): _imports(p, known) for p in MODULES}
    # (A package's __init__ may gather names from its own modules: those
    # edges point down the tree and are not followed back up.)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if module.startswith(target + ".") or target == "barenet":
                continue  # a module importing its own package or the top-level package
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _name(p))
def test_public_definitions_are_documented(path):
    tree = _tree(path)
    assert _docstring_lines(tree), f"{_name(path)} has no module docstring"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            assert _docstring_lines(node), f"{_name(path)}.{node.name} has no docstring"
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        assert _docstring_lines(item), \
                            f"{_name(path)}.{node.name}.{item.name} has no docstring"
