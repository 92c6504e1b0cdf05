"""The benchmark module: its structure, its table, its peers.  No timing is asserted."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from barenet import bench, datasets, shallow
from barenet.bench.article import _chaos_spread, _compare_cost_lines, _torch_runner


@pytest.fixture
def no_torch(monkeypatch):
    # A None entry in sys.modules makes `import torch` raise ImportError.
    monkeypatch.setitem(sys.modules, "torch", None)


def test_quick_bench_reports_every_workload_and_ratio(no_torch):
    lines = []
    result = bench.run_bench(("W1", "W2"), quick=True, repeats=1, echo=lines.append)
    json.dumps(result)  # plain types only
    assert result["quick"] is True and result["environment"]["torch"] == bench.NOT_INSTALLED
    assert set(result["workloads"]) == {"W1", "W2"}
    for w in result["workloads"].values():
        reference = w["systems"][w["reference"]]
        assert reference["status"] == "ok" and reference["median_s"] > 0
        assert len(reference["times_s"]) == w["repeats"] == 1
        ran = {name for name, s in w["systems"].items() if s["status"] == "ok"}
        assert set(w["ratios"]) == ran - {w["reference"]}
        assert all(r > 0 for r in w["ratios"].values())
        assert any("article code" in name for name in ran)
        assert any("MLPClassifier" in name for name in ran)
        torch_rows = [s for name, s in w["systems"].items() if "PyTorch" in name]
        assert torch_rows and all(s["status"] == "not installed" for s in torch_rows)
        assert w["check"]["ok"], w["check"]["message"]
    assert "us_per_iteration" in result["workloads"]["W1"]["systems"]["barenet nn_model"]
    assert any(line.startswith("W1") for line in lines)

    table = bench.format_table(result)
    for text in ("W1", "W2", "ratio", "median s", "µs/iter", "barenet nn_model_sweep",
                 "article code, looped", "not installed"):
        assert text in table
    torch_line = next(line for line in table.splitlines() if "PyTorch" in line)
    assert "not installed" in torch_line


def test_torch_peer_trains_like_the_article():
    torch = pytest.importorskip("torch")
    X, y = datasets.gaussian_quantiles()
    model = _torch_runner(X, y, 4, 60, 1.2)()
    # Same initial weights, same full-batch steps: the same network to rounding.
    p = shallow.nn_model(X.T, y.reshape(1, -1), 4, 60)
    with torch.no_grad():
        np.testing.assert_allclose(model[0].weight.numpy(), p["W1"], atol=1e-10)
        np.testing.assert_allclose(model[2].bias.numpy(), p["b2"][0], atol=1e-10)


def test_naive_reference_is_the_article(capsys):
    X, y = datasets.gaussian_quantiles()
    XT, Y = X.T, y.reshape(1, -1)
    naive = bench.naive_nn_model(XT, Y, 4, 1001, print_cost=True)
    ours = shallow.nn_model(XT, Y, 4, 1001, print_cost=True)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(naive[k], ours[k], rtol=0, atol=1e-12)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == lines[2:] and lines[1].startswith("Cost after iteration 1000: ")


def test_cost_line_check_tolerates_chaos_only_late():
    same = _compare_cost_lines([0.69, 0.3, 0.2], [0.69, 0.3, 0.23])
    assert same["ok"] and "equal" in same["message"]
    early = _compare_cost_lines([0.69, 0.3001, 0.2], [0.69, 0.3, 0.2])
    assert not early["ok"] and "DIFFER" in early["message"]
    assert not _compare_cost_lines([0.69, 0.3, 0.2], [0.69, 0.3, 0.3])["ok"]
    # The late tolerance is the article's own measured spread when that is wider.
    assert _compare_cost_lines([0.69, 0.3, 0.2], [0.69, 0.3, 0.3], spread=0.15)["ok"]
    assert not _compare_cost_lines([0.69, 0.3, 0.2], [0.69, 0.3, 0.4], spread=0.15)["ok"]


def test_chaos_spread_is_the_largest_late_move_under_rounding_changes():
    calls = []

    def article(X):
        calls.append(X.copy())
        k = round((X[0, 0] - 1.0) / np.finfo(float).eps)
        return [0.69, 0.3, 0.2 + 0.01 * k, 0.1]

    X = np.ones((2, 3))
    assert _chaos_spread(article, X, [0.69, 0.3, 0.2, 0.1]) == pytest.approx(0.04)
    assert len(calls) == 4 and all(np.all(c != X) for c in calls)


def test_workloads_are_a_registry(monkeypatch):
    calls = []

    def prepare(quick):
        return bench.Case("a toy", 10, {
            "ours": lambda: calls.append("ours"),
            "theirs": lambda: calls.append("theirs"),
            "absent": bench.NOT_INSTALLED,
        }, "ours", per_iteration=True,
            check=lambda out, medians: {"ok": set(medians) == {"ours", "theirs"},
                                        "message": "fine"})

    monkeypatch.setitem(bench.WORKLOADS, "WX", prepare)
    result = bench.run_bench(("WX",), repeats=4, echo=lambda line: None)
    w = result["workloads"]["WX"]
    # Interleaved, the order rotated every round.
    assert calls == ["ours", "theirs", "theirs", "ours"] * 2
    assert set(w["ratios"]) == {"theirs"} and w["systems"]["absent"]["status"] == "not installed"
    assert len(w["systems"]["theirs"]["times_s"]) == 4
    table = bench.format_table(result)
    assert "WX: a toy" in table and "check: fine" in table
    assert w["check"]["ok"]  # the check was given the medians of the systems that ran


@pytest.mark.parametrize(("kwargs", "match"), [({"workloads": ("W9",)}, "unknown workload"),
                                                ({"repeats": 0}, "at least 1")])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bench.run_bench(echo=lambda line: None, **kwargs)


def test_scale_workloads_run_and_check(monkeypatch):
    """W3/W4 on a small stand-in for the million points: structure and checks, no timing."""
    import barenet.bench.scale as scale
    from barenet.bench import run_bench

    small = scale._data(True)
    monkeypatch.setattr(scale, "_data", lambda quick: (small[0][:6000], small[1][:6000]))
    result = run_bench(["W3", "W4"], quick=True, repeats=1, echo=lambda s: None)
    w3, w4 = result["workloads"]["W3"], result["workloads"]["W4"]
    assert w3["reference"] == "barenet NeuralNetClassifier"
    # six mini-batches learn little; the check still reports dtype, memory and floor
    assert "weights float32" in w3["check"]["message"] and 0 <= w3["check"]["accuracy"] <= 1
    assert 0 < w3["check"]["floor_s"] and w3["check"]["gemm_gflops"] > 0
    median = w3["systems"]["barenet NeuralNetClassifier"]["median_s"]
    assert w3["check"]["fraction_of_peak"] == pytest.approx(w3["check"]["floor_s"] / median)
    assert "GFLOP/s" in w3["check"]["message"] and "of the peak" in w3["check"]["message"]
    # the data itself is never copied: traced peak under the data plus the buffers
    assert w3["check"]["peak_traced_bytes"] < w3["check"]["data_bytes"] + 3 * 2**20
    assert w4["check"]["ok"], w4["check"]["message"]
    assert set(w4["systems"]) >= {"barenet NeuralNetClassifier", "scikit-learn MLPClassifier"}


def test_sparse_workload_runs_and_checks(monkeypatch):
    """W5 on a narrow stand-in: both systems fit the same sparse data; the check reads them."""
    import barenet.bench.sparse as sparse
    from barenet.bench import run_bench

    monkeypatch.setattr(sparse, "N_FEATURES", 2_000)
    result = run_bench(["W5"], quick=True, repeats=1, echo=lambda s: None)
    w5 = result["workloads"]["W5"]
    assert set(w5["systems"]) == {"barenet NeuralNetClassifier", "scikit-learn MLPClassifier"}
    check = w5["check"]
    assert check["ok"], check["message"]
    assert check["dense_bytes"] == 4_000 * 2_000 * 8
    # never dense: the fit holds the sparse data, the 200,100 weights and their state
    assert check["peak_traced_bytes"] < check["dense_bytes"] / 2
    assert set(check["accuracy"]) == set(w5["systems"])


def test_bench_command_json(capsys):
    import json

    from barenet.cli import main

    assert main(["bench", "W1", "--quick", "--repeats", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    w1 = result["workloads"]["W1"]
    assert "barenet NeuralNetClassifier" in w1["systems"]
    assert w1["check"]["ok"]
    assert main(["bench", "W9"]) == 2
