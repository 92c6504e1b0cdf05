"""``barenet sweep``: a cross-validated search over the network's settings."""

from __future__ import annotations

import argparse

from ._shared import EXIT_OK, Command, dataset_name, float_list, int_list, path, positive_int, seed

# Local workers beyond this many per core only compete for the cores, at ~100 MB each.
WORKERS_PER_CORE = 4


def _add_options(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=dataset_name, default=None,
                        help="built-in dataset (default: gaussian_quantiles)")
    source.add_argument("--data", metavar="FILE", help="CSV file (with --target)")
    p.add_argument("--target", metavar="COL", help="label column of --data")
    p.add_argument("--sizes", type=int_list, default=None, metavar="1,2,4",
                   help="hidden sizes (default: the article's 1,2,3,4,5,20,50)")
    p.add_argument("--learning-rates", type=float_list, default=[1.2], metavar="0.1,1.2",
                   help="learning rates (default: 1.2)")
    p.add_argument("--alphas", type=float_list, default=[0.0], metavar="0,0.01",
                   help="L2 penalties (default: 0)")
    p.add_argument("--activations", default="tanh", metavar="tanh,relu",
                   help="hidden activations (default: tanh)")
    p.add_argument("--seeds", type=positive_int, default=1, metavar="N",
                   help="weight seeds 0..N-1 per setting (default: 1)")
    p.add_argument("--cv", type=positive_int, default=5, metavar="K",
                   help="stratified folds (default: 5)")
    p.add_argument("--iterations", type=positive_int, default=5000, metavar="N",
                   help="full-batch gradient-descent iterations per fit (default: 5000)")
    p.add_argument("--search", choices=["grid", "random"], default="grid")
    p.add_argument("--n-iter", type=positive_int, default=10, metavar="K",
                   help="settings drawn by --search random (default: 10)")
    p.add_argument("--jobs", type=int, default=-1, metavar="N",
                   help="local processes (default: -1, all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--dask-workers", type=positive_int, default=None, metavar="N",
                   help="start a local Dask cluster of N workers")
    p.add_argument("--seed", type=seed, default=0, metavar="S",
                   help="seed of the folds and of the random search (default: 0)")
    p.add_argument("--out", type=path, default="barenet-sweep", metavar="DIR",
                   help="output folder (default: barenet-sweep/)")


def _check_workers(jobs: int, dask_workers: int | None) -> None:
    import os

    cores = os.cpu_count() or 1
    most = WORKERS_PER_CORE * cores
    if jobs == 0 or jobs > most:
        raise ValueError(f"--jobs must be between 1 and {most} ({WORKERS_PER_CORE} per core of "
                         f"this computer's {cores}), or negative to count back from all cores "
                         f"(-1: all), got {jobs}")
    if dask_workers is not None and dask_workers > most:
        raise ValueError(f"--dask-workers must be at most {most} ({WORKERS_PER_CORE} per core "
                         f"of this computer's {cores}): more local workers only compete for "
                         f"the cores; for more, start a cluster and pass --scheduler")


def _run(args: argparse.Namespace) -> int:
    """Search, print the table and write results.csv and sweep.png to --out."""
    from pathlib import Path

    from .. import datasets
    from .._files import check_not_input, check_writable
    from ..engine.activations import get_activation
    from ..shallow import ARTICLE_SIZES
    from ..sweep import OUTPUT_FILES, format_table, run_sweep, write_results
    from ..tabular import read_csv

    _check_workers(args.jobs, args.dask_workers)
    check_writable(args.out, folder=True)
    if args.data is not None:
        if args.target is None:
            raise ValueError("--target COL is required with --data: name the label column")
        check_not_input([Path(args.out) / name for name in OUTPUT_FILES], [args.data],
                        f"--out {args.out}")
        table = read_csv(args.data, target=args.target)
        X, y, name = table.X, table.y, args.data
    else:
        if args.target is not None:
            raise ValueError("--target goes with --data FILE; a built-in dataset has its labels")
        name = args.dataset or "gaussian_quantiles"
        X, y = datasets.load(name)
    activations = [a.strip() for a in args.activations.split(",") if a.strip()]
    for activation in activations:
        get_activation(activation)  # a clear error for an unknown name
    print(f"Data: {name}, {len(X)} samples, {X.shape[1]} features")
    result = run_sweep(
        X, y, sizes=args.sizes or list(ARTICLE_SIZES), learning_rates=args.learning_rates,
        alphas=args.alphas, activations=activations, seeds=args.seeds, cv=args.cv,
        iterations=args.iterations, search=args.search, n_iter=args.n_iter, n_jobs=args.jobs,
        scheduler=args.scheduler, dask_workers=args.dask_workers, random_state=args.seed)
    print(format_table(result))
    best = result.best
    print(f"Best validation accuracy {best.val_mean:.1f}% ± {best.val_std:.1f} with "
          f"{best.hidden} hidden units, learning rate {best.learning_rate:g}, alpha "
          f"{best.alpha:g}, {best.activation}; {result.n_fits} fits in {result.seconds:.1f} s")
    files = write_results(result, args.out)
    print(f"Wrote {files['csv']} and {files['figure']}")
    return EXIT_OK


COMMAND = Command(
    "sweep", help="cross-validated search over hidden sizes, learning rates, penalties, "
    "seeds; local or on Dask",
    description="Search hidden sizes, learning rates, L2 penalties, activations and seeds "
    "with stratified k-fold cross-validation (scikit-learn's GridSearchCV on joblib), "
    "on local processes or a Dask cluster. Prints a table and writes results.csv and "
    "sweep.png (training vs validation accuracy against hidden size) to --out.",
    add_options=_add_options, run=_run)
