"""The network: one flat parameter vector, passes over columns of samples.

:class:`barenet.engine.network.Network` is checked against what it is meant
to compute, never against itself: a tiny network worked in the test from the
course's formulas (``Z = W A + b``, ``A = g(Z)``, ``dW = dZ Aᵀ / m``...), its
gradient against central finite differences for every activation and output,
its views and buffers, its dtype, and fits through the estimators against the
update rules written out here.  No test here measures time.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import peak_growth
from numpy.testing import assert_allclose, assert_array_equal

from barenet import NeuralNetClassifier, NeuralNetRegressor
from barenet.engine.activations import ACTIVATIONS, get_activation, sigmoid
from barenet.engine.losses import OUTPUTS
from barenet.engine.network import Network
from barenet.engine.optimizers import SGD, Adam
from barenet.gradcheck import central_difference, relative_error
from barenet.training import BLOWUP_FACTOR, DivergenceError, train_step

BUILTIN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]


def targets(rng, output, m, k):
    """Targets encoded for ``output``: 0/1 columns, one-hot rows, or reals."""
    if output == "multiclass":
        return np.eye(k)[rng.randint(0, k, m)]
    if output == "regression":
        return rng.randn(m, k)
    return (rng.rand(m, k) > 0.5).astype(float)


def random_network(rng, sizes, hidden, output, dtype=np.float64, scale=1.0):
    """A network of ``sizes`` with random weights and biases."""
    net = Network(sizes, [get_activation(h) for h in hidden], OUTPUTS[output], dtype)
    net.theta[:] = scale * rng.randn(net.theta.size)
    return net


def rows_forward(coefs, intercepts, hidden, X):
    """Hidden activations and output logits, rows = samples: ``A = g(A W + b)``."""
    A, activations = X, []
    for W, b, g in zip(coefs[:-1], intercepts[:-1], hidden, strict=True):
        A = g.forward(A @ W + b)
        activations.append(A)
    return activations, A @ coefs[-1] + intercepts[-1]


# -- a tiny network worked by hand ----------------------------------------------------------

# The course's notation: W1 (2, 2), b1 (2, 1), W2 (1, 2), b2 (1, 1); X (n_x, m) = (2, 3).
W1 = np.array([[0.5, -0.3], [0.8, 0.2]])
b1 = np.array([[0.1], [-0.2]])
W2 = np.array([[1.2, -0.7]])
b2 = np.array([[0.05]])
X_COURSE = np.array([[1.0, -0.5, 0.0], [2.0, 0.3, -1.5]])
Y_COURSE = np.array([[1.0, 0.0, 1.0]])


def tiny_network():
    net = Network([2, 2, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    net.set_parameters([W1.T, W2.T], [b1.ravel(), b2.ravel()])  # coefs are (n_in, n_out)
    return net


def course_pass(s=None, alpha=0.0):
    """Forward, cost and backward of the 2-2-1 tanh/sigmoid network, by the formulas.

    ``s`` are sample weights (the cost is their weighted mean, and ``m``
    their sum); ``alpha`` the L2 penalty ``alpha / (2 m) sum ||W||**2``.
    """
    X, Y = X_COURSE, Y_COURSE
    s = np.ones(X.shape[1]) if s is None else s
    m = s.sum()
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    per_sample = -(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    J = float(np.sum(s * per_sample)) / m + alpha / (2 * m) * (np.sum(W1**2) + np.sum(W2**2))
    dZ2 = s * (A2 - Y) / m
    dW2 = dZ2 @ A1.T + alpha / m * W2
    db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1**2)
    dW1 = dZ1 @ X.T + alpha / m * W1
    db1 = dZ1.sum(axis=1, keepdims=True)
    return dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2, J=J, dW1=dW1, db1=db1, dW2=dW2, db2=db2)


def test_theta_holds_each_layers_w_and_b_row_by_row():
    net = tiny_network()
    assert_array_equal(net.theta, [0.5, -0.3, 0.1, 0.8, 0.2, -0.2, 1.2, -0.7, 0.05])
    assert net.grad.shape == net.theta.shape


def test_tiny_network_forward_by_hand():
    # The first sample worked out in full: z1 = 0.5 * 1 - 0.3 * 2 + 0.1 = 0,
    # z2 = 0.8 * 1 + 0.2 * 2 - 0.2 = 1.
    expected = course_pass()
    assert expected["Z1"][:, 0] == pytest.approx([0.0, 1.0], abs=1e-15)
    net = tiny_network()
    net.inputs(3)[...] = X_COURSE
    P = net.forward(3)
    assert P.shape == (1, 3)
    assert_allclose(P, expected["A2"], rtol=1e-15)
    assert_allclose(net.P, expected["A2"], rtol=1e-15)
    assert_allclose(net.Z, expected["Z2"], rtol=1e-15, atol=1e-16)
    (A1,) = net.activations()
    assert_allclose(A1, expected["A1"], rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("weights", [None, np.array([2.0, 0.5, 0.0])])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_tiny_network_loss_and_backward_by_hand(weights, alpha):
    expected = course_pass(weights, alpha)
    net = tiny_network()
    net.inputs(3)[...] = X_COURSE
    net.forward(3)
    Y = Y_COURSE.T  # targets are rows = samples
    assert net.loss(Y, weights, alpha) == pytest.approx(expected["J"], rel=1e-14)
    grad = net.backward(Y, weights, alpha)
    assert grad is net.grad
    (dW1, dW2), (db1, db2) = net.coefs(grad), net.intercepts(grad)
    assert_allclose(dW1, expected["dW1"].T, rtol=1e-13, atol=1e-16)
    assert_allclose(db1, expected["db1"].ravel(), rtol=1e-13, atol=1e-16)
    assert_allclose(dW2, expected["dW2"].T, rtol=1e-13, atol=1e-16)
    assert_allclose(db2, expected["db2"].ravel(), rtol=1e-13, atol=1e-16)


def test_loss_and_gradient_takes_rows_and_returns_a_copy():
    expected = course_pass(alpha=0.1)
    net = tiny_network()
    loss, grad = net.loss_and_gradient(X_COURSE.T, Y_COURSE.T, alpha=0.1)
    assert loss == pytest.approx(expected["J"], rel=1e-14)
    assert not np.shares_memory(grad, net.grad)
    want = np.concatenate([np.c_[expected["dW1"], expected["db1"]].ravel(),
                           np.c_[expected["dW2"], expected["db2"]].ravel()])
    assert_allclose(grad, want, rtol=1e-13, atol=1e-16)


# -- the gradient against finite differences ------------------------------------------------


def assert_gradient_matches_finite_differences(net, X, Y, sw, alpha):
    m = X.shape[0]
    loss, grad = net.loss_and_gradient(X, Y, sw, alpha)

    def J():
        net.forward(m)  # the data stays in the inputs
        return net.loss(Y, sw, alpha)

    assert J() == loss
    numeric = central_difference(J, net.theta)
    # Layer by layer, so that a small gradient is not hidden by a large one.
    for got, want in zip(net.coefs(grad) + net.intercepts(grad),
                         net.coefs(numeric) + net.intercepts(numeric), strict=True):
        assert relative_error(got, want) < 1e-6


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("name", BUILTIN)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_gradient_against_finite_differences(output, name, weighted, alpha):
    rng = np.random.RandomState(sum(map(ord, output + name)) + 2 * weighted + int(10 * alpha))
    m, k = 9, 1 if output == "binary" else 3
    # Two hidden layers with different activations: each layer's slope must be its own.
    second = BUILTIN[(BUILTIN.index(name) + 1) % len(BUILTIN)]
    net = random_network(rng, [3, 5, 4, k], [name, second], output, scale=0.8)
    X, Y = rng.randn(m, 3), targets(rng, output, m, k)
    sw = None
    if weighted:
        sw = rng.rand(m) + 0.2
        sw[0] = 0.0  # a sample that does not count
    assert_gradient_matches_finite_differences(net, X, Y, sw, alpha)


@pytest.mark.parametrize("sizes", [[3, 2], [1, 1, 1], [4, 1, 3, 2], [2, 6, 1, 1]])
@pytest.mark.parametrize("output", ["binary", "regression"])
def test_gradient_of_narrow_networks(sizes, output):
    # No hidden layer, and layers of a single unit (a cheaper product backward).
    rng = np.random.RandomState(len(sizes) + sizes[1])
    hidden = ["tanh"] * (len(sizes) - 2)
    if output == "binary":
        sizes = [*sizes[:-1], 1]
    net = random_network(rng, sizes, hidden, output)
    X, Y = rng.randn(7, sizes[0]), targets(rng, output, 7, sizes[-1])
    assert_gradient_matches_finite_differences(net, X, Y, rng.rand(7) + 0.5, 0.2)


SOFTPLUS = get_activation((lambda Z: np.logaddexp(0, Z), sigmoid))  # slope written in Z


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("hidden", [[SOFTPLUS], [SOFTPLUS, "tanh"], ["relu", SOFTPLUS],
                                    [SOFTPLUS, SOFTPLUS]])
def test_gradient_of_an_activation_whose_slope_needs_z(output, hidden):
    assert not SOFTPLUS.slope_from_output  # it keeps Z in a buffer of its own
    rng = np.random.RandomState(len(hidden) + len(output))
    k = 1 if output == "binary" else 3
    net = random_network(rng, [3, *[4] * len(hidden), k], hidden, output, scale=0.8)
    X, Y = rng.randn(8, 3), targets(rng, output, 8, k)
    assert_gradient_matches_finite_differences(net, X, Y, rng.rand(8) + 0.5, 0.1)
    # And its forward pass is softplus's.
    coefs, intercepts = net.coefs(), net.intercepts()
    hidden_g = [get_activation(h) for h in hidden]
    want_hidden, want_logits = rows_forward(coefs, intercepts, hidden_g, X)
    assert_allclose(net.logits(X), want_logits, rtol=1e-12, atol=1e-14)
    for got, want in zip(net.hidden_activations(X), want_hidden, strict=True):
        assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", BUILTIN)
def test_built_in_activations_work_in_place(name):
    # What lets the network write A over Z, and the slope over A.
    g = ACTIVATIONS[name]
    Z = np.random.RandomState(9).randn(4, 6) * 3
    A = g.forward(Z)
    inplace = Z.copy()
    assert_array_equal(g.forward(inplace, out=inplace), A)
    slope = A.copy()
    assert_array_equal(g.derivative(None, slope, out=slope), g.derivative(Z, A))
    assert g.slope_from_output and g.accepts_out


def test_passes_repeat_exactly():
    # Backward overwrites the activations with their slopes: the next forward
    # pass recomputes them, and the same weights give the same numbers.
    rng = np.random.RandomState(3)
    net = random_network(rng, [3, 6, 5, 2], ["sigmoid", "relu"], "multilabel")
    X, Y = rng.randn(11, 3), targets(rng, "multilabel", 11, 2)
    first = net.loss_and_gradient(X, Y, alpha=0.2)
    for _ in range(3):
        again = net.loss_and_gradient(X, Y, alpha=0.2)
        assert again[0] == first[0]
        assert_array_equal(again[1], first[1])


# -- parameters: views, copies, layout ------------------------------------------------------


def test_coefs_and_intercepts_are_views_into_theta():
    net = Network([3, 4, 2], [ACTIVATIONS["tanh"]], OUTPUTS["multilabel"])
    net.theta[:] = np.arange(net.theta.size) / 10
    coefs, intercepts = net.coefs(), net.intercepts()
    assert [W.shape for W in coefs] == [(3, 4), (4, 2)]
    assert [b.shape for b in intercepts] == [(4,), (2,)]
    for view in coefs + intercepts:
        assert np.shares_memory(view, net.theta) and not np.shares_memory(view, net.grad)
    # theta is [W | b] of shape (n_out, n_in + 1), row by row: coefs[0][i, j] is W[j, i].
    for i in range(3):
        for j in range(4):
            assert coefs[0][i, j] == net.theta[j * 4 + i]
    assert_array_equal(intercepts[0], net.theta[[3, 7, 11, 15]])
    assert_array_equal(intercepts[1], net.theta[[16 + 4, 16 + 9]])
    # Each way round: theta changes the views, the views change theta.
    net.theta -= 1.0
    assert coefs[1][0, 1] == net.theta[16 + 5]
    coefs[1][...] = 7.0
    intercepts[1][...] = -7.0
    assert_array_equal(net.theta[16:], [7, 7, 7, 7, -7, 7, 7, 7, 7, -7])
    # The same views into any vector laid out like theta: the gradient.
    for view in net.coefs(net.grad) + net.intercepts(net.grad):
        assert np.shares_memory(view, net.grad) and not np.shares_memory(view, net.theta)
    for layer in net.layers:
        assert np.shares_memory(layer.Wb, net.theta) and np.shares_memory(layer.dWb, net.grad)


def test_set_parameters_round_trips():
    rng = np.random.RandomState(4)
    sizes = [3, 5, 4, 2]
    coefs = [rng.randn(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    intercepts = [rng.randn(b) for b in sizes[1:]]
    net = Network(sizes, [ACTIVATIONS["tanh"], ACTIVATIONS["relu"]], OUTPUTS["regression"])
    net.set_parameters(coefs, intercepts)
    for got, want in zip(net.coefs() + net.intercepts(), coefs + intercepts, strict=True):
        assert_array_equal(got, want)
        assert not np.shares_memory(got, want)
    # (n_out, 1) intercepts, as the course writes b, go in as well.
    net.set_parameters(coefs, [b[:, None] for b in intercepts])
    for got, want in zip(net.intercepts(), intercepts, strict=True):
        assert_array_equal(got, want)


def test_from_weights_copies_and_takes_the_dtype_of_the_weights():
    rng = np.random.RandomState(5)
    coefs = [rng.randn(3, 4).astype(np.float32), rng.randn(4, 1).astype(np.float32)]
    intercepts = [rng.randn(4).astype(np.float32), rng.randn(1).astype(np.float32)]
    kept = [a.copy() for a in coefs + intercepts]
    net = Network.from_weights(coefs, intercepts, [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    assert net.layer_sizes == [3, 4, 1]
    assert net.theta.dtype == np.float32 and net.grad.dtype == np.float32
    for a in coefs + intercepts:
        assert not np.shares_memory(a, net.theta)
        a += 1.0  # the source changes; the network does not
    for got, want in zip(net.coefs() + net.intercepts(), kept, strict=True):
        assert_array_equal(got, want)


def test_a_hidden_activation_per_hidden_layer():
    with pytest.raises(ValueError, match="2 hidden layers"):
        Network([3, 4, 4, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])


def test_nothing_is_read_before_a_forward_pass():
    net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.ones((4, 1)))
    with pytest.raises(RuntimeError, match="forward"):
        net.loss(np.ones((4, 1)))
    with pytest.raises(RuntimeError, match="forward"):
        _ = net.Z
    with pytest.raises(RuntimeError, match="forward"):
        net.activations()


# -- backward's scale ------------------------------------------------------------------------


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_backward_scale_multiplies_the_whole_gradient(output):
    rng = np.random.RandomState(6)
    k = 1 if output == "binary" else 3
    net = random_network(rng, [4, 6, 5, k], ["tanh", SOFTPLUS], output)
    m = 10
    X, Y, sw = rng.randn(m, 4), targets(rng, output, m, k), rng.rand(m) + 0.5
    net.inputs(m)[...] = X.T
    net.forward(m)
    plain = net.backward(Y, sw, alpha=0.4).copy()
    for s in (0.37, 1e-3, 25.0):
        net.forward(m)
        scaled = net.backward(Y, sw, alpha=0.4, scale=s)
        assert scaled is net.grad
        assert_allclose(scaled, s * plain, rtol=1e-13, atol=1e-300)


# -- predictions: chunks and hidden activations ---------------------------------------------


def test_logits_in_chunks_equal_logits_whole():
    rng = np.random.RandomState(7)
    net = random_network(rng, [3, 6, 5, 2], ["tanh", "leaky_relu"], "multiclass")
    X = rng.randn(103, 3)
    whole = net.logits(X)
    assert whole.shape == (103, 2)
    _, want = rows_forward(net.coefs(), net.intercepts(), net.hidden, X)
    assert_allclose(whole, want, rtol=1e-12, atol=1e-12)
    for chunk in (1, 10, 51, 102, 103, 1000):
        assert_allclose(net.logits(X, chunk), whole, rtol=1e-12, atol=1e-12)
    assert net.logits(X[:0]).shape == (0, 2)


def test_hidden_activations_shapes_and_values():
    rng = np.random.RandomState(8)
    net = random_network(rng, [3, 6, 5, 2], ["tanh", "relu"], "multilabel")
    X = rng.randn(37, 3)
    hidden = net.hidden_activations(X)
    assert [A.shape for A in hidden] == [(37, 6), (37, 5)]
    want, _ = rows_forward(net.coefs(), net.intercepts(), net.hidden, X)
    for got, expected in zip(hidden, want, strict=True):
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    for got, expected in zip(net.hidden_activations(X, chunk=4), hidden, strict=True):
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_predictions_leave_the_training_batch_in_place():
    # The full batch is written once; scoring other data between passes leaves it.
    rng = np.random.RandomState(9)
    net = random_network(rng, [3, 4, 1], ["tanh"], "binary")
    X, Y = rng.randn(12, 3), targets(rng, "binary", 12, 1)
    loss, grad = net.loss_and_gradient(X, Y)
    for n in (5, 40):
        net.logits(rng.randn(n, 3), chunk=16)
        net.hidden_activations(rng.randn(n, 3))
    net.forward(12)
    assert net.loss(Y) == loss
    assert_array_equal(net.backward(Y), grad)


# -- memory: buffers made once per batch size -----------------------------------------------


@pytest.mark.parametrize("name", ["identity", "tanh", "relu"])
@pytest.mark.parametrize("output", list(OUTPUTS))
def test_passes_allocate_nothing_after_the_first_over_a_batch_size(name, output):
    rng = np.random.RandomState(10)
    k = 1 if output == "binary" else 3
    m = 2048
    # (Smaller weights for the exp output: its gradient grows as exp(Z), and a linear
    # network's Z of ~16 would make plain gradient descent diverge.)
    scale = 0.1 if output == "poisson" else 0.3
    net = random_network(rng, [20, 64, 32, k], [name, name], output, scale=scale)
    X, Y, sw = rng.randn(20, m), targets(rng, output, m, k), rng.rand(m) + 0.5
    buffer = 64 * m * net.theta.itemsize  # the largest activation buffer

    def passes(n):
        for _ in range(n):
            net.forward(m)
            net.backward(Y, sw, alpha=0.1, scale=0.5)

    def first_pass():
        net.inputs(m)[...] = X
        passes(1)

    # The first pass over a batch size makes its buffers, and the measure sees them.
    assert peak_growth(first_pass) >= 2 * buffer
    assert peak_growth(lambda: passes(50)) < buffer / 4
    # And so do whole training steps, whatever the optimiser.
    for optimizer in (SGD(net.theta.size, 0.01), SGD(net.theta.size, 0.01, 0.9),
                      Adam(net.theta.size, 1e-3)):
        train_step(net, m, Y, sw, optimizer, 0.1, loss=False)  # (Adam's state is made)
        peak = peak_growth(lambda opt=optimizer: [
            train_step(net, m, Y, sw, opt, 0.1, loss=False) for _ in range(10)])
        assert peak < buffer / 4
    assert np.all(np.isfinite(net.theta))


# -- float32 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_float32_stays_float32(output):
    rng = np.random.RandomState(11)
    k = 1 if output == "binary" else 3
    net64 = random_network(rng, [4, 6, 5, k], ["tanh", SOFTPLUS], output)
    net = Network.from_weights([W.astype(np.float32) for W in net64.coefs()],
                               [b.astype(np.float32) for b in net64.intercepts()],
                               net64.hidden, net64.output)
    m = 13
    # Targets and weights in float64 do not promote the network.
    X, Y, sw = rng.randn(m, 4), targets(rng, output, m, k), rng.rand(m) + 0.5
    net.inputs(m)[...] = X.T
    assert net.inputs(m).dtype == np.float32
    P = net.forward(m)
    assert P.dtype == np.float32 and net.Z.dtype == np.float32
    assert all(A.dtype == np.float32 for A in net.activations())
    loss = net.loss(Y, sw, 0.2)
    grad = net.backward(Y, sw, 0.2, scale=0.5)
    assert grad.dtype == np.float32 and net.theta.dtype == np.float32
    loss64, grad64 = net64.loss_and_gradient(X, Y, sw, 0.2)
    assert loss == pytest.approx(loss64, rel=1e-5)
    assert_allclose(grad, 0.5 * grad64, rtol=1e-4, atol=1e-6)
    assert net.loss_and_gradient(X.astype(np.float32), Y, sw, 0.2)[1].dtype == np.float32
    assert net.logits(X.astype(np.float32)).dtype == np.float32
    assert all(A.dtype == np.float32 for A in net.hidden_activations(X.astype(np.float32)))


# -- fits through the estimators, against the update rules ----------------------------------


def reference_fit(net, X, Y, sw, epochs, batch, *, lr, alpha=0.0, solver="sgd",
                  momentum=0.0, nesterov=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                  max_norm=None, schedule="constant", power_t=0.5, seen=0):
    """Train ``net.theta`` on mini-batches taken in order, by the formulas.

    Plain gradient descent ``theta -= lr g``; momentum ``v = mu v - lr g``,
    ``theta += v`` (Nesterov: ``theta += mu v - lr g``); Adam with its
    bias-corrected step size; the gradient clipped to ``max_norm`` first.
    Returns the loss of each epoch (the batches' losses before their steps,
    averaged by size) and the weights after each epoch.
    """
    m, theta = X.shape[0], net.theta
    velocity, first, second, t = np.zeros_like(theta), np.zeros_like(theta), 0.0, 0
    losses, thetas = [], []
    for _ in range(epochs):
        total = 0.0
        # (The schedule moves once per epoch, from the samples seen before it.)
        rate = lr / (seen + 1) ** power_t if schedule == "invscaling" else lr
        for start in range(0, m, batch):
            rows = slice(start, start + batch)
            n = len(X[rows])
            loss, g = net.loss_and_gradient(X[rows], Y[rows], None if sw is None else sw[rows],
                                            alpha)
            norm = np.sqrt(np.sum(g**2))
            if max_norm is not None and norm > max_norm:
                g = g * (max_norm / norm)
            if solver == "adam":
                t += 1
                first = beta_1 * first + (1 - beta_1) * g
                second = beta_2 * second + (1 - beta_2) * g**2
                step = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
                theta -= step * first / (np.sqrt(second) + epsilon)
            elif momentum:
                velocity = momentum * velocity - rate * g
                theta += momentum * velocity - rate * g if nesterov else velocity
            else:
                theta -= rate * g
            total += n * loss
            seen += n
        losses.append(total / m)
        thetas.append(theta.copy())
    return losses, thetas


def warm_started(make, X, y, epochs, **fit):
    """An estimator one epoch in, the weights it stands at, and its samples seen.

    With ``warm_start`` its next ``fit`` starts from those weights, with a new
    optimiser: the start a reference fit needs, read from the public attributes.
    """
    est = make().set_params(warm_start=True, max_iter=1, n_iter_no_change=None)
    est.fit(X, y, **fit)
    start = ([W.copy() for W in est.coefs_], [b.copy() for b in est.intercepts_])
    seen = est.t_
    return est.set_params(max_iter=epochs), start, seen


def reference_network(est, start, hidden, output):
    """A network at ``start``, shaped like ``est``'s, in ``est``'s dtype."""
    net = Network.from_weights(*start, [get_activation(h) for h in hidden], OUTPUTS[output])
    assert net.theta.dtype == est.coefs_[0].dtype
    return net


def assert_fit_follows(est, net, losses, rtol=1e-9):
    for got, want in zip(est.coefs_ + est.intercepts_, net.coefs() + net.intercepts(),
                         strict=True):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert_allclose(got, want, rtol=rtol, atol=1e-12)
    assert_allclose(est.loss_curve_, losses, rtol=rtol)


def encoded(est, y):
    """The classifier's targets: one 0/1 column for two classes, one-hot rows otherwise."""
    if len(est.classes_) == 2:
        return (y == est.classes_[1]).astype(float)[:, None]
    return (y[:, None] == est.classes_).astype(float)


