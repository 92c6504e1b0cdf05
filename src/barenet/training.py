"""The training loop: batches, schedules, early stopping, callbacks, history.

Everything here is plumbing around the engine: a :class:`Network` holds the
parameters and the engine functions that define it; :func:`loss_and_gradients`
is one forward and backward pass; :func:`train_stochastic` and
:func:`train_lbfgs` drive the optimisers.  Stochastic training (every optimiser,
full batch or mini-batches) runs through
:class:`~barenet.engine.folded.FoldedNetwork`, the same passes laid out so
that a step allocates nothing and the optimiser updates one flat vector;
only hidden activations whose slope needs ``Z`` (custom ones) and L-BFGS go
through :func:`loss_and_gradients`.  The estimators in :mod:`barenet.estimators`
prepare the data and call these.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ._memory import forward_rows
from .engine.activations import Activation, identity_derivative
from .engine.folded import FoldedNetwork
from .engine.losses import Output, output_delta
from .engine.network import Workspace, backward, forward
from .engine.optimizers import Adam, GradientDescent, LearningRateSchedule

Array = np.ndarray


class DivergenceError(ValueError):
    """Training diverged (the loss blew up or became non-finite): the learning rate is too large."""


# A loss this many times above the first batch's (plus one, for losses near zero)
# only comes from steps that overshoot further each time.
BLOWUP_FACTOR = 1e6


def blew_up(loss: float, first_loss: float) -> bool:
    """Whether ``loss`` says training diverged: it is not finite, or it exceeds
    ``BLOWUP_FACTOR * (first_loss + 1)``, ``first_loss`` being the loss before the
    first step.  The one test of divergence, for every training loop."""
    return not (math.isfinite(loss) and loss <= BLOWUP_FACTOR * (first_loss + 1))


@dataclass
class Network:
    """A dense network: parameters plus the engine pieces that define it.

    Attributes
    ----------
    coefs : list of ndarray
        ``coefs[i]`` of shape ``(n_in, n_out)``.
    intercepts : list of ndarray
        ``intercepts[i]`` of shape ``(n_out,)``.
    hidden : list of Activation
        One per hidden layer.
    output : Output
        Output activation and loss.
    """

    coefs: list[Array]
    intercepts: list[Array]
    hidden: list[Activation]
    output: Output

    @cached_property
    def activations(self) -> list[Activation]:
        """Hidden activations followed by the output's (whose slope is never used:
        the output gradient is the fused ``A - Y``); made once per network."""
        out = Activation(self.output.name, self.output.activation, identity_derivative, True)
        return [*self.hidden, out]

    @property
    def params(self) -> list[Array]:
        """All parameters, weights first, then biases."""
        return [*self.coefs, *self.intercepts]

    @params.setter
    def params(self, values: Sequence[Array]) -> None:
        n = len(self.coefs)
        self.coefs, self.intercepts = list(values[:n]), list(values[n:])

    @property
    def layer_sizes(self) -> list[int]:
        """``[n_features, n_hidden_1, ..., n_outputs]``."""
        return [self.coefs[0].shape[0], *(W.shape[1] for W in self.coefs)]

    def logits(self, X: Array, chunk: int | None = None) -> Array:
        """Output pre-activations ``Z`` of shape ``(n_samples, n_outputs)``.

        Large inputs go through in chunks of ``chunk`` rows computed in one
        reused :class:`~barenet.engine.network.Workspace`, which keeps the
        intermediate arrays small enough to stay in the CPU's cache.  By
        default a chunk is at most 4096 rows, fewer for wide networks (see
        :func:`barenet._memory.forward_rows`): the memory a prediction needs
        does not grow with the number of points.
        """
        if chunk is None:
            chunk = forward_rows(sum(self.layer_sizes[1:]), self.coefs[-1].dtype.itemsize, 4096)
        acts = self.activations
        if X.shape[0] <= chunk:
            return forward(X, self.coefs, self.intercepts, acts)[0][-1]
        out = np.empty((X.shape[0], self.coefs[-1].shape[1]), self.coefs[-1].dtype)
        workspace = Workspace(self.layer_sizes, chunk, out.dtype)
        for start in range(0, X.shape[0], chunk):
            Zs, _ = forward(X[start:start + chunk], self.coefs, self.intercepts, acts, workspace)
            out[start:start + chunk] = Zs[-1]
        return out

    def copy(self) -> Network:
        return Network([W.copy() for W in self.coefs], [b.copy() for b in self.intercepts],
                       self.hidden, self.output)


def loss_and_gradients(
    net: Network,
    X: Array,
    Y: Array,
    sample_weight: Array | None = None,
    alpha: float = 0.0,
    workspace: Workspace | None = None,
) -> tuple[float, list[Array]]:
    """Loss and its gradient for every parameter (weights first, then biases).

    The loss is the output's loss (a weighted mean over samples) plus the L2
    penalty ``alpha / (2 m) * sum ||W||**2`` on the weights (not the biases),
    as in scikit-learn's MLP.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (m, n_features)
    Y : ndarray of shape (m, n_outputs)
        Targets encoded for the output (0/1 columns, one-hot, or values).
    sample_weight : ndarray of shape (m,), optional
    alpha : float, default 0
    workspace : Workspace, optional
        Buffers for the passes (the gradients are then views into it, valid
        until the next call).

    Returns
    -------
    loss : float
    grads : list of ndarray
        Same order and shapes as ``net.params``.
    """
    acts = net.activations
    Zs, As = forward(X, net.coefs, net.intercepts, acts, workspace)
    loss = net.output.loss(Y, Zs[-1], sample_weight)
    dZ = output_delta(As[-1], Y, sample_weight,
                      out=None if workspace is None else workspace.dZ[-1][:X.shape[0]])
    dWs, dbs = backward(Zs, As, net.coefs, acts, dZ, workspace)
    if alpha:
        loss += add_l2_penalty(dWs, net.coefs, alpha, X.shape[0], sample_weight)
    return loss, [*dWs, *dbs]


def add_l2_penalty(dWs: Sequence[Array], coefs: Sequence[Array], alpha: float, m: int,
                   sample_weight: Array | None = None, scale: float = 1.0) -> float:
    """Add the L2 penalty's gradient ``scale * (alpha / m) W`` to each ``dW`` in place.

    Returns the penalty itself, ``alpha / (2 m) * sum ||W||**2``.  With sample
    weights ``m`` is their sum, so that a weight of 2 means the same as a
    repeated sample.
    """
    per_sample = alpha / (m if sample_weight is None else float(np.sum(sample_weight)))
    for dW, W in zip(dWs, coefs, strict=True):
        dW += (scale * per_sample) * W
    return 0.5 * per_sample * sum(float(np.vdot(W, W)) for W in coefs)


def clip_by_norm(grads: list[Array], max_norm: float | None) -> list[Array]:
    """Scale all gradients together so their joint L2 norm is at most ``max_norm``."""
    if max_norm is None:
        return grads
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    if norm <= max_norm:
        return grads
    return [g * (max_norm / norm) for g in grads]


@dataclass
class Settings:
    """What the stochastic loop needs to know (the estimator's parameters)."""

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
    n_iter_no_change: int | None = 10
    early_stopping: bool = False
    shuffle: bool = True
    max_grad_norm: float | None = None
    max_fun: int = 15000


@dataclass
class History:
    """Per-epoch figures of a fit."""

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_score: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in vars(self).items()}


