"""pytest set-up shared by the test suite and the docstring examples.

The examples in ``src/barenet`` run as doctests (``--doctest-modules``, see
``[tool.pytest.ini_options]`` in pyproject.toml).  Each runs in a fresh
temporary folder, so that examples that write files leave nothing behind, with
matplotlib's non-interactive Agg backend, and with every warning an error: an
example that warns (a ``ConvergenceWarning`` from too few iterations, say)
fails.  The test suite itself keeps its own warning filters.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

os.environ.setdefault("MPLBACKEND", "Agg")
# The tests' helpers, also when only the examples are collected.
sys.path.insert(0, str(Path(__file__).parent / "tests"))

# The playground's server needs the optional ``web`` extra; without it its
# modules cannot be imported, so their examples are not collected.
collect_ignore_glob = [] if importlib.util.find_spec("starlette") else ["src/barenet/web/*"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Make every warning an error in the docstring examples.

    Examples that need an optional peer (PyTorch, ONNX) that is not
    installed are skipped, saying which.
    """
    from helpers import missing_peer

    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(pytest.mark.filterwarnings("error"))
            code = "".join(example.source for example in item.dtest.examples)
            missing = missing_peer(code)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"the example needs {missing}"))


@pytest.fixture(autouse=True)
def _doctest_in_tmp_path(request: pytest.FixtureRequest) -> None:
    """Run each docstring example in its own temporary working folder."""
    if isinstance(request.node, DoctestItem):
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