@pytest.mark.parametrize("kwargs", [
    dict(hidden_layer_sizes=(6,), activation="tanh"),
    dict(hidden_layer_sizes=(5, 4), activation="relu", alpha=0.01),
    dict(hidden_layer_sizes=(4,), activation="logistic", learning_rate="invscaling"),
    dict(hidden_layer_sizes=(), alpha=0.1),
])
@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_classifier_full_batch_gd_is_theta_minus_alpha_grad(kwargs, classes, weighted):
    rng = np.random.RandomState(2)
    X = rng.randn(60, 3)
    y = rng.randint(0, classes, 60)
    fit = dict(sample_weight=rng.rand(60) + 0.5) if weighted else {}

    def make():
        return NeuralNetClassifier(solver="sgd", batch_size=None, momentum=0.0,
                                   learning_rate_init=0.3, random_state=0, **kwargs)

    est, start, seen = warm_started(make, X, y, 40, **fit)
    est.fit(X, y, **fit)
    assert est.n_iter_ == 40 and est.t_ == seen + 40 * 60  # this fit's epochs, as scikit-learn
    hidden = [est.activation] * len(est.hidden_layer_sizes)
    net = reference_network(est, start, hidden, "binary" if classes == 2 else "multiclass")
    losses, _ = reference_fit(net, X, encoded(est, y), fit.get("sample_weight"), 40, 60,
                              lr=0.3, alpha=est.alpha, schedule=est.learning_rate, seen=seen)
    assert_fit_follows(est, net, losses)