@dataclass
class Validation:
    """Held-out data watched during training."""

    X: Array
    Y: Array
    score: Callable[[Network], float]

    def loss(self, net: Network) -> float:
        """The output's loss on the held-out data (no penalty)."""
        return net.output.loss(self.Y, net.logits(self.X))


def make_optimizer(settings: Settings, params: Sequence[Array]) -> GradientDescent | Adam:
    """The optimiser named by ``settings.solver`` for these parameters."""
    if settings.solver == "sgd":
        return GradientDescent(params, settings.learning_rate_init, settings.momentum,
                               settings.nesterovs_momentum)
    return Adam(params, settings.learning_rate_init, settings.beta_1, settings.beta_2,
                settings.epsilon)


class _Diverged(Exception):
    pass


class Batches:
    """Where the mini-batches of an epoch come from.

    In memory, the samples are shuffled by index and every batch is gathered
    into one reused buffer: the data is never copied or reordered.  Streamed
    (``block`` rows at a time, for a memory-mapped or Dask array larger than
    memory), the blocks are visited in random order and shuffled within
    themselves, each read once into memory; targets can be encoded batch by
    batch (``encode``), so no array of the data's length is ever made.

    Parameters
    ----------
    X : array of shape (m, n_features)
        NumPy array, ``numpy.memmap`` or Dask array.
    Y : array of shape (m, n_outputs), or raw targets when ``encode`` is given
        (streaming only)
    sample_weight : array of shape (m,) or None
    batch : int
    rng : numpy.random.RandomState
    shuffle : bool
    block : int, optional
        Rows read at a time; streaming when given.
    encode : callable, optional
        ``encode(raw_targets) -> Y`` for one batch, when streaming.
    """

    def __init__(self, X: Any, Y: Any, sample_weight: Array | None, batch: int,
                 rng: np.random.RandomState, shuffle: bool, block: int | None = None,
                 encode: Callable[[Any], Array] | None = None) -> None:
        self.X, self.Y, self.sw = X, Y, sample_weight
        self.m, self.batch, self.rng, self.shuffle = X.shape[0], batch, rng, shuffle
        self.block, self.encode = block, encode
        if block is None:
            self.indices = np.arange(self.m)
            if batch < self.m:
                self.X_buffer = np.empty((batch, X.shape[1]), X.dtype)
                self.Y_buffer = np.empty((batch, Y.shape[1]), Y.dtype)

    def __iter__(self) -> Iterator[tuple[Array, Array, Array | None]]:
        if self.block is not None:
            yield from self._streamed()
        elif self.batch >= self.m:  # full batch: no copy, no reordering
            yield self.X, self.Y, self.sw
        else:
            if self.shuffle:
                self.rng.shuffle(self.indices)
            for start in range(0, self.m, self.batch):
                idx = self.indices[start:start + self.batch]
                Xb = np.take(self.X, idx, axis=0, out=self.X_buffer[:len(idx)])
                Yb = np.take(self.Y, idx, axis=0, out=self.Y_buffer[:len(idx)])
                yield Xb, Yb, None if self.sw is None else self.sw[idx]

    def _streamed(self) -> Iterator[tuple[Array, Array, Array | None]]:
        starts = np.arange(0, self.m, self.block)
        if self.shuffle:
            self.rng.shuffle(starts)
        for start in starts:
            stop = min(start + self.block, self.m)
            Xs = _read(self.X, start, stop)
            if not np.all(np.isfinite(Xs)):
                raise ValueError(f"X contains NaN or infinity in rows {start}..{stop - 1}; "
                                 "remove or impute those samples first")
            raw = _read(self.Y, start, stop)
            sw = None if self.sw is None else _read(self.sw, start, stop)
            order = (self.rng.permutation(stop - start) if self.shuffle
                     else np.arange(stop - start))
            for k in range(0, len(order), self.batch):
                idx = order[k:k + self.batch]
                Yb = raw[idx] if self.encode is None else self.encode(raw[idx])
                yield Xs[idx], Yb, None if sw is None else sw[idx]


