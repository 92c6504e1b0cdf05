"""The article notebook runs top to bottom and its key cells give what they claim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "article.ipynb"


def test_committed_notebook_has_no_outputs():
    nb = json.loads(NOTEBOOK.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    return nb


def _text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _cell(nb, source_fragment):
    return next(c for c in nb.cells if c.cell_type == "code" and source_fragment in c.source)


def test_notebook_runs_without_errors(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


def test_key_cells(executed):
    baseline = float(re.search(r"logistic regression: ([\d.]+)%",
                               _text(_cell(executed, "LogisticRegressionCV"))).group(1))
    assert baseline < 65
    start = _text(_cell(executed, "compute_cost(A2, Y)\nprint"))
    assert "0.6931" in start
    check = re.findall(r"-?\d\.\d{10}", _text(_cell(executed, "numeric = ")))
    assert len(check) == 2 and abs(float(check[0]) - float(check[1])) < 1e-9
    training = _text(_cell(executed, "num_iterations=5000, print_cost=True"))
    assert len(re.findall(r"^Cost after iteration \d+: \d\.\d{6}$", training, re.M)) == 5
    network = float(re.search(r"Accuracy: ([\d.]+)%", training).group(1))
    assert network > baseline + 30
    table = _text(_cell(executed, "StratifiedKFold(5"))
    rows = re.findall(r"^\s+(\d+)\s+([\d.]+)%\s+([\d.]+)% ± ([\d.]+)$", table, re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5, 20, 50]
    # the figure cells produce figures
    for fragment in ("plot.plot_dataset", "plot.plot_sweep(entries", "fig = Figure"):
        outputs = _cell(executed, fragment).outputs
        assert any("image/png" in o.get("data", {}) for o in outputs), fragment
    same = _text(_cell(executed, "short = bn.NeuralNetClassifier"))
    assert "after 1000 iterations: True" in same
