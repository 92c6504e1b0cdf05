"""A downstream type checker sees barenet's types (py.typed is shipped and honoured).

mypy checks a small user script against the installed package, as it would
in a project that depends on barenet.  Without ``py.typed`` every barenet name
would be ``Any`` and a wrong argument would go unnoticed.
"""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

api = pytest.importorskip("mypy.api", reason="mypy is not installed (pip install mypy)")

# The user's script: line numbers matter, see the assertions.
SCRIPT = textwrap.dedent("""\
    import numpy as np

    import barenet
    from barenet import shallow

    reveal_type(barenet.NeuralNetClassifier(hidden_layer_sizes=(4,)))
    reveal_type(barenet.NeuralNetRegressor())
    shallow.nn_model(np.zeros((2, 3)), np.zeros((1, 3)), n_h="four")
    reveal_type(barenet.NeuralNetClassifier().fit(np.zeros((4, 2)), [0, 1, 0, 1]))
    reveal_type(barenet.NeuralNetRegressor().fit(np.zeros((4, 2)), np.zeros(4)))
""")

# Large typed dependencies are left out (their names become Any), so that the
# check analyses barenet alone and takes seconds, not a minute.
CONFIG = """\
[mypy]
follow_imports_for_stubs = True
[mypy-numpy.*,matplotlib.*,scipy.*,pandas.*,sklearn.*,PIL.*,dask.*,distributed.*,starlette.*,uvicorn.*,torch.*,onnx.*]
follow_imports = skip
"""


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory) -> dict[int, list[str]]:
    """mypy's messages on the script, by line number."""
    folder = tmp_path_factory.mktemp("downstream")
    (folder / "script.py").write_text(SCRIPT)
    (folder / "mypy.ini").write_text(CONFIG)
    stdout, stderr, _ = api.run([
        "--config-file", str(folder / "mypy.ini"), "--cache-dir", str(folder / "cache"),
        "--python-executable", sys.executable, "--python-version", "3.10",
        "--no-error-summary", str(folder / "script.py")])
    assert not stderr, stderr
    report: dict[int, list[str]] = {}
    for line in stdout.splitlines():
        match = re.match(r".*script\.py:(\d+): (.*)", line)
        assert match, f"unexpected mypy output: {line}"
        report.setdefault(int(match[1]), []).append(match[2])
    return report


@pytest.mark.parametrize("line, name", [(6, "NeuralNetClassifier"), (7, "NeuralNetRegressor"),
                                        (9, "NeuralNetClassifier"), (10, "NeuralNetRegressor")])
def test_the_estimators_have_their_own_type(mypy_report, line, name):
    (message,) = mypy_report[line]
    revealed = re.fullmatch(r'note: Revealed type is "(.*)"', message)
    assert revealed, message
    assert revealed[1].startswith("barenet.") and revealed[1].endswith(f".{name}"), message


def test_a_wrong_argument_is_caught(mypy_report):
    (message,) = mypy_report[8]
    assert message.startswith("error: ") and '"n_h"' in message and "[arg-type]" in message
    assert set(mypy_report) == {6, 7, 8, 9, 10}, mypy_report  # nothing else: barenet itself imports