def _read(a: Any, start: int, stop: int) -> Array:
    """Rows ``start:stop`` of a NumPy, memory-mapped or Dask array, in memory."""
    block = a[start:stop]
    if hasattr(block, "compute"):
        # NOTE: in this process, one task at a time: a thread pool would hold
        # several chunks in memory at once for no gain on a sequential read.
        return np.asarray(block.compute(scheduler="synchronous"))
    return np.asarray(block)


def train_stochastic(
    net: Network,
    X: Array,
    Y: Array,
    sample_weight: Array | None,
    settings: Settings,
    rng: np.random.RandomState,
    *,
    optimizer: GradientDescent | Adam | None = None,
    validation: Validation | None = None,
    epochs: int | None = None,
    on_epoch: Callable[[dict[str, Any]], bool | None] | None = None,
    samples_seen: int = 0,
    block: int | None = None,
    encode: Callable[[Any], Array] | None = None,
) -> dict[str, Any]:
    """Train ``net`` in place by mini-batch gradient descent or Adam.

    Unless an activation's slope needs ``Z``, the passes take the folded
    layout (see the module's docstring) and the optimiser's state is laid
    out flat beside the parameters while training (back as it was at the
    end); it computes the same losses and steps, up to rounding.

    Parameters
    ----------
    net : Network
        Trained in place (its parameter lists are replaced step by step).
    X : ndarray of shape (m, n_features)
    Y : ndarray of shape (m, n_outputs)
    sample_weight : ndarray of shape (m,) or None
    settings : Settings
    rng : numpy.random.RandomState
        Shuffles the samples each epoch (by index: the data is never copied).
    optimizer : optional
        An optimiser to continue with (``partial_fit``, ``warm_start``).
    validation : Validation, optional
        Watched each epoch; with ``settings.early_stopping`` it decides when
        to stop, and the best weights are restored at the end.
    epochs : int, optional
        Number of epochs (default ``settings.max_iter``).
    on_epoch : callable, optional
        ``on_epoch(info) -> stop`` after each epoch, with the epoch's figures.
    samples_seen : int
        Samples seen before (for the inverse-scaling schedule).
    block, encode
        Stream the data ``block`` rows at a time and encode targets per batch
        (see :class:`Batches`): for data larger than memory.

    Returns
    -------
    dict
        ``history``, ``n_iter``, ``samples_seen``, ``converged``,
        ``interrupted``, ``best_loss``, ``best_validation_score``, ``optimizer``.

    Raises
    ------
    DivergenceError
        If the loss becomes non-finite or grows past ``BLOWUP_FACTOR`` times
        the first batch's (plus one); ``net`` then holds the weights from
        before the step that blew up.
    """
    m = X.shape[0]
    epochs = settings.max_iter if epochs is None else epochs
    batch = min(settings.batch_size, m)
    optimizer = optimizer or make_optimizer(settings, net.params)
    # As in scikit-learn's MLP, the schedules drive plain gradient descent; Adam
    # adapts its own steps.
    kind = settings.learning_rate if settings.solver == "sgd" else "constant"
    schedule = LearningRateSchedule(kind, settings.learning_rate_init, settings.power_t)
    history = History()
    best_loss, best_score, best_params = np.inf, -np.inf, None
    first_loss, previous = None, net.params
    no_improvement, converged, interrupted, n_iter = 0, False, False, 0
    watch_validation = settings.early_stopping and validation is not None
    batches = Batches(X, Y, sample_weight, batch, rng, settings.shuffle, block, encode)
    folded = _fold(net)
    # Plain gradient descent folds the learning rate into the backward pass.
    plain = (settings.solver == "sgd" and settings.max_grad_norm is None
             and isinstance(optimizer, GradientDescent) and optimizer.momentum == 0)
    if folded is not None:
        # The network's weights are views into the folded parameters, updated
        # in place (copied out at the end), and so is the optimiser's state.
        previous_theta = folded.theta.copy()
        net.coefs, net.intercepts = folded.coefs(), folded.intercepts()
        optimizer.relayout_state(lambda state: [folded.flatten(state)])
    else:
        # Every batch is computed in the same buffers.
        workspace = Workspace(net.layer_sizes, batch, net.coefs[0].dtype)

    def roll_back() -> None:
        """Back to the weights before the last step."""
        if folded is not None:
            folded.theta[...] = previous_theta
        else:
            net.params = previous

    try:
        # NOTE: overflow in a diverging fit is detected from the loss, not
        # reported as a warning per operation.
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                epoch_loss = 0.0
                for Xb, Yb, sw in batches:
                    n = Xb.shape[0]
                    optimizer.learning_rate = schedule.at(samples_seen)
                    if folded is not None:
                        if batch < m or epoch == 0:  # (the full batch stays in place)
                            folded.inputs(n)[...] = Xb.T
                        loss = _folded_gradient(folded, n, net, Yb, sw, settings.alpha,
                                                optimizer.learning_rate if plain else 1.0)
                    else:
                        params = net.params
                        loss, grads = loss_and_gradients(net, Xb, Yb, sw, settings.alpha,
                                                         workspace)
                    first_loss = loss if first_loss is None else first_loss
                    # NOTE: a step to non-finite weights shows in the next loss;
                    # that check rolls back past it (the end of the fit checks too).
                    if blew_up(loss, first_loss):
                        roll_back()  # the weights before the step that blew up
                        raise _Diverged(loss)
                    if folded is not None:
                        previous_theta[...] = folded.theta
                        if plain:
                            folded.theta -= folded.step  # the step: learning rate x gradient
                        else:
                            grads = clip_by_norm([folded.step], settings.max_grad_norm)
                            folded.theta[...] = optimizer.step([folded.theta], grads)[0]
                    else:
                        grads = clip_by_norm(grads, settings.max_grad_norm)
                        net.params = optimizer.step(params, grads)
                        previous = params
                    samples_seen += n
                    epoch_loss += loss * n
                n_iter += 1
                epoch_loss /= m
                history.loss.append(epoch_loss)
                history.learning_rate.append(optimizer.learning_rate)
                score = None
                if validation is not None:
                    score = validation.score(net)
                    history.val_score.append(score)
                    history.val_loss.append(validation.loss(net))
                # Convergence, as scikit-learn's MLP: no improvement by tol for
                # n_iter_no_change epochs in a row.
                if watch_validation:
                    improved = score > best_score + settings.tol
                    if score > best_score:
                        best_score, best_params = score, [p.copy() for p in net.params]
                else:
                    improved = epoch_loss < best_loss - settings.tol
                best_loss = min(best_loss, epoch_loss)
                no_improvement = 0 if improved else no_improvement + 1
                if on_epoch is not None and on_epoch({
                        "epoch": epoch, "loss": epoch_loss,
                        "learning_rate": optimizer.learning_rate,
                        "val_loss": history.val_loss[-1] if validation is not None else None,
                        "val_score": score}):
                    break
                patience = settings.n_iter_no_change
                if patience is not None and no_improvement > patience:
                    if schedule.on_plateau():
                        no_improvement = 0
                    else:
                        converged = True
                        break
        if not all(np.all(np.isfinite(p)) for p in net.params):
            roll_back()
            raise _Diverged(np.inf)
    except _Diverged as exc:
        raise DivergenceError(
            f"training diverged at epoch {n_iter + 1}: the loss went from {first_loss:.4g} "
            f"to {exc.args[0]:.4g} (learning rate {optimizer.learning_rate:g}); use a smaller "
            "learning rate (learning_rate_init) or set max_grad_norm. The model keeps the "
            "weights from before the step that blew up."
        ) from None
    except KeyboardInterrupt:
        interrupted = True
        warnings.warn(f"training interrupted after {n_iter} epochs; the model keeps the "
                      "weights reached so far", RuntimeWarning, stacklevel=3)
    finally:
        if folded is not None:
            net.params = [p.copy() for p in net.params]  # out of the folded vector
            optimizer.relayout_state(lambda state: folded.unflatten(state[0]))
    if watch_validation and best_params is not None:
        net.params = best_params
    return {"history": history, "n_iter": n_iter, "samples_seen": samples_seen,
            "converged": converged, "interrupted": interrupted, "best_loss": best_loss,
            "best_validation_score": best_score if watch_validation else None,
            "optimizer": optimizer}


