"""The ``barenet`` command line: argument parsing only.

Exit status: 0 on success, 2 on bad usage or bad input, a file that cannot be
read or written, or too little memory (one line on stderr, no traceback), 130
on Ctrl-C, 1 on an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._version import __version__

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, with the way out."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected a seed between 0 and 2**32 - 1, got {value}")
    return value


def _path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty one")
    return text


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers such as 1,2,4, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 1,2,4, got {text!r}")
    return values


def _dataset_name(text: str) -> str:
    from . import datasets

    if text not in datasets.names():
        raise argparse.ArgumentTypeError(
            f"unknown dataset {text!r}; choose one of {', '.join(datasets.names())}")
    return text


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="the whole article in one run: data, baseline, network, sweep",
        description="Reproduce the article: the data, a logistic-regression baseline, "
        "the shallow network with its cost lines, and a hidden-size sweep with training "
        "and held-out accuracy. Writes figures and report.md to --out.")
    p.add_argument("--dataset", type=_dataset_name, default="gaussian_quantiles",
                   help="built-in dataset (default: gaussian_quantiles, the article's)")
    p.add_argument("--hidden", type=_positive_int, default=4, metavar="N",
                   help="hidden units of the network (default: 4)")
    p.add_argument("--iterations", type=_positive_int, default=5000, metavar="N",
                   help="gradient-descent iterations (default: 5000)")
    p.add_argument("--learning-rate", type=_positive_float, default=1.2, metavar="A",
                   help="learning rate (default: 1.2)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="seed for the data, the weights and the folds (default: the "
                   "dataset's own seed, the course's weight seed 2, fold seed 0)")
    p.add_argument("--sizes", type=_int_list, default=None, metavar="1,2,3",
                   help="hidden sizes of the sweep (default: the article's 1,2,3,4,5,20,50)")
    p.add_argument("--cv", type=_positive_int, default=5, metavar="K",
                   help="cross-validation folds for held-out accuracy (default: 5)")
    p.add_argument("--out", type=_path, default="barenet-demo", metavar="DIR",
                   help="output folder (default: barenet-demo/)")
    p.add_argument("--animate", action="store_true",
                   help="also write training.gif: the boundary as the network trains")
    p.set_defaults(run=_run_demo)


def _run_demo(args: argparse.Namespace) -> int:
    from ._files import check_writable
    from .demo import run_demo
    from .shallow import ARTICLE_SIZES

    check_writable(args.out, folder=True)  # before the work, not after it
    run_demo(dataset=args.dataset, hidden=args.hidden, iterations=args.iterations,
             learning_rate=args.learning_rate, seed=args.seed,
             sizes=args.sizes or list(ARTICLE_SIZES), out=args.out, cv=args.cv,
             animate=args.animate)
    return EXIT_OK


def _hidden_list(text: str) -> list[int]:
    if text.strip() in ("", "none", "0"):
        return []
    return _int_list(text)


def _add_model_options(p: argparse.ArgumentParser) -> None:
    """Options of the estimator, named as in ``barenet demo`` where they mean the same."""
    g = p.add_argument_group("model")
    g.add_argument("--task", choices=["classification", "regression"], default="classification",
                   help="what the target is (default: classification)")
    g.add_argument("--hidden", type=_hidden_list, default=None, metavar="16,16",
                   help="units per hidden layer (default: 100; 'none' for no hidden layer)")
    g.add_argument("--activation", default=None,
                   choices=["identity", "sigmoid", "tanh", "relu", "leaky_relu"],
                   help="hidden activation (default: relu)")
    g.add_argument("--solver", choices=["adam", "sgd", "lbfgs"], default=None,
                   help="optimiser (default: adam)")
    g.add_argument("--learning-rate", type=_positive_float, default=None, metavar="A",
                   help="initial learning rate (default: 0.001)")
    g.add_argument("--alpha", type=float, default=None, metavar="L2",
                   help="L2 penalty (default: 0.0001)")
    g.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                   help="mini-batch size (default: min(200, n_samples))")
    g.add_argument("--iterations", type=_positive_int, default=None, metavar="N",
                   help="epochs (default: 200)")
    g.add_argument("--early-stopping", action="store_true",
                   help="stop when the validation score stops improving")
    g.add_argument("--dtype", choices=["float64", "float32"], default=None)
    g.add_argument("--seed", type=_seed, default=0, metavar="S",
                   help="seed for the weights, the shuffling and the split (default: 0)")


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train", help="fit a network on a CSV file or a built-in dataset, save the model",
        description="Fit a network on DATA (a CSV file with a header row and numeric "
        "features, or a built-in dataset name, or a .npy file of features with --target "
        "naming the labels' .npy file: memory-mapped and streamed, for data larger than "
        "memory), print its training and held-out scores, and save it. Ctrl-C stops "
        "training cleanly and still saves the model.")
    p.add_argument("data", metavar="DATA",
                   help="CSV file, features .npy file, or a built-in dataset name")
    p.add_argument("--target", metavar="COL",
                   help="label column of the CSV file (the labels' .npy file with a .npy DATA)")
    p.add_argument("--test-size", type=float, default=0.2, metavar="F",
                   help="fraction held out for the printed score (default: 0.2)")
    p.add_argument("--out", type=_path, default="model.npz", metavar="FILE",
                   help="model file to write (default: model.npz); never one of the inputs")
    _add_model_options(p)
    p.set_defaults(run=_run_train)


def _run_train(args: argparse.Namespace) -> int:
    import time
    import warnings

    import numpy as np
    from sklearn.model_selection import train_test_split

    from .estimators import NeuralNetClassifier, NeuralNetRegressor
    from .io import save

    on_disk = args.data.endswith(".npy")
    X, y, names = _train_data(args)
    if not 0 < args.test_size < 1:
        raise ValueError(f"--test-size must be between 0 and 1, got {args.test_size}")
    classify = args.task == "classification"
    options = {"hidden_layer_sizes": args.hidden, "activation": args.activation,
               "solver": args.solver, "learning_rate_init": args.learning_rate,
               "alpha": args.alpha, "batch_size": args.batch_size, "max_iter": args.iterations,
               "dtype": args.dtype}
    options = {k: v for k, v in options.items() if v is not None}
    Estimator = NeuralNetClassifier if classify else NeuralNetRegressor
    model = Estimator(random_state=args.seed, early_stopping=args.early_stopping, **options)
    if classify and len(np.unique(y)) < 2:
        raise ValueError("the target has only one class; a classifier needs at least two")
    try:
        if on_disk:  # the last rows are held out: a random split would copy the data
            cut = int(round(len(X) * (1 - args.test_size)))
            X_train, X_test, y_train, y_test = X[:cut], X[cut:], y[:cut], y[cut:]
        else:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=args.test_size, random_state=args.seed,
                stratify=y if classify else None)
    except ValueError as exc:
        raise ValueError(f"cannot hold out --test-size {args.test_size} of {len(X)} samples "
                         f"({exc}); use more data or another --test-size") from None
    hidden = ", ".join(str(h) for h in model._hidden_sizes()) or "none"
    print(f"Training {type(model).__name__} (hidden layers: {hidden}) on {len(X_train)} "
          "samples; Ctrl-C stops early and keeps the model", flush=True)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)  # Ctrl-C ends training early and keeps the model
    seconds = time.perf_counter() - start
    for warning in caught:
        print(f"Note: {warning.message}", file=sys.stderr)
    model.feature_names_in_ = np.asarray(names, dtype=object)
    metric = "accuracy" if classify else "R²"

    def score(X_: np.ndarray, y_: np.ndarray) -> str:
        # Scored on at most SCORE_ROWS rows, so that scoring never loads a huge file.
        value = _predict(model, X_[:SCORE_ROWS], "score", np.asarray(y_[:SCORE_ROWS]))
        return f"{value * 100:.1f}%" if classify else f"{value:.4f}"

    def scored(n: int) -> str:
        return f"{n} samples" if n <= SCORE_ROWS else f"first {SCORE_ROWS} of {n} samples"

    print(f"Trained {model.n_iter_} epochs in {seconds:.1f} s")
    print(f"Training {metric}: {score(X_train, y_train)} ({scored(len(X_train))})")
    print(f"Held-out {metric}: {score(X_test, y_test)} ({scored(len(X_test))})")
    path = save(model, args.out)
    print(f"Saved {path}")
    return EXIT_OK


SCORE_ROWS = 1_000_000


def _train_data(args: argparse.Namespace) -> tuple[Any, Any, list[str]]:
    """Features, labels and feature names of ``barenet train``'s DATA, read once
    ``--out`` is known to be writable and none of the inputs."""
    from . import datasets
    from ._files import check_not_input, check_writable
    from .tabular import read_csv

    if args.data.endswith(".npy"):
        # A .npy pair: features and labels, memory-mapped, streamed while training.
        if args.target is None or not args.target.endswith(".npy"):
            raise ValueError("with features in a .npy file, --target must name the labels' "
                             ".npy file")
        inputs = [args.data, args.target]
    elif Path(args.data).is_dir():
        raise ValueError(f"{args.data} is a folder; give a CSV file, a .npy file or a "
                         f"built-in dataset name ({', '.join(datasets.names())})")
    elif Path(args.data).is_file():
        if args.target is None:
            raise ValueError("--target COL is required with a CSV file: name the label column")
        inputs = [args.data]
    elif args.data in datasets.names():
        inputs = []
    else:
        raise ValueError(f"no file {args.data!r}, and no built-in dataset of that name "
                         f"({', '.join(datasets.names())})")
    check_not_input([args.out], inputs, f"--out {args.out}")
    check_writable(args.out)
    if len(inputs) == 1:
        table = read_csv(args.data, target=args.target)
        return table.X, table.y, table.feature_names
    if inputs:
        X, y = _load_npy(args.data, 2), _load_npy(args.target, 1)
    else:
        X, y = datasets.load(args.data)
    return X, y, [f"x{i + 1}" for i in range(X.shape[1])]


def _load_npy(path: str, ndim: int) -> Any:
    """A .npy file, memory-mapped; a clear error for anything else."""
    import numpy as np

    if Path(path).is_dir():
        raise ValueError(f"{path} is a folder; give a .npy file")
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        raise ValueError(f"no such file: {path}") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path} as a NumPy .npy file ({exc})") from None
    if array.ndim != ndim:
        raise ValueError(f"{path} holds a {array.ndim}-D array; expected {ndim}-D "
                         f"({'samples x features' if ndim == 2 else 'one label per sample'})")
    return array


def _predict(model: Any, X: Any, method: str, *args: Any) -> Any:
    """Call a fitted model on columns already matched by name.

    NOTE: the command line matches CSV columns to ``feature_names_in_``
    itself, so scikit-learn's warning about an array without names does not
    apply here.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        return getattr(model, method)(X, *args)


