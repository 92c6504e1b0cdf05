"""Hyperparameter searches with cross-validation, locally or on a Dask cluster.

The article swept hidden-layer sizes and read overfitting from training
accuracy.  :func:`run_sweep` searches hidden sizes, learning rates, L2
penalties, activations and seeds with stratified k-fold cross-validation and
reports training *and* validation accuracy for every setting.  It is built on
scikit-learn's ``GridSearchCV`` / ``RandomizedSearchCV`` and joblib: local
processes by default, or an existing Dask cluster through joblib's Dask
backend (the same results, seed for seed).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .estimators import NeuralNetClassifier
from .shallow import ARTICLE_SIZES


@dataclass
class SweepRow:
    """Cross-validated scores of one setting, over all folds and seeds (accuracy in %).

    Examples
    --------
    >>> from barenet.sweep import SweepRow
    >>> row = SweepRow(hidden=4, learning_rate=1.2, alpha=0.0, activation="tanh",
    ...                train_mean=91.0, train_std=1.0, val_mean=89.5, val_std=2.0,
    ...                fit_seconds=0.05)
    >>> row.train_mean - row.val_mean  # the generalisation gap, in points of accuracy
    1.5
    """

    hidden: int
    learning_rate: float
    alpha: float
    activation: str
    train_mean: float
    train_std: float
    val_mean: float
    val_std: float
    fit_seconds: float


@dataclass
class SweepResult:
    """What a sweep found.

    Examples
    --------
    >>> from barenet.sweep import SweepResult, SweepRow
    >>> rows = [SweepRow(hidden=h, learning_rate=1.2, alpha=0.0, activation="tanh",
    ...                  train_mean=t, train_std=1.0, val_mean=v, val_std=2.0, fit_seconds=0.05)
    ...         for h, t, v in [(1, 70.0, 68.0), (4, 91.0, 89.5), (20, 99.0, 86.0)]]
    >>> result = SweepResult(rows, cv=5, seeds=[0], n_fits=15, seconds=1.0,
    ...                      backend="local processes")
    >>> result.best.hidden
    4
    """

    rows: list[SweepRow]
    cv: int
    seeds: list[int]
    n_fits: int
    seconds: float
    backend: str
    cv_results: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def best(self) -> SweepRow:
        """The setting with the highest mean validation accuracy."""
        return max(self.rows, key=lambda r: r.val_mean)


def article_estimator(iterations: int = 5000) -> NeuralNetClassifier:
    """The article's network as an estimator: tanh, full-batch gradient descent.

    Examples
    --------
    >>> from barenet.sweep import article_estimator
    >>> clf = article_estimator(iterations=100)
    >>> params = clf.get_params()
    >>> params["hidden_layer_sizes"], params["solver"], params["max_iter"]
    ((4,), 'sgd', 100)
    """
    return NeuralNetClassifier(
        hidden_layer_sizes=(4,), activation="tanh", solver="sgd", learning_rate_init=1.2,
        momentum=0.0, batch_size=None, alpha=0.0, init="small_random", max_iter=iterations,
        n_iter_no_change=None, random_state=0)


@contextmanager
def _progress(total: int, enabled: bool | None) -> Iterator[None]:
    """A progress bar over the search's fits, local or on Dask.

    NOTE: joblib calls ``Parallel.print_progress`` in this process each time
    a batch of fits completes, whatever the backend; the bar follows it.
    """
    import joblib

    from ._progress import progress_bar

    # tqdm's disable=None shows the bar only on a terminal.
    bar = progress_bar(total=total, desc="sweep", unit="fit",
                       disable=None if enabled is None else not enabled)
    original = joblib.Parallel.print_progress

    def print_progress(parallel: joblib.Parallel) -> None:
        bar.update(parallel.n_completed_tasks - bar.n)
        original(parallel)

    joblib.Parallel.print_progress = print_progress
    try:
        yield
    finally:
        joblib.Parallel.print_progress = original
        bar.close()


@contextmanager
def _backend(scheduler: str | None, dask_workers: int | None,
             echo: Callable[[str], None]) -> Iterator[str]:
    """Local processes, or joblib's Dask backend on a cluster (given or started here)."""
    if scheduler is None and dask_workers is None:
        yield "local processes"
        return
    try:
        import joblib
        from distributed import Client, LocalCluster
    except ImportError:
        raise ValueError("the Dask backend needs Dask: pip install 'barenet[dask]'") from None
    cluster = None
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout="10s")
            name = f"Dask cluster at {scheduler}"
        else:
            cluster = LocalCluster(n_workers=dask_workers, threads_per_worker=1,
                                   processes=True, dashboard_address="127.0.0.1:0")
            client = Client(cluster)
            name = f"Dask LocalCluster of {dask_workers} workers"
    except OSError as exc:
        raise ValueError(f"cannot reach the Dask scheduler {scheduler!r} ({exc}); check the "
                         "address (e.g. tcp://127.0.0.1:8786)") from None
    try:
        # (a scheduler started without a dashboard has none to link to)
        served = client.scheduler_info().get("services", {})
        echo(f"{name}; dashboard: {client.dashboard_link}" if "dashboard" in served else name)
        with joblib.parallel_backend("dask"):
            yield name
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_sweep(
    X: Any,
    y: Any,
    *,
    sizes: Sequence[int] = ARTICLE_SIZES,
    learning_rates: Sequence[float] = (1.2,),
    alphas: Sequence[float] = (0.0,),
    activations: Sequence[str] = ("tanh",),
    seeds: int = 1,
    cv: int = 5,
    iterations: int = 5000,
    estimator: NeuralNetClassifier | None = None,
    search: str = "grid",
    n_iter: int = 10,
    n_jobs: int | None = -1,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    random_state: int = 0,
    progress: bool | None = None,
    echo: Callable[[str], None] = print,
) -> SweepResult:
    """Cross-validated search over hidden sizes, learning rates, penalties, activations, seeds.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    sizes : sequence of int, default (1, 2, 3, 4, 5, 20, 50)
        Hidden units of the single hidden layer.
    learning_rates, alphas : sequence of float
        ``learning_rate_init`` and L2 penalty values.
    activations : sequence of str
    seeds : int, default 1
        Each setting is trained with ``random_state`` 0 .. seeds-1.
    cv : int, default 5
        Stratified folds (shuffled with ``random_state``).
    iterations : int, default 5000
        Epochs of each fit (full batch: iterations).
    estimator : NeuralNetClassifier, optional
        The base estimator (default: :func:`article_estimator`).
    search : {"grid", "random"}
        Every combination, or ``n_iter`` combinations drawn at random.
    n_jobs : int, default -1
        Local processes (all cores); ignored on Dask.
    scheduler : str, optional
        Address of an existing Dask scheduler.
    dask_workers : int, optional
        Start a local Dask cluster of this many workers.
    random_state : int, default 0
        Seeds the folds and the random search.
    progress : bool or None
        Progress bar over the fits (None: only on a terminal).
    echo : callable
        Where status lines go.

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> from barenet import datasets
    >>> from barenet.sweep import run_sweep
    >>> X, y = datasets.load_planar_dataset(n_samples=100)
    >>> result = run_sweep(X, y, sizes=(1, 4), cv=2, iterations=200, n_jobs=1,
    ...                    progress=False, echo=lambda line: None)
    >>> [row.hidden for row in result.rows], result.n_fits
    ([1, 4], 4)
    >>> all(0 <= row.val_mean <= 100 for row in result.rows)
    True
    """
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, StratifiedKFold

    if not sizes or min(sizes) < 1:
        raise ValueError(f"sizes must be positive integers, got {list(sizes)}")
    if seeds < 1 or cv < 2 or iterations < 1:
        raise ValueError("seeds and iterations must be at least 1 and cv at least 2")
    if search not in ("grid", "random"):
        raise ValueError(f"search must be 'grid' or 'random', got {search!r}")
    if scheduler is not None and dask_workers is not None:
        raise ValueError("give either a scheduler address or a number of Dask workers, not both")
    base = clone(estimator) if estimator is not None else article_estimator(iterations)
    base.set_params(max_iter=iterations)
    grid: dict[str, list] = {
        "hidden_layer_sizes": [(int(s),) for s in sizes],
        "learning_rate_init": [float(a) for a in learning_rates],
        "alpha": [float(a) for a in alphas],
        "activation": list(activations),
        "random_state": list(range(seeds)),
    }
    folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
    common = dict(cv=folds, return_train_score=True, refit=False, error_score="raise")
    if search == "grid":
        searcher = GridSearchCV(base, grid, n_jobs=n_jobs, **common)
        n_candidates = math.prod(len(v) for v in grid.values())
    else:
        n_candidates = min(n_iter, math.prod(len(v) for v in grid.values()))
        searcher = RandomizedSearchCV(base, grid, n_iter=n_candidates, n_jobs=n_jobs,
                                      random_state=random_state, **common)
    start = time.perf_counter()
    with _backend(scheduler, dask_workers, echo) as backend:
        echo(f"Sweep: {n_candidates} settings x {cv} folds = {n_candidates * cv} fits "
             f"on {backend}")
        with _progress(n_candidates * cv, progress):
            searcher.fit(X, y)
    seconds = time.perf_counter() - start
    return SweepResult(_rows(searcher.cv_results_, cv), cv, list(range(seeds)),
                       n_candidates * cv, seconds, backend, dict(searcher.cv_results_))