def _fold(net: Network) -> FoldedNetwork | None:
    """``net`` as a :class:`~barenet.engine.folded.FoldedNetwork`, or None when
    a hidden activation's slope needs ``Z`` (which the folded passes overwrite)."""
    if not all(g.slope_from_output for g in net.hidden):
        return None
    folded = FoldedNetwork(net.layer_sizes, net.hidden, net.output.activation,
                           net.coefs[0].dtype)
    folded.set_parameters(net.coefs, net.intercepts)
    return folded


def _folded_gradient(folded: FoldedNetwork, n: int, net: Network, Y: Array,
                     sample_weight: Array | None, alpha: float, scale: float) -> float:
    """Loss on the ``n`` samples in ``folded``'s inputs; ``scale`` x gradient to ``folded.step``.

    The same loss and gradient as :func:`loss_and_gradients`.  Plain
    gradient descent passes its learning rate as ``scale``: ``folded.step``
    is then the step of :func:`~barenet.engine.optimizers.gradient_descent_step`.
    """
    folded.forward(n)
    loss = net.output.loss(Y, folded.Z.T, sample_weight)
    folded.backward(Y, sample_weight, scale=scale)
    if alpha:
        loss += add_l2_penalty([dW[:, :-1] for dW in folded.dW], [W[:, :-1] for W in folded.W],
                               alpha, n, sample_weight, scale=scale)
    return loss


