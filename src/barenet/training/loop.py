"""The training loop: epochs of steps, over the parts of this package.

:func:`fit_stochastic` is the one loop for every stochastic optimiser (SGD
with or without momentum, Adam), full batch or mini-batches, in memory or
streamed: batches come from :mod:`.batches`, each is one :func:`.step.train_step`,
:mod:`.monitor` decides about divergence and stopping, :mod:`.history`
records.  L-BFGS is :func:`barenet.training.lbfgs.fit_lbfgs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._warnings import caller_stacklevel
from ..engine.network import Network
from ..engine.optimizers import SGD, Adam, LearningRateSchedule
from .batches import Batches, feed
from .history import EpochInfo, History
from .monitor import ConvergenceMonitor, DivergenceError, DivergenceGuard
from .step import train_step

Array = np.ndarray


@dataclass
class Settings:
    """What the training loops need to know (the estimator's parameters).

    The defaults follow scikit-learn's ``MLPClassifier`` (``max_grad_norm``,
    which it lacks, is off).

    Examples
    --------
    >>> settings = Settings(solver="sgd", learning_rate_init=0.5, max_iter=20)
    >>> settings.solver, settings.batch_size, settings.alpha
    ('sgd', 200, 0.0001)
    """

    solver: str = "adam"
    batch_size: int = 200
    learning_rate: str = "constant"
    learning_rate_init: float = 0.001
    power_t: float = 0.5
    momentum: float = 0.9
    nesterovs_momentum: bool = True
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8
    alpha: float = 0.0001
    max_iter: int = 200
    tol: float = 1e-4
    n_iter_no_change: float | None = 10  # (np.inf or None: never stop early)
    early_stopping: bool = False
    shuffle: bool = True
    max_grad_norm: float | None = None
    max_fun: int = 15000


@dataclass
class Validation:
    """Held-out data watched during training: ``score(net)`` and the output's loss.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> X, Y = np.eye(2), np.array([[1.0], [0.0]])
    >>> validation = Validation(X, Y, lambda net: float(np.mean((net.logits(X) > 0) == Y)))
    >>> validation.score(net), round(validation.loss(net), 4)
    (0.5, 0.7242)
    """

    X: Array
    Y: Array
    score: Callable[[Network], float]

    def loss(self, net: Network) -> float:
        """The output's loss on the held-out data (no penalty)."""
        return net.output.loss(self.Y, net.logits(self.X))


@dataclass
class FitResult:
    """What a fit reports besides the trained weights.

    ``diverged`` says how training diverged when early stopping kept the
    best validated weights instead of raising; None otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> X, Y = np.random.RandomState(0).randn(8, 2), np.ones((8, 1))
    >>> batches = Batches(X, Y, None, 8, np.random.RandomState(0), shuffle=False)
    >>> result = fit_stochastic(net, batches, Settings(max_iter=5))
    >>> result.n_iter, result.samples_seen, len(result.history.loss), result.converged
    (5, 40, 5, False)
    >>> type(result.optimizer).__name__                 # to go on with (``warm_start``)
    'Adam'
    """

    history: History = field(default_factory=History)
    n_iter: int = 0
    samples_seen: int = 0
    converged: bool = False
    interrupted: bool = False
    best_loss: float = np.inf
    best_validation_score: float | None = None
    optimizer: SGD | Adam | None = None
    diverged: str | None = None


def make_optimizer(settings: Settings, net: Network) -> SGD | Adam:
    """The optimiser named by ``settings.solver``, its state laid out like ``net.theta``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> sgd = make_optimizer(Settings(solver="sgd", learning_rate_init=0.5), net)
    >>> type(sgd).__name__, sgd.learning_rate
    ('SGD', 0.5)
    >>> type(make_optimizer(Settings(), net)).__name__
    'Adam'
    """
    n, dtype = net.theta.size, net.theta.dtype
    if settings.solver == "sgd":
        return SGD(n, settings.learning_rate_init, settings.momentum,
                   settings.nesterovs_momentum, dtype)
    return Adam(n, settings.learning_rate_init, settings.beta_1, settings.beta_2,
                settings.epsilon, dtype)


