"""Sweeps: scores against scikit-learn's own, the Dask backend, the files written."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from matplotlib.image import imread
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, cross_validate

from barenet import datasets
from barenet.sweep import article_estimator, format_table, run_sweep, write_results

X, y = datasets.gaussian_quantiles(n_samples=120)
SMALL = dict(sizes=(1, 4), iterations=300, cv=3, echo=lambda s: None, progress=False)


@pytest.fixture(scope="module")
def local():
    return run_sweep(X, y, learning_rates=(0.5, 1.2), seeds=2, n_jobs=2, **SMALL)


def test_rows_are_the_cross_validated_scores(local):
    assert len(local.rows) == 4 and local.n_fits == 2 * 2 * 2 * 3
    row = next(r for r in local.rows if r.hidden == 4 and r.learning_rate == 1.2)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    train, val = [], []
    for seed in (0, 1):
        est = clone(article_estimator(300)).set_params(hidden_layer_sizes=(4,),
                                                       learning_rate_init=1.2,
                                                       random_state=seed)
        scores = cross_validate(est, X, y, cv=folds, return_train_score=True)
        train += list(scores["train_score"])
        val += list(scores["test_score"])
    assert row.train_mean == pytest.approx(100 * np.mean(train))
    assert row.val_mean == pytest.approx(100 * np.mean(val))
    assert row.val_std == pytest.approx(100 * np.std(val))
    assert local.best.val_mean == max(r.val_mean for r in local.rows)


def test_dask_local_cluster_gives_identical_results(local):
    pytest.importorskip("distributed", reason="Dask distributed is not installed")
    lines = []
    dask = run_sweep(X, y, learning_rates=(0.5, 1.2), seeds=2, dask_workers=2,
                     **{**SMALL, "echo": lines.append})
    assert any("dashboard: http" in line for line in lines)
    assert "Dask LocalCluster of 2 workers" in dask.backend
    for a, b in zip(local.rows, dask.rows, strict=True):
        assert (a.hidden, a.learning_rate, a.train_mean, a.val_mean) == (
            b.hidden, b.learning_rate, b.train_mean, b.val_mean)
    for k in range(3):
        np.testing.assert_array_equal(local.cv_results[f"split{k}_test_score"],
                                      dask.cv_results[f"split{k}_test_score"])


def test_random_search_draws_n_iter_settings():
    result = run_sweep(X, y, search="random", n_iter=3, alphas=(0.0, 0.01),
                       learning_rates=(0.5, 1.2), n_jobs=1, **SMALL)
    assert result.n_fits == 3 * 3
    assert len(result.cv_results["params"]) == 3


def test_table_csv_and_figure(local, tmp_path):
    table = format_table(local)
    assert table.splitlines()[0].split()[:4] == ["hidden", "lr", "alpha", "activation"]
    assert len(table.splitlines()) == 5 and table.count("<- best") == 1
    files = write_results(local, tmp_path / "out")
    with open(files["csv"]) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    assert float(rows[0]["val_mean"]) == pytest.approx(local.rows[0].val_mean)
    image = imread(files["figure"])
    assert image.shape[0] > 200 and np.ptp(image[..., :3]) > 0.3


@pytest.mark.parametrize(
    ("kw", "message"),
    [(dict(sizes=()), "sizes"), (dict(sizes=(0,)), "sizes"), (dict(cv=1), "cv"),
     (dict(search="bayes"), "search"), (dict(scheduler="tcp://x:1", dask_workers=2), "either")],
)
def test_bad_arguments(kw, message):
    with pytest.raises(ValueError, match=message):
        run_sweep(X, y, **{**SMALL, **kw})


def test_sweep_command(tmp_path, capsys):
    from barenet.cli import main

    data = tmp_path / "d.csv"
    np.savetxt(data, np.c_[X, y], delimiter=",", header="a,b,label", comments="", fmt="%.6f")
    out = tmp_path / "sweep"
    assert main(["sweep", "--data", str(data), "--target", "label", "--sizes", "1,4",
                 "--learning-rates", "1.2", "--iterations", "200", "--cv", "3", "--jobs", "1",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Data: " in text and "120 samples" in text
    assert "6 fits" in text and text.count("<- best") == 1
    assert (out / "results.csv").exists() and (out / "sweep.png").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["sweep", "--target", "y"], "--target goes with --data"),
     (["sweep", "--data", "x.csv"], "--target COL is required"),
     (["sweep", "--activations", "swish", "--sizes", "1"], "unknown activation 'swish'"),
     (["sweep", "--learning-rates", "fast"], "comma-separated numbers")],
)
def test_sweep_command_bad_usage(argv, message, capsys, tmp_path):
    from barenet.cli import main

    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