def _rows(results: dict[str, Any], cv: int) -> list[SweepRow]:
    """Aggregate GridSearchCV's per-candidate results over folds and seeds."""
    groups: dict[tuple, list[int]] = {}
    for i, params in enumerate(results["params"]):
        key = (params["hidden_layer_sizes"][0], params["learning_rate_init"], params["alpha"],
               params["activation"])
        groups.setdefault(key, []).append(i)
    rows = []
    for (hidden, lr, alpha, activation), idx in sorted(groups.items(), key=lambda kv: kv[0]):
        train = [results[f"split{k}_train_score"][i] for i, k in itertools.product(idx,
                                                                                   range(cv))]
        val = [results[f"split{k}_test_score"][i] for i, k in itertools.product(idx, range(cv))]
        rows.append(SweepRow(hidden, lr, alpha, activation,
                             100 * float(np.mean(train)), 100 * float(np.std(train)),
                             100 * float(np.mean(val)), 100 * float(np.std(val)),
                             float(np.mean(results["mean_fit_time"][idx]))))
    return rows


def format_table(result: SweepResult) -> str:
    """The sweep as an aligned text table, best validation accuracy marked.

    Examples
    --------
    >>> from barenet.sweep import SweepResult, SweepRow
    >>> rows = [SweepRow(hidden=h, learning_rate=1.2, alpha=0.0, activation="tanh",
    ...                  train_mean=t, train_std=1.0, val_mean=v, val_std=2.0, fit_seconds=0.05)
    ...         for h, t, v in [(1, 70.0, 68.0), (4, 91.0, 89.5), (20, 99.0, 86.0)]]
    >>> result = SweepResult(rows, cv=5, seeds=[0], n_fits=15, seconds=1.0,
    ...                      backend="local processes")
    >>> print(format_table(result))
    hidden      lr    alpha  activation       train acc  validation acc     fit
         1     1.2        0        tanh     70.0% ± 1.0     68.0% ± 2.0   0.05s
         4     1.2        0        tanh     91.0% ± 1.0     89.5% ± 2.0   0.05s  <- best
        20     1.2        0        tanh     99.0% ± 1.0     86.0% ± 2.0   0.05s
    """
    best = result.best
    lines = [f"{'hidden':>6}  {'lr':>6}  {'alpha':>7}  {'activation':>10}  "
             f"{'train acc':>14}  {'validation acc':>14}  {'fit':>6}"]
    for r in result.rows:
        mark = "  <- best" if r is best else ""
        lines.append(f"{r.hidden:>6}  {r.learning_rate:>6g}  {r.alpha:>7g}  {r.activation:>10}  "
                     f"{r.train_mean:>7.1f}% ± {r.train_std:>3.1f}  "
                     f"{r.val_mean:>7.1f}% ± {r.val_std:>3.1f}  {r.fit_seconds:>5.2f}s{mark}")
    return "\n".join(lines)


