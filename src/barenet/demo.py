"""The whole article in one run: data, baseline, network, sweep, figures, report.

:func:`run_demo` is what ``barenet demo`` calls.  It follows the tutorial
step by step and adds what the tutorial left out: a seeded run, and held-out
accuracy (stratified k-fold cross-validation) beside the training accuracy
of the hidden-size sweep, so the overfitting claim can be checked.
"""

from __future__ import annotations

import math
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import datasets, shallow
from ._memory import check_memory
from ._version import __version__
from .report import Section, write_reports
from .shallow import ARTICLE_SIZES

# Grid points x hidden units one figure may evaluate: seconds of tanh.  Very
# wide networks are drawn on a coarser grid so that drawing stays that quick.
GRID_WORK = 4e8


@dataclass
class SweepRow:
    """One hidden size of the sweep.

    ``train_accuracy`` is the article's figure (fit and scored on all the
    data); ``heldout_mean``/``heldout_std`` are over the cross-validation
    folds, each fold scored by a network that never saw it.
    """

    n_h: int
    train_accuracy: float
    heldout_mean: float
    heldout_std: float
    seconds: float


@dataclass
class DemoResult:
    """Everything a demo run printed and wrote."""

    dataset: str
    n_samples: int
    baseline_accuracy: float
    network_accuracy: float
    cost_iterations: list[int]
    costs: list[float]
    sweep: list[SweepRow]
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    warning: str | None = None


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Percentage of correctly labelled points, as the article prints it."""
    return float(np.mean(np.ravel(y_true) == np.ravel(y_pred)) * 100)


def _fit_network(
    X: np.ndarray, y: np.ndarray, n_h: int, iterations: int, learning_rate: float, seed: int,
    **kw,
) -> dict[str, np.ndarray]:
    """The article's ``nn_model`` on rows = samples data."""
    return shallow.nn_model(
        X.T, y.reshape(1, -1), n_h, num_iterations=iterations,
        learning_rate=learning_rate, seed=seed, **kw,
    )


