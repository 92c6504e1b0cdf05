"""The whole article in one run: data, baseline, network, sweep, figures, report.

:func:`run_demo` is what ``barenet demo`` calls.  It follows the tutorial
step by step and adds what the tutorial left out: a seeded run, and held-out
accuracy (stratified k-fold cross-validation, over several weight seeds)
beside the training accuracy of the hidden-size sweep, so the overfitting
claim can be checked against the noise of the numbers themselves.
"""

from __future__ import annotations

import math
import textwrap
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import datasets, shallow
from ._demo_report import DemoResult, SweepRow, sections, spread, sweep_table, verdict_text
from ._demo_stability import StabilityRun, stability_runs
from ._memory import check_memory
from ._progress import progress_bar
from .report import write_reports
from .shallow import ARTICLE_SIZES

# Grid points x hidden units one figure may evaluate: seconds of tanh.  Very
# wide networks are drawn on a coarser grid so that drawing stays that quick.
GRID_WORK = 4e8


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Percentage of correctly labelled points, as the article prints it.

    Examples
    --------
    >>> import numpy as np
    >>> accuracy(np.array([[0, 1, 1, 0]]), np.array([0, 1, 0, 0]))   # any shapes, same size
    75.0
    """
    return float(np.mean(np.ravel(y_true) == np.ravel(y_pred)) * 100)


def _predictor(parameters: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda X: shallow.predict(parameters, X.T).ravel()


def _scores(parameters: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """Probability of class 1, for a snapshot (the parameters are copied)."""
    p = {k: v.copy() for k, v in parameters.items()}
    return lambda X: shallow.predict_proba(p, X.T).ravel()


@dataclass
class _Network:
    """The article's network once trained, and the record of its training."""

    parameters: dict[str, np.ndarray]
    accuracy: float
    cost_iterations: list[int]
    costs: list[float]
    frames: list  # of plot.Frame, for the animation
    warning: str | None