# What write_results writes into its folder.
OUTPUT_FILES = ("results.csv", "sweep.png")


def write_results(result: SweepResult, out: str | Path) -> dict[str, Path]:
    """Write ``results.csv`` (every setting) and ``sweep.png`` to a folder.

    Examples
    --------
    >>> from barenet.sweep import SweepResult, SweepRow
    >>> rows = [SweepRow(hidden=h, learning_rate=1.2, alpha=0.0, activation="tanh",
    ...                  train_mean=t, train_std=1.0, val_mean=v, val_std=2.0, fit_seconds=0.05)
    ...         for h, t, v in [(1, 70.0, 68.0), (4, 91.0, 89.5), (20, 99.0, 86.0)]]
    >>> result = SweepResult(rows, cv=5, seeds=[0], n_fits=15, seconds=1.0,
    ...                      backend="local processes")
    >>> files = write_results(result, "sweep")
    >>> sorted(path.name for path in files.values())
    ['results.csv', 'sweep.png']
    >>> files["csv"].read_text().splitlines()[0].split(",")[:3]
    ['hidden', 'learning_rate', 'alpha']
    """
    from . import plot
    from .tabular import write_csv

    out = Path(out)
    names = ["hidden", "learning_rate", "alpha", "activation", "train_mean", "train_std",
             "val_mean", "val_std", "fit_seconds"]
    columns = [np.array([getattr(r, n) for r in result.rows]) for n in names]
    csv_path, figure_path = (out / name for name in OUTPUT_FILES)
    write_csv(csv_path, names, columns)
    figure = plot.plot_sweep_scores(result.rows)
    return {"csv": csv_path, "figure": plot.save_figure(figure, figure_path)}
