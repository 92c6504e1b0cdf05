"""The article notebook runs top to bottom and its key cells give what they claim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "article.ipynb"
SIZES = [1, 2, 3, 4, 5, 20, 50]


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


def test_baseline_and_training(executed):
    baseline = float(re.search(r"logistic regression: ([\d.]+)%",
                               _text(_cell(executed, "LogisticRegressionCV"))).group(1))
    assert baseline < 65
    start = _text(_cell(executed, "compute_cost(A2, Y)\nprint"))
    assert "0.6931" in start
    training = _text(_cell(executed, "num_iterations=5000, print_cost=True"))
    assert len(re.findall(r"^Cost after iteration \d+: \d\.\d{6}$", training, re.M)) == 5
    # the lines the notebook says are the same on every machine
    assert "Cost after iteration 0: 0.693159\n" in training
    assert "Cost after iteration 1000: 0.097654\n" in training
    network = float(re.search(r"Accuracy: ([\d.]+)%", training).group(1))
    assert network > baseline + 30


def test_backpropagation_by_hand(executed):
    shapes = _text(_cell(executed, "dZ1 = (parameters[\"W2\"].T @ dZ2)"))
    for name, shape in (("W1", "4×2"), ("b1", "4×1"), ("W2", "1×4"), ("b2", "1×1"),
                        ("dZ1", "4×200"), ("dW1", "4×2"), ("dZ2", "1×200"), ("dW2", "1×4")):
        assert re.search(rf"^{name}\s+{shape}\s", shapes, re.M), name
    # every value of the three-point iteration passed its assert against plain NumPy
    hand = _text(_cell(executed, "def show("))
    assert "all 17 values agree with plain NumPy" in hand
    for name in ("Z1", "A1", "A2", "cost", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1",
                 "W1 after the step", "b2 after the step"):
        assert f"\n{name} =\n" in "\n" + hand, name


def test_gradient_check_of_all_17_parameters(executed):
    check = _text(_cell(executed, "bn.check_gradients(checked"))
    arrays = re.findall(r"^(W1|b1|W2|b2)\s+(\d+)x(\d+)\s+(\d\.\d+e[-+]\d+)$", check, re.M)
    assert sorted(a[0] for a in arrays) == ["W1", "W2", "b1", "b2"]
    assert sum(int(r) * int(c) for _, r, c, _ in arrays) == 17
    assert all(float(error) < 1e-6 for *_, error in arrays)
    pairs = re.findall(r"^(?:W1|b1|W2|b2)\[\d,\d\]\s+(-?\d\.\d{10})\s+(-?\d\.\d{10})\s", check,
                       re.M)
    assert len(pairs) == 17
    assert all(abs(float(a) - float(n)) < 1e-8 for a, n in pairs)
    assert "17 parameters checked" in check


def test_spikes_and_sharpness(executed):
    assert "the same cost curve as the training in section 5: True" in _text(
        _cell(executed, "stability.stability_curves("))
    numbers = _text(_cell(executed, "stability.first_crossing(iterations, eigenvalues, rate)"))
    found = re.search(r"α = 1\.2: .*\n\s+passes 2/α at iteration (\d+); "
                      r"first spike at iteration (\d+); (\d+) spikes", numbers)
    crossing, first_spike, count = map(int, found.groups())
    assert 0 < crossing < first_spike and count > 1
    assert re.search(r"α = 0\.5: .*\n\s+the sharpness never passes 2/α; 0 spikes", numbers)
    steps = _text(_cell(executed, "cosine = "))
    reversal = int(re.search(r"iteration\s+(\d+): .* the first step that turns back", steps)[1])
    assert crossing < reversal <= first_spike


def test_hidden_units_are_not_convex(executed):
    swap = _text(_cell(executed, "midpoint = "))
    costs = re.findall(r"^J.*?(\d\.\d{6})", swap, re.M)
    assert len(costs) == 3 and costs[0] == costs[1] and float(costs[2]) > float(costs[0])
    assert swap.rstrip().endswith("False")
    same = _text(_cell(executed, "same = {"))
    assert float(re.search(r"largest difference between the rows: (\S+);", same)[1]) < 1e-6


def test_capacity_table_and_verdict(executed):
    table = _text(_cell(executed, "StratifiedKFold(5"))
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+([\d.]+)% ± ([\d.]+)\s+([\d.]+)% ± ([\d.]+)$",
                      table, re.M)
    assert [int(r[0]) for r in rows] == SIZES
    assert all(int(r[1]) == 25 for r in rows)
    verdict = _text(_cell(executed, "Verdict: "))
    found = re.search(r"^Verdict: the best held-out accuracy is ([\d.]+)% with n_h = (\d+); "
                      r"within noise of it: n_h = ([\d, ]+); "
                      r"the smallest of these is n_h = (\d+)\.$", verdict, re.M)
    assert found, verdict
    best_accuracy, best = found[1], int(found[2])
    tied = [int(n) for n in found[3].split(", ")]
    # computed from the table above: the best is the row of highest held-out mean
    heldout = {int(r[0]): float(r[4]) for r in rows}
    assert float(best_accuracy) == max(heldout.values()) == heldout[best]
    assert best in tied and int(found[4]) == min(tied) and set(tied) <= set(SIZES)
    assert re.search(r"^Training accuracy exceeds held-out accuracy by more than noise for "
                     r"n_h = (none|[\d, ]+)\.$", verdict, re.M)


def test_figures_and_estimator(executed):
    for fragment in ("plot.plot_dataset", "plot.plot_architecture", "graph = Figure",
                     "fig = Figure", "plot.plot_stability", "plot.plot_sweep(entries",
                     "curve = Figure"):
        outputs = _cell(executed, fragment).outputs
        assert any("image/png" in o.get("data", {}) for o in outputs), fragment
    same = _text(_cell(executed, "short = bn.NeuralNetClassifier"))
    assert "after 1000 iterations: True" in same