def test_regressor_full_batch_gd_is_theta_minus_alpha_grad():
    rng = np.random.RandomState(3)
    X = rng.randn(50, 4)
    y = np.c_[X[:, 0] - X[:, 1] ** 2, X[:, 2]]

    def make():
        return NeuralNetRegressor(hidden_layer_sizes=(8,), activation="tanh", solver="sgd",
                                  batch_size=500, momentum=0.0, learning_rate_init=0.05,
                                  random_state=0)

    est, start, _ = warm_started(make, X, y, 30)
    est.fit(X, y)
    net = reference_network(est, start, ["tanh"], "regression")
    losses, _ = reference_fit(net, X, y, None, 30, 50, lr=0.05, alpha=est.alpha)
    assert_fit_follows(est, net, losses)


def test_float32_full_batch_gd_stays_float32():
    rng = np.random.RandomState(4)
    X = rng.randn(40, 2).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)

    def make():
        return NeuralNetClassifier((5,), activation="tanh", solver="sgd", batch_size=None,
                                   momentum=0.0, learning_rate_init=0.5, dtype="float32",
                                   random_state=0)

    est, start, _ = warm_started(make, X, y, 20)
    est.fit(X, y)
    assert all(p.dtype == np.float32 for p in est.coefs_ + est.intercepts_)
    net = reference_network(est, start, ["tanh"], "binary")
    losses, _ = reference_fit(net, X, encoded(est, y), None, 20, 40, lr=0.5, alpha=est.alpha)
    assert_fit_follows(est, net, losses, rtol=2e-5)


