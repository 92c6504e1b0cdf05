"""Full-batch training with L-BFGS: SciPy's minimiser over the network's flat vector.

The options and the stopping rules are scikit-learn's ``MLPClassifier``'s:
``maxiter=max_iter``, ``maxfun=max_fun``, ``gtol=tol`` and SciPy's default
``ftol``, so from the same initial weights both take the same steps, up to
rounding, and stop at the same iterate.  Two differences: the log-loss here
is computed from the logits, where scikit-learn clips the probabilities (a
line-search trial that saturates the outputs then costs more here, and the
paths part); and ``max_fun`` is a hard bound here, where SciPy finishes the
iteration during which it is exceeded.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._warnings import caller_stacklevel
from ..engine.network import Network
from .history import EpochInfo
from .loop import FitResult, Settings, Validation
from .monitor import DivergenceError

Array = np.ndarray

_OUT_OF_EVALUATIONS = "STOP: TOTAL NO. OF F,G EVALUATIONS REACHED LIMIT"


class _OutOfEvaluations(Exception):
    """One more loss evaluation would exceed ``max_fun``."""


def fit_lbfgs(net: Network, X: Array, Y: Array, sample_weight: Array | None,
              settings: Settings, *, validation: Validation | None = None,
              on_epoch: Callable[[EpochInfo], bool | None] | None = None) -> FitResult:
    """Train ``net.theta`` in place with L-BFGS (``scipy.optimize.minimize``), full batch.

    ``net.theta`` is SciPy's ``x`` and ``net.grad`` its ``jac`` (in float64,
    whatever the network's dtype).  ``n_iter`` is L-BFGS's iteration count
    and the history has one entry per iteration; ``validation``, if given,
    is scored but does not stop the fit, as in scikit-learn.  ``on_epoch``
    sees the accepted iterate, not a line-search trial.

    L-BFGS stops when the largest gradient component is at most ``tol``, or
    the relative decrease of the loss is below SciPy's ``ftol`` (converged),
    after ``max_iter`` iterations, or when one more loss evaluation would
    exceed ``max_fun``; the net then keeps the last accepted iterate.  The
    last two, and a line search that fails, warn ``ConvergenceWarning`` with
    scikit-learn's message; stopping because ``on_epoch`` asked does not.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (m, n_features)
    Y : ndarray of shape (m, n_outputs)
    sample_weight : ndarray of shape (m,) or None
    settings : Settings
        ``alpha``, ``max_iter``, ``max_fun`` (loss evaluations, the first at
        the starting point included) and ``tol`` (SciPy's ``gtol``).
    validation : Validation, optional
    on_epoch : callable, optional
        ``on_epoch(info) -> stop`` after each iteration.

    Returns
    -------
    FitResult
        As :func:`~barenet.training.loop.fit_stochastic`'s, ``converged``
        when SciPy reports success; a
        :class:`~barenet.training.monitor.DivergenceError` if the loss becomes
        non-finite, ``net`` then keeping the last finite iterate.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> X = np.random.RandomState(0).randn(8, 2)
    >>> Y = (X[:, :1] > 0).astype(float)
    >>> result = fit_lbfgs(net, X, Y, None, Settings(alpha=1.0, max_iter=50))
    >>> result.converged, result.n_iter == len(result.history.loss)
    (True, True)
    >>> round(result.best_loss, 3), result.history.learning_rate   # no learning rate here
    (0.377, [])
    """
    from scipy.optimize import minimize

    m = net.write_inputs(X)
    result = FitResult()
    accepted, accepted_loss = net.theta.astype(np.float64), np.inf
    n_fun, halted = 0, False

    def fun(theta: Array) -> tuple[float, Array]:
        nonlocal n_fun, accepted_loss
        if n_fun == settings.max_fun:
            raise _OutOfEvaluations
        n_fun += 1
        net.theta[...] = theta
        with np.errstate(over="ignore", invalid="ignore"):
            net.forward(m)
            loss = net.loss(Y, sample_weight, settings.alpha)
            grad = net.backward(Y, sample_weight, settings.alpha)
        if n_fun == 1:
            accepted_loss = loss                      # the starting point's
        return loss, grad.astype(np.float64)          # (a copy: SciPy may keep it)

    def callback(intermediate_result: Any) -> None:
        nonlocal accepted, accepted_loss, halted
        accepted = np.array(intermediate_result.x)
        accepted_loss = float(intermediate_result.fun)
        net.theta[...] = accepted
        info = EpochInfo(len(result.history.loss), accepted_loss)
        if validation is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                info.val_score, info.val_loss = validation.score(net), validation.loss(net)
        result.history.record(info)
        if on_epoch is not None and on_epoch(info):
            halted = True
            raise StopIteration

    status, message = 0, ""
    try:
        found = minimize(fun, accepted, jac=True, method="L-BFGS-B", callback=callback,
                         options={"maxiter": settings.max_iter, "maxfun": settings.max_fun,
                                  "gtol": settings.tol})
        net.theta[...] = found.x
        status, message = found.status, found.message
        # (scipy <= 1.0 could run one iteration past maxiter; scikit-learn clips too.)
        result.n_iter = min(found.nit, settings.max_iter)
        result.best_loss = float(found.fun)
    except _OutOfEvaluations:
        net.theta[...] = accepted
        status, message = 1, _OUT_OF_EVALUATIONS
        result.n_iter, result.best_loss = len(result.history.loss), accepted_loss
    except KeyboardInterrupt:
        net.theta[...] = accepted
        result.interrupted, result.n_iter = True, len(result.history.loss)
        result.best_loss = result.history.loss[-1] if result.history.loss else np.inf
        warnings.warn("training interrupted; the model keeps the weights reached so far",
                      RuntimeWarning, stacklevel=caller_stacklevel())
    if not result.interrupted and not np.isfinite(result.best_loss):
        net.theta[...] = accepted
        raise DivergenceError(f"L-BFGS diverged: the loss became {result.best_loss}; scale "
                              "the features or increase alpha. The model keeps the last "
                              "finite iterate.")
    result.converged = status == 0 and not result.interrupted
    if not (result.converged or result.interrupted or halted):
        warnings.warn(_not_converged_message(result.n_iter, status, message, settings),
                      ConvergenceWarning, stacklevel=caller_stacklevel())
    result.samples_seen = result.n_iter * m
    return result


def _not_converged_message(n_iter: int, status: int, message: str, settings: Settings) -> str:
    """scikit-learn's ``ConvergenceWarning`` text for an L-BFGS fit that stopped short.

    Parameters
    ----------
    n_iter : int
        Iterations done.
    status : int
        SciPy's: 1 for a limit reached (``max_iter`` or ``max_fun``), 2 for
        a failed line search.
    message : str
        SciPy's (or, for ``max_fun``, this module's) reason for stopping.
    settings : Settings
        ``max_iter`` and ``max_fun``.

    Returns
    -------
    str
        The same text as scikit-learn's for the same stop, with a hint to
        raise ``max_fun`` when that is the limit reached.
    """
    text = f"lbfgs failed to converge after {n_iter} iteration(s) (status={status}):\n{message}\n"
    if n_iter == settings.max_iter:
        text += ("\nIncrease the number of iterations to improve the convergence "
                 f"(max_iter={settings.max_iter}).")
    elif message == _OUT_OF_EVALUATIONS:
        text += ("\nIncrease the number of loss evaluations to improve the convergence "
                 f"(max_fun={settings.max_fun}).")
    return text + ("\nYou might also want to scale the data as shown in:\n"
                   "    https://scikit-learn.org/stable/modules/preprocessing.html")
