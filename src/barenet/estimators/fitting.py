"""How an estimator's ``fit`` and ``partial_fit`` run: scikit-learn's concerns around the loop.

Validate and encode the data, start or continue the network, hold data out,
hand over to :mod:`barenet.training`, and record what the fit found in the
estimator's attributes.  The maths is the engine's; the loop, training's.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from .._memory import check_memory, memory_errors_explained
from ..engine.network import Network
from ..training import (
    Batches,
    EpochInfo,
    FitResult,
    Settings,
    Validation,
    fit_lbfgs,
    fit_stochastic,
)
from .memory import STREAM_BLOCK_BATCHES, fit_memory_parts, memory_advice

Array = np.ndarray

# MLPClassifier's name of the output activation of each task (``out_activation_``).
OUT_ACTIVATION = {"binary": "logistic", "multilabel": "logistic", "multiclass": "softmax",
                  "regression": "identity"}
# Memory-mapped arrays from this size on are streamed (smaller ones are loaded).
STREAM_MIN_BYTES = 32 * 2**20


def out_of_core(X: Any, dtype: type) -> bool:
    """Whether to stream ``X`` rather than load it.

    A Dask array, or a memory-mapped array of at least
    :data:`STREAM_MIN_BYTES` already in the model's dtype (any other would
    have to be converted, which copies it).
    """
    if hasattr(X, "dask") and hasattr(X, "compute"):
        return True
    return isinstance(X, np.memmap) and X.dtype == dtype and X.nbytes >= STREAM_MIN_BYTES


def validate(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    """scikit-learn's ``validate_data``, quietly.

    NOTE: its finiteness check first sums the data, and ``inf + -inf`` then
    warns "invalid value encountered"; the ValueError that follows says
    what is wrong, so the warning is only noise.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return validate_data(estimator, *args, **kwargs)


def fit(est: Any, X: Any, y: Any, sample_weight: Any, validation_data: Any,
        incremental: bool, classes: Any = None) -> Any:
    """``fit`` (``incremental=False``) or ``partial_fit`` (one epoch) of ``est``; returns it."""
    est._validate_params()
    dtype = est._dtype()
    first = not hasattr(est, "coefs_") or not (est.warm_start or incremental)
    if incremental and est.solver == "lbfgs":
        raise ValueError("partial_fit is not available with solver='lbfgs'")
    streamed = out_of_core(X, dtype)
    if streamed:
        X, y = _check_streamed(est, X, y, first, dtype)
        est._encode_targets(y, first, classes, encode=False)
        Y = y  # raw: encoded batch by batch
    else:
        X, y = validate(est, X, y, reset=first, dtype=dtype, multi_output=True,
                        y_numeric=isinstance(est, RegressorMixin))
        Y = est._encode_targets(y, first, classes)
    sw = est._sample_weight(y, sample_weight, X, incremental)
    n_outputs = est._encode(y[:1]).shape[1]
    settings = est._settings(X.shape[0])
    need = fit_memory_parts(est, X, n_outputs, settings, dtype, first, streamed,
                            validation_data is not None, incremental)
    advice = memory_advice(est, need, dtype)
    check_memory(need, "training this network", advice)
    # (A MemoryError the estimate did not foresee is reported with it, as one.)
    with memory_errors_explained(need, "training this network", advice):
        net = _start(est, first, X.shape[1], n_outputs, dtype)
        validation = None
        if validation_data is not None:
            Xv, yv = validation_data
            Xv, yv = validate(est, Xv, yv, reset=False, dtype=dtype, multi_output=True,
                              y_numeric=isinstance(est, RegressorMixin))
            validation = _validation(est, Xv, est._encode_targets(yv, False))
        elif est.early_stopping and not incremental and est.solver != "lbfgs":
            # (L-BFGS does not stop early: holding data out would only waste it.)
            if streamed:
                raise ValueError("early stopping on data larger than memory needs "
                                 "validation_data=(X_val, y_val): a held-out fraction "
                                 "would be copied")
            X, Y, sw, validation = _split(est, X, y, Y, sw)
        result = _train(est, net, X, Y, sw, settings, validation, streamed, incremental)
    _record(est, result, incremental)
    return est


def _start(est: Any, first: bool, n_features: int, n_outputs: int, dtype: type) -> Network:
    """A new network, or the fitted one to continue from; sets the shape attributes."""
    if first:
        est._random_state = check_random_state(est.random_state)
        net = est._new_network(n_features, n_outputs, dtype)
        est.n_iter_, est.t_ = 0, 0
        est._optimizer = None
    else:
        net = est._network()
        if net.layer_sizes[-1] != n_outputs:
            raise ValueError(
                f"y has {n_outputs} outputs but the model was fitted with "
                f"{net.layer_sizes[-1]}; fit a new model (warm_start=False)")
    est._hidden = net.hidden
    est.n_layers_ = len(net.layers) + 1
    est.n_outputs_ = n_outputs
    est.out_activation_ = OUT_ACTIVATION[est._output_name]
    return net