def _add_predict(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "predict", help="predictions of a saved model for a CSV file",
        description="Predict with MODEL (a file written by barenet train or barenet.save) "
        "for every row of DATA (a CSV file with a header row; the model's feature columns "
        "are picked by name, other columns are ignored). Writes CSV.")
    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("data", metavar="DATA", help="CSV file")
    p.add_argument("--proba", action="store_true",
                   help="also write each class's probability (classifiers)")
    p.add_argument("--out", type=_path, default=None, metavar="FILE",
                   help="CSV file to write (default: standard output); never one of the inputs")
    p.set_defaults(run=_run_predict)


def _run_predict(args: argparse.Namespace) -> int:
    import numpy as np

    from . import shallow
    from ._files import check_not_input, check_writable
    from .io import load
    from .tabular import read_csv, write_csv

    if args.out is not None:
        check_not_input([args.out], [args.model, args.data], f"--out {args.out}")
        check_writable(args.out)
    model = load(args.model)
    if isinstance(model, dict):  # the article's parameters: features x samples
        table = read_csv(args.data)
        header, columns = ["prediction"], [shallow.predict(model, table.X.T).ravel()]
        if args.proba:
            header.append("probability")
            columns.append(shallow.predict_proba(model, table.X.T).ravel())
    else:
        names = getattr(model, "feature_names_in_", None)
        table = read_csv(args.data, features=None if names is None else list(names))
        predictions = np.asarray(_predict(model, table.X, "predict"))
        if predictions.ndim == 1:
            header, columns = ["prediction"], [predictions]
        else:
            header = [f"prediction_{j}" for j in range(predictions.shape[1])]
            columns = list(predictions.T)
        if args.proba:
            if not hasattr(model, "predict_proba"):
                raise ValueError("--proba needs a classifier; this model is a regressor")
            proba = _predict(model, table.X, "predict_proba")
            header += [f"proba_{c}" for c in model.classes_]
            columns += list(proba.T)
    text = write_csv(args.out, header, columns)
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"Wrote {len(table.X)} predictions to {args.out}", file=sys.stderr)
    return EXIT_OK


