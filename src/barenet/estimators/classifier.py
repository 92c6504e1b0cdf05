"""The classifier: binary, multi-class and multi-label, with log-loss."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels

from ..engine.activations import sigmoid
from ..engine.losses import log_sigmoid, log_softmax, softmax
from .base import Array, _BaseNeuralNet
from .fitting import fit


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
    verbose : bool, int or "progress", default False
        True (or an int above 0) prints what ``MLPClassifier`` prints to
        stdout: ``Iteration N, loss = L`` after every epoch,
        ``Validation score: S`` when there is held-out data, and why
        training stopped or the learning rate dropped.  "progress" shows a
        progress bar (on stderr) instead.  For "lbfgs" the lines are
        printed per iteration; SciPy's own report is not (scikit-learn
        passes ``verbose`` on to SciPy).
    warm_start : bool, default False
        Start ``fit`` from the current weights, on the same classes (else
        ``ValueError``, as in scikit-learn).
    momentum : float, default 0.9
    nesterovs_momentum : bool, default True
    early_stopping : bool, default False
        Stop when the validation score stops improving and restore the best
        weights.  If the loss blows up, training stops there too and the
        best validated weights are restored, with a ``ConvergenceWarning``
        saying so (without early stopping it raises ``DivergenceError``).
        ``partial_fit`` refuses it, as scikit-learn's does.
    validation_fraction : float, default 0.1
        Held out (stratified) for early stopping; a ``ValueError`` says so
        when it would hold fewer than 2 samples.
    beta_1, beta_2, epsilon : float
        Adam's parameters.
    n_iter_no_change : int, np.inf or None, default 10
        Epochs without improvement (by ``tol``) before stopping.  ``np.inf``
        never stops early, as in scikit-learn; None (barenet's) never stops
        early either, and runs exactly ``max_iter`` epochs without a
        ``ConvergenceWarning`` (as the article's loop does).
    max_fun : int, default 15000
        Function evaluations for "lbfgs".
    dtype : {"float64", "float32"} or None, default None
        Precision of the weights and of every computation.  None follows
        the data, as scikit-learn's MLP does: float32 ``X`` gives float32
        weights and outputs, anything else float64.  ``warm_start`` and
        ``partial_fit`` continue in the fitted dtype, whatever the new
        data's.  Predictions are always in the model's dtype (scikit-learn
        computes float64 ``X`` with float32 weights in float64; barenet
        keeps one precision end to end, as the engine computes in one).
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
    n_iter_ : int
        Epochs (iterations for "lbfgs") of the last ``fit``, warm-started
        or not, as in scikit-learn.  ``partial_fit`` counts on from there,
        one per call (scikit-learn's says 1 after each call): the epochs
        of incremental training, as many as ``loss_curve_`` holds.
    t_, n_layers_, n_outputs_, out_activation_, n_features_in_,
    feature_names_in_, best_loss_, validation_scores_, best_validation_score_
        As in scikit-learn.  ``loss_curve_`` and ``history_`` are the last
        ``fit``'s (scikit-learn's ``loss_curve_`` grows over warm-started
        fits), extended by each ``partial_fit``.

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
    >>> clf = NeuralNetClassifier((16,), learning_rate_init=0.05, max_iter=500,
    ...                           random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9
    True
    >>> clf.predict(X[:3]).tolist()
    [0, 1, 1]
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
                 dtype=None, init="auto", max_grad_norm=None, callbacks=None,
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

    def _check_warm_start(self, y):
        """As ``MLPClassifier``: a warm-started fit continues on the classes it was fitted on."""
        labels = unique_labels(y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y)
        if set(labels.tolist()) != set(self.classes_.tolist()):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the "
                f"previous call to fit. Previously got {self.classes_}, `y` has {labels}; "
                "fit a new model (warm_start=False) to learn other classes")

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

    @available_if(_BaseNeuralNet._partial_fit_available)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None,
                    classes: Any = None) -> NeuralNetClassifier:
        """One epoch over ``X, y``, continuing from the current weights.

        The arguments are ``MLPClassifier.partial_fit``'s, in its order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), optional
        classes : array-like, optional
            All the classes; required on the first call unless ``y`` holds them all.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            With ``early_stopping=True``, as scikit-learn's: there is no
            held-out data to stop on one epoch at a time.
        """
        return fit(self, X, y, sample_weight, None, incremental=True, classes=classes)

    def decision_function(self, X: Any) -> Array:
        """Output logits: shape (n_samples,) for two classes, else (n_samples, n_outputs)."""
        Z = self._logits(X)
        return Z[:, 0] if self._output_name == "binary" else Z

    def predict_proba(self, X: Any) -> Array:
        """Class probabilities, shape (n_samples, n_classes) (n_labels for multi-label)."""
        Z = self._logits(X)
        if self._output_name == "binary":
            return np.hstack([sigmoid(-Z), sigmoid(Z)])  # no 1 - p: exact near 0 too
        return softmax(Z) if self._output_name == "multiclass" else sigmoid(Z)

    def predict_log_proba(self, X: Any) -> Array:
        """Logarithm of :meth:`predict_proba`, computed from the logits (never log 0)."""
        Z = self._logits(X)
        if self._output_name == "binary":
            return np.hstack([log_sigmoid(-Z), log_sigmoid(Z)])
        return log_softmax(Z) if self._output_name == "multiclass" else log_sigmoid(Z)

    def predict(self, X: Any) -> Array:
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