def _train(est: Any, net: Network, X: Any, Y: Any, sw: Array | None, settings: Settings,
           validation: Validation | None, streamed: bool, incremental: bool) -> FitResult:
    """Run the solver; the estimator's ``coefs_`` are views of the weights as they train."""
    # (Callbacks see the weights of each epoch through the usual attributes.)
    est.coefs_, est.intercepts_ = net.coefs(), net.intercepts()
    on_epoch, finish = _epoch_callbacks(est, settings)
    try:
        if est.solver == "lbfgs":
            if streamed:
                raise ValueError("solver='lbfgs' needs all the data in memory; use "
                                 "'sgd' or 'adam' to stream it in mini-batches")
            return fit_lbfgs(net, X, Y, sw, settings, validation=validation, on_epoch=on_epoch)
        block = STREAM_BLOCK_BATCHES * settings.batch_size if streamed else None
        batches = Batches(X, Y, sw, settings.batch_size, est._random_state, settings.shuffle,
                          block, est._encode if streamed else None)
        result = fit_stochastic(net, batches, settings,
                                optimizer=est._optimizer if incremental else None,
                                validation=validation, epochs=1 if incremental else None,
                                samples_seen=est.t_, on_epoch=on_epoch)
        est._optimizer = result.optimizer
        return result
    finally:
        finish()


def _record(est: Any, result: FitResult, incremental: bool) -> None:
    """What the fit found, in scikit-learn's attributes."""
    history = result.history
    if incremental and hasattr(est, "history_"):
        for key, values in history.as_dict().items():
            est.history_[key].extend(values)
    else:
        est.history_ = history.as_dict()
    est.loss_curve_ = est.history_["loss"]
    # (L-BFGS may stop before its first iteration: then the curve is empty.)
    est.loss_ = est.loss_curve_[-1] if est.loss_curve_ else result.best_loss
    est.n_iter_ += result.n_iter
    est.t_ = result.samples_seen
    watched = result.best_validation_score is not None
    est.best_loss_ = None if watched else float(np.min(est.loss_curve_ or est.loss_))
    est.validation_scores_ = est.history_["val_score"] if watched else None
    est.best_validation_score_ = result.best_validation_score if watched else None
    # With n_iter_no_change=None the user asked for exactly max_iter epochs.
    if (not incremental and not result.converged and not result.interrupted
            and est.n_iter_no_change is not None and result.n_iter >= est.max_iter):
        warnings.warn(
            f"{type(est).__name__}: maximum iterations ({est.max_iter}) reached and "
            "the optimization hasn't converged yet; increase max_iter or tol",
            ConvergenceWarning, stacklevel=4)


def _check_streamed(est: Any, X: Any, y: Any, first: bool, dtype: type) -> tuple[Any, Array]:
    """Checks for a memory-mapped or Dask ``X`` that read nothing of it.

    Values are checked block by block as training reads them.
    """
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-D array with samples and features, got shape "
                         f"{X.shape}")
    if X.dtype != dtype:
        raise ValueError(
            f"X is a {X.dtype} Dask array but the model computes in "
            f"{np.dtype(dtype).name}; convert it with X.astype('{np.dtype(dtype).name}') "
            "or set dtype to match")
    if first:
        est.n_features_in_ = X.shape[1]
        if hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
    elif X.shape[1] != est.n_features_in_:
        raise ValueError(f"X has {X.shape[1]} features, but {type(est).__name__} is "
                         f"expecting {est.n_features_in_} features as input")
    y = np.asarray(y)  # labels are small beside X; a Dask array is computed here
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if len(y) != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {len(y)}; they must match")
    if y.dtype.kind == "f" and not np.isfinite(y.sum()):
        raise ValueError("y contains NaN or infinity; remove or impute those samples")
    return X, y


def _validation(est: Any, X: Array, Y: Array) -> Validation:
    """Held-out data scored by the estimator's own score."""
    return Validation(X, Y, lambda net: est._network_score(net, X, Y))


def _split(est: Any, X: Array, y: Array, Y: Array, sw: Array | None) -> tuple:
    """Hold ``validation_fraction`` of the data out for early stopping (stratified)."""
    stratify = y if est._output_name in ("binary", "multiclass") else None
    parts = [X, Y] if sw is None else [X, Y, sw]
    try:
        split = train_test_split(*parts, test_size=est.validation_fraction,
                                 random_state=est._random_state, stratify=stratify)
    except ValueError as exc:
        raise ValueError(
            f"cannot hold out validation_fraction={est.validation_fraction} of "
            f"{X.shape[0]} samples for early stopping ({exc}); use more data, a larger "
            "validation_fraction, or pass validation_data to fit"
        ) from None
    X, Xv, Y, Yv = split[:4]
    sw = split[4] if sw is not None else None
    return X, Y, sw, _validation(est, Xv, Yv)


def _epoch_callbacks(est: Any, settings: Settings) -> tuple[Callable | None, Callable]:
    """What the loop calls after each epoch (callbacks, progress bar), and a closing call."""
    callbacks: list[Callable] = list(est.callbacks or [])
    bar = None
    if est.verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=settings.max_iter, desc=type(est).__name__, unit="epoch",
                   mininterval=0.5)

    def on_epoch(info: EpochInfo) -> bool:
        if bar is not None:
            bar.update()
            bar.set_postfix(loss=f"{info.loss:.4g}", refresh=False)
        figures = info.as_dict()
        return any([bool(cb(est, figures)) for cb in callbacks])

    def finish() -> None:
        if bar is not None:
            bar.close()

    # (Nothing to tell per epoch: the loop need not call back.)
    return (on_epoch if callbacks or bar is not None else None), finish

