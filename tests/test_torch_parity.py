"""The same networks run twice, once by barenet and once by PyTorch's autograd.

Every forward value, loss and parameter gradient, and whole training runs,
must agree to rounding (float64).  Skipped when PyTorch is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import loss_and_gradients

from barenet import NeuralNetClassifier, NeuralNetRegressor

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed; pip install torch to compare with autograd")
F = torch.nn.functional

TASKS = ["binary", "multiclass", "multilabel", "regression"]
# 0 to 3 hidden layers, activations mixed within a network.
ARCHITECTURES = [
    ((), []),
    ((5,), ["leaky_relu"]),
    ((6, 4), ["sigmoid", "tanh"]),
    ((5, 4, 3), ["relu", "identity", "leaky_relu"]),
    ((4, 5, 3), ["tanh", "leaky_relu", "sigmoid"]),
]
TORCH_ACTIVATIONS = {
    "identity": lambda Z: Z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda Z: F.leaky_relu(Z, negative_slope=0.01),
}
RTOL = 1e-10


def assert_close(actual, expected):
    """Equal to ``RTOL`` relative to the array's scale (not element by element:
    an entry that is a near cancellation has no relative precision to keep)."""
    expected = np.asarray(expected)
    scale = max(float(np.abs(expected).max()), np.finfo(np.float64).tiny)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * scale)


def _data(task, seed=0, m=30, n_features=4):
    """X, the targets as passed to fit, and their encoding Y (float64 matrix)."""
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n_features)
    if task == "binary":
        y = np.arange(m) % 3 == 0
        return X, y.astype(int), y[:, None].astype(float)
    if task == "multiclass":
        y = rng.permutation(np.arange(m) % 4)
        return X, y, np.eye(4)[y]
    if task == "multilabel":
        y = (rng.rand(m, 3) > 0.5).astype(int)
        return X, y, y.astype(float)
    y = X @ rng.randn(n_features, 2) + 0.1 * rng.randn(m, 2)
    return X, y, y


def _estimator(task, hidden, activations, **params):
    Estimator = NeuralNetRegressor if task == "regression" else NeuralNetClassifier
    return Estimator(hidden_layer_sizes=hidden, activation=activations, random_state=0,
                     n_iter_no_change=None, **params)


def _torch_params(coefs, intercepts):
    """Leaf tensors holding copies of barenet's weights: ``Z = A @ W + b`` in both."""
    def leaf(p):
        return torch.tensor(p, dtype=torch.float64, requires_grad=True)
    return [leaf(W) for W in coefs], [leaf(b) for b in intercepts]


def torch_logits(X, Ws, bs, activations):
    A = torch.as_tensor(X, dtype=torch.float64)
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        Z = A @ W + b
        A = TORCH_ACTIVATIONS[activations[i]](Z) if i < len(activations) else Z
    return A


def torch_loss(task, Z, Y, sample_weight, Ws, alpha):
    """barenet's loss written with PyTorch's own losses."""
    Y = torch.as_tensor(Y, dtype=torch.float64)
    if task in ("binary", "multilabel"):
        per_sample = F.binary_cross_entropy_with_logits(Z, Y, reduction="none").sum(dim=1)
    elif task == "multiclass":
        per_sample = F.cross_entropy(Z, Y.argmax(dim=1), reduction="none")
    else:  # MSE / 2, mean over samples, summed over outputs
        per_sample = 0.5 * ((Z - Y) ** 2).sum(dim=1)
    if sample_weight is None:
        loss, m = per_sample.mean(), Z.shape[0]
    else:
        s = torch.as_tensor(sample_weight, dtype=torch.float64)
        loss, m = (s * per_sample).sum() / s.sum(), s.sum()
    # The penalty alpha / (2 m) * sum ||W||^2, on weights only.
    return loss + alpha / (2 * m) * sum((W * W).sum() for W in Ws)


