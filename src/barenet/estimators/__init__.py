"""scikit-learn estimators over the engine: NeuralNetClassifier and NeuralNetRegressor.

They follow scikit-learn's contract and the names and meanings of
``MLPClassifier`` / ``MLPRegressor`` wherever the concept is the same, so code
written for those reads barenet's: ``coefs_[i]`` has shape ``(n_in, n_out)``.

``base``        parameters, checks, the network of a fitted estimator
``fitting``     fit and partial_fit around :mod:`barenet.training`
``memory``      what a fit needs in memory, and what to change
``classifier``  :class:`NeuralNetClassifier`
``regressor``   :class:`NeuralNetRegressor`
"""

from .base import _BaseNeuralNet
from .classifier import NeuralNetClassifier
from .fitting import OUT_ACTIVATION, STREAM_MIN_BYTES
from .memory import STREAM_BLOCK_BATCHES
from .regressor import NeuralNetRegressor

# The public name, for reprs, pickles and documentation (the classes live in submodules).
NeuralNetClassifier.__module__ = NeuralNetRegressor.__module__ = __name__

__all__ = ["OUT_ACTIVATION", "STREAM_BLOCK_BATCHES", "STREAM_MIN_BYTES", "NeuralNetClassifier",
           "NeuralNetRegressor", "_BaseNeuralNet"]
