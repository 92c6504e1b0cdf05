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
from .._warnings import caller_stacklevel
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
                  "regression": "identity", "poisson": "exp"}
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


def fit_dtypes(est: Any, first: bool) -> list[type]:
    """The dtypes a fit may compute in; data of any other is converted to the first.

    A new fit follows ``dtype``, or with ``dtype=None`` the data (float32
    stays float32, anything else becomes float64, as in scikit-learn's MLP);
    a continued one (``warm_start``, ``partial_fit``) keeps the fitted dtype.
    """
    requested = est._requested_dtype()
    if first:
        return [np.float64, np.float32] if requested is None else [requested]
    fitted = est._dtype()
    if requested not in (None, fitted):
        name = np.dtype(fitted).name
        raise ValueError(f"dtype={est.dtype!r} but this model was fitted in {name}; set "
                         f"dtype={name!r} or None to continue, or fit a new model "
                         "(warm_start=False)")
    return [fitted]


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
    first = not hasattr(est, "coefs_") or not (est.warm_start or incremental)
    if incremental and est.solver == "lbfgs":
        raise ValueError("partial_fit is not available with solver='lbfgs'")
    if incremental and est.early_stopping:
        # (scikit-learn's refusal: one epoch at a time leaves nothing to stop on.)
        raise ValueError("partial_fit does not support early_stopping=True; set "
                         "early_stopping=False, or use fit")
    dtypes = fit_dtypes(est, first)
    streamed = any(out_of_core(X, dtype) for dtype in dtypes)
    if streamed:
        X, y = _check_streamed(est, X, y, first, dtypes)
    else:
        X, y = validate(est, X, y, reset=first, dtype=dtypes, multi_output=True,
                        y_numeric=isinstance(est, RegressorMixin), accept_sparse="csr")
    dtype = est._fit_dtype = X.dtype.type
    if not (first or incremental):
        est._check_warm_start(y)
    Y = est._encode_targets(y, first, classes, encode=not streamed)
    Y = y if streamed else Y  # (streamed: encoded batch by batch)
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
                              y_numeric=isinstance(est, RegressorMixin), accept_sparse="csr")
            validation = _validation(est, Xv, est._encode_targets(yv, False))
        elif est.early_stopping and est.solver != "lbfgs":
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
    on_epoch, log, finish = _epoch_callbacks(est, settings, est.n_iter_ if incremental else 0)
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
                                samples_seen=est.t_, on_epoch=on_epoch, log=log)
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
    # As in scikit-learn, a fit's n_iter_ counts its own epochs, warm-started or not;
    # partial_fit's count on (one each), so that n_iter_ == len(loss_curve_) there.
    est.n_iter_ = est.n_iter_ + result.n_iter if incremental else result.n_iter
    est.t_ = result.samples_seen
    watched = result.best_validation_score is not None
    est.best_loss_ = None if watched else float(np.min(est.loss_curve_ or est.loss_))
    est.validation_scores_ = est.history_["val_score"] if watched else None
    est.best_validation_score_ = result.best_validation_score if watched else None
    name = type(est).__name__
    if result.diverged is not None:
        warnings.warn(
            f"{name}: {result.diverged}; early stopping restored the weights of the best "
            f"validation score ({result.best_validation_score:.6g}) and stopped. Use a "
            "smaller learning rate (learning_rate_init) or set max_grad_norm.",
            ConvergenceWarning,
            stacklevel=caller_stacklevel())
    # (L-BFGS warns itself, as scikit-learn's; n_iter_no_change=None asks for
    # exactly max_iter epochs.)
    elif (not incremental and est.solver != "lbfgs" and not result.converged
            and not result.interrupted and est.n_iter_no_change is not None
            and result.n_iter >= est.max_iter):
        warnings.warn(
            f"{name}: maximum iterations ({est.max_iter}) reached and the optimization "
            "hasn't converged yet; increase max_iter or tol", ConvergenceWarning,
            stacklevel=caller_stacklevel())


def _check_streamed(est: Any, X: Any, y: Any, first: bool,
                    dtypes: list[type]) -> tuple[Any, Array]:
    """Checks for a memory-mapped or Dask ``X`` that read nothing of it.

    Values are checked block by block as training reads them.
    """
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-D array with samples and features, got shape "
                         f"{X.shape}")
    if X.dtype not in dtypes:
        names = [np.dtype(d).name for d in dtypes]
        raise ValueError(
            f"X is a {X.dtype} Dask array but the model computes in {' or '.join(names)}; "
            f"convert it with X.astype('{names[0]}') or set dtype to match")
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
        raise _too_small(est, X.shape[0], str(exc)) from None
    X, Xv, Y, Yv = split[:4]
    if Xv.shape[0] < 2:  # (scikit-learn's bound: R^2 of one sample is undefined)
        raise _too_small(est, X.shape[0] + Xv.shape[0], f"it holds {Xv.shape[0]} sample, "
                         "and scoring needs at least 2")
    sw = split[4] if sw is not None else None
    return X, Y, sw, _validation(est, Xv, Yv)


def _too_small(est: Any, n_samples: int, why: str) -> ValueError:
    """scikit-learn's error for a held-out set too small, with the numbers."""
    return ValueError(
        f"The validation set is too small for early stopping: validation_fraction="
        f"{est.validation_fraction} of {n_samples} samples ({why}). Increase "
        "'validation_fraction' or the size of your dataset, or pass validation_data to fit.")


def _epoch_callbacks(est: Any, settings: Settings,
                     done: int) -> tuple[Callable | None, Callable | None, Callable]:
    """What the loop calls after each epoch, what it logs with, and a closing call.

    ``verbose=True`` (or an int above 0) prints what scikit-learn's MLP
    prints, in its formats; ``verbose="progress"`` shows a progress bar
    instead.  ``done`` epochs were counted before this call (partial_fit).
    """
    callbacks: list[Callable] = list(est.callbacks or [])
    bar = None
    printing = bool(est.verbose) and not isinstance(est.verbose, str)
    if est.verbose == "progress":
        from .._progress import progress_bar

        bar = progress_bar(total=settings.max_iter, desc=type(est).__name__, unit="epoch",
                           mininterval=0.5)

    def on_epoch(info: EpochInfo) -> bool:
        if printing:
            print(f"Iteration {done + info.epoch + 1:d}, loss = {info.loss:.8f}")
            if info.val_score is not None:
                print(f"Validation score: {info.val_score:f}")
        if bar is not None:
            bar.update()
            bar.set_postfix(loss=f"{info.loss:.4g}", refresh=False)
        figures = info.as_dict()
        return any([bool(cb(est, figures)) for cb in callbacks])

    def finish() -> None:
        if bar is not None:
            bar.close()

    # (Nothing to tell per epoch: the loop need not call back.)
    told = callbacks or bar is not None or printing
    return (on_epoch if told else None), (print if printing else None), finish
