"""What a playground run is made of: the page's controls, checked, as Python values.

The page keeps its controls in the URL's query string, one short key each
(``?dataset=flower&hidden=8,8&lr=0.03``).  :func:`parse_config` turns such a
mapping into a :class:`PlaygroundConfig` with every value checked and every
default filled in, and :meth:`PlaygroundConfig.to_query` writes it back, so
the server is the one place where the controls are understood.

The same object says which dataset call and which estimator parameters the
run uses (:meth:`~PlaygroundConfig.dataset_call`,
:meth:`~PlaygroundConfig.estimator_params`): the training session and the
Python snippet both read them from here, so the snippet rebuilds exactly what
the page trained.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import datasets
from .._text import shorten

UPLOAD = "upload"
MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 16
SAMPLES_RANGE = (20, 2000)
MAX_BATCH = SAMPLES_RANGE[1]  # no run has more points than this
MAX_TEXT = 64  # characters of one control's value; "16,16,16,16,16,16" is the longest
TRAIN_PERCENT_RANGE = (10, 90)
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "identity")
SOLVERS = ("adam", "sgd", "lbfgs")

# name -> (label, generator): the generator's signature gives the defaults.
_DATASETS: dict[str, tuple[str, Callable[..., Any]]] = {
    "gaussian_quantiles": ("Gaussian quantiles (the article)", datasets.gaussian_quantiles),
    "flower": ("Flower (the course)", datasets.load_planar_dataset),
    "noisy_circles": ("Circles", datasets.noisy_circles),
    "noisy_moons": ("Moons", datasets.noisy_moons),
    "xor": ("XOR", datasets.xor),
    "spirals": ("Spirals", datasets.spirals),
}


def _defaults(generator: Callable[..., Any]) -> dict[str, Any]:
    return {name: p.default for name, p in inspect.signature(generator).parameters.items()}


def dataset_catalogue() -> list[dict[str, Any]]:
    """The built-in datasets the page offers, with their default arguments.

    Returns
    -------
    list of dict
        One per dataset: ``name`` (as in :func:`barenet.datasets.load`),
        ``label``, ``samples``, ``noise`` (None where the generator has no
        noise argument) and ``seed``.
    """
    catalogue = []
    for name, (label, generator) in _DATASETS.items():
        defaults = _defaults(generator)
        catalogue.append({"name": name, "label": label, "samples": defaults["n_samples"],
                          "noise": defaults.get("noise"), "seed": defaults["random_state"]})
    return catalogue


@dataclass(frozen=True)
class PlaygroundConfig:
    """One playground run: the data, its split, the network and its training.

    Attributes
    ----------
    dataset : str
        A built-in dataset name, or ``"upload"`` for the tab's uploaded CSV.
    samples : int or None
        Number of points (None for an upload).
    noise : float or None
        The generator's ``noise`` (None where it has none, and for an upload).
    data_seed : int or None
        The generator's ``random_state`` (None for an upload).
    train_percent : int
        Share of the points used for training, the rest being the test set.
    hidden : tuple of int
        Units per hidden layer; empty for logistic regression.
    activation : str
        Hidden activation.
    learning_rate : float
        ``learning_rate_init`` (unused by L-BFGS).
    solver : str
        "adam", "sgd" (plain mini-batch gradient descent) or "lbfgs".
    batch_size : int or None
        Mini-batch size; None for the full batch (unused by L-BFGS).
    alpha : float
        L2 penalty.
    seed : int
        ``random_state`` of the split and of the estimator.
    """

    dataset: str = "flower"
    samples: int | None = 400
    noise: float | None = 0.2
    data_seed: int | None = 1
    train_percent: int = 50
    hidden: tuple[int, ...] = field(default=(4,))
    activation: str = "tanh"
    learning_rate: float = 0.03
    solver: str = "adam"
    batch_size: int | None = 10
    alpha: float = 0.0
    seed: int = 0

    def to_query(self) -> dict[str, str]:
        """The URL query of this run, the inverse of :func:`parse_config`.

        Returns
        -------
        dict of str to str
        """
        query = {"dataset": self.dataset}
        if self.dataset != UPLOAD:
            query["samples"] = str(self.samples)
            if self.noise is not None:
                query["noise"] = _number(self.noise)
            query["dataseed"] = str(self.data_seed)
        query.update({
            "train": str(self.train_percent), "hidden": ",".join(map(str, self.hidden)),
            "activation": self.activation, "lr": _number(self.learning_rate),
            "solver": self.solver,
            "batch": "full" if self.batch_size is None else str(self.batch_size),
            "l2": _number(self.alpha), "seed": str(self.seed)})
        return query

    def dataset_call(self) -> tuple[str, dict[str, Any]]:
        """Name and keyword arguments for :func:`barenet.datasets.load`.

        Returns
        -------
        name : str
        kwargs : dict
            ``n_samples``, ``noise`` where the generator has it, ``random_state``.

        Raises
        ------
        ValueError
            For an uploaded dataset, which has no generator.
        """
        if self.dataset == UPLOAD:
            raise ValueError("an uploaded dataset has no generator call")
        kwargs: dict[str, Any] = {"n_samples": self.samples}
        if self.noise is not None:
            kwargs["noise"] = self.noise
        kwargs["random_state"] = self.data_seed
        return self.dataset, kwargs

    @property
    def train_size(self) -> float:
        """``train_size`` for ``train_test_split``."""
        return self.train_percent / 100

    def estimator_params(self) -> dict[str, Any]:
        """Keyword arguments of :class:`barenet.NeuralNetClassifier` for this run.

        Only what the run needs is listed: L-BFGS takes no learning rate nor
        batch size, and trains in short warm-started fits (``warm_start``;
        ``n_iter_no_change=None`` keeps each short fit from warning that it
        stopped at ``max_iter``).  "sgd" is plain gradient descent
        (``momentum=0``), as in the article.

        Returns
        -------
        dict
        """
        params: dict[str, Any] = {"hidden_layer_sizes": self.hidden,
                                  "activation": self.activation, "solver": self.solver}
        if self.solver == "lbfgs":
            params.update(alpha=self.alpha, random_state=self.seed, warm_start=True,
                          n_iter_no_change=None)
            return params
        params.update(learning_rate_init=self.learning_rate, batch_size=self.batch_size,
                      alpha=self.alpha, random_state=self.seed)
        if self.solver == "sgd":
            params["momentum"] = 0.0
        return params


def _number(value: float) -> str:
    """Shortest text that reads back as the same float."""
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _text(query: Mapping[str, Any], key: str) -> str | None:
    value = query.get(key)
    if value is None:
        return None
    # NOTE: bool is an int in Python, but true is not a sample count.
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{key} must be text or a number, got {shorten(value)}")
    text = str(value).strip()
    # NOTE: also keeps int() from reading thousands of digits, which takes milliseconds
    if len(text) > MAX_TEXT:
        raise ValueError(f"{key} has {len(text)} characters; no control takes more than "
                         f"{MAX_TEXT}")
    return text


def _integer(query: Mapping[str, Any], key: str, label: str, low: int, high: int,
             default: int) -> int:
    text = _text(query, key)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{label} must be a whole number, got {shorten(text)}") from None
    if not low <= value <= high:
        raise ValueError(f"{label} must be between {low} and {high}, got {shorten(value)}")
    return value


def _real(query: Mapping[str, Any], key: str, label: str, low: float, high: float,
          default: float, positive: bool = False) -> float:
    text = _text(query, key)
    if text is None or text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{label} must be a number, got {shorten(text)}") from None
    if not math.isfinite(value) or value < low or value > high or (positive and value <= 0):
        rule = f"> {low:g}" if positive else f">= {low:g}"
        raise ValueError(f"{label} must be a number {rule} and <= {high:g}, "
                         f"got {shorten(text)}")
    return value


def _choice(query: Mapping[str, Any], key: str, label: str, options: tuple[str, ...],
            default: str) -> str:
    text = _text(query, key)
    if text is None or text == "":
        return default
    if text not in options:
        raise ValueError(f"unknown {label} {shorten(text)}; choose one of {', '.join(options)}")
    return text


def _hidden(query: Mapping[str, Any], default: tuple[int, ...]) -> tuple[int, ...]:
    text = _text(query, "hidden")
    if text is None:
        return default
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts in ([], ["none"], ["0"]):
        return ()
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(parts)}")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers must be comma-separated unit counts such as 8,8, "
                         f"got {shorten(text)}") from None
    if not all(1 <= s <= MAX_UNITS for s in sizes):
        raise ValueError(f"each hidden layer has 1 to {MAX_UNITS} units, got {shorten(text)}")
    return sizes


def _batch(query: Mapping[str, Any], default: int | None) -> int | None:
    text = _text(query, "batch")
    if text is None or text == "":
        return default
    if text == "full":
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"batch size must be a whole number or 'full', "
                         f"got {shorten(text)}") from None
    if not 1 <= value <= MAX_BATCH:
        raise ValueError(f"batch size must be between 1 and {MAX_BATCH} (or 'full'), "
                         f"got {shorten(value)}")
    return value


def parse_config(query: Mapping[str, Any]) -> PlaygroundConfig:
    """Check the page's controls and fill in the defaults.

    Parameters
    ----------
    query : mapping of str to str or number
        The URL query keys: ``dataset``, ``samples``, ``noise``, ``dataseed``,
        ``train`` (percent), ``hidden`` (``"8,8"``), ``activation``, ``lr``,
        ``solver``, ``batch`` (a number or ``"full"``), ``l2``, ``seed``.
        Missing keys (and None) take their defaults; for the data, the
        dataset's own (the flower's noise is 0.2 and its seed 1, as in the
        course).  Unknown keys are ignored.

    Returns
    -------
    PlaygroundConfig

    Raises
    ------
    ValueError
        Naming the control and the accepted values (also for a value that is
        not text or a number, such as a list); a refused value is shown cut
        short (:func:`barenet._text.shorten`).
    """
    base = PlaygroundConfig()
    dataset = _choice(query, "dataset", "dataset", (*_DATASETS, UPLOAD), base.dataset)
    samples = noise = data_seed = None
    if dataset != UPLOAD:
        defaults = _defaults(_DATASETS[dataset][1])
        samples = _integer(query, "samples", "number of samples", *SAMPLES_RANGE,
                           defaults["n_samples"])
        if "noise" in defaults:
            noise = _real(query, "noise", "noise", 0.0, 1.0, defaults["noise"])
        data_seed = _integer(query, "dataseed", "data seed", 0, 2**32 - 1,
                             defaults["random_state"])
    return PlaygroundConfig(
        dataset=dataset, samples=samples, noise=noise, data_seed=data_seed,
        train_percent=_integer(query, "train", "training share (percent)",
                               *TRAIN_PERCENT_RANGE, base.train_percent),
        hidden=_hidden(query, base.hidden),
        activation=_choice(query, "activation", "activation", ACTIVATIONS, base.activation),
        learning_rate=_real(query, "lr", "learning rate", 0.0, 10.0, base.learning_rate,
                            positive=True),
        solver=_choice(query, "solver", "optimiser", SOLVERS, base.solver),
        batch_size=_batch(query, base.batch_size),
        alpha=_real(query, "l2", "L2 penalty", 0.0, 10.0, base.alpha),
        seed=_integer(query, "seed", "seed", 0, 2**32 - 1, base.seed),
    )