OPTIMISERS = [
    dict(solver="sgd", momentum=0.9),
    dict(solver="sgd", momentum=0.8, nesterovs_momentum=False, learning_rate="invscaling"),
    dict(solver="adam", learning_rate_init=0.01),
    dict(solver="sgd", momentum=0.0, max_grad_norm=0.5),
    dict(solver="adam", learning_rate_init=0.05, max_grad_norm=0.3),
]


def _reference_settings(est):
    return dict(lr=est.learning_rate_init, alpha=est.alpha, solver=est.solver,
                momentum=est.momentum, nesterov=est.nesterovs_momentum, beta_1=est.beta_1,
                beta_2=est.beta_2, epsilon=est.epsilon, max_norm=est.max_grad_norm,
                schedule=est.learning_rate, power_t=est.power_t)


@pytest.mark.parametrize("optimiser", OPTIMISERS)
@pytest.mark.parametrize("batch_size", [None, 32])
def test_momentum_adam_and_clipping_fit_by_their_formulas(optimiser, batch_size):
    rng = np.random.RandomState(5)
    X = rng.randn(90, 3)
    y = rng.randint(0, 3, 90)

    def make(**changes):
        settings = {**optimiser, **changes}
        return NeuralNetClassifier((6, 4), activation="tanh", batch_size=batch_size,
                                   alpha=0.01, shuffle=False, random_state=0, **settings)

    est, start, seen = warm_started(make, X, y, 8)
    est.fit(X, y)
    net = reference_network(est, start, ["tanh", "tanh"], "multiclass")
    losses, _ = reference_fit(net, X, encoded(est, y), None, 8, batch_size or 90, seen=seen,
                              **_reference_settings(est))
    assert_fit_follows(est, net, losses)
    if optimiser.get("max_grad_norm"):
        # The clipping did act: without it the fit goes elsewhere.
        free, _, _ = warm_started(lambda: make(max_grad_norm=None), X, y, 8)
        free.fit(X, y)
        assert not np.allclose(free.coefs_[0], est.coefs_[0])


