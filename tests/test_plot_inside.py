"""Looking inside: training animations, hidden-unit maps, the network graph, snapshots."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.lines import Line2D
from PIL import Image

import barenet as bn
from barenet.callbacks import Snapshots
from barenet.plot import (
    Frame,
    animate_training,
    plot_hidden_units,
    plot_network,
    save_figure,
    write_animation,
)

X, y = bn.datasets.noisy_moons(n_samples=120)


def _clf(hidden=(6,), **kw):
    kw = {"max_iter": 40, "random_state": 0, "learning_rate_init": 0.02,
          "n_iter_no_change": None, **kw}
    return bn.NeuralNetClassifier(hidden, **kw)


def test_snapshots_record_copies_every_k_epochs_and_the_last():
    snap = Snapshots(every=10)
    clf = _clf(callbacks=[snap]).fit(X, y)
    assert [s[0] for s in snap.snapshots] == [0, 10, 20, 30, 39]
    first, last = snap.snapshots[0], snap.snapshots[-1]
    np.testing.assert_array_equal(last[1][0], clf.coefs_[0])
    assert not np.array_equal(first[1][0], last[1][0])  # copies, not the live arrays
    assert last[3] == pytest.approx(clf.loss_curve_[-1])
    with pytest.raises(ValueError, match="every"):
        Snapshots(every=0)


def test_animation_has_the_frames_and_they_change(tmp_path):
    clf = _clf(max_iter=60)
    gif = animate_training(clf, X, y, tmp_path / "train.gif", frames=6, resolution=30)
    with Image.open(gif) as im:
        n = im.n_frames
        im.seek(0)
        first = np.asarray(im.convert("RGB"), dtype=float)
        im.seek(n - 1)
        last = np.asarray(im.convert("RGB"), dtype=float)
    assert n == 7  # epochs 0, 10, ..., 50 and the last one, 59
    assert np.abs(first - last).mean() > 1.0
    assert clf.n_iter_ == 60 and clf.callbacks is None  # fitted once, callbacks restored


def test_article_frames_from_nn_model_callback(tmp_path):
    Xa, ya = bn.datasets.gaussian_quantiles()
    frames = []

    def snap(i, parameters, A2):
        if i % 100 == 0:
            p = {k: v.copy() for k, v in parameters.items()}
            frames.append(Frame(i, lambda P, p=p: bn.shallow.forward_propagation(P.T, p)[0][0],
                                bn.shallow.compute_cost(A2, ya.reshape(1, -1))))

    bn.shallow.nn_model(Xa.T, ya.reshape(1, -1), 4, num_iterations=400, callback=snap)
    path = write_animation(frames, Xa, ya, tmp_path / "article.gif", unit="iteration",
                           resolution=25)
    with Image.open(path) as im:
        assert im.n_frames == 4


def test_animation_bad_input(tmp_path):
    frame = Frame(0, lambda P: P[:, 0], 0.5)
    with pytest.raises(ValueError, match="at least 2 frames"):
        write_animation([frame], X, y, tmp_path / "a.gif")
    with pytest.raises(ValueError, match=".gif"):
        write_animation([frame, frame], X, y, tmp_path / "a.avi")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("hidden", [(3,), (5, 4), (20,), (2, 3, 2)])
def test_unit_maps_one_per_unit(hidden, tmp_path):
    clf = _clf(hidden, activation="tanh").fit(X, y)
    fig = plot_hidden_units(clf, X, y, resolution=20)
    titled = [ax for ax in fig.axes if ax.get_title()]
    shown = [min(h, 16) for h in hidden]
    assert len(titled) == sum(shown) + 1  # every unit shown, and the output
    # a map is the unit's activation: compare one pixel with the engine by hand
    image = titled[0].images[0].get_array()
    lo = X.min(axis=0) - 1
    corner = np.tanh(np.array([lo]) @ clf.coefs_[0] + clf.intercepts_[0])[0, 0]
    assert image[0, 0] == pytest.approx(corner)
    assert save_figure(fig, tmp_path / "units.png").stat().st_size > 5000


def test_unit_maps_for_the_article_parameters():
    Xa, ya = bn.datasets.gaussian_quantiles()
    parameters = bn.shallow.nn_model(Xa.T, ya.reshape(1, -1), 4, num_iterations=50)
    fig = plot_hidden_units(parameters, Xa, ya, resolution=10)
    assert len([ax for ax in fig.axes if ax.get_title()]) == 5


@pytest.mark.parametrize("hidden", [(), (4,), (3, 5), (30,)])
def test_network_graph_has_an_edge_per_weight(hidden):
    clf = _clf(hidden).fit(X, y)
    fig = plot_network(clf)
    ax = fig.axes[0]
    edges = [line for line in ax.get_lines() if isinstance(line, Line2D)]
    sizes = [2, *(min(h, 16) for h in hidden), 1]
    assert len(edges) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    for layer, (W, a, b) in enumerate(zip(clf.coefs_, sizes[:-1], sizes[1:], strict=True)):
        widths = [line.get_linewidth() for line in edges if line.get_xdata()[0] == layer]
        # width grows with |w|, relative to the largest |w| of the layer
        assert max(widths) == pytest.approx(0.3 + 4 * np.abs(W[:a, :b]).max() / np.abs(W).max())
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "x1" in texts and "output" in texts


def _article(W1, b1, W2, b2):
    return {k: np.asarray(v, dtype=float) for k, v in
            {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()}


# Unit 1 is in effect a constant: tanh(0.001 x1 - 2.7) stays near -0.99 over the plane.
ARTICLE = _article([[0.001, 0.001], [2.9, -0.4], [-1.5, 2.0], [0.7, 0.3]],
                   [[-2.7], [0.5], [-0.2], [1.1]], [[12.0, -9.5, 4.0, -0.6]], [[-3.0]])


def _colour_bars(fig):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def test_unit_maps_of_tanh_share_the_fixed_scale_and_a_constant_unit_looks_constant():
    Xa, ya = bn.datasets.gaussian_quantiles()
    fig = plot_hidden_units(ARTICLE, Xa, ya, resolution=30)
    units = [ax.images[0] for ax in fig.axes if ax.get_title().startswith("layer 1")]
    (output,) = [ax.images[0] for ax in fig.axes if ax.get_title() == "output"]
    assert len(units) == 4
    for image in units:
        assert (image.norm.vmin, image.norm.vmax) == (-1, 1)
    assert (output.norm.vmin, output.norm.vmax) == (0, 1)
    # the near-constant unit spans less than 0.01 and is drawn in nearly one colour,
    # while a unit that really varies spans the colours
    values = units[0].get_array()
    assert values.max() - values.min() < 0.01
    rgba = units[0].to_rgba(values)
    assert np.ptp(rgba[..., :3], axis=(0, 1)).max() < 0.02
    varied = units[1].to_rgba(units[1].get_array())
    assert np.ptp(varied[..., :3], axis=(0, 1)).max() > 0.5
    bars = _colour_bars(fig)
    assert [bar.get_ylim() for bar in bars] == [(-1, 1), (0, 1)]
    assert "tanh" in bars[0].get_ylabel() and "probability" in bars[1].get_ylabel()


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_unit_maps_of_unbounded_activations_share_one_scale_per_row(activation):
    clf = _clf((5, 3), activation=activation).fit(X, y)
    fig = plot_hidden_units(clf, X, y, resolution=20)
    bars = _colour_bars(fig)
    assert len(bars) == 3  # one per row
    for layer, bar in zip((1, 2), bars, strict=False):
        images = [ax.images[0] for ax in fig.axes
                  if ax.get_title().startswith(f"layer {layer} ")]
        largest = max(np.abs(image.get_array()).max() for image in images)
        low = 0 if activation == "relu" else -largest
        for image in images:
            assert image.norm.vmin == pytest.approx(low)
            assert image.norm.vmax == pytest.approx(largest)
        assert bar.get_ylim() == pytest.approx((low, largest))


def test_network_graph_scales_widths_per_layer_and_explains_its_colours():
    fig = plot_network(ARTICLE)
    ax = fig.axes[0]
    edges = ax.get_lines()
    first = [line.get_linewidth() for line in edges if line.get_xdata()[0] == 0]
    second = [line.get_linewidth() for line in edges if line.get_xdata()[0] == 1]
    # |w| <= 2.9 in the first layer, 12 in the second: both thickest edges are full width
    assert max(first) == pytest.approx(max(second)) == pytest.approx(4.3)
    assert min(second) == pytest.approx(0.3 + 4 * 0.6 / 12)
    texts = [t.get_text() for t in ax.texts]
    assert "W1: max |w| = 2.9" in texts and "W2: max |w| = 12" in texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "w > 0" in legend and "w < 0" in legend
    assert any("layer max" in label for label in legend)
    (bar,) = _colour_bars(fig)
    assert bar.get_ylim() == pytest.approx((-3.0, 3.0))  # the largest |b|
    assert "bias" in bar.get_ylabel()
    # the second hidden node's bias, 0.5, is light blue on that scale
    hidden = ax.collections[1]
    assert hidden.norm.vmin == -3.0 and hidden.get_array()[1] == 0.5


def test_inside_plots_refuse_bad_models():
    with pytest.raises(ValueError, match="not fitted"):
        plot_network(bn.NeuralNetClassifier())
    wide = _clf((3,)).fit(np.c_[X, X], y)
    with pytest.raises(ValueError, match="2-feature"):
        plot_hidden_units(wide, X, y)
    with pytest.raises(ValueError, match="lacks"):
        plot_network({"W1": np.ones((2, 2))})