def run_demo(
    dataset: str = "gaussian_quantiles",
    hidden: int = 4,
    iterations: int = 5000,
    learning_rate: float = 1.2,
    seed: int | None = None,
    sizes: Sequence[int] = ARTICLE_SIZES,
    out: str | Path = "barenet-demo",
    cv: int = 5,
    seeds: int = 5,
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
    seeds : int, default 5
        Weight seeds of the sweep: every size is trained from ``seeds`` sets
        of starting weights, the weight seed (the course's 2) and the next
        ones, on all the data and on every fold's training part.
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
    start = time.perf_counter()
    _check_options(hidden, iterations, learning_rate, sizes, cv, seeds)
    out = Path(out)
    data_kw = {} if seed is None else {"random_state": seed}
    init_seed = 2 if seed is None else seed
    fold_seed = 0 if seed is None else seed
    X, y = datasets.load(dataset, **data_kw)
    frame_every = max(1, iterations // 40) if animate else 0
    _check_memory(X.shape, hidden, sizes, iterations // frame_every + 2 if animate else 0)
    counts = np.bincount(y, minlength=2)
    echo(f"Dataset: {dataset}, {len(y)} samples, {X.shape[1]} features, "
         f"class 0: {counts[0]}, class 1: {counts[1]}")
    baseline, baseline_accuracy = _baseline(X, y, echo)
    network = _train_network(X, y, hidden, iterations, learning_rate, init_seed, frame_every,
                             echo)
    weight_seeds = list(range(init_seed, init_seed + seeds))
    rows, entries = _sweep(X, y, sizes, cv, iterations, learning_rate, weight_seeds, fold_seed)
    runs = stability_runs(X.T, y.reshape(1, -1), hidden, iterations, learning_rate, init_seed)
    for line in sweep_table(rows, weight_seeds):
        echo(line)
    for paragraph in verdict_text(rows, seeds):
        for line in textwrap.wrap(paragraph, 100):
            echo(line)
    # The figures, once every fit has succeeded: a run that fails writes nothing.
    files = _figures(X, y, dataset, hidden, baseline, network, (rows, entries), runs, out,
                     echo)
    result = DemoResult(dataset, len(y), baseline_accuracy, network.accuracy,
                        network.cost_iterations, network.costs, rows, files,
                        warning=network.warning, seeds=weight_seeds, stability=runs)
    settings = {"dataset": dataset, "hidden": hidden, "iterations": iterations,
                "learning_rate": learning_rate, "seed": seed, "sizes": list(sizes), "cv": cv,
                "seeds": seeds, "data seed": data_kw.get("random_state", "dataset default"),
                "weight seeds": ", ".join(map(str, weight_seeds)), "fold seed": fold_seed}
    result.seconds = time.perf_counter() - start
    files.update(write_reports("barenet demo: a neural network from scratch",
                               sections(result, settings), out))
    echo(f"Wrote {len(files)} files to {out}/ in {result.seconds:.1f} s")
    return result


def _baseline(X: np.ndarray, y: np.ndarray, echo: Callable[[str], None]) -> tuple[Any, float]:
    """The baseline, a linear model that cannot separate these classes, and its accuracy."""
    from sklearn.linear_model import LogisticRegressionCV

    with warnings.catch_warnings():
        # scikit-learn announces changes of LogisticRegressionCV's defaults; the
        # baseline here is the article's plain call, whatever the version.
        warnings.simplefilter("ignore", FutureWarning)
        baseline = LogisticRegressionCV().fit(X, y)
    baseline_accuracy = accuracy(y, baseline.predict(X))
    echo(f"Accuracy of logistic regression: {baseline_accuracy:.1f}% "
         "(percentage of correctly labelled datapoints)")
    return baseline, baseline_accuracy


def _train_network(X: np.ndarray, y: np.ndarray, hidden: int, iterations: int,
                   learning_rate: float, seed: int, frame_every: int,
                   echo: Callable[[str], None]) -> _Network:
    """Train the article's network, printing its cost lines, and record its training.

    The cost curve keeps every iteration; a snapshot for the animation is
    taken every ``frame_every`` iterations (none if 0).
    """
    from . import plot

    # The cost of every iteration: a curve sampled more sparsely aliases its spikes.
    cost_iterations: list[int] = []
    costs: list[float] = []
    frames: list[plot.Frame] = []
    Y = y.reshape(1, -1)

    def record(i: int, parameters: dict, A2: np.ndarray) -> None:
        cost = shallow.compute_cost(A2, Y)
        cost_iterations.append(i)
        costs.append(cost)
        if frame_every > 0 and (i % frame_every == 0 or i == iterations - 1):
            frames.append(plot.Frame(i, _scores(parameters), cost))

    parameters = shallow.nn_model(X.T, Y, hidden, num_iterations=iterations,
                                  learning_rate=learning_rate, seed=seed, print_cost=True,
                                  callback=record)
    network_accuracy = accuracy(y, _predictor(parameters)(X))
    echo(f"Accuracy: {network_accuracy:.1f}%")
    warning = _cost_warning(costs[0], shallow.compute_cost(_scores(parameters)(X)[None], Y),
                            learning_rate)
    if warning:
        echo(f"Warning: {warning}")
    return _Network(parameters, network_accuracy, cost_iterations, costs, frames, warning)


def _sweep(X: np.ndarray, y: np.ndarray, sizes: Sequence[int], cv: int, iterations: int,
           learning_rate: float, seeds: Sequence[int],
           fold_seed: int) -> tuple[list[SweepRow], list]:
    """The sweep over hidden sizes: training and held-out accuracy, for every weight seed.

    Every size is fit once per seed on all the data (the article's training
    accuracy) and once per seed and fold on the fold's training part (its
    held-out accuracy).  Returns the rows of the table and the entries (of
    ``plot.SweepEntry``) of the boundary figure, drawn for the first seed.
    """
    from joblib import Parallel, delayed
    from sklearn.model_selection import StratifiedKFold

    from . import plot

    folds = list(StratifiedKFold(cv, shuffle=True, random_state=fold_seed).split(X, y))
    trains = [np.arange(len(y))] + [train for train, _ in folds]
    # nn_model_sweep is nn_model once per size: the row of the network above
    # (its size, the first seed, all the data) is that network, bit for bit.
    # Every fit runs in a process of its own where there are cores (the same
    # numbers), the largest first so that the workers end together; each is
    # timed where it runs.
    tasks = [(n_h, s, k) for n_h in sorted(set(sizes), reverse=True) for s in seeds
             for k in range(len(trains))]
    fits, seconds = {}, dict.fromkeys(sizes, 0.0)
    with progress_bar(total=len(tasks), desc="sweep", unit="fit", disable=None, leave=False) as bar:
        results = Parallel(n_jobs=-1, return_as="generator")(delayed(_timed_fit)(
            X[trains[k]].T, y[trains[k]].reshape(1, -1), n_h, iterations, learning_rate, s)
            for n_h, s, k in tasks)
        for (n_h, s, k), (parameters, elapsed) in zip(tasks, results, strict=True):
            fits[n_h, s, k] = parameters
            seconds[n_h] += elapsed
            bar.update()
    rows, entries = [], []
    for n_h in sizes:
        train = [accuracy(y, _predictor(fits[n_h, s, 0])(X)) for s in seeds]
        heldout = [[accuracy(y[test], _predictor(fits[n_h, s, k + 1])(X[test]))
                    for k, (_, test) in enumerate(folds)] for s in seeds]
        row = SweepRow(n_h, np.array(train), np.array(heldout), seconds[n_h])
        rows.append(row)
        entries.append(plot.SweepEntry(n_h, _predictor(fits[n_h, seeds[0], 0]),
                                       row.train_accuracy, row.heldout_mean))
    return rows, entries


def _figures(X: np.ndarray, y: np.ndarray, dataset: str, hidden: int, baseline: Any,
             network: _Network, sweep: tuple[list[SweepRow], list],
             runs: list[StabilityRun], out: Path,
             echo: Callable[[str], None]) -> dict[str, Path]:
    """Write the figures (and the animation, if there are frames); their paths by name.

    ``sweep`` is what :func:`_sweep` returned: the rows and the entries of its figures.
    """
    from . import plot

    parameters, frames = network.parameters, network.frames
    rows, entries = sweep
    n_seeds, n_folds = rows[0].heldout.shape
    units = sum(entry.n_h for entry in entries)  # every hidden unit of the sweep
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
        "architecture": lambda: plot.plot_architecture(X.shape[1], hidden, 1),
        "cost": lambda: plot.plot_cost(network.costs, iterations=network.cost_iterations,
                                       title=f"Cost at every iteration, {hidden} hidden units"),
        "stability": lambda: plot.plot_stability(
            {r.learning_rate: r.costs for r in runs},
            {r.learning_rate: (r.iterations, r.sharpness) for r in runs}),
        "units": lambda: plot.plot_hidden_units(parameters, X, y,
                                                resolution=_resolution(60, hidden)),
        "graph": lambda: plot.plot_network(parameters),
        "sweep": lambda: plot.plot_sweep(entries, X, y, resolution=_resolution(200, units)),
        "sweep_scores": lambda: plot.plot_sweep_scores(
            rows, errorbars=True,
            title=f"Training vs held-out accuracy ({spread(n_seeds, n_folds)})"),
    }
    files = {name: plot.save_figure(make(), out / f"{name}.png")
             for name, make in figures.items()}
    if frames:
        files["animation"] = plot.write_animation(
            frames, X, y, out / "training.gif", title=title, unit="iteration",
            resolution=_resolution(80, hidden * len(frames)),
            curve=(network.cost_iterations, network.costs))
    return files


def _timed_fit(X: np.ndarray, Y: np.ndarray, n_h: int, iterations: int, learning_rate: float,
               seed: int) -> tuple[dict, float]:
    """``nn_model_sweep`` for one size, and the seconds it took where it ran."""
    t0 = time.perf_counter()
    (parameters,) = shallow.nn_model_sweep(X, Y, [n_h], num_iterations=iterations,
                                           learning_rate=learning_rate, seed=seed)
    return parameters, time.perf_counter() - t0


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
    from joblib import effective_n_jobs

    # (The largest network may be training in every worker at once.)
    workers = effective_n_jobs(-1)
    check_memory({part: workers * size for part, size in
                  shallow.training_memory(n_x, sizes, m).items()},
                 f"the sweep's network of {max(sizes)} hidden units"
                 + (f" in {workers} processes at once" if workers > 1 else ""),
                 "use smaller --sizes")


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
                   sizes: Sequence[int], cv: int, seeds: int) -> None:
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
    if seeds < 1:
        raise ValueError(f"--seeds must be at least 1, got {seeds}")
