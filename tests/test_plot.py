"""Tests for barenet.plot: figures are built, rendered and saved without pyplot."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.image import imread

from barenet.plot import (
    SweepEntry,
    plot_cost,
    plot_dataset,
    plot_decision_boundary,
    plot_sweep,
    plot_sweep_scores,
    save_figure,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(60, 2))
    X[0] = [-1.0, -1.0]  # pin the data range to exactly [-1, 1] on both axes
    X[1] = [1.0, 1.0]
    y = (X[:, 0] > 0).astype(int)
    return X, y


def right_half(P):
    return (P[:, 0] > 0).astype(int)


def read_png(path):
    """Check ``path`` is a real PNG and return its pixels, shape (h, w, channels)."""
    assert path.read_bytes()[:8] == PNG_MAGIC
    img = imread(path)
    assert img.ndim == 3 and img.shape[2] in (3, 4)
    assert np.ptp(img[..., :3]) > 0.2, "image is (nearly) one uniform colour"
    return img


def contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


# ------------------------------------------------------------------- plot_dataset


def test_plot_dataset_saves_png_of_expected_size(data, tmp_path):
    X, y = data
    fig = plot_dataset(X, y, title="Toy data")
    assert isinstance(fig, Figure)
    w_in, h_in = fig.get_size_inches()
    out = save_figure(fig, tmp_path / "data.png")
    img = read_png(out)
    assert img.shape[:2] == (round(h_in * fig.dpi), round(w_in * fig.dpi))


def test_plot_dataset_points_and_colours(data):
    X, y = data
    fig = plot_dataset(X, y, title="Toy data")
    ax = fig.axes[0]
    assert ax.get_title() == "Toy data"
    points = scatters(ax)[0]
    np.testing.assert_allclose(points.get_offsets(), X)
    np.testing.assert_array_equal(points.get_array(), y)
    # Class 0 maps to the red end of Spectral, class 1 to the blue end.
    red, blue = points.to_rgba(np.array([0, 1]))
    assert red[0] > red[2] and blue[2] > blue[0]
    assert points.get_sizes()[0] == 40
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1"]


def test_plot_dataset_accepts_string_labels_and_row_vector_y(data):
    X, y = data
    names = np.where(y == 1, "dog", "cat")
    fig = plot_dataset(X, names)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["cat", "dog"]
    fig2 = plot_dataset(X, y.reshape(1, -1))  # the course's (1, n) label layout
    np.testing.assert_allclose(scatters(fig2.axes[0])[0].get_offsets(), X)


def test_given_axes_is_drawn_into_and_its_figure_returned(data):
    X, y = data
    host = Figure()
    left, right = host.subplots(1, 2)
    assert plot_dataset(X, y, ax=right) is host
    assert plot_decision_boundary(right_half, X, y, ax=left, resolution=20) is host
    assert plot_cost([3.0, 2.0, 1.0], ax=left) is host
    assert len(host.axes) == 2
    assert scatters(right) and contour_sets(left)


# ---------------------------------------------------------- plot_decision_boundary


def test_boundary_limits_cover_data_plus_margin(data):
    X, y = data
    fig = plot_decision_boundary(right_half, X, y, margin=0.5, resolution=50)
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((X[:, 0].min() - 0.5, X[:, 0].max() + 0.5))
    assert ax.get_ylim() == pytest.approx((X[:, 1].min() - 0.5, X[:, 1].max() + 0.5))
    (cs,) = contour_sets(ax)
    # Labels get one band per class: edges halfway between class indices.
    np.testing.assert_allclose(cs.levels, [-0.5, 0.5, 1.5])
    # Points are drawn on top of the filled regions.
    assert scatters(ax)[0].get_zorder() > cs.get_zorder()


def test_boundary_calls_predict_once_on_the_grid(data):
    X, y = data
    calls = []

    def predict(P):
        calls.append(P.copy())
        return right_half(P)

    plot_decision_boundary(predict, X, y, margin=1.0, resolution=37)
    assert len(calls) == 1
    grid = calls[0]
    assert grid.shape == (37 * 37, 2)
    assert grid.min(axis=0) == pytest.approx(X.min(axis=0) - 1.0)
    assert grid.max(axis=0) == pytest.approx(X.max(axis=0) + 1.0)
    assert len(np.unique(grid[:, 0])) == 37 and len(np.unique(grid[:, 1])) == 37


def test_boundary_image_differs_left_and_right(data, tmp_path):
    X, y = data
    fig = plot_decision_boundary(right_half, X, y, title="x0 > 0", margin=1.0, resolution=100)
    out = save_figure(fig, tmp_path / "boundary.png")
    img = read_png(out)[..., :3]
    # Axes area in pixels (display origin is bottom-left; image rows go top-down).
    box = fig.axes[0].get_window_extent()
    height = img.shape[0]

    def pixel(fx, fy):
        col = int(box.x0 + fx * box.width)
        row = int(height - (box.y0 + fy * box.height))
        return img[row, col]

    # x = -1.7 and x = +1.7 lie in the margin, away from every point.
    left, right = pixel(0.075, 0.5), pixel(0.925, 0.5)
    assert left[0] > left[2], "class 0 region should be red (Spectral low end)"
    assert right[2] > right[0], "class 1 region should be blue (Spectral high end)"
    assert np.abs(left - right).sum() > 0.3


@pytest.mark.parametrize("shape", ["flat", "column", "row"])
def test_boundary_accepts_flat_column_and_row_outputs(data, shape):
    X, y = data

    def predict(P):
        z = right_half(P)
        return {"flat": z, "column": z[:, None], "row": z[None, :]}[shape]

    fig = plot_decision_boundary(predict, X, y, resolution=30)
    assert len(contour_sets(fig.axes[0])) == 1


def test_boundary_with_sklearn_estimator_and_scores(data):
    from sklearn.linear_model import LogisticRegression

    X, y = data
    model = LogisticRegression().fit(X, y)
    fig = plot_decision_boundary(model.predict, X, y, title="LR", resolution=40)
    assert fig.axes[0].get_title() == "LR"
    # Probabilities are shaded with several levels instead of two flat bands.
    fig = plot_decision_boundary(lambda P: model.predict_proba(P)[:, 1], X, y, resolution=40)
    (cs,) = contour_sets(fig.axes[0])
    assert len(cs.levels) > 3


def test_boundary_with_string_labels(data):
    X, y = data
    names = np.where(y == 1, "dog", "cat")
    fig = plot_decision_boundary(
        lambda P: np.where(P[:, 0] > 0, "dog", "cat"), X, names, resolution=30
    )
    np.testing.assert_allclose(contour_sets(fig.axes[0])[0].levels, [-0.5, 0.5, 1.5])


# ---------------------------------------------------------------------- plot_cost


def test_plot_cost_labels_and_data():
    costs = [0.69, 0.5, 0.41, 0.35]
    fig = plot_cost(costs, title="Training")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "iteration"
    assert ax.get_ylabel() == "cost"
    assert ax.get_title() == "Training"
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), costs)


def test_plot_cost_custom_iterations(tmp_path):
    its = [0, 1000, 2000]
    fig = plot_cost([1.0, 0.5, 0.2], iterations=its)
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_xdata(), its)
    read_png(save_figure(fig, tmp_path / "cost.png"))


# --------------------------------------------------------------------- plot_sweep


def test_plot_sweep_one_axes_per_entry_with_titles(data, tmp_path):
    X, y = data
    calls = []

    def make(n_h):
        def predict(P):
            calls.append(n_h)
            return right_half(P)

        return predict

    results = [
        (1, make(1), 67.0),
        (2, make(2), 80.25, 75.0),
        SweepEntry(4, make(4), 91.5, 88.0),
        SimpleNamespace(n_h=20, predict=make(20), accuracy=99.0),
        SimpleNamespace(n_h=50, predict=make(50), accuracy=100.0, heldout_accuracy=90.04),
    ]
    fig = plot_sweep(results, X, y, ncols=2, resolution=25, title="Sweep")
    assert len(fig.axes) == 5
    assert [ax.get_title() for ax in fig.axes] == [
        "Hidden size 1: 67.0%",
        "Hidden size 2: 80.2% (held-out 75.0%)",
        "Hidden size 4: 91.5% (held-out 88.0%)",
        "Hidden size 20: 99.0%",
        "Hidden size 50: 100.0% (held-out 90.0%)",
    ]
    assert calls == [1, 2, 4, 20, 50]  # each model evaluated exactly once
    assert all(len(contour_sets(ax)) == 1 for ax in fig.axes)
    assert fig.get_suptitle() == "Sweep"
    # 3 rows x 2 columns of panels.
    assert fig.axes[4].get_subplotspec().get_geometry()[:2] == (3, 2)
    read_png(save_figure(fig, tmp_path / "sweep.png"))


def test_sweep_entry_defaults():
    entry = SweepEntry(3, right_half, 90.0)
    assert entry.heldout_accuracy is None
    assert entry._fields == ("n_h", "predict", "accuracy", "heldout_accuracy")


# -------------------------------------------------------------------- save_figure


def small_figure():
    fig = Figure(figsize=(2.0, 1.5), dpi=50)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="red", linewidth=4)
    return fig


# ------------------------------------------------------------ plot_sweep_scores


def test_plot_sweep_scores_of_the_demo_draws_error_bars(tmp_path):
    from barenet._demo_report import SweepRow

    rows = [SweepRow(n, [96.0, 98.0], [[80.0, 90.0], [84.0, 86.0]]) for n in (4, 1, 50)]
    fig = plot_sweep_scores(rows, errorbars=True, title="Training vs held-out")
    ax = fig.axes[0]
    assert ax.get_title() == "Training vs held-out" and ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "held-out"]
    train, heldout = ax.containers  # one error bar per size, each series to its side
    line, _, (bars,) = heldout.lines
    np.testing.assert_allclose(line.get_xdata(), np.array([1, 4, 50]) * 1.04)
    np.testing.assert_allclose(line.get_ydata(), 85.0)
    low, high = bars.get_segments()[0][:, 1]  # mean ± std over seeds × folds
    assert (low, high) == (pytest.approx(85 - np.sqrt(13)), pytest.approx(85 + np.sqrt(13)))
    line, _, (bars,) = train.lines
    np.testing.assert_allclose(line.get_ydata(), 97.0)
    assert np.ptp(bars.get_segments()[0][:, 1]) == pytest.approx(2.0)  # ± 1 over seeds
    read_png(save_figure(fig, tmp_path / "scores.png"))


def test_plot_sweep_scores_of_a_search_draws_bands_per_setting():
    def row(hidden, lr):
        return SimpleNamespace(hidden=hidden, learning_rate=lr, alpha=0.0, activation="tanh",
                               train_mean=95.0, train_std=1.0, val_mean=90.0, val_std=2.0)

    ax = plot_sweep_scores([row(1, 0.1), row(4, 0.1)]).axes[0]
    assert ax.get_title() == "Training vs validation accuracy" and not ax.containers
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert len(ax.collections) == 2  # a band each
    ax = plot_sweep_scores([row(1, 0.1), row(4, 1.2)]).axes[0]
    assert len(ax.get_legend().get_texts()) == 4
    assert "lr 1.2, alpha 0, tanh" in ax.get_legend().get_texts()[-1].get_text()
    with pytest.raises(ValueError, match="rows is empty"):
        plot_sweep_scores([])


def test_save_figure_creates_parents_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b" / "fig.png"
    out = save_figure(small_figure(), target)
    assert out == target
    assert read_png(out).shape[:2] == (75, 100)
    assert sorted(p.name for p in target.parent.iterdir()) == ["fig.png"]


def test_save_figure_format_from_suffix_and_png_default(tmp_path):
    pdf = save_figure(small_figure(), tmp_path / "fig.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    bare = save_figure(small_figure(), str(tmp_path / "noext"))
    assert bare == tmp_path / "noext.png"
    assert bare.read_bytes()[:8] == PNG_MAGIC


def test_save_figure_dpi(tmp_path):
    out = save_figure(small_figure(), tmp_path / "fig.png", dpi=100)
    assert imread(out).shape[:2] == (150, 200)


def test_save_figure_failure_keeps_existing_file(tmp_path, monkeypatch):
    target = tmp_path / "fig.png"
    save_figure(small_figure(), target)
    before = target.read_bytes()

    fig = small_figure()

    def broken_savefig(fname, **kwargs):
        if hasattr(fname, "write"):
            fname.write(b"\x89PNG half a picture")
        else:
            with open(fname, "wb") as fh:
                fh.write(b"\x89PNG half a picture")
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", broken_savefig)
    with pytest.raises(OSError, match="disk full"):
        save_figure(fig, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


# ------------------------------------------------------------------------ imports


def test_import_does_not_load_pyplot(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        import barenet.plot as bp
        X = np.array([[0.0, 0.0], [1.0, 1.0]])
        y = np.array([0, 1])
        fig = bp.plot_decision_boundary(lambda P: P[:, 0] > 0.5, X, y, resolution=10)
        bp.save_figure(fig, {str(tmp_path / "x.png")!r})
        assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.png").exists()


# --------------------------------------------------------------------- bad inputs


def _xy(n=5):
    rng = np.random.default_rng(1)
    return rng.normal(size=(n, 2)), np.arange(n) % 2


def _with_nan():
    X, y = _xy()
    X[2, 1] = np.nan
    return X, y


def _with_inf():
    X, y = _xy()
    X[3, 0] = np.inf
    return X, y


BAD_DATA = {
    "three columns": ((np.zeros((5, 3)), np.zeros(5)), r"shape \(n_samples, 2\)"),
    "one sample per column": ((np.zeros((2, 7)), np.zeros(7)), r"X\.T"),
    "1-D X": ((np.zeros(4), np.zeros(4)), r"shape \(n_samples, 2\)"),
    "length mismatch": ((np.zeros((5, 2)), np.zeros(4)), "5 samples but y has 4"),
    "empty": ((np.zeros((0, 2)), np.zeros(0)), "empty"),
    "empty list": (([], []), "empty"),
    "NaN": (_with_nan(), r"NaN or inf .*row 2"),
    "inf": (_with_inf(), r"NaN or inf .*row 3"),
    "text X": (([["a", "b"]], [0]), "numeric"),
    "2-D y": ((np.zeros((4, 2)), np.zeros((2, 2))), r"y must have shape"),
}


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_data_raises_helpful_valueerror(case):
    (X, y), message = BAD_DATA[case]
    with pytest.raises(ValueError, match=message):
        plot_dataset(X, y)
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(right_half, X, y, resolution=5)
    with pytest.raises(ValueError, match=message):
        plot_sweep([(1, right_half, 50.0)], X, y, resolution=5)


@pytest.mark.parametrize(
    "predict",
    [
        lambda P: np.zeros(P.shape[0] - 1),
        lambda P: np.zeros((P.shape[0], 2)),
        lambda P: 1.0,
    ],
    ids=["one short", "two columns", "scalar"],
)
def test_predict_wrong_number_of_values(predict):
    X, y = _xy()
    with pytest.raises(ValueError, match=r"predict returned shape .* one label or score per row"):
        plot_decision_boundary(predict, X, y, resolution=6)


def test_predict_bad_values():
    X, y = _xy()
    with pytest.raises(ValueError, match="NaN or inf"):
        plot_decision_boundary(lambda P: np.full(P.shape[0], np.nan), X, y, resolution=6)
    with pytest.raises(ValueError, match="not classes of y"):
        plot_decision_boundary(lambda P: np.full(P.shape[0], "owl"), X, y, resolution=6)
    with pytest.raises(TypeError, match="callable"):
        plot_decision_boundary("not a function", X, y, resolution=6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": -1.0}, "margin"),
        ({"margin": float("nan")}, "margin"),
        ({"resolution": 1}, "resolution"),
        ({"resolution": 2.5}, "resolution"),
    ],
)
def test_bad_grid_options(kwargs, message):
    X, y = _xy()
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(right_half, X, y, **kwargs)


def test_zero_width_grid():
    X = np.array([[1.0, 0.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="positive margin"):
        plot_decision_boundary(right_half, X, [0, 1], margin=0.0)


def test_bad_sweep_inputs():
    X, y = _xy()
    with pytest.raises(ValueError, match="results is empty"):
        plot_sweep([], X, y)
    with pytest.raises(ValueError, match=r"tuple \(n_h, predict, accuracy"):
        plot_sweep([(1, right_half)], X, y)
    with pytest.raises(ValueError, match="ncols"):
        plot_sweep([(1, right_half, 50.0)], X, y, ncols=0)


def test_bad_cost_inputs():
    with pytest.raises(ValueError, match="non-empty"):
        plot_cost([])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        plot_cost([[1.0, 2.0]])
    with pytest.raises(ValueError, match="one iteration number per cost"):
        plot_cost([1.0, 0.5], iterations=[0, 1, 2])
    with pytest.raises(ValueError, match="numbers"):
        plot_cost(["high", "low"])


def test_bad_save_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"cannot save as '\.xyz'.*\.png"):
        save_figure(small_figure(), tmp_path / "fig.xyz")
    assert list(tmp_path.iterdir()) == []
