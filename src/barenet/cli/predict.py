"""``barenet predict``: a saved model's predictions for a CSV file."""

from __future__ import annotations

import argparse
import sys

from ._shared import EXIT_OK, Command, add_csv_options, call_model, path


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("data", metavar="DATA", help="CSV file")
    p.add_argument("--proba", action="store_true",
                   help="also write each class's probability (classifiers)")
    p.add_argument("--out", type=path, default=None, metavar="FILE",
                   help="CSV file to write (default: standard output); never one of the inputs")
    add_csv_options(p)


def _run(args: argparse.Namespace) -> int:
    """Write the predictions as CSV, to --out or standard output."""
    import numpy as np

    from .. import shallow
    from .._files import check_not_input, check_writable
    from ..io import load
    from ..tabular import read_csv, write_csv

    if args.out is not None:
        check_not_input([args.out], [args.model, args.data], f"--out {args.out}")
        check_writable(args.out)
    model = load(args.model)
    if isinstance(model, dict):  # the article's parameters: features x samples
        table = read_csv(args.data, delimiter=args.delimiter, impute=args.impute)
        header, columns = ["prediction"], [shallow.predict(model, table.X.T).ravel()]
        if args.proba:
            header.append("probability")
            columns.append(shallow.predict_proba(model, table.X.T).ravel())
    else:
        names = getattr(model, "feature_names_in_", None)
        table = read_csv(args.data, features=None if names is None else list(names),
                         delimiter=args.delimiter, impute=args.impute)
        predictions = np.asarray(call_model(model, table.X, "predict"))
        if predictions.ndim == 1:
            header, columns = ["prediction"], [predictions]
        else:
            header = [f"prediction_{j}" for j in range(predictions.shape[1])]
            columns = list(predictions.T)
        if args.proba:
            if not hasattr(model, "predict_proba"):
                raise ValueError("--proba needs a classifier; this model is a regressor")
            proba = call_model(model, table.X, "predict_proba")
            header += [f"proba_{c}" for c in model.classes_]
            columns += list(proba.T)
    text = write_csv(args.out, header, columns)
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"Wrote {len(table.X)} predictions to {args.out}", file=sys.stderr)
    return EXIT_OK


COMMAND = Command(
    "predict", help="predictions of a saved model for a CSV file",
    description="Predict with MODEL (a file written by barenet train or barenet.save) "
    "for every row of DATA (a CSV file, gzip-compressed or not, with a header row; the "
    "model's feature columns are picked by name, other columns are ignored). Writes CSV.",
    add_options=_add_options, run=_run)
