"""README.md's Python examples run, in order, in one namespace.

Every fenced ``python`` block of README.md is run: a block of ``>>>``
prompts as a doctest (its printed output is checked), any other block as a
script.  The blocks share one namespace, as a reader who pastes them one
after the other into the same session would, and run in a temporary folder
with matplotlib's Agg backend and every warning an error.

A block that cannot run here (one that needs a terminal, a network or minutes
of computing) is marked by an HTML comment, invisible on the rendered page, on
the line right before its opening fence, with the reason::

    <!-- no-test: needs a running playground server -->
"""

from __future__ import annotations

import doctest
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import missing_peer

README = Path(__file__).resolve().parents[1] / "README.md"
NO_TEST = re.compile(r"<!--\s*no-test\b")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def python_blocks(text: str) -> list[tuple[int, str, bool]]:
    """``(line, code, runnable)`` of each ```` ```python ```` block, ``line`` 1-based."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            assert end is not None, f"README.md:{i + 1}: the python block is never closed"
            marked = i > 0 and bool(NO_TEST.search(lines[i - 1]))
            blocks.append((i + 1, "\n".join(lines[i + 1:end]) + "\n", not marked))
            i = end
        i += 1
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_examples():
    assert sum(runnable for _, _, runnable in BLOCKS) >= 3


def test_blocks_are_found_and_marks_are_read():
    text = "a\n```python\nx = 1\n```\n<!-- no-test: slow -->\n```python\ny = 2\n```\n"
    assert python_blocks(text) == [(2, "x = 1\n", True), (6, "y = 2\n", False)]


@pytest.fixture(scope="module")
def namespace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The namespace the blocks share, with the temporary folder as working folder."""
    here = Path.cwd()
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    os.chdir(tmp_path_factory.mktemp("readme"))
    try:
        yield {"__name__": "__readme__"}
    finally:
        os.chdir(here)
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved


@pytest.mark.parametrize(("line", "code", "runnable"), BLOCKS,
                         ids=[f"README.md:{line}" for line, _, _ in BLOCKS])
def test_readme_block_runs(line: int, code: str, runnable: bool, namespace: dict[str, Any]):
    if not runnable:
        pytest.skip(f"README.md:{line} is marked no-test")
    missing = missing_peer(code)
    if missing:
        pytest.skip(f"README.md:{line} needs {missing}, an optional peer")
    name = f"README.md:{line}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if code.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(code, namespace, name, str(README), line)
            report: list[str] = []
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            runner.run(test, out=report.append, clear_globs=False)
            assert runner.failures == 0, "".join(report)
        else:
            exec(compile(code, name, "exec"), namespace)  # noqa: S102 - the README's own code
