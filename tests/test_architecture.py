"""The article's network as a diagram: nodes, parameter shapes, formulas, the count."""

from __future__ import annotations

import numpy as np
import pytest

import barenet as bn
from barenet.plot import save_figure
from barenet.plot.architecture import MAX_NODES, parameter_count, plot_architecture

# The estimators here are fitted for a few epochs only, to read their sizes.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _texts(fig):
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts] + [ax.get_title()]
    return "\n".join(found)


def _counted(n_x, n_h, n_y):
    """The article's own parameters, counted entry by entry."""
    parameters = bn.shallow.initialize_parameters(n_x, n_h, n_y)
    return sum(np.asarray(v).size for v in parameters.values())


def test_the_article_network(tmp_path):
    fig = plot_architecture()
    assert tuple(fig.get_size_inches()) == (8, 4)
    text = _texts(fig)
    for piece in ["W1 (4 × 2)", "b1 (4 × 1)", "W2 (1 × 4)", "b2 (1 × 1)",
                  "X (2 × m)", "A1 (4 × m)", "A2 (1 × m)",
                  "Z1 = W1 X + b1", "A1 = tanh(Z1)", "Z2 = W2 A1 + b2", "A2 = σ(Z2)",
                  "17 parameters", "hidden: tanh", "output: sigmoid", "x1", "x2"]:
        assert piece in text, piece
    assert _counted(2, 4, 1) == 17
    assert save_figure(fig, tmp_path / "architecture.png").stat().st_size > 10_000


@pytest.mark.parametrize("n_x, n_h, n_y", [(3, 5, 2), (1, 1, 1), (10, 30, 3)])
def test_shapes_and_count_follow_the_sizes(n_x, n_h, n_y):
    text = _texts(plot_architecture(n_x, n_h, n_y))
    for piece in [f"W1 ({n_h} × {n_x})", f"b1 ({n_h} × 1)", f"W2 ({n_y} × {n_h})",
                  f"b2 ({n_y} × 1)", f"X ({n_x} × m)", f"A1 ({n_h} × m)", f"A2 ({n_y} × m)"]:
        assert piece in text, piece
    total = _counted(n_x, n_h, n_y)
    assert parameter_count(n_x, n_h, n_y) == total
    assert f"{total} parameters" in text
    assert "W1 (4 × 2)" not in text


def test_3_5_2_has_32_parameters():
    text = _texts(plot_architecture(3, 5, 2, hidden="relu", output="softmax"))
    assert "W1 (5 × 3)" in text and "W2 (2 × 5)" in text and "32 parameters" in text
    assert "A1 = ReLU(Z1)" in text and "A2 = softmax(Z2)" in text
    assert "hidden: relu" in text and "output: softmax" in text


def test_one_node_per_unit_and_an_edge_per_weight():
    fig = plot_architecture(3, 5, 2)
    diagram = fig.axes[0]
    assert len(diagram.collections) == 3 + 5 + 2
    assert len(diagram.get_lines()) == 3 * 5 + 5 * 2


def test_a_wide_layer_shows_a_gap_and_its_last_unit():
    fig = plot_architecture(2, 30, 1)
    diagram = fig.axes[0]
    texts = [t.get_text() for t in diagram.texts]
    assert len(diagram.collections) == 2 + (MAX_NODES - 1) + 1
    assert "⋮" in texts and "30" in texts and "8" not in texts
    assert len(diagram.get_lines()) == 2 * (MAX_NODES - 1) + (MAX_NODES - 1)
    assert "121 parameters" in _texts(fig)


def test_sizes_read_from_the_article_parameters_and_from_an_estimator():
    text = _texts(plot_architecture(bn.shallow.initialize_parameters(3, 5, 2)))
    assert "W1 (5 × 3)" in text and "W2 (2 × 5)" in text and "32 parameters" in text
    assert "A1 = tanh(Z1)" in text
    X, y = bn.datasets.noisy_moons(n_samples=60)
    clf = bn.NeuralNetClassifier((6,), activation="relu", max_iter=5, random_state=0)
    text = _texts(plot_architecture(clf.fit(X, y)))
    assert "W1 (6 × 2)" in text and "b2 (1 × 1)" in text and "A1 = ReLU(Z1)" in text
    assert "A2 = σ(Z2)" in text and f"{6 * 2 + 6 + 6 + 1} parameters" in text


def test_bad_sizes_and_models_are_refused():
    for bad in [(0, 4, 1), (2, -1, 1), (2, 4, 1.5), (2, True, 1), (2.0, 4, 1)]:
        with pytest.raises(ValueError, match="positive whole number"):
            plot_architecture(*bad)
    X, y = bn.datasets.noisy_moons(n_samples=60)
    deep = bn.NeuralNetClassifier((3, 4), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="one hidden layer.*plot_network"):
        plot_architecture(deep)
    with pytest.raises(ValueError, match="not fitted"):
        plot_architecture(bn.NeuralNetClassifier())
