"""``barenet train``: fit a network on a CSV file, a .npy pair or a built-in dataset."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._shared import (
    EXIT_OK,
    Command,
    add_csv_options,
    call_model,
    int_list,
    path,
    positive_float,
    positive_int,
    seed,
)

# Scores are computed on at most this many rows, so that scoring never loads a huge file.
SCORE_ROWS = 1_000_000


def _hidden_list(text: str) -> list[int]:
    if text.strip() in ("", "none", "0"):
        return []
    return int_list(text)


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
    g.add_argument("--learning-rate", type=positive_float, default=None, metavar="A",
                   help="initial learning rate (default: 0.001)")
    g.add_argument("--alpha", type=float, default=None, metavar="L2",
                   help="L2 penalty (default: 0.0001)")
    g.add_argument("--batch-size", type=positive_int, default=None, metavar="N",
                   help="mini-batch size (default: min(200, n_samples))")
    g.add_argument("--iterations", type=positive_int, default=None, metavar="N",
                   help="epochs (default: 200)")
    g.add_argument("--early-stopping", action="store_true",
                   help="stop when the validation score stops improving")
    g.add_argument("--dtype", choices=["float64", "float32"], default=None)
    g.add_argument("--seed", type=seed, default=0, metavar="S",
                   help="seed for the weights, the shuffling and the split (default: 0)")
    g.add_argument("--verbose", action="store_true",
                   help="print the loss at every iteration, as scikit-learn's MLP does")


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", metavar="DATA",
                   help="CSV file, features .npy file, or a built-in dataset name")
    p.add_argument("--target", metavar="COL",
                   help="label column of the CSV file (the labels' .npy file with a .npy DATA)")
    p.add_argument("--test-size", type=float, default=0.2, metavar="F",
                   help="fraction held out for the printed score (default: 0.2)")
    p.add_argument("--out", type=path, default="model.npz", metavar="FILE",
                   help="model file to write (default: model.npz); never one of the inputs")
    add_csv_options(p)
    _add_model_options(p)


def _run(args: argparse.Namespace) -> int:
    """Fit the network, print its scores and save it to --out."""
    import time
    import warnings

    import numpy as np
    from sklearn.model_selection import train_test_split

    from ..estimators import NeuralNetClassifier, NeuralNetRegressor
    from ..io import save

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
    model = Estimator(random_state=args.seed, early_stopping=args.early_stopping,
                      verbose=args.verbose, **options)
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
        value = call_model(model, X_[:SCORE_ROWS], "score", np.asarray(y_[:SCORE_ROWS]))
        return f"{value * 100:.1f}%" if classify else f"{value:.4f}"

    def scored(n: int) -> str:
        return f"{n} samples" if n <= SCORE_ROWS else f"first {SCORE_ROWS} of {n} samples"

    print(f"Trained {model.n_iter_} epochs in {seconds:.1f} s")
    print(f"Training {metric}: {score(X_train, y_train)} ({scored(len(X_train))})")
    print(f"Held-out {metric}: {score(X_test, y_test)} ({scored(len(X_test))})")
    saved = save(model, args.out)
    print(f"Saved {saved}")
    return EXIT_OK


def _train_data(args: argparse.Namespace) -> tuple[Any, Any, list[str]]:
    """Features, labels and feature names of ``barenet train``'s DATA, read once
    ``--out`` is known to be writable and none of the inputs."""
    from pathlib import Path

    from .. import datasets
    from .._files import check_not_input, check_writable
    from ..tabular import read_csv

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
        table = read_csv(args.data, target=args.target, delimiter=args.delimiter,
                         impute=args.impute)
        if table.n_imputed:
            print(f"Imputed {table.n_imputed} missing feature values with each column's "
                  f"{args.impute.replace('_', ' ')} value", flush=True)
        return table.X, table.y, table.feature_names
    if inputs:
        X, y = _load_npy(args.data, 2), _load_npy(args.target, 1)
    else:
        X, y = datasets.load(args.data)
    return X, y, [f"x{i + 1}" for i in range(X.shape[1])]


def _load_npy(file: str, ndim: int) -> Any:
    """A .npy file, memory-mapped; a clear error for anything else."""
    from pathlib import Path

    import numpy as np

    if Path(file).is_dir():
        raise ValueError(f"{file} is a folder; give a .npy file")
    try:
        array = np.load(file, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        raise ValueError(f"no such file: {file}") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {file} as a NumPy .npy file ({exc})") from None
    if array.ndim != ndim:
        raise ValueError(f"{file} holds a {array.ndim}-D array; expected {ndim}-D "
                         f"({'samples x features' if ndim == 2 else 'one label per sample'})")
    return array


COMMAND = Command(
    "train", help="fit a network on a CSV file or a built-in dataset, save the model",
    description="Fit a network on DATA (a CSV file, gzip-compressed or not, with a "
    "header row and numeric features, or a built-in dataset name, or a .npy file of "
    "features with --target naming the labels' .npy file: memory-mapped and streamed, "
    "for data larger than memory), print its training and held-out scores, and save it. "
    "Ctrl-C stops training cleanly and still saves the model.",
    add_options=_add_options, run=_run)
