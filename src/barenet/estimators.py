"""scikit-learn estimators over the engine: NeuralNetClassifier and NeuralNetRegressor.

They follow scikit-learn's contract (``__init__`` only stores arguments,
parameters are validated in ``fit``, learned attributes end in ``_``,
randomness only through ``random_state``) and the names and meanings of
``MLPClassifier`` / ``MLPRegressor`` wherever the concept is the same, so code
written for those reads barenet's: ``coefs_[i]`` has shape ``(n_in, n_out)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._memory import (
    check_memory,
    fit_memory,
    forward_rows,
    memory_errors_explained,
    n_parameters,
)
from .engine.activations import ACTIVATIONS, Activation, get_activation, sigmoid
from .engine.initializers import INITIALIZERS, initialize, mlp_uniform
from .engine.losses import OUTPUTS, log_sigmoid, log_softmax, softmax
from .training import Network, Settings, Validation, train_lbfgs, train_stochastic

Array = np.ndarray

_DTYPES = {"float64": np.float64, "float32": np.float32}


# MLPClassifier's name of the output activation of each task (``out_activation_``).
OUT_ACTIVATION = {"binary": "logistic", "multilabel": "logistic", "multiclass": "softmax",
                  "regression": "identity"}
# Data larger than memory is read this many mini-batches at a time.
STREAM_BLOCK_BATCHES = 64
# Memory-mapped arrays from this size on are streamed (smaller ones are loaded).
STREAM_MIN_BYTES = 32 * 2**20


def _out_of_core(X: Any, dtype: type) -> bool:
    """Whether to stream ``X`` rather than load it: a Dask array, or a memory-mapped
    array of at least :data:`STREAM_MIN_BYTES` already in the model's dtype (any
    other would have to be converted, which copies it)."""
    if hasattr(X, "dask") and hasattr(X, "compute"):
        return True
    return isinstance(X, np.memmap) and X.dtype == dtype and X.nbytes >= STREAM_MIN_BYTES


def _validate(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    """scikit-learn's ``validate_data``, quietly.

    NOTE: its finiteness check first sums the data, and ``inf + -inf`` then
    warns "invalid value encountered"; the ValueError that follows says
    what is wrong, so the warning is only noise.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return validate_data(estimator, *args, **kwargs)


