"""The documentation's sources cover the public API, the command line and the gallery.

These read ``docs/`` and ``examples/`` as text and never run Sphinx (``make
docs`` builds the site, warnings as errors); they catch what a build would not
notice: a public name or module added without a place in the API reference, a
command without a section, an example without a title.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the documentation needs Sphinx: pip install -e '.[docs]'")

import barenet  # noqa: E402
from barenet.cli import COMMANDS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
API = DOCS / "api"
PACKAGE = ROOT / "src" / "barenet"
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))

# The playground's modules are its server's parts; the page is documented in the
# user guide, and barenet.web.serve is the way to run it from Python.
PLAYGROUND_INTERNALS = re.compile(r"^barenet\.web\.(?!serve$)")


def _api_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(API.glob("*.rst")))


def _documented_modules() -> set[str]:
    return set(re.findall(r"^\.\. automodule:: (\S+)", _api_text(), flags=re.MULTILINE))


def _documented_objects() -> set[str]:
    return set(re.findall(r"^\.\. auto(?:class|function|data):: (\S+)", _api_text(),
                          flags=re.MULTILINE))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _declares_all(init: Path) -> bool:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Assign)
               and any(getattr(t, "id", None) == "__all__" for t in node.targets)
               for node in tree.body)


def _public_modules() -> list[str]:
    """Modules without a leading underscore anywhere in their name.

    A package that declares ``__all__`` is the public face of its submodules:
    its page documents what it exports, and the submodules need no page.
    """
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if any(part.startswith("_") for part in name.split(".")):
            continue
        parent = path.parent / "__init__.py"
        if path.name != "__init__.py" and parent != PACKAGE / "__init__.py" \
                and _declares_all(parent):
            continue
        if not PLAYGROUND_INTERNALS.match(name):
            modules.append(name)
    return modules


def test_the_sources_are_found():
    assert (DOCS / "conf.py").is_file() and (API / "index.rst").is_file()
    assert {"barenet", "barenet.shallow", "barenet.engine.network"} <= set(_public_modules())


@pytest.mark.parametrize("name", [n for n in barenet.__all__ if n != "__version__"])
def test_every_name_of_barenet_all_is_in_the_api_reference(name):
    value = getattr(barenet, name)
    if type(value).__name__ == "module":
        assert f"barenet.{name}" in _documented_modules(), \
            f"barenet.{name} has no '.. automodule:: barenet.{name}' in docs/api"
    else:
        assert f"barenet.{name}" in _documented_objects(), \
            f"barenet.{name} is not documented in docs/api/barenet.rst"


@pytest.mark.parametrize("module", _public_modules())
def test_every_public_module_has_a_place_in_the_api_reference(module):
    assert module in _documented_modules(), f"docs/api has no '.. automodule:: {module}'"


def test_every_api_page_is_in_the_api_toctree():
    index = (API / "index.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (\w+)$", index, flags=re.MULTILINE))
    pages = {page.stem for page in API.glob("*.rst")} - {"index"}
    assert pages == listed, f"pages not listed: {pages - listed}; listed, no page: {listed - pages}"


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_a_section_in_the_cli_guide(command):
    guide = (DOCS / "user_guide" / "cli.rst").read_text(encoding="utf-8")
    title = f"``barenet {command}``"
    assert re.search(rf"^{re.escape(title)}\n-{{{len(title)}}}$", guide, flags=re.MULTILINE), \
        f"docs/user_guide/cli.rst has no section {title}"


def test_the_gallery_has_its_examples():
    assert len(EXAMPLES) >= 8
    assert (ROOT / "examples" / "README.rst").is_file()  # the gallery's index page


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_every_example_opens_with_a_titled_docstring(example):
    docstring = ast.get_docstring(ast.parse(example.read_text(encoding="utf-8")))
    assert docstring, f"{example.name} has no docstring: the gallery needs its title"
    lines = docstring.strip().splitlines()
    assert len(lines) >= 3 and lines[0].strip() and set(lines[1]) == {"="} \
        and len(lines[1]) >= len(lines[0]), \
        f"{example.name}: the docstring must start with a title underlined by '=' (reST)"
    assert any(line.strip() for line in lines[2:]), f"{example.name}: a title, but no text"


def test_the_gallery_order_lists_every_example():
    tree = ast.parse((DOCS / "_gallery_order.py").read_text(encoding="utf-8"))
    order = next(ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ORDER")
    assert sorted(order) == [path.name for path in EXAMPLES], \
        "docs/_gallery_order.py ORDER must list every examples/plot_*.py once"