def torch_probabilities(task, Z):
    if task == "binary":
        p = torch.sigmoid(Z)
        return torch.cat([1 - p, p], dim=1)
    return torch.softmax(Z, dim=1) if task == "multiclass" else torch.sigmoid(Z)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize(("hidden", "activations"), ARCHITECTURES)
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_forward_loss_and_gradients_match_autograd(task, hidden, activations, alpha, weighted):
    X, y, Y = _data(task)
    sw = np.random.RandomState(1).rand(len(X)) + 0.2 if weighted else None
    # A few epochs move the weights and biases off their initial values.
    model = _estimator(task, hidden, activations, max_iter=3, learning_rate_init=0.01,
                       alpha=alpha).fit(X, y, sample_weight=sw)
    Ws, bs = _torch_params(model.coefs_, model.intercepts_)
    Z = torch_logits(X, Ws, bs, activations)
    if task == "regression":
        assert_close(model.predict(X), Z.detach().numpy())
    else:
        logits = Z[:, 0] if task == "binary" else Z
        assert_close(model.decision_function(X), logits.detach().numpy())
        assert_close(model.predict_proba(X), torch_probabilities(task, Z).detach().numpy())

    expected = torch_loss(task, Z, Y, sw, Ws, alpha)
    expected.backward()
    loss, grads = loss_and_gradients(model._network(), X, Y, sw, alpha)
    assert loss == pytest.approx(expected.item(), rel=RTOL)
    for grad, p in zip(grads, [*Ws, *bs], strict=True):
        assert_close(grad, p.grad.numpy())


def _train_torch(task, X, Y, sw, coefs, intercepts, activations, alpha, make_optimizer, steps):
    Ws, bs = _torch_params(coefs, intercepts)
    optimizer = make_optimizer([*Ws, *bs])
    for _ in range(steps):
        optimizer.zero_grad()
        torch_loss(task, torch_logits(X, Ws, bs, activations), Y, sw, Ws, alpha).backward()
        optimizer.step()
    return [p.detach().numpy() for p in [*Ws, *bs]]


# Each optimiser as barenet's estimator parameters and as torch.optim.
# SGD: barenet keeps v <- mu v - lr g and steps theta += v (Nesterov:
# theta += mu v - lr g); torch keeps buf <- mu buf + g and steps
# theta -= lr buf (Nesterov: theta -= lr (g + mu buf)).  With a constant lr,
# v = -lr buf at every step, so the two are the same updates.
# Adam: barenet steps lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps);
# torch steps lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), which is
# the same with eps scaled by sqrt(1 - b2^t).  NOTE: each step then differs
# by about eps / |g| relative; with the default eps = 1e-8 and gradients near
# 1e-4 that is 1e-4 after 20 steps, so both runs use eps = 1e-20, far below
# rounding, and agree to rounding.
OPTIMIZERS = {
    "sgd_momentum": (
        {"solver": "sgd", "learning_rate_init": 0.1, "momentum": 0.9,
         "nesterovs_momentum": False},
        lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9)),
    "sgd_nesterov": (
        {"solver": "sgd", "learning_rate_init": 0.1, "momentum": 0.9,
         "nesterovs_momentum": True},
        lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True)),
    "adam": (
        {"solver": "adam", "learning_rate_init": 0.01, "epsilon": 1e-20},
        lambda params: torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-20)),
}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_twenty_full_batch_steps_match_torch_optim(task, optimizer):
    hidden, activations = (6, 4), ["tanh", "leaky_relu"]
    X, y, Y = _data(task, seed=3)
    sw = np.random.RandomState(4).rand(len(X)) + 0.2
    params, make_torch_optimizer = OPTIMIZERS[optimizer]
    model = _estimator(task, hidden, activations, alpha=0.1, batch_size=None, shuffle=False,
                       max_iter=1, **params).fit(X, y, sample_weight=sw)
    start = [p.copy() for p in model.coefs_ + model.intercepts_]
    # warm_start continues from these weights with a new optimiser: 20 steps.
    model.set_params(warm_start=True, max_iter=20).fit(X, y, sample_weight=sw)
    assert model.n_iter_ == 20  # the warm-started fit's own epochs, as scikit-learn counts
    n = len(model.coefs_)
    expected = _train_torch(task, X, Y, sw, start[:n], start[n:], activations, 0.1,
                            make_torch_optimizer, steps=20)
    moved = max(np.abs(a - b).max() for a, b in zip(model.coefs_, start[:n], strict=True))
    assert moved > 1e-2  # the runs went somewhere
    for actual, wanted in zip(model.coefs_ + model.intercepts_, expected, strict=True):
        assert_close(actual, wanted)