class _BaseNeuralNet(BaseEstimator):
    """What the classifier and the regressor share: parameters, fitting, the network."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS)), Activation, tuple, list],
        "solver": [StrOptions({"sgd", "adam", "lbfgs"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions(set(_DTYPES)), type],
        "init": [StrOptions({"auto", *INITIALIZERS})],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dtype="float64",
        init="auto",
        max_grad_norm=None,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dtype = dtype
        self.init = init
        self.max_grad_norm = max_grad_norm
        self.callbacks = callbacks

    # -- hooks for the subclasses -------------------------------------------------
    def _encode_targets(self, y: Any, first: bool, classes: Any = None) -> Array:
        raise NotImplementedError

    def _network_score(self, net: Network, X: Array, Y: Array) -> float:
        raise NotImplementedError

    def _sample_weight(self, y: Any, sample_weight: Any, X: Array, incremental: bool) -> Any:
        if sample_weight is None:
            return None
        sw = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if np.any(sw < 0) or not sw.sum() > 0:
            raise ValueError("sample_weight must be non-negative with a positive sum")
        return sw

    # -- checks -----------------------------------------------------------------
    def _dtype(self) -> type:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            dtype = None
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be 'float64' or 'float32', got {self.dtype!r}")
        return dtype.type

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.isscalar(sizes) else list(sizes)
        if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {self.hidden_layer_sizes!r}"
            )
        return [int(s) for s in sizes]

    def _hidden_activations(self, n_hidden: int) -> list[Activation]:
        if isinstance(self.activation, list):
            if len(self.activation) != n_hidden:
                raise ValueError(
                    f"activation has {len(self.activation)} entries but there are "
                    f"{n_hidden} hidden layers; give one per layer, or a single name"
                )
            return [get_activation(a) for a in self.activation]
        return [get_activation(self.activation)] * n_hidden

    def _settings(self, n_samples: int) -> Settings:
        if self.batch_size is None:
            batch = n_samples
        elif self.batch_size == "auto":
            batch = min(200, n_samples)
        else:
            batch = min(self.batch_size, n_samples)
        return Settings(
            solver=self.solver, batch_size=batch, learning_rate=self.learning_rate,
            learning_rate_init=float(self.learning_rate_init), power_t=float(self.power_t),
            momentum=float(self.momentum), nesterovs_momentum=self.nesterovs_momentum,
            beta_1=float(self.beta_1), beta_2=float(self.beta_2), epsilon=float(self.epsilon),
            alpha=float(self.alpha), max_iter=self.max_iter, tol=float(self.tol),
            n_iter_no_change=self.n_iter_no_change, early_stopping=self.early_stopping,
            shuffle=self.shuffle, max_grad_norm=self.max_grad_norm, max_fun=self.max_fun)

    # -- the network ------------------------------------------------------------
    def _new_network(self, n_features: int, n_outputs: int, dtype: type) -> Network:
        sizes = self._hidden_sizes()
        hidden = self._hidden_activations(len(sizes))
        layer_sizes = [n_features, *sizes, n_outputs]
        if self.init == "auto":
            named = self.activation if isinstance(self.activation, list) else [self.activation]
            sigmoid_net = bool(named) and all(
                get_activation(a) == ACTIVATIONS["sigmoid"] for a in named)
            coefs, intercepts = mlp_uniform(layer_sizes, self._random_state, dtype,
                                            factor=2.0 if sigmoid_net else 6.0)
        else:
            coefs, intercepts = initialize(layer_sizes, self.init, self._random_state, dtype)
        return Network(coefs, intercepts, hidden, OUTPUTS[self._output_name])

    def _network(self) -> Network:
        return Network(self.coefs_, self.intercepts_, self._hidden, OUTPUTS[self._output_name])

    def _logits(self, X: Any) -> Array:
        check_is_fitted(self)
        X = _validate(self, X, reset=False, dtype=self._dtype())
        return self._network().logits(X)

    # -- memory -------------------------------------------------------------------
    def _fit_memory(self, X: Any, n_outputs: int, settings: Settings, dtype: type, first: bool,
                    streamed: bool, validated: bool, incremental: bool) -> dict[str, int]:
        """Bytes this fit will need, by part (see :func:`barenet._memory.fit_memory`)."""
        n_samples, n_features = X.shape
        if first:
            hidden = self._hidden_sizes()
            in_place = all(g.slope_from_output for g in self._hidden_activations(len(hidden)))
        else:  # (warm start: the fitted network's sizes)
            hidden = [W.shape[1] for W in self.coefs_[:-1]]
            in_place = all(g.slope_from_output for g in self._hidden)
        sizes = [n_features, *hidden, n_outputs]
        s = np.dtype(dtype).itemsize
        parts = fit_memory(sizes, n_samples, settings.batch_size, self.solver, s,
                           in_place=in_place)
        if streamed:  # blocks read and shuffled
            parts["data"] = 2 * STREAM_BLOCK_BATCHES * settings.batch_size * (
                n_features + n_outputs) * s
        split = self.early_stopping and not (validated or incremental or self.solver == "lbfgs")
        if validated or split:
            # Scoring goes through chunks in a workspace with room for a gradient.
            units = sum(sizes[1:])
            held_out = (forward_rows(units, s, 4096) * 4 * units + n_parameters(sizes)) * s
            if self.early_stopping:
                held_out += n_parameters(sizes) * s  # the best weights
            if split:
                held_out += n_samples * (n_features + n_outputs) * s  # the split's copies
            parts["held-out data"] = held_out
        return parts

    def _memory_advice(self, parts: dict[str, int], dtype: type) -> str:
        """What to change when ``parts`` do not fit, biggest part first."""
        options = {
            "activations": ("solver='adam' with a batch_size instead of 'lbfgs' (L-BFGS "
                            "computes on all the samples at once)" if self.solver == "lbfgs"
                            else "a smaller batch_size"),
            "L-BFGS": "solver='adam' instead of 'lbfgs' (L-BFGS keeps about 40 copies of "
                      "the weights)",
            "held-out data": "validation_data instead of early stopping's held-out fraction",
        }
        advice = ["fewer or smaller hidden layers"]
        advice += [options[p] for p in sorted(parts, key=parts.get, reverse=True)
                   if p in options and parts[p] >= sum(parts.values()) / 4]
        # (L-BFGS works in float64 whatever the model's dtype.)
        if dtype == np.float64 and parts.get("L-BFGS", 0) < sum(parts.values()) / 2:
            advice.append("dtype='float32' (half the memory of weights and activations)")
        return "use " + ", ".join(advice[:-1]) + " or " + advice[-1]

    # -- fitting ------------------------------------------------------------------
    def _fit(self, X, y, sample_weight, validation_data, incremental, classes=None):
        self._validate_params()
        dtype = self._dtype()
        fitted = hasattr(self, "coefs_")
        first = not fitted or not (self.warm_start or incremental)
        if incremental and self.solver == "lbfgs":
            raise ValueError("partial_fit is not available with solver='lbfgs'")
        streamed = _out_of_core(X, dtype)
        if streamed:
            X, y = self._check_streamed(X, y, first, dtype)
            self._encode_targets(y, first, classes, encode=False)
            Y = y  # raw: encoded batch by batch
        else:
            X, y = _validate(self, X, y, reset=first, dtype=dtype, multi_output=True,
                                 y_numeric=isinstance(self, RegressorMixin))
            Y = self._encode_targets(y, first, classes)
        sw = self._sample_weight(y, sample_weight, X, incremental)
        n_outputs = self._encode(y[:1]).shape[1]
        settings = self._settings(X.shape[0])
        need = self._fit_memory(X, n_outputs, settings, dtype, first, streamed,
                                validation_data is not None, incremental)
        advice = self._memory_advice(need, dtype)
        check_memory(need, "training this network", advice)
        # (A MemoryError the estimate did not foresee is reported with it, as one.)
        with memory_errors_explained(need, "training this network", advice):
            if first:
                self._random_state = check_random_state(self.random_state)
                net = self._new_network(X.shape[1], n_outputs, dtype)
                self.n_iter_, self.t_ = 0, 0
                self._optimizer = None
            else:
                net = self._network()
                if net.coefs[-1].shape[1] != n_outputs:
                    raise ValueError(
                        f"y has {n_outputs} outputs but the model was fitted with "
                        f"{net.coefs[-1].shape[1]}; fit a new model (warm_start=False)"
                    )
            self._hidden = net.hidden
            self.n_layers_ = len(net.coefs) + 1
            self.n_outputs_ = n_outputs
            self.out_activation_ = OUT_ACTIVATION[self._output_name]
            validation = None
            if validation_data is not None:
                Xv, yv = validation_data
                Xv, yv = _validate(self, Xv, yv, reset=False, dtype=dtype, multi_output=True,
                                       y_numeric=isinstance(self, RegressorMixin))
                validation = self._validation(Xv, self._encode_targets(yv, False))
            elif self.early_stopping and not incremental and self.solver != "lbfgs":
                # (L-BFGS does not stop early: holding data out would only waste it.)
                if streamed:
                    raise ValueError("early stopping on data larger than memory needs "
                                     "validation_data=(X_val, y_val): a held-out fraction "
                                     "would be copied")
                X, Y, sw, validation = self._split(X, y, Y, sw)
            on_epoch, finish = self._epoch_callbacks(net, settings)
            try:
                if self.solver == "lbfgs":
                    if streamed:
                        raise ValueError("solver='lbfgs' needs all the data in memory; use "
                                         "'sgd' or 'adam' to stream it in mini-batches")
                    result = train_lbfgs(net, X, Y, sw, settings, validation=validation,
                                         on_epoch=on_epoch)
                else:
                    optimizer = self._optimizer if incremental else None
                    result = train_stochastic(
                        net, X, Y, sw, settings, self._random_state, optimizer=optimizer,
                        validation=validation, epochs=1 if incremental else None,
                        on_epoch=on_epoch, samples_seen=self.t_,
                        block=STREAM_BLOCK_BATCHES * settings.batch_size if streamed else None,
                        encode=self._encode if streamed else None)
                    self._optimizer = result["optimizer"]
            finally:
                finish()
                self.coefs_, self.intercepts_ = net.coefs, net.intercepts
        history = result["history"]
        if incremental and hasattr(self, "history_"):
            for key, values in history.as_dict().items():
                self.history_[key].extend(values)
        else:
            self.history_ = history.as_dict()
        self.loss_curve_ = self.history_["loss"]
        # (L-BFGS may stop before its first iteration: then the curve is empty.)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else result["best_loss"]
        self.n_iter_ += result["n_iter"]
        self.t_ = result["samples_seen"]
        watched = result["best_validation_score"] is not None
        self.best_loss_ = None if watched else float(np.min(self.loss_curve_ or self.loss_))
        self.validation_scores_ = self.history_["val_score"] if watched else None
        self.best_validation_score_ = result["best_validation_score"] if watched else None
        # With n_iter_no_change=None the user asked for exactly max_iter epochs.
        if (not incremental and not result["converged"] and not result["interrupted"]
                and self.n_iter_no_change is not None and result["n_iter"] >= self.max_iter):
            warnings.warn(
                f"{type(self).__name__}: maximum iterations ({self.max_iter}) reached and "
                "the optimization hasn't converged yet; increase max_iter or tol",
                ConvergenceWarning, stacklevel=3)
        return self

    def _check_streamed(self, X: Any, y: Any, first: bool, dtype: type) -> tuple[Any, Array]:
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
            self.n_features_in_ = X.shape[1]
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input")
        y = np.asarray(y)  # labels are small beside X; a Dask array is computed here
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if len(y) != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {len(y)}; they must match")
        if y.dtype.kind == "f" and not np.isfinite(y.sum()):
            raise ValueError("y contains NaN or infinity; remove or impute those samples")
        return X, y

    def _validation(self, X: Array, Y: Array) -> Validation:
        return Validation(X, Y, lambda net: self._network_score(net, X, Y))

    def _split(self, X, y, Y, sw):
        stratify = y if self._output_name in ("binary", "multiclass") else None
        parts = [X, Y] if sw is None else [X, Y, sw]
        try:
            split = train_test_split(*parts, test_size=self.validation_fraction,
                                     random_state=self._random_state, stratify=stratify)
        except ValueError as exc:
            raise ValueError(
                f"cannot hold out validation_fraction={self.validation_fraction} of "
                f"{X.shape[0]} samples for early stopping ({exc}); use more data, a larger "
                "validation_fraction, or pass validation_data to fit"
            ) from None
        X, Xv, Y, Yv = split[:4]
        sw = split[4] if sw is not None else None
        return X, Y, sw, self._validation(Xv, Yv)

    def _epoch_callbacks(self, net: Network, settings: Settings):
        callbacks: list[Callable] = list(self.callbacks or [])
        bar = None
        if self.verbose:
            from tqdm.auto import tqdm

            bar = tqdm(total=settings.max_iter, desc=type(self).__name__, unit="epoch",
                       mininterval=0.5)

        def on_epoch(info: dict[str, Any]) -> bool:
            # Callbacks see the weights of this epoch through the usual attributes.
            self.coefs_, self.intercepts_ = net.coefs, net.intercepts
            if bar is not None:
                bar.update()
                bar.set_postfix(loss=f"{info['loss']:.4g}", refresh=False)
            return any([bool(cb(self, info)) for cb in callbacks])

        def finish() -> None:
            if bar is not None:
                bar.close()

        # (Nothing to tell per epoch: the loop need not call back.)
        return (on_epoch if callbacks or bar is not None else None), finish

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit the network to ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each sample in the loss.
        validation_data : tuple (X_val, y_val), optional
            Held-out data scored after every epoch (``history_``); with
            ``early_stopping=True`` it decides when to stop instead of a
            ``validation_fraction`` of the training data.

        Returns
        -------
        self

        Raises
        ------
        MemoryEstimateError
            Before anything is allocated, if the fit would need more memory
            than is available (a ``ValueError``; the message gives the
            estimate, by part, and what to change).
        DivergenceError
            If the loss blows up: the learning rate is too large.
        """
        return self._fit(X, y, sample_weight, validation_data, incremental=False)

    def _partial_fit_available(self) -> bool:
        return self.solver != "lbfgs"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class NeuralNetClassifier(ClassifierMixin, _BaseNeuralNet):
    """Multi-layer perceptron classifier, from scratch in NumPy.

    Binary (one sigmoid output), multi-class (softmax) and multi-label
    (a sigmoid per label, ``y`` an indicator matrix) classification with
    log-loss.  Parameters mean what they mean in scikit-learn's
    ``MLPClassifier``; the additions are ``dtype``, ``init``,
    ``max_grad_norm``, ``callbacks`` and ``class_weight``, and
    ``validation_data`` in :meth:`fit`.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (100,)
        Units per hidden layer; ``()`` gives plain logistic regression.
    activation : str, Activation, (callable, callable) or list, default "relu"
        "identity", "sigmoid" (or "logistic"), "tanh", "relu", "leaky_relu",
        a custom ``(forward(Z), derivative(Z))`` pair, or a list with one
        entry per hidden layer.
    solver : {"adam", "sgd", "lbfgs"}, default "adam"
    alpha : float, default 1e-4
        L2 penalty on the weights (not the biases).
    batch_size : int, "auto" or None, default "auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``, None the full batch.
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant"
        Schedule for "sgd": constant, ``lr / (t + 1) ** power_t``, or divided
        by 5 at each plateau ("adaptive", reduce on plateau).
    learning_rate_init : float, default 0.001
    power_t : float, default 0.5
    max_iter : int, default 200
        Epochs (passes over the data); iterations for "lbfgs".
    shuffle : bool, default True
        Shuffle the samples (by index) every epoch.
    random_state : int, RandomState or None
        The only source of randomness: weights, shuffling, validation split.
    tol : float, default 1e-4
    verbose : bool, default False
        Show a progress bar over the epochs.
    warm_start : bool, default False
        Start ``fit`` from the current weights.
    momentum : float, default 0.9
    nesterovs_momentum : bool, default True
    early_stopping : bool, default False
        Stop when the validation score stops improving and restore the best
        weights.
    validation_fraction : float, default 0.1
    beta_1, beta_2, epsilon : float
        Adam's parameters.
    n_iter_no_change : int or None, default 10
        Epochs without improvement (by ``tol``) before stopping; None never stops early.
    max_fun : int, default 15000
        Function evaluations for "lbfgs".
    dtype : {"float64", "float32"}, default "float64"
        Precision of the weights and of every computation.
    init : {"auto", "small_random", "glorot_uniform", "glorot_normal", "he_normal"}
        "auto" is ``MLPClassifier``'s scheme: weights and biases from
        ``U(-l, l)``, ``l = sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)``
        for sigmoid networks), so the same ``random_state`` gives the same
        starting network; the named initialisers draw the weights and start
        the biases at zero.
    max_grad_norm : float, optional
        Clip the gradients' joint L2 norm to this value.
    callbacks : list of callable, optional
        ``callback(estimator, info)`` after every epoch, ``info`` a dict with
        ``epoch, loss, val_loss, val_score, learning_rate``; a true return
        value stops training.
    class_weight : dict, "balanced" or None
        Weights of the classes in the loss.

    Attributes
    ----------
    classes_ : ndarray
    coefs_ : list of ndarray, ``coefs_[i]`` of shape (n_in, n_out)
    intercepts_ : list of ndarray, ``intercepts_[i]`` of shape (n_out,)
    loss_curve_ : list of float
    history_ : dict of lists
        ``loss``, ``val_loss``, ``val_score``, ``learning_rate`` per epoch.
    n_iter_, t_, n_layers_, n_outputs_, out_activation_, n_features_in_,
    feature_names_in_, best_loss_, validation_scores_, best_validation_score_

    Notes
    -----
    The article's network is
    ``NeuralNetClassifier(hidden_layer_sizes=(4,), activation="tanh",
    solver="sgd", learning_rate_init=1.2, momentum=0, batch_size=None,
    alpha=0, init="small_random", random_state=2, max_iter=5000,
    n_iter_no_change=None)``: it computes what ``barenet.shallow.nn_model``
    does, to rounding.

    Examples
    --------
    >>> from barenet import NeuralNetClassifier, datasets
    >>> X, y = datasets.noisy_moons()
    >>> clf = NeuralNetClassifier((16,), max_iter=300, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.8
    True
    """

    _parameter_constraints = {
        **_BaseNeuralNet._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 dtype="float64", init="auto", max_grad_norm=None, callbacks=None,
                 class_weight=None):
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, dtype=dtype,
            init=init, max_grad_norm=max_grad_norm, callbacks=callbacks)
        self.class_weight = class_weight

    def _encode_targets(self, y, first, classes=None, encode=True):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(
                f"Unknown label type: y looks like {kind!r} targets; NeuralNetClassifier "
                "needs class labels (use NeuralNetRegressor for continuous targets)")
        labels = None if kind == "multilabel-indicator" else unique_labels(y)
        if first:
            binarizer = LabelBinarizer()
            binarizer.fit(y if labels is None else labels if classes is None else classes)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"y has only one class ({binarizer.classes_[0]!r}); a classifier needs "
                    "samples of at least 2 classes")
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
            self._output_name = ("multilabel" if binarizer.y_type_ == "multilabel-indicator"
                                 else "binary" if len(self.classes_) == 2 else "multiclass")
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"classes={list(classes)!r} differs from the classes of the first call "
                f"({self.classes_.tolist()}); pass the same classes, or fit a new model")
        if self._output_name != "multilabel":
            unseen = np.setdiff1d(labels, self.classes_)
            if unseen.size:
                raise ValueError(
                    f"y has labels {unseen.tolist()} the model has not seen: its classes are "
                    f"{self.classes_.tolist()}; pass every class with classes= on the first "
                    "call to partial_fit, or fit a new model")
        return self._encode(y) if encode else None

    def _encode(self, y):
        """Targets as the output layer sees them: 0/1 columns or one-hot rows."""
        dtype = self._dtype()
        y = np.asarray(y)
        if self._output_name == "multilabel":
            return self._label_binarizer.transform(y).astype(dtype)
        # NOTE: encoded directly rather than through LabelBinarizer.transform,
        # whose intermediate copies cost several times the labels' own size.
        if self._output_name == "binary":
            return (y.ravel() == self.classes_[1]).astype(dtype).reshape(-1, 1)
        Y = np.zeros((len(y), len(self.classes_)), dtype)
        Y[np.arange(len(y)), np.searchsorted(self.classes_, y.ravel())] = 1
        return Y

    def _sample_weight(self, y, sample_weight, X, incremental):
        sw = super()._sample_weight(y, sample_weight, X, incremental)
        if self.class_weight is None:
            return sw
        if self._output_name == "multilabel":
            raise ValueError("class_weight is not supported for multi-label targets; "
                             "pass sample_weight instead")
        if incremental and self.class_weight == "balanced":
            raise ValueError("class_weight='balanced' needs the whole data; with partial_fit "
                             "give a dict of class weights")
        cw = compute_sample_weight(self.class_weight, y).astype(X.dtype)
        return cw if sw is None else cw * sw

    def _network_score(self, net, X, Y):
        Z = net.logits(X)
        if self._output_name == "multiclass":
            return float(np.mean(Z.argmax(axis=1) == Y.argmax(axis=1)))
        return float(np.mean(np.all((Z > 0) == (Y > 0.5), axis=1)))

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit the network to ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels of any type, or a 0/1 indicator matrix (multi-label).
        sample_weight : array-like of shape (n_samples,), optional
        validation_data : tuple (X_val, y_val), optional
            Scored every epoch into ``history_``; with ``early_stopping`` it
            replaces the ``validation_fraction`` split.

        Returns
        -------
        self

        Raises
        ------
        MemoryEstimateError
            Before anything is allocated, if the fit would need more memory
            than is available (a ``ValueError``; the message gives the
            estimate, by part, and what to change).
        DivergenceError
            If the loss blows up: the learning rate is too large.
        """
        return self._fit(X, y, sample_weight, validation_data, incremental=False)

    @available_if(_BaseNeuralNet._partial_fit_available)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``X, y``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like, optional
            All the classes; required on the first call unless ``y`` holds them all.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, None, incremental=True, classes=classes)

    def decision_function(self, X):
        """Output logits: shape (n_samples,) for two classes, else (n_samples, n_outputs)."""
        Z = self._logits(X)
        return Z[:, 0] if self._output_name == "binary" else Z

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes) (n_labels for multi-label)."""
        Z = self._logits(X)
        if self._output_name == "binary":
            return np.hstack([sigmoid(-Z), sigmoid(Z)])  # no 1 - p: exact near 0 too
        return softmax(Z) if self._output_name == "multiclass" else sigmoid(Z)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed from the logits (never log 0)."""
        Z = self._logits(X)
        if self._output_name == "binary":
            return np.hstack([log_sigmoid(-Z), log_sigmoid(Z)])
        return log_softmax(Z) if self._output_name == "multiclass" else log_sigmoid(Z)

    def predict(self, X):
        """Predicted labels, shape (n_samples,) (an indicator matrix for multi-label)."""
        Z = self._logits(X)
        if self._output_name == "multiclass":
            return self.classes_[Z.argmax(axis=1)]
        # NOTE: sigmoid(z) > 1/2 exactly when z > 0; comparing logits avoids rounding.
        return self._label_binarizer.inverse_transform((Z > 0).astype(int))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
    """Multi-layer perceptron regressor, from scratch in NumPy.

    Identity output and half squared error; one or several targets.
    Parameters as :class:`NeuralNetClassifier` (without ``class_weight``),
    named as in scikit-learn's ``MLPRegressor``.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import NeuralNetRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> reg = NeuralNetRegressor((32,), activation="tanh", solver="lbfgs",
    ...                          random_state=0).fit(X, X.ravel() ** 2)
    >>> reg.score(X, X.ravel() ** 2) > 0.95
    True
    """

    _output_name = "regression"

    def _encode_targets(self, y, first, classes=None, encode=True):
        if first:
            self._y_1d = y.ndim == 1
        return self._encode(y) if encode else None

    def _encode(self, y):
        """Targets as a column matrix of the model's dtype."""
        y = np.asarray(y)
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(self._dtype())

    def _network_score(self, net, X, Y):
        return float(r2_score(Y, net.logits(X)))

    @available_if(_BaseNeuralNet._partial_fit_available)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``X, y``, continuing from the current weights.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, None, incremental=True)

    def predict(self, X):
        """Predicted values, shape (n_samples,) or (n_samples, n_outputs)."""
        Z = self._logits(X)
        return Z[:, 0] if self._y_1d else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
