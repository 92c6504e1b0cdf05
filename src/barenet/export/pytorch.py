"""A fitted network as a ``torch.nn.Sequential`` with the same weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.activations import LEAKY_RELU_SLOPE
from ._network import network_of
from .onnx_graph import require


def _exp_module(torch: Any) -> Any:
    """``exp(Z)`` as a module: the Poisson regressor's output, which torch.nn lacks."""

    class Exp(torch.nn.Module):
        def forward(self, Z):
            return torch.exp(Z)

    return Exp()


def _output_module(torch: Any, output: str) -> Any:
    nn = torch.nn
    if output == "multiclass":
        return nn.Softmax(dim=1)
    if output == "poisson":
        return _exp_module(torch)
    return nn.Sigmoid() if output in ("binary", "multilabel") else None


def to_torch(model: Any, *, logits: bool = False) -> Any:
    """A fitted model as a PyTorch module: the same weights, the same outputs.

    Parameters
    ----------
    model : NeuralNetClassifier, NeuralNetRegressor or dict
        A fitted estimator (or one read by :func:`barenet.load`), or the
        article's parameter dictionary.
    logits : bool, default False
        End at the output layer's pre-activation ``Z`` (for
        ``BCEWithLogitsLoss`` or ``CrossEntropyLoss``, to train on) instead
        of its activation.

    Returns
    -------
    torch.nn.Sequential
        ``Linear`` layers (in the model's dtype, float32 or float64) and
        their activations, then the output activation: ``Sigmoid`` (binary:
        ``(n, 1)``, the probability of ``classes_[1]``, the second column of
        ``predict_proba``; multi-label: ``predict_proba``), ``Softmax``
        (multi-class: ``predict_proba``), none (regression: ``predict`` as
        ``(n, n_outputs)``) or ``exp`` (the Poisson loss).

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    TypeError, ValueError
        For a model that is not fitted, not one of these, or has a custom
        activation.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import NeuralNetRegressor, to_torch
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> reg = NeuralNetRegressor(hidden_layer_sizes=(4,), solver="lbfgs",
    ...                          random_state=0).fit(X, X.ravel() ** 2)
    >>> net = to_torch(reg)
    >>> [type(m).__name__ for m in net]
    ['Linear', 'ReLU', 'Linear']
    >>> import torch
    >>> out = net(torch.from_numpy(X)).detach().numpy()
    >>> bool(np.allclose(out[:, 0], reg.predict(X)))
    True
    """
    torch = require("torch", "barenet.to_torch")
    nn = torch.nn
    net = network_of(model)
    hidden = {"identity": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
              "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(LEAKY_RELU_SLOPE)}
    dtype = torch.float32 if net.dtype == np.float32 else torch.float64
    layers = []
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts, strict=True)):
        linear = nn.Linear(W.shape[0], W.shape[1], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))
        layers.append(linear)
        if l < len(net.activations):
            layers.append(hidden[net.activations[l]]())
    output = None if logits else _output_module(torch, net.output)
    return nn.Sequential(*layers, *([output] if output is not None else []))
