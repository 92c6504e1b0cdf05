"""The regressor: identity output with half squared error, or exp with Poisson deviance."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ..engine.losses import OUTPUTS
from .base import Array, _BaseNeuralNet
from .fitting import OUT_ACTIVATION, fit


class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
    """Multi-layer perceptron regressor, from scratch in NumPy.

    One or several targets.  Parameters are named, ordered and mean what
    they do in scikit-learn's ``MLPRegressor`` (``loss`` first); the others
    are those of :class:`NeuralNetClassifier`, without ``class_weight``.

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default "squared_error"
        "squared_error": identity output, loss ``(1/m) sum (z - y)**2 / 2``.
        "poisson": the log link, for counts and rates ``y >= 0``: predictions
        ``exp(z)``, loss half the Poisson deviance
        ``(1/m) sum [y log(y / exp(z)) - y + exp(z)]`` (``out_activation_``
        is ``"exp"``).  Both are ``MLPRegressor``'s losses, to rounding.
    hidden_layer_sizes, activation, solver, alpha, ... : see NeuralNetClassifier
        Every parameter of :class:`NeuralNetClassifier` but ``class_weight``.

    Notes
    -----
    :meth:`score` is the R² of the predictions for either loss, as
    ``MLPRegressor``'s; for the Poisson loss,
    ``sklearn.metrics.d2_tweedie_score(y, model.predict(X), power=1)`` is
    the fraction of Poisson deviance explained.

    Examples
    --------
    >>> import numpy as np
    >>> from barenet import NeuralNetRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> reg = NeuralNetRegressor(hidden_layer_sizes=(32,), activation="tanh",
    ...                          solver="lbfgs", random_state=0).fit(X, X.ravel() ** 2)
    >>> reg.score(X, X.ravel() ** 2) > 0.95
    True
    >>> counts = np.random.default_rng(0).poisson(np.exp(X.ravel()))
    >>> glm = NeuralNetRegressor("poisson", hidden_layer_sizes=(1,), activation="identity",
    ...                          alpha=0, solver="lbfgs", random_state=0).fit(X, counts)
    >>> bool(np.all(glm.predict(X) > 0))
    True
    """

    _parameter_constraints = {
        **_BaseNeuralNet._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 dtype=None, init="auto", max_grad_norm=None, callbacks=None):
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, dtype=dtype,
            init=init, max_grad_norm=max_grad_norm, callbacks=callbacks)
        self.loss = loss

    @property
    def _output_name(self) -> str:
        """The output (a key of :data:`~barenet.engine.losses.OUTPUTS`) that ``loss`` names."""
        return "poisson" if self.loss == "poisson" else "regression"

    def _check_fitted_output(self) -> None:
        """Refuse a ``loss`` changed since the fit: the weights were fitted for the other."""
        fitted = getattr(self, "out_activation_", None)
        if fitted is not None and fitted != OUT_ACTIVATION[self._output_name]:
            raise ValueError(
                f"loss={self.loss!r} but this model was fitted with the {fitted!r} output "
                f"of the other loss; set loss back, or fit again with warm_start=False")

    def _encode_targets(self, y, first, classes=None, encode=True):
        if first:
            self._y_1d = y.ndim == 1
        else:
            self._check_fitted_output()
        if self.loss == "poisson" and np.any(np.asarray(y) < 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for Poisson "
                             "regression; use loss='squared_error' for targets of any sign")
        return self._encode(y) if encode else None

    def _encode(self, y):
        """Targets as a column matrix of the model's dtype."""
        y = np.asarray(y)
        return (y.reshape(-1, 1) if y.ndim == 1 else y).astype(self._dtype())

    def _network_score(self, net, X, Y):
        return float(r2_score(Y, net.output.activation(net.logits(X))))

    @available_if(_BaseNeuralNet._partial_fit_available)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetRegressor:
        """One epoch over ``X, y``, continuing from the current weights.

        Returns
        -------
        self
        """
        return fit(self, X, y, sample_weight, None, incremental=True)

    def predict(self, X: Any) -> Array:
        """Predicted values, shape (n_samples,) or (n_samples, n_outputs).

        ``Z`` of the output layer for ``loss="squared_error"``, the means
        ``exp(Z)`` for ``loss="poisson"``.
        """
        Z = self._logits(X)
        self._check_fitted_output()
        P = OUTPUTS[self._output_name].activation(Z)
        return P[:, 0] if self._y_1d else P

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