@pytest.mark.parametrize("batch_size", [16, 25])
def test_mini_batch_sgd_with_a_short_last_batch(batch_size):
    # 100 samples: batches of 16 leave a last batch of 4, of 25 none.
    rng = np.random.RandomState(8)
    X = rng.randn(100, 3)
    y = rng.randint(0, 3, 100)
    sw = rng.rand(100) + 0.5

    def make():
        return NeuralNetClassifier((7, 5), activation="tanh", solver="sgd",
                                   batch_size=batch_size, momentum=0.0, alpha=0.01,
                                   learning_rate_init=0.1, shuffle=False, random_state=0)

    for weights in (None, sw):
        fit = {} if weights is None else dict(sample_weight=weights)
        est, start, _ = warm_started(make, X, y, 6, **fit)
        est.fit(X, y, **fit)
        net = reference_network(est, start, ["tanh", "tanh"], "multiclass")
        losses, _ = reference_fit(net, X, encoded(est, y), weights, 6, batch_size, lr=0.1,
                                  alpha=0.01)
        assert_fit_follows(est, net, losses)


@pytest.mark.parametrize("optimiser", OPTIMISERS[:3])
def test_partial_fit_continues_the_optimiser_state(optimiser):
    # Four calls of partial_fit are four epochs of fit: velocities, moment
    # estimates, Adam's step count and the samples seen carry over.
    rng = np.random.RandomState(9)
    X = rng.randn(64, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)

    def make():
        return NeuralNetClassifier((5,), activation="relu", batch_size=16, shuffle=False,
                                   random_state=0, **optimiser)

    whole = make().set_params(max_iter=4, n_iter_no_change=None).fit(X, y)
    parts = make()
    for _ in range(4):
        parts.partial_fit(X, y, classes=[0, 1])
    assert parts.n_iter_ == whole.n_iter_ == 4 and parts.t_ == whole.t_ == 4 * 64
    for a, b in zip(parts.coefs_ + parts.intercepts_, whole.coefs_ + whole.intercepts_,
                    strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(parts.loss_curve_, whole.loss_curve_, rtol=1e-12)
    # The state is one flat vector, laid out like the parameters.
    optimizer = parts._optimizer
    state = optimizer.velocity if isinstance(optimizer, SGD) else optimizer.m
    assert state.shape == (sum(p.size for p in parts.coefs_ + parts.intercepts_),)
    assert np.any(state != 0)


def test_divergence_rolls_back_to_the_weights_before_the_step_that_blew_up():
    rng = np.random.RandomState(6)
    X = rng.randn(40, 2) * 50
    y = X[:, 0] * 1e3

    def make():
        return NeuralNetRegressor(hidden_layer_sizes=(4,), activation="relu", solver="sgd",
                                  batch_size=None, momentum=0.0, learning_rate_init=1e-12,
                                  random_state=0)

    est, start, _ = warm_started(make, X, y, 50)
    est.set_params(learning_rate_init=3e-6)  # a few steps overshoot, then it blows up
    with pytest.raises(DivergenceError, match="diverged"):
        est.fit(X, y)
    # The rule: the loss before a step is not finite, or above BLOWUP_FACTOR
    # times the first loss (plus one); the weights go back to the step before.
    net = reference_network(est, start, ["relu"], "regression")
    with np.errstate(over="ignore", invalid="ignore"):
        losses, thetas = reference_fit(net, X, y[:, None], None, 50, 40, lr=3e-6,
                                       alpha=est.alpha)
    blown = [not (np.isfinite(loss) and loss <= BLOWUP_FACTOR * (losses[0] + 1))
             for loss in losses]
    assert any(blown)
    k = blown.index(True)  # the loss at the weights after k steps blew up
    assert k >= 2  # (a few steps went by first)
    net.theta[...] = thetas[k - 2]  # the weights after k - 1 steps
    params = est.coefs_ + est.intercepts_
    for got, want in zip(params, net.coefs() + net.intercepts(), strict=True):
        assert np.all(np.isfinite(got))
        assert_allclose(got, want, rtol=1e-9)
    for p in params:
        assert not any(np.shares_memory(p, q) for q in params if q is not p)
    # What the model keeps still predicts.
    assert np.all(np.isfinite(est.predict(X)))


def test_callbacks_see_each_epochs_weights():
    rng = np.random.RandomState(7)
    X = rng.randn(30, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    seen = []

    def record(model, info):
        seen.append(([W.copy() for W in model.coefs_], [b.copy() for b in model.intercepts_]))

    est, start, _ = warm_started(lambda: NeuralNetClassifier(
        (4,), activation="tanh", solver="sgd", batch_size=None, momentum=0.0,
        learning_rate_init=0.5, random_state=0), X, y, 5)
    est.set_params(callbacks=[record]).fit(X, y)
    assert len(seen) == 5
    net = reference_network(est, start, ["tanh"], "binary")
    _, thetas = reference_fit(net, X, encoded(est, y), None, 5, 30, lr=0.5, alpha=est.alpha)
    for (coefs, intercepts), theta in zip(seen, thetas, strict=True):
        for got, want in zip(coefs + intercepts, net.coefs(theta) + net.intercepts(theta),
                             strict=True):
            assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert not np.array_equal(seen[0][0][0], seen[4][0][0])


def test_streamed_mini_batches_fit_as_in_memory(monkeypatch, tmp_path):
    from barenet.estimators import fitting

    rng = np.random.RandomState(10)
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float64,
                                  shape=(3000, 2))
    X[:] = rng.randn(3000, 2)
    X.flush()
    X = np.load(tmp_path / "X.npy", mmap_mode="r")
    y = (X[:, 0] * X[:, 1] > 0).astype(int)

    def make():
        return NeuralNetClassifier((6,), activation="tanh", solver="sgd", batch_size=128,
                                   momentum=0.9, learning_rate_init=0.2, max_iter=2,
                                   shuffle=False, n_iter_no_change=None, random_state=0)

    in_memory = make().fit(np.array(X), y)
    monkeypatch.setattr(fitting, "STREAM_MIN_BYTES", 0)  # stream even this small file
    assert fitting.out_of_core(X, np.float64)
    streamed = make().fit(X, y)
    for a, b in zip(streamed.coefs_ + streamed.intercepts_,
                    in_memory.coefs_ + in_memory.intercepts_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(streamed.loss_curve_, in_memory.loss_curve_, rtol=1e-12)


def test_the_full_batch_stays_in_place_however_many_predictions_are_made():
    net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    net.theta[:] = np.linspace(-1, 1, net.theta.size)
    net.inputs(5)[...] = np.arange(10.0).reshape(2, 5) / 10
    before = net.forward(5).copy()
    for n in range(11, 30):  # many prediction sizes, each with buffers of its own
        net.logits(np.zeros((n, 2)))
    assert_array_equal(net.forward(5), before)


def test_no_samples_give_empty_arrays_of_every_layers_width():
    net = Network([2, 4, 3, 1], [ACTIVATIONS["tanh"], ACTIVATIONS["relu"]], OUTPUTS["binary"])
    empty = np.zeros((0, 2))
    assert [A.shape for A in net.hidden_activations(empty)] == [(0, 4), (0, 3)]
    assert net.logits(empty).shape == (0, 1)
