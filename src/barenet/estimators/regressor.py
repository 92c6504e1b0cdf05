"""The regressor: identity output and half squared error, one or several targets."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from .base import _BaseNeuralNet
from .fitting import fit


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
        return fit(self, X, y, sample_weight, None, incremental=True)

    def predict(self, X):
        """Predicted values, shape (n_samples,) or (n_samples, n_outputs)."""
        Z = self._logits(X)
        return Z[:, 0] if self._y_1d else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
