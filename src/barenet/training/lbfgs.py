"""Full-batch training with L-BFGS: SciPy's minimiser over the network's flat vector."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.network import Network
from .history import EpochInfo
from .loop import FitResult, Settings, Validation
from .monitor import DivergenceError

Array = np.ndarray


def fit_lbfgs(net: Network, X: Array, Y: Array, sample_weight: Array | None,
              settings: Settings, *, validation: Validation | None = None,
              on_epoch: Callable[[EpochInfo], bool | None] | None = None) -> FitResult:
    """Train ``net.theta`` in place with L-BFGS (``scipy.optimize.minimize``), full batch.

    ``net.theta`` is SciPy's ``x`` and ``net.grad`` its ``jac`` (in float64,
    whatever the network's dtype).  ``n_iter`` is L-BFGS's iteration count
    and the history has one entry per iteration; ``validation``, if given,
    is scored but does not stop the fit, as in scikit-learn.  ``on_epoch``
    sees the accepted iterate, not a line-search trial.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (m, n_features)
    Y : ndarray of shape (m, n_outputs)
    sample_weight : ndarray of shape (m,) or None
    settings : Settings
        ``alpha``, ``max_iter``, ``max_fun`` and ``tol`` (SciPy's ``gtol``).
    validation : Validation, optional
    on_epoch : callable, optional
        ``on_epoch(info) -> stop`` after each iteration.

    Returns
    -------
    FitResult
        As :func:`~barenet.training.loop.fit_stochastic`'s; a
        :class:`~barenet.training.monitor.DivergenceError` if the loss becomes
        non-finite, ``net`` then keeping the last finite iterate.
    """
    from scipy.optimize import minimize

    m = X.shape[0]
    net.inputs(m)[...] = X.T

    def fun(theta: Array) -> tuple[float, Array]:
        net.theta[...] = theta
        with np.errstate(over="ignore", invalid="ignore"):
            net.forward(m)
            loss = net.loss(Y, sample_weight, settings.alpha)
            grad = net.backward(Y, sample_weight, settings.alpha)
        return loss, grad.astype(np.float64)          # (a copy: SciPy may keep it)

    result = FitResult()
    accepted = net.theta.astype(np.float64)

    def callback(intermediate_result: Any) -> None:
        nonlocal accepted
        accepted = np.array(intermediate_result.x)
        net.theta[...] = accepted
        info = EpochInfo(len(result.history.loss), float(intermediate_result.fun))
        if validation is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                info.val_score, info.val_loss = validation.score(net), validation.loss(net)
        result.history.record(info)
        if on_epoch is not None and on_epoch(info):
            raise StopIteration

    try:
        found = minimize(fun, accepted, jac=True, method="L-BFGS-B", callback=callback,
                         options={"maxiter": settings.max_iter, "maxfun": settings.max_fun,
                                  "gtol": settings.tol})
        net.theta[...] = found.x
        result.converged, result.n_iter = found.status == 0, found.nit
        result.best_loss = float(found.fun)
    except KeyboardInterrupt:
        net.theta[...] = accepted
        result.interrupted, result.n_iter = True, len(result.history.loss)
        result.best_loss = result.history.loss[-1] if result.history.loss else np.inf
        warnings.warn("training interrupted; the model keeps the weights reached so far",
                      RuntimeWarning, stacklevel=3)
    if not result.interrupted and not np.isfinite(result.best_loss):
        net.theta[...] = accepted
        raise DivergenceError(f"L-BFGS diverged: the loss became {result.best_loss}; scale "
                              "the features or increase alpha. The model keeps the last "
                              "finite iterate.")
    result.samples_seen = result.n_iter * m
    return result