def _predictor(parameters: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda X: shallow.predict(parameters, X.T).ravel()


def _scores(parameters: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """Probability of class 1, for a snapshot (the parameters are copied)."""
    p = {k: v.copy() for k, v in parameters.items()}
    return lambda X: shallow.predict_proba(p, X.T).ravel()


def run_demo(
    dataset: str = "gaussian_quantiles",
    hidden: int = 4,
    iterations: int = 5000,
    learning_rate: float = 1.2,
    seed: int | None = None,
    sizes: Sequence[int] = ARTICLE_SIZES,
    out: str | Path = "barenet-demo",
    cv: int = 5,
    animate: bool = False,
    echo: Callable[[str], None] = print,
) -> DemoResult:
    """Run the article end to end and write its figures and report.

    Parameters
    ----------
    dataset : str, default "gaussian_quantiles"
        A name from :func:`barenet.datasets.names`.
    hidden : int, default 4
        Hidden units of the article's network.
    iterations : int, default 5000
        Gradient-descent iterations of every network (the article's 5000).
    learning_rate : float, default 1.2
    seed : int, optional
        Seeds the data, the initial weights and the folds.  By default each
        keeps its own fixed seed: the dataset's default, the course's weight
        seed 2, and fold seed 0.
    sizes : sequence of int, default (1, 2, 3, 4, 5, 20, 50)
        Hidden sizes of the sweep.
    out : path, default "barenet-demo"
        Folder for the figures and ``report.md``.
    cv : int, default 5
        Cross-validation folds for the held-out accuracy.
    animate : bool, default False
        Also write ``training.gif``: the boundary as training goes, from
        snapshots taken by ``nn_model``'s callback during the one fit.
    echo : callable, default print
        Where the article's lines go.

    Returns
    -------
    DemoResult

    Raises
    ------
    DivergenceError
        If a network's training diverges (see :func:`barenet.shallow.nn_model`).
    MemoryEstimateError
        If the network or the sweep would need more memory than is available.

    Notes
    -----
    Both are ``ValueError`` subclasses, raised before anything is written: a
    run that fails leaves no figures behind.  A run whose cost ends above
    where it started, without diverging, says so in a line starting with
    "Warning:" and in the report.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    from . import plot

    start = time.perf_counter()
    _check_options(hidden, iterations, learning_rate, sizes, cv)
    out = Path(out)
    data_kw = {} if seed is None else {"random_state": seed}
    init_seed = 2 if seed is None else seed
    fold_seed = 0 if seed is None else seed
    X, y = datasets.load(dataset, **data_kw)
    frame_every = max(1, iterations // 40)
    _check_memory(X.shape, hidden, sizes, iterations // frame_every + 2 if animate else 0)
    counts = np.bincount(y, minlength=2)
    echo(f"Dataset: {dataset}, {len(y)} samples, {X.shape[1]} features, "
         f"class 0: {counts[0]}, class 1: {counts[1]}")

    # The baseline: a linear model cannot separate these classes.
    with warnings.catch_warnings():
        # scikit-learn announces changes of LogisticRegressionCV's defaults; the
        # baseline here is the article's plain call, whatever the version.
        warnings.simplefilter("ignore", FutureWarning)
        baseline = LogisticRegressionCV().fit(X, y)
    baseline_accuracy = accuracy(y, baseline.predict(X))
    echo(f"Accuracy of logistic regression: {baseline_accuracy:.1f}% "
         "(percentage of correctly labelled datapoints)")

    # The article's network, printing its cost lines.
    every = max(1, iterations // 500)
    cost_iterations: list[int] = []
    costs: list[float] = []
    Y = y.reshape(1, -1)

    frames: list[plot.Frame] = []

    def record(i: int, parameters: dict, A2: np.ndarray) -> None:
        on_curve = i % every == 0 or i % 1000 == 0  # the curve, and the printed lines
        on_frame = animate and (i % frame_every == 0 or i == iterations - 1)
        if not (on_curve or on_frame):
            return
        cost = shallow.compute_cost(A2, Y)
        if on_curve:
            cost_iterations.append(i)
            costs.append(cost)
        if on_frame:
            frames.append(plot.Frame(i, _scores(parameters), cost))

    parameters = _fit_network(X, y, hidden, iterations, learning_rate, init_seed,
                              print_cost=True, callback=record)
    network_accuracy = accuracy(y, _predictor(parameters)(X))
    echo(f"Accuracy: {network_accuracy:.1f}%")
    warning = _cost_warning(costs[0], shallow.compute_cost(_scores(parameters)(X)[None], Y),
                            learning_rate)
    if warning:
        echo(f"Warning: {warning}")

    # The sweep: the article's training accuracy, and held-out accuracy.
    folds = list(StratifiedKFold(cv, shuffle=True, random_state=fold_seed).split(X, y))
    rows, entries = [], []
    with tqdm(total=len(sizes) * (cv + 1), desc="sweep", unit="fit",
              disable=None, leave=False) as bar:
        # Every size trains at once (one batched pass of nn_model_sweep, the same
        # computation as nn_model per size): on all the data, then on each fold.
        t0 = time.perf_counter()
        fits = []
        for train in [np.arange(len(y))] + [train for train, _ in folds]:
            fits.append(shallow.nn_model_sweep(
                X[train].T, y[train].reshape(1, -1), sizes, num_iterations=iterations,
                learning_rate=learning_rate, seed=init_seed))
            bar.update(len(sizes))
        share = (time.perf_counter() - t0) / len(sizes)  # each size's share of the time
        full_fits, fold_fits = fits[0], fits[1:]
        for k, n_h in enumerate(sizes):
            full = full_fits[k]
            heldout = [accuracy(y[test], _predictor(nets[k])(X[test]))
                       for nets, (_, test) in zip(fold_fits, folds, strict=True)]
            row = SweepRow(n_h, accuracy(y, _predictor(full)(X)), float(np.mean(heldout)),
                           float(np.std(heldout)), share)
            rows.append(row)
            entries.append(plot.SweepEntry(n_h, _predictor(full), row.train_accuracy,
                                           row.heldout_mean))
    for line in sweep_table(rows, cv):
        echo(line)

    # The figures, once every fit has succeeded: a run that fails writes nothing.
    title = f"Decision boundary for hidden layer size {hidden}"
    grid = _resolution(200, hidden)
    if grid < 200:
        echo(f"Drawing the network of {hidden} hidden units on a coarser grid "
             f"({grid} x {grid} points) to keep the figures quick")
    figures = {
        "data": lambda: plot.plot_dataset(X, y, title=f"Data: {dataset}"),
        "baseline": lambda: plot.plot_decision_boundary(baseline.predict, X, y,
                                                        title="Logistic Regression"),
        "network": lambda: plot.plot_decision_boundary(_predictor(parameters), X, y,
                                                       title=title, resolution=grid),
        "cost": lambda: plot.plot_cost(costs, iterations=cost_iterations,
                                       title=f"Cost, hidden layer size {hidden}"),
        "units": lambda: plot.plot_hidden_units(parameters, X, y,
                                                resolution=_resolution(60, hidden)),
        "graph": lambda: plot.plot_network(parameters),
        "sweep": lambda: plot.plot_sweep(entries, X, y,
                                         resolution=_resolution(200, sum(sizes))),
    }
    files = {name: plot.save_figure(make(), out / f"{name}.png")
             for name, make in figures.items()}
    if animate:
        files["animation"] = plot.write_animation(
            frames, X, y, out / "training.gif", title=title, unit="iteration",
            resolution=_resolution(80, hidden * len(frames)))

    result = DemoResult(dataset, len(y), baseline_accuracy, network_accuracy,
                        cost_iterations, costs, rows, files, warning=warning)
    settings = {"dataset": dataset, "hidden": hidden, "iterations": iterations,
                "learning_rate": learning_rate, "seed": seed, "cv": cv,
                "data seed": data_kw.get("random_state", "dataset default"),
                "weight seed": init_seed, "fold seed": fold_seed}
    result.seconds = time.perf_counter() - start
    files.update(write_reports("barenet demo: a neural network from scratch",
                               _sections(result, settings), out))
    echo(f"Wrote {len(files)} files to {out}/ in {result.seconds:.1f} s")
    return result


def _check_memory(shape: tuple[int, int], hidden: int, sizes: Sequence[int],
                  snapshots: int) -> None:
    """Refuse, before anything is trained or written, a network or a sweep
    too large for the memory available (with ``snapshots`` copies of the
    network's parameters kept for the animation)."""
    m, n_x = shape
    need = shallow.training_memory(n_x, [hidden], m)
    if snapshots:
        need["animation snapshots"] = snapshots * ((n_x + 2) * hidden + 1) * 8
    check_memory(need, f"training the network of {hidden} hidden units",
                 "use a smaller --hidden" + (" or leave out --animate" if snapshots else ""))
    check_memory(shallow.training_memory(n_x, sizes, m),
                 f"the sweep over {sum(sizes)} hidden units in all",
                 "use fewer or smaller --sizes")


def _resolution(default: int, units: int) -> int:
    """Grid points per axis for a figure that evaluates ``units`` hidden units
    at every point: ``default``, or fewer (at least 20) to stay within
    :data:`GRID_WORK`."""
    return int(min(default, max(20, math.sqrt(GRID_WORK / units))))


def _cost_warning(first: float, last: float, learning_rate: float) -> str | None:
    """A line for a run that ended with a higher cost than it started with.

    Not divergence (that is an error, see :func:`barenet.shallow.nn_model`):
    the loss stayed bounded, but training made the network worse.  Only where
    the cost ends counts: large steps (the article's α = 1.2 among them) make
    it spike on the way down.
    """
    if last <= first:
        return None
    return (f"the cost rose from {first:.4g} to {last:.4g} over training: at learning rate "
            f"{learning_rate:g} the network did not learn; use a smaller --learning-rate")


def _check_options(hidden: int, iterations: int, learning_rate: float,
                   sizes: Sequence[int], cv: int) -> None:
    if hidden < 1:
        raise ValueError(f"--hidden must be at least 1, got {hidden}")
    if iterations < 1:
        raise ValueError(f"--iterations must be at least 1, got {iterations}")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"--learning-rate must be a positive number, got {learning_rate}")
    if not sizes or min(sizes) < 1:
        raise ValueError(f"--sizes must be positive integers, got {list(sizes)}")
    if cv < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {cv}")


def sweep_table(rows: Sequence[SweepRow], cv: int) -> list[str]:
    """The sweep as aligned text lines (header first)."""
    lines = [f"{'hidden units':>12}  {'train acc':>9}  {f'held-out acc ({cv}-fold)':>24}"
             f"  {'time':>6}"]
    for r in rows:
        lines.append(f"{r.n_h:>12}  {r.train_accuracy:>8.1f}%  "
                     f"{f'{r.heldout_mean:.1f}% ± {r.heldout_std:.1f}':>24}  {r.seconds:>5.1f}s")
    return lines


def _verdict(rows: Sequence[SweepRow]) -> str:
    best_train = max(rows, key=lambda r: r.train_accuracy)
    best_heldout = max(rows, key=lambda r: r.heldout_mean)
    text = (f"The highest training accuracy is {best_train.train_accuracy:.1f}% "
            f"(n_h = {best_train.n_h}); the highest held-out accuracy is "
            f"{best_heldout.heldout_mean:.1f}% (n_h = {best_heldout.n_h}). ")
    gaps = [(r.train_accuracy - r.heldout_mean, r.n_h) for r in rows]
    gap, n_h = max(gaps)
    text += (f"The widest gap between training and held-out accuracy, {gap:.1f} points, "
             f"is at n_h = {n_h}: ")
    if gap > 5:
        text += "that size fits the training points better than it predicts new ones."
    else:
        text += ("no size here overfits by much; training accuracy alone would "
                 "overstate the differences between sizes.")
    return text


def _sections(result: DemoResult, settings: dict) -> list[Section]:
    """What the report says, section by section."""
    import matplotlib
    import sklearn

    f = result.files
    printed = zip(result.cost_iterations, result.costs, strict=True)
    cost_lines = [f"Cost after iteration {i}: {c:f}" for i, c in printed if i % 1000 == 0]
    again = (f"barenet demo --dataset {settings['dataset']} --hidden {settings['hidden']} "
             f"--iterations {settings['iterations']} --learning-rate "
             f"{settings['learning_rate']}"
             + ("" if settings["seed"] is None else f" --seed {settings['seed']}"))
    versions = (f"versions: barenet {__version__}, NumPy {np.__version__}, scikit-learn "
                f"{sklearn.__version__}, matplotlib {matplotlib.__version__}, Python "
                f"{sys.version.split()[0]} ({platform.system()})")
    network = [("code", "\n".join(cost_lines)),
               ("p", f"Training accuracy **{result.network_accuracy:.1f}%**."
                     + (f" **Warning:** {result.warning}." if result.warning else "")),
               ("figure", f["network"], "decision boundary"), ("figure", f["cost"], "cost")]
    if "animation" in f:
        network.append(("figure", f["animation"], "training animation"))
    network += [("p", "What each hidden unit computes over the plane, and the weights:"),
                ("figure", f["units"], "hidden units"), ("figure", f["graph"], "network")]
    table = [[str(r.n_h), f"{r.train_accuracy:.1f}%",
              f"{r.heldout_mean:.1f}% ± {r.heldout_std:.1f}", f"{r.seconds:.1f} s"]
             for r in result.sweep]
    return [
        Section("Settings", [("list", [f"{k}: `{v}`" for k, v in settings.items()]
                              + [versions, f"reproduce: `{again}`"])]),
        Section("Data", [("p", f"{result.n_samples} points, two classes that no straight "
                               "line separates."), ("figure", f["data"], "data")]),
        Section("Baseline: logistic regression", [
            ("p", f"Training accuracy **{result.baseline_accuracy:.1f}%**: a linear boundary "
                  "cannot follow the classes."), ("figure", f["baseline"], "baseline")]),
        Section(f"The network: 2 → {settings['hidden']} tanh → 1 sigmoid", network),
        Section("Hidden-layer size", [
            ("p", "Training accuracy is the article's figure (trained and scored on all "
                  "points); held-out accuracy is the mean ± standard deviation over "
                  f"{settings['cv']} stratified folds, each scored by a network that never "
                  "saw it."),
            ("table", ["hidden units", "train accuracy", "held-out accuracy", "fit time"],
             table),
            ("p", _verdict(result.sweep)), ("figure", f["sweep"], "sweep"),
            ("p", f"Total run time: {result.seconds:.1f} s.")]),
    ]