def _add_playground(sub: argparse._SubParsersAction) -> None:
    def port(text: str) -> int:
        if not text.isdigit() or int(text) > 65535:
            raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {text!r}")
        return int(text)

    def run(args: argparse.Namespace) -> int:
        import importlib.util

        missing = [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]
        if missing:
            print(f"barenet: error: the playground needs {' and '.join(missing)}: "
                  "pip install 'barenet[web]'", file=sys.stderr)
            return EXIT_USAGE
        from .web.serve import serve

        try:
            serve(host=args.host, port=args.port, open_browser=not args.no_browser)
        except KeyboardInterrupt:  # Ctrl-C is how a server is stopped: not a failure
            print("barenet playground stopped", file=sys.stderr)
        return EXIT_OK

    p = sub.add_parser(
        "playground", help="the interactive page, on 127.0.0.1",
        description="Serve the playground, a page where a network trains live on a toy "
        "dataset or your CSV file (barenet itself, not a copy), and open it in the browser. "
        "Needs the web extra: pip install 'barenet[web]'.")
    p.add_argument("--port", type=port, default=8765,
                   help="port to listen on (default: 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this computer only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.set_defaults(run=run)


def _float_list(text: str) -> list[float]:
    import math

    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 0.1,1.2, got {text!r}") from None
    if not values or not all(math.isfinite(v) and v >= 0 for v in values):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated non-negative numbers, got {text!r}")
    return values


def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep", help="cross-validated search over hidden sizes, learning rates, penalties, "
        "seeds; local or on Dask",
        description="Search hidden sizes, learning rates, L2 penalties, activations and seeds "
        "with stratified k-fold cross-validation (scikit-learn's GridSearchCV on joblib), "
        "on local processes or a Dask cluster. Prints a table and writes results.csv and "
        "sweep.png (training vs validation accuracy against hidden size) to --out.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=_dataset_name, default=None,
                        help="built-in dataset (default: gaussian_quantiles)")
    source.add_argument("--data", metavar="FILE", help="CSV file (with --target)")
    p.add_argument("--target", metavar="COL", help="label column of --data")
    p.add_argument("--sizes", type=_int_list, default=None, metavar="1,2,4",
                   help="hidden sizes (default: the article's 1,2,3,4,5,20,50)")
    p.add_argument("--learning-rates", type=_float_list, default=[1.2], metavar="0.1,1.2",
                   help="learning rates (default: 1.2)")
    p.add_argument("--alphas", type=_float_list, default=[0.0], metavar="0,0.01",
                   help="L2 penalties (default: 0)")
    p.add_argument("--activations", default="tanh", metavar="tanh,relu",
                   help="hidden activations (default: tanh)")
    p.add_argument("--seeds", type=_positive_int, default=1, metavar="N",
                   help="weight seeds 0..N-1 per setting (default: 1)")
    p.add_argument("--cv", type=_positive_int, default=5, metavar="K",
                   help="stratified folds (default: 5)")
    p.add_argument("--iterations", type=_positive_int, default=5000, metavar="N",
                   help="full-batch gradient-descent iterations per fit (default: 5000)")
    p.add_argument("--search", choices=["grid", "random"], default="grid")
    p.add_argument("--n-iter", type=_positive_int, default=10, metavar="K",
                   help="settings drawn by --search random (default: 10)")
    p.add_argument("--jobs", type=int, default=-1, metavar="N",
                   help="local processes (default: -1, all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--dask-workers", type=_positive_int, default=None, metavar="N",
                   help="start a local Dask cluster of N workers")
    p.add_argument("--seed", type=_seed, default=0, metavar="S",
                   help="seed of the folds and of the random search (default: 0)")
    p.add_argument("--out", type=_path, default="barenet-sweep", metavar="DIR",
                   help="output folder (default: barenet-sweep/)")
    p.set_defaults(run=_run_sweep)


