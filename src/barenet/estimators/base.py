"""What the classifier and the regressor share: parameters, checks, the network.

Scikit-learn's contract (``__init__`` only stores arguments, parameters are
validated in ``fit``, learned attributes end in ``_``, randomness only
through ``random_state``) and ``MLPClassifier``'s names and meanings.  How a
fit runs is :mod:`.fitting`; what it needs in memory, :mod:`.memory`.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..engine.activations import ACTIVATIONS, Activation, get_activation
from ..engine.initializers import INITIALIZERS, initialize, mlp_uniform
from ..engine.losses import OUTPUTS
from ..engine.network import Network
from ..training import Settings
from ..training.batches import sparse_chunks
from .fitting import fit, validate

Array = np.ndarray
_Model = TypeVar("_Model", bound="_BaseNeuralNet")  # fit returns the estimator's own class

_DTYPES = {"float64": np.float64, "float32": np.float32}


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
        "verbose": ["verbose", StrOptions({"progress"})],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        # (np.inf, as in scikit-learn, and None: never stop early.)
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"),
                             Options(Real, {np.inf}), None],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions(set(_DTYPES)), type, None],
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
        dtype=None,
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

    def _check_warm_start(self, y: Any) -> None:
        """Refuse targets a warm-started ``fit`` cannot continue on (the classifier's classes)."""

    # -- checks -----------------------------------------------------------------
    def _requested_dtype(self) -> type | None:
        """The ``dtype`` parameter as a NumPy type; None to follow the data's."""
        if self.dtype is None:
            return None
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            dtype = None
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be 'float64', 'float32' or None, got {self.dtype!r}")
        return dtype.type

    def _dtype(self) -> type:
        """The dtype the model computes in: the one its (last) fit chose.

        A model loaded from a file computes in its weights' dtype; before any
        fit it is the ``dtype`` parameter's, float64 for None.
        """
        dtype = getattr(self, "_fit_dtype", None)
        if dtype is None and hasattr(self, "coefs_"):
            dtype = self.coefs_[0].dtype.type
        return dtype or self._requested_dtype() or np.float64

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.isscalar(sizes) else list(sizes)
        if not all(isinstance(s, Integral) and int(s) >= 1 for s in sizes):
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
        return Network.from_weights(coefs, intercepts, hidden, OUTPUTS[self._output_name])

    def _network(self) -> Network:
        """The fitted network: a copy of ``coefs_`` and ``intercepts_`` in the engine's layout."""
        return Network.from_weights(self.coefs_, self.intercepts_, self._hidden,
                                    OUTPUTS[self._output_name])

    def _logits(self, X: Any) -> Array:
        check_is_fitted(self)
        if sparse_chunks(X):
            X = X.compute()  # (a Dask array of sparse chunks: one sparse matrix)
        X = validate(self, X, reset=False, dtype=self._dtype(), accept_sparse="csr")
        return self._network().logits(X)

    def fit(self: _Model, X: Any, y: Any, sample_weight: Any = None,
            validation_data: tuple[Any, Any] | None = None) -> _Model:
        """Fit the network to ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels of any type, or a 0/1 indicator matrix (multi-label),
            for the classifier; values for the regressor.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each sample in the loss.
        validation_data : tuple (X_val, y_val), optional
            Held-out data scored after every epoch (``history_``); with
            ``early_stopping=True`` it decides when to stop instead of a
            ``validation_fraction`` of the training data.  It is used as
            given: inside a ``Pipeline`` it does not go through the
            pipeline's transforms; pass ``pipe[:-1].transform(X_val)`` from
            transforms fitted on the training data, or use
            ``early_stopping=True`` with ``validation_fraction``.

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
            If the loss blows up: the learning rate is too large.  With
            ``early_stopping=True`` (and "sgd" or "adam") training stops
            instead, on the best validated weights, with a
            ``ConvergenceWarning``.
        ValueError
            With ``warm_start=True``, for ``y`` of other classes than the
            previous fit's; with ``early_stopping=True``, when the held-out
            fraction would be too small to score (fewer than 2 samples).
        """
        return fit(self, X, y, sample_weight, validation_data, incremental=False)

    def _partial_fit_available(self) -> bool:
        return self.solver != "lbfgs"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags

