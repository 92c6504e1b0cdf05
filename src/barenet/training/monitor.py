"""Watching a fit: the divergence guard and the stopping rules, each testable alone.

As scikit-learn keeps ``_update_no_improvement_count`` out of its loop, the
training loop (:mod:`barenet.training.loop`) only asks these objects what
to do: :class:`DivergenceGuard` whether a step blew up (and puts the weights
back), :class:`ConvergenceMonitor` whether to stop after an epoch.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine.optimizers import LearningRateSchedule

Array = np.ndarray

# A loss this many times above the first batch's (plus one, for losses near zero)
# only comes from steps that overshoot further each time.
BLOWUP_FACTOR = 1e6


class DivergenceError(ValueError):
    """Training diverged (the loss blew up or became non-finite): the learning rate is too large.

    A ``ValueError``, so ``except ValueError`` catches it too.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> from barenet.training import Batches, Settings, fit_stochastic
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["regression"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> X, Y = np.eye(2)[[0, 1, 1, 0]], np.array([[1.0], [1.0], [0.0], [0.0]])
    >>> batches = Batches(X, Y, None, 4, np.random.RandomState(0), shuffle=False)
    >>> try:
    ...     fit_stochastic(net, batches, Settings(solver="sgd", learning_rate_init=100.0))
    ... except DivergenceError as error:
    ...     print(str(error).split(":")[0], bool(np.all(np.isfinite(net.theta))))
    training diverged at epoch 3 True
    """


def blew_up(loss: float, first_loss: float) -> bool:
    """Whether ``loss`` says training diverged.

    It is not finite, or it exceeds ``BLOWUP_FACTOR * (first_loss + 1)``,
    ``first_loss`` being the loss before the first step: the one test of
    divergence, for every training loop.

    Examples
    --------
    >>> blew_up(0.9, first_loss=0.7), blew_up(float("nan"), 0.7), blew_up(1e7, 0.7)
    (False, True, True)
    """
    return not (math.isfinite(loss) and loss <= BLOWUP_FACTOR * (first_loss + 1))


class DivergenceGuard:
    """Keeps the weights from before each step, and puts them back if the step blew up.

    A step to non-finite or exploding weights shows in the next loss, so
    :meth:`check` is called with the loss before each step: when it blew up,
    the weights go back to those before the previous step (the last good
    ones) and :class:`DivergenceError` says what happened; :attr:`reason`
    keeps its first sentence (where and how the loss blew up).

    Parameters
    ----------
    theta : ndarray
        The parameters being trained (watched in place).

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.zeros(2)
    >>> guard = DivergenceGuard(theta)
    >>> guard.check(0.7, epoch=0, learning_rate=0.1)     # the first loss sets the scale
    >>> theta += 1.0                                     # a step
    >>> guard.check(0.5, epoch=0, learning_rate=0.1)     # fine: these weights are kept
    >>> theta += np.inf                                  # a step that blows up
    >>> guard.check(float("inf"), epoch=1, learning_rate=0.1)
    Traceback (most recent call last):
    ...
    barenet.training.monitor.DivergenceError: training diverged at epoch 2: ...
    >>> theta.tolist()                                   # rolled back
    [1.0, 1.0]
    >>> guard.reason
    'training diverged at epoch 2: the loss went from 0.7 to inf (learning rate 0.1)'
    """

    def __init__(self, theta: Array) -> None:
        self.theta = theta
        self.previous = theta.copy()
        self.first_loss: float | None = None
        self.reason: str | None = None

    def check(self, loss: float, epoch: int, learning_rate: float) -> None:
        """Before a step: raise if ``loss`` blew up, else remember the weights.

        Raises
        ------
        DivergenceError
            With the weights rolled back to those before the last step.
        """
        if self.first_loss is None:
            self.first_loss = loss
        if blew_up(loss, self.first_loss):
            self.diverged(loss, epoch, learning_rate)
        self.previous[...] = self.theta

    def check_weights(self, epoch: int, learning_rate: float) -> None:
        """At the end: raise (rolled back) if the last step left non-finite weights."""
        if not np.all(np.isfinite(self.theta)):
            self.diverged(math.inf, epoch, learning_rate)

    def diverged(self, loss: float, epoch: int, learning_rate: float) -> None:
        """Roll back and raise :class:`DivergenceError`."""
        self.theta[...] = self.previous
        self.reason = (f"training diverged at epoch {epoch + 1}: the loss went from "
                       f"{self.first_loss:.4g} to {loss:.4g} (learning rate {learning_rate:g})")
        raise DivergenceError(
            f"{self.reason}; use a smaller learning rate (learning_rate_init) or set "
            "max_grad_norm. The model keeps the weights from before the step that blew up.")


class ConvergenceMonitor:
    """Scikit-learn's stopping rules, told one epoch at a time.

    Training stops when the figure watched (the training loss, or with
    early stopping the validation score) has not improved by ``tol`` for
    more than ``n_iter_no_change`` epochs in a row; with the "adaptive"
    schedule a plateau first divides the learning rate by 5.  With early
    stopping the best weights seen are kept, to be restored at the end.
    After an epoch that stopped training or lowered the learning rate,
    :attr:`message` says so in scikit-learn's words (what its MLP prints
    with ``verbose=True``); it is None after the others.

    Parameters
    ----------
    tol : float
    n_iter_no_change : int, float or None
        ``np.inf`` or None never stops.
    schedule : LearningRateSchedule
    theta : ndarray, optional
        The parameters, when the validation score is watched (early stopping).

    Examples
    --------
    >>> from barenet.engine.optimizers import LearningRateSchedule
    >>> monitor = ConvergenceMonitor(0.01, 2, LearningRateSchedule("constant", 0.1))
    >>> [monitor.update(loss, None) for loss in [1.0, 0.5, 0.499, 0.498, 0.497]]
    [False, False, False, False, True]
    >>> monitor.message
    'Training loss did not improve more than tol=0.010000 for 2 consecutive epochs. Stopping.'
    >>> adaptive = ConvergenceMonitor(0.01, 0, LearningRateSchedule("adaptive", 0.1))
    >>> adaptive.update(1.0, None), adaptive.update(1.0, None)   # a plateau: rate / 5
    (False, False)
    >>> round(adaptive.schedule.rate, 4)
    0.02
    """

    def __init__(self, tol: float, n_iter_no_change: float | None,
                 schedule: LearningRateSchedule, theta: Array | None = None) -> None:
        self.tol, self.patience, self.schedule, self.theta = tol, n_iter_no_change, schedule, theta
        self.best_loss, self.best_score = math.inf, -math.inf
        self.best_theta: Array | None = None
        self.no_improvement, self.converged = 0, False
        self.message: str | None = None

    def update(self, loss: float, score: float | None) -> bool:
        """Record an epoch's loss and validation score; return whether to stop."""
        if self.theta is not None:
            assert score is not None, "the validation score is watched: pass it"
            improved = score > self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                self.best_theta = self.theta.copy()
        else:
            improved = loss < self.best_loss - self.tol
        self.best_loss = min(self.best_loss, loss)
        self.no_improvement = 0 if improved else self.no_improvement + 1
        self.message = None
        if self.patience is not None and self.no_improvement > self.patience:
            figure = "Validation score" if self.theta is not None else "Training loss"
            said = (f"{figure} did not improve more than tol={self.tol:f} for "
                    f"{self.patience:d} consecutive epochs.")
            if self.schedule.on_plateau():
                self.no_improvement = 0
                self.message = f"{said} Setting learning rate to {self.schedule.rate:f}"
            else:
                self.converged = True
                small = " Learning rate too small." if self.schedule.kind == "adaptive" else ""
                self.message = f"{said}{small} Stopping."
        return self.converged

    def restore_best(self) -> None:
        """With early stopping: put the best weights seen back into ``theta``."""
        if self.theta is not None and self.best_theta is not None:
            self.theta[...] = self.best_theta