def train_lbfgs(
    net: Network,
    X: Array,
    Y: Array,
    sample_weight: Array | None,
    settings: Settings,
    *,
    validation: Validation | None = None,
    on_epoch: Callable[[dict[str, Any]], bool | None] | None = None,
) -> dict[str, Any]:
    """Train ``net`` in place with L-BFGS (``scipy.optimize.minimize``), full batch.

    The engine's analytic gradients are passed as ``jac``.  Returns the same
    dictionary as :func:`train_stochastic`; ``n_iter`` is L-BFGS's iteration
    count and ``history`` has one entry per iteration (``validation``, if
    given, is scored but does not stop the fit, as in scikit-learn).
    ``on_epoch`` sees ``net`` at the accepted iterate, not at a line-search trial.
    """
    from scipy.optimize import minimize

    shapes = [p.shape for p in net.params]
    sizes = [p.size for p in net.params]
    dtype = net.coefs[0].dtype

    def unpack(theta: Array) -> list[Array]:
        # NOTE: a copy, never a view of scipy's iterate, which it may reuse.
        parts = np.split(theta.astype(dtype), np.cumsum(sizes)[:-1])
        return [part.reshape(shape) for part, shape in zip(parts, shapes, strict=True)]

    def fun(theta: Array) -> tuple[float, Array]:
        net.params = unpack(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads = loss_and_gradients(net, X, Y, sample_weight, settings.alpha)
        return loss, np.concatenate([g.ravel() for g in grads]).astype(np.float64)

    history = History()
    theta0 = np.concatenate([p.ravel() for p in net.params]).astype(np.float64)
    accepted = theta0

    def callback(intermediate_result: Any) -> None:
        nonlocal accepted
        accepted = np.array(intermediate_result.x)
        net.params = unpack(accepted)
        loss = float(intermediate_result.fun)
        history.loss.append(loss)
        val_loss = val_score = None
        if validation is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                val_score, val_loss = validation.score(net), validation.loss(net)
            history.val_score.append(val_score)
            history.val_loss.append(val_loss)
        info = {"epoch": len(history.loss) - 1, "loss": loss, "learning_rate": None,
                "val_loss": val_loss, "val_score": val_score}
        if on_epoch is not None and on_epoch(info):
            raise StopIteration

    interrupted = False
    try:
        result = minimize(fun, theta0, jac=True, method="L-BFGS-B", callback=callback,
                          options={"maxiter": settings.max_iter, "maxfun": settings.max_fun,
                                   "gtol": settings.tol})
        net.params = unpack(result.x)
        converged, n_iter, loss = result.status == 0, result.nit, float(result.fun)
    except KeyboardInterrupt:
        net.params = unpack(accepted)
        interrupted, converged, n_iter = True, False, len(history.loss)
        loss = history.loss[-1] if history.loss else np.inf
        warnings.warn("training interrupted; the model keeps the weights reached so far",
                      RuntimeWarning, stacklevel=3)
    if not interrupted and not np.isfinite(loss):
        net.params = unpack(accepted)
        raise DivergenceError(f"L-BFGS diverged: the loss became {loss}; scale the features "
                              "or increase alpha. The model keeps the last finite iterate.")
    return {"history": history, "n_iter": n_iter, "samples_seen": n_iter * X.shape[0],
            "converged": converged, "interrupted": interrupted, "best_loss": loss,
            "best_validation_score": None, "optimizer": None}
