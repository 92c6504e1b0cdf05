"""One tab's training run: its data, its estimator, and the frames it shows.

A :class:`TrainingSession` trains only when asked (:meth:`~TrainingSession.step`),
a few epochs at a time and within a time budget, so the server decides how much
work is done and when, and a run whose tab has gone stops after its current epoch.
Everything it shows comes from :class:`barenet.NeuralNetClassifier` and the
engine (:mod:`barenet.web.frames`).
"""

from __future__ import annotations

import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from .. import datasets
from ..estimators import NeuralNetClassifier
from ..io import save
from ..training import DivergenceError
from . import frames
from .config import UPLOAD, PlaygroundConfig
from .snippet import python_snippet
from .upload import UploadedData


class SessionError(ValueError):
    """A request the session cannot serve in its present state."""


def _points(X: np.ndarray, labels: np.ndarray) -> dict[str, list]:
    return {"x": np.round(X[:, 0], 5).tolist(), "y": np.round(X[:, 1], 5).tolist(),
            "label": labels.astype(int).tolist()}


class TrainingSession:
    """Data, split and estimator of one run; trains on demand.

    Parameters
    ----------
    config : PlaygroundConfig
    upload : UploadedData, optional
        Required when ``config.dataset == "upload"``.

    Raises
    ------
    ValueError
        If the data cannot be made or split as asked.
    """

    def __init__(self, config: PlaygroundConfig, upload: UploadedData | None = None) -> None:
        if config.dataset == UPLOAD:
            if upload is None:
                raise ValueError("no uploaded file in this tab; upload a CSV file first")
            X, y = upload.X, upload.y
        else:
            name, kwargs = config.dataset_call()
            X, y = datasets.load(name, **kwargs)
        try:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, train_size=config.train_size, random_state=config.seed, stratify=y)
        except ValueError as exc:
            raise ValueError(f"cannot split {len(y)} points {config.train_percent}% / "
                             f"{100 - config.train_percent}% with both classes on each side "
                             f"({exc}); use more points or another training share") from None
        self.config, self.upload = config, upload if config.dataset == UPLOAD else None
        self.X_train, self.X_test, self.y_train, self.y_test = X_train, X_test, y_train, y_test
        self.classes = np.unique(y)
        self.model = NeuralNetClassifier(**config.estimator_params())
        self.domain = frames.square_domain(X)
        self.boundary_grid = frames.grid_points(self.domain, frames.BOUNDARY_SIZE)
        self.unit_grid = frames.grid_points(self.domain, frames.UNIT_SIZE)
        self.epoch = 0
        self.lbfgs_fits: list[int] = []
        self.diverged: str | None = None
        self.converged = False
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    # -- what the page shows ------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """The run's data and shape, sent once after each (re)configuration."""
        c = self.config
        return {
            "config": c.to_query(), "domain": list(self.domain),
            "classes": [str(v) for v in self.classes],
            "layers": [2, *c.hidden, 1],
            "train": _points(self.X_train, self.y_train == self.classes[1]),
            "test": _points(self.X_test, self.y_test == self.classes[1]),
            "boundary_size": frames.BOUNDARY_SIZE, "unit_size": frames.UNIT_SIZE,
            "upload": self.upload.summary() if self.upload is not None else None,
        }

    def step(self, epochs: int, budget_s: float | None = None) -> dict[str, Any]:
        """Train up to ``epochs`` more epochs (L-BFGS: iterations) and return a frame.

        Parameters
        ----------
        epochs : int
            At least 1; the caller bounds it.
        budget_s : float, optional
            Stop starting new epochs once this many seconds have passed (at
            least one epoch is always trained).  Training also stops between
            two epochs as soon as :meth:`stop` is called.

        Returns
        -------
        dict
            ``epoch``, ``train_loss``, ``test_loss``, ``train_accuracy``,
            ``test_accuracy``, ``boundary``, ``units``, ``weights``,
            ``converged``, ``compute_ms`` (the server's time for the step).

        Raises
        ------
        SessionError
            If the last step diverged (the run must be reset).
        DivergenceError
            If training diverges now.
        """
        with self._lock:
            if self.diverged:
                raise SessionError("training diverged; press reset (and lower the "
                                   "learning rate) to train again")
            start = time.perf_counter()
            deadline = None if budget_s is None else start + budget_s
            try:
                self._train(epochs, deadline)
            except DivergenceError as exc:
                self.diverged = str(exc)
                raise
            frame = self._frame()
            frame["compute_ms"] = round((time.perf_counter() - start) * 1000, 2)
            return frame

    def stop(self) -> None:
        """Stop training after the current epoch, for good (the tab has gone)."""
        self._stopped.set()

    def _train(self, epochs: int, deadline: float | None) -> None:
        model = self.model
        if self.config.solver == "lbfgs":
            if self.converged:
                return  # NOTE: another fit from a converged point would make no progress
            model.set_params(max_iter=epochs)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    model.fit(self.X_train, self.y_train)
                except DivergenceError:
                    raise
                except ValueError:
                    # NOTE: a warm-started L-BFGS fit that starts at its optimum makes no
                    # iteration; the weights are untouched, so this is convergence.
                    if getattr(model, "n_iter_", 0):
                        raise
                    self.converged = True
                    return
            self.lbfgs_fits.append(epochs)
            # Each fit counts its own iterations (as scikit-learn's): fewer than
            # allowed means L-BFGS met its tolerance.
            self.converged = model.n_iter_ < epochs
            self.epoch += int(model.n_iter_)
            return
        else:
            for i in range(epochs):
                if i and (self._stopped.is_set()
                          or deadline is not None and time.perf_counter() > deadline):
                    break
                model.partial_fit(self.X_train, self.y_train, classes=self.classes)
        self.epoch = int(model.n_iter_)

    def _frame(self) -> dict[str, Any]:
        model = self.model
        train_loss, train_accuracy = frames.scores(model, self.X_train, self.y_train)
        test_loss, test_accuracy = frames.scores(model, self.X_test, self.y_test)
        return {
            "epoch": self.epoch, "train_loss": train_loss, "test_loss": test_loss,
            "train_accuracy": train_accuracy, "test_accuracy": test_accuracy,
            "boundary": frames.boundary(model, self.boundary_grid),
            "units": frames.unit_maps(model, self.unit_grid),
            "weights": frames.weights(model), "converged": self.converged,
        }

    # -- taking it away ------------------------------------------------------------
    def _check_trained(self) -> None:
        if not hasattr(self.model, "coefs_"):
            raise SessionError("nothing trained yet; train at least one epoch first")

    def model_file(self) -> bytes:
        """The model as a file :func:`barenet.load` reads (``barenet.save``'s format)."""
        with self._lock:
            self._check_trained()
            with tempfile.TemporaryDirectory() as folder:
                return save(self.model, Path(folder) / "model.npz").read_bytes()

    def snippet(self) -> str:
        """Python code that rebuilds this run with ``NeuralNetClassifier``."""
        with self._lock:
            self._check_trained()
            note = None
            if self.diverged:
                note = (f"On the page, epoch {self.epoch + 1} diverged here and training "
                        "stopped: lower the learning rate.")
            upload = None if self.upload is None else (self.upload.name, self.upload.target)
            return python_snippet(self.config, self.classes, self.epoch, self.lbfgs_fits,
                                  upload, note)

    def file_stem(self) -> str:
        """A name for downloads: ``barenet-flower-8-8-epoch120``."""
        data = self.config.dataset if self.upload is None else Path(self.upload.name).stem
        hidden = "-".join(map(str, self.config.hidden)) or "linear"
        return f"barenet-{data}-{hidden}-epoch{self.epoch}"