def fit_stochastic(net: Network, batches: Batches, settings: Settings, *,
                   optimizer: SGD | Adam | None = None, validation: Validation | None = None,
                   epochs: int | None = None, samples_seen: int = 0,
                   on_epoch: Callable[[EpochInfo], bool | None] | None = None,
                   log: Callable[[str], None] | None = None) -> FitResult:
    """Train ``net.theta`` in place, epoch after epoch.

    Parameters
    ----------
    net : Network
    batches : Batches
        The data, batch by batch.
    settings : Settings
    optimizer : SGD or Adam, optional
        One to continue with (``partial_fit``, ``warm_start``); a new one by default.
    validation : Validation, optional
        Scored each epoch; with ``settings.early_stopping`` it decides when
        to stop, and the best weights are restored at the end.
    epochs : int, optional
        Default ``settings.max_iter``.
    samples_seen : int
        Samples seen before (the inverse-scaling schedule counts them).
    on_epoch : callable, optional
        ``on_epoch(info) -> stop`` after each epoch.
    log : callable, optional
        ``log(message)`` after ``on_epoch`` when the stopping rules stop
        training or lower the learning rate (scikit-learn's messages, see
        :class:`~barenet.training.monitor.ConvergenceMonitor`).

    Returns
    -------
    FitResult

    Raises
    ------
    DivergenceError
        If the loss becomes non-finite or blows up
        (:func:`~barenet.training.monitor.blew_up`); ``net`` then holds the
        weights from before the step that blew up.  With early stopping,
        once an epoch has been validated, training stops instead: ``net``
        gets the best validated weights back and ``FitResult.diverged``
        says what happened.

    Examples
    --------
    Full-batch gradient descent on a tiny network; ``on_epoch`` stops it
    once every held-out sample is classified right:

    >>> import numpy as np
    >>> from barenet.engine.activations import ACTIVATIONS
    >>> from barenet.engine.losses import OUTPUTS
    >>> from barenet.engine.network import Network
    >>> net = Network([2, 3, 1], [ACTIVATIONS["tanh"]], OUTPUTS["binary"])
    >>> net.theta[:] = np.linspace(-0.5, 0.5, net.theta.size)
    >>> rng = np.random.RandomState(0)
    >>> X, X_val = rng.randn(8, 2), rng.randn(8, 2)
    >>> Y, Y_val = (X[:, :1] > 0).astype(float), (X_val[:, :1] > 0).astype(float)
    >>> batches = Batches(X, Y, None, 8, rng, shuffle=False)
    >>> settings = Settings(solver="sgd", learning_rate_init=0.5, max_iter=50)
    >>> validation = Validation(X_val, Y_val,
    ...                         lambda net: float(np.mean((net.logits(X_val) > 0) == Y_val)))
    >>> result = fit_stochastic(net, batches, settings, validation=validation,
    ...                         on_epoch=lambda info: info.val_score == 1.0)
    >>> result.n_iter, [round(loss, 3) for loss in result.history.loss]
    (7, [0.612, 0.444, 0.366, 0.343, 0.34, 0.34, 0.332])
    >>> result.history.val_score
    [0.875, 0.875, 0.875, 0.875, 0.875, 0.875, 1.0]
    """
    s = settings
    optimizer = optimizer or make_optimizer(s, net)
    # As in scikit-learn's MLP, the schedules drive SGD; Adam adapts its own steps.
    schedule = LearningRateSchedule(s.learning_rate if s.solver == "sgd" else "constant",
                                    s.learning_rate_init, s.power_t)
    watch = s.early_stopping and validation is not None
    monitor = ConvergenceMonitor(s.tol, s.n_iter_no_change, schedule, net.theta if watch else None)
    guard = DivergenceGuard(net.theta)
    result = FitResult(optimizer=optimizer, samples_seen=samples_seen)
    try:
        # NOTE: overflow in a diverging fit is detected from the loss, not
        # reported as a warning per operation.
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(s.max_iter if epochs is None else epochs):
                total = 0.0
                # (As scikit-learn's: the schedule moves once per epoch.)
                optimizer.learning_rate = schedule.at(result.samples_seen)
                for m, Y, sw in feed(batches, net):
                    step_loss = train_step(net, m, Y, sw, optimizer, s.alpha,
                                           s.max_grad_norm, guard, epoch)
                    assert step_loss is not None  # returned unless train_step(loss=False)
                    total += m * step_loss
                    result.samples_seen += m
                result.n_iter += 1
                info = _epoch_info(epoch, total / batches.m, optimizer, net, validation)
                result.history.record(info)
                converged = monitor.update(info.loss, info.val_score)
                halt = on_epoch is not None and on_epoch(info)
                if log is not None and monitor.message is not None:
                    log(monitor.message)
                if halt or converged:
                    break
        guard.check_weights(result.n_iter, optimizer.learning_rate)
    except DivergenceError:
        if not (watch and monitor.best_theta is not None):
            raise
        result.diverged = guard.reason  # (the best weights are restored below)
    except KeyboardInterrupt:
        result.interrupted = True
        warnings.warn(f"training interrupted after {result.n_iter} epochs; the model keeps "
                      "the weights reached so far", RuntimeWarning,
                      stacklevel=caller_stacklevel())
    monitor.restore_best()
    result.converged, result.best_loss = monitor.converged, monitor.best_loss
    result.best_validation_score = monitor.best_score if watch else None
    return result


def _epoch_info(epoch: int, loss: float, optimizer: SGD | Adam, net: Network,
                validation: Validation | None) -> EpochInfo:
    info = EpochInfo(epoch, loss, optimizer.learning_rate)
    if validation is not None:
        info.val_score, info.val_loss = validation.score(net), validation.loss(net)
    return info


