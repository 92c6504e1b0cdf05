"""Validation data inside a ``Pipeline``: what goes through the transforms and what does not.

``Pipeline.fit`` transforms ``X`` before the last step sees it, but a fit
parameter such as ``neuralnetclassifier__validation_data=(X_val, y_val)`` is
passed to that step as it is: the network would be scored on raw features.
Two ways that work: ``early_stopping=True`` with a ``validation_fraction``
(held out inside the last step, from the already transformed data), or
fitting the transforms first and passing ``pipe[:-1].transform(X_val)``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from barenet import NeuralNetClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

NETWORK = dict(hidden_layer_sizes=(32,), max_iter=100, random_state=0)


@cache
def wine():
    """Wine's 13 features, on scales from 0.1 to 1000: unusable unscaled."""
    X, y = load_wine(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def test_raw_validation_data_skips_the_transforms():
    X, Xv, y, yv = wine()
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(**NETWORK))
    pipe.fit(X, y, neuralnetclassifier__validation_data=(Xv, yv))
    recorded = pipe[-1].history_["val_score"][-1]
    assert recorded == pipe[-1].score(Xv, yv)          # the raw features were scored
    assert pipe.score(Xv, yv) > 0.9 > 0.5 > recorded


def test_a_validation_fraction_is_held_out_after_the_transforms():
    X, Xv, y, yv = wine()
    settings = dict(NETWORK, early_stopping=True, validation_fraction=0.2)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(**settings)).fit(X, y)
    # The last step saw exactly what a network fitted on the scaled data sees.
    alone = NeuralNetClassifier(**settings).fit(StandardScaler().fit_transform(X), y)
    history = pipe[-1].history_
    assert history["val_score"] == alone.history_["val_score"]
    assert pipe[-1].best_validation_score_ == max(history["val_score"]) > 0.9
    assert abs(pipe[-1].best_validation_score_ - pipe.score(Xv, yv)) < 0.1


def test_transformed_validation_data_is_scored_like_the_pipeline():
    X, Xv, y, yv = wine()
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(**NETWORK))
    transforms = pipe[:-1].fit(X, y)                   # the pipeline's own steps, fitted
    pipe[-1].fit(transforms.transform(X), y, validation_data=(transforms.transform(Xv), yv))
    history = pipe[-1].history_
    assert len(history["val_score"]) == pipe[-1].n_iter_
    assert history["val_score"][-1] == pytest.approx(pipe.score(Xv, yv), abs=1e-12)
    assert history["val_score"][-1] > 0.9
    # Refitting the whole pipeline with the transformed data gives the same record.
    pipe.fit(X, y, neuralnetclassifier__validation_data=(pipe[:-1].transform(Xv), yv))
    assert pipe[-1].history_["val_score"] == history["val_score"]
    assert np.isfinite(pipe[-1].history_["val_loss"]).all()