# Local workers beyond this many per core only compete for the cores, at ~100 MB each.
WORKERS_PER_CORE = 4


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


def _run_sweep(args: argparse.Namespace) -> int:
    from . import datasets
    from ._files import check_not_input, check_writable
    from .engine.activations import get_activation
    from .shallow import ARTICLE_SIZES
    from .sweep import OUTPUT_FILES, format_table, run_sweep, write_results
    from .tabular import read_csv

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


def _add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench", help="the benchmark workloads against PyTorch, MLPClassifier and the "
        "article's code, side by side",
        description="Time SPEC's workloads W1-W4 for barenet and its peers in this one "
        "process, interleaved, and print medians and ratios (above 1: barenet is faster). "
        "PyTorch columns say 'not installed' when it is absent.")
    p.add_argument("workloads", nargs="*", default=["W1", "W2", "W3", "W4"],
                   metavar="WORKLOAD", help="W1 W2 W3 W4 (default: all)")
    p.add_argument("--quick", action="store_true", help="a short smoke run (rough figures)")
    p.add_argument("--repeats", type=_positive_int, default=None, metavar="N",
                   help="rounds per workload (default: each workload's own)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(run=_run_bench)


def _run_bench(args: argparse.Namespace) -> int:
    import json

    from .bench import format_table, run_bench

    echo = (lambda line: print(line, file=sys.stderr)) if args.json else print
    result = run_bench(args.workloads, quick=args.quick, repeats=args.repeats, echo=echo)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print()
        print(format_table(result))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The ``barenet`` argument parser with its sub-commands."""
    parser = _Parser(
        prog="barenet",
        description="Neural networks from scratch in NumPy.")
    parser.add_argument("--version", action="version", version=f"barenet {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_demo(sub)
    _add_train(sub)
    _add_predict(sub)
    _add_sweep(sub)
    _add_bench(sub)
    _add_playground(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad usage or input, 1 on an unexpected failure.
    """
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
            return int(exc.code or 0)
        if not hasattr(args, "run"):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return args.run(args)
    except KeyboardInterrupt:  # also while starting up: a stop, not a failure
        print("barenet: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        # Bad input, or a file that cannot be read or written: said in one line.
        return _usage_error(str(exc))
    except MemoryError:
        return _usage_error("not enough memory for this; use a smaller network, a smaller "
                            "--batch-size or less data")


def _usage_error(message: str) -> int:
    print(f"barenet: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE
