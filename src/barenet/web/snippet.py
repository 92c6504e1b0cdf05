"""The Python code that rebuilds a playground run with ``NeuralNetClassifier``.

The code is written from the same :class:`~barenet.web.config.PlaygroundConfig`
the training session uses, and trains the way the page did (one
``partial_fit`` per epoch, or L-BFGS in short warm-started fits), so running
it gives the very weights the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .._version import __version__
from .config import PlaygroundConfig


def _call(name: str, kwargs: dict[str, object], indent: int) -> str:
    """``name(k=v, ...)`` wrapped under 80 columns."""
    parts = [f"{k}={v!r}" for k, v in kwargs.items()]
    lines, line = [], f"{name}("
    for i, part in enumerate(parts):
        piece = part + (", " if i < len(parts) - 1 else ")")
        if len(line) + len(piece.rstrip()) > 80 and not line.endswith("("):
            lines.append(line.rstrip())
            line = " " * indent + piece
        else:
            line += piece
    if not parts:
        line += ")"
    lines.append(line)
    return "\n".join(lines)


def _runs(values: Sequence[int]) -> str:
    """``[5] * 3 + [10] * 2`` for ``[5, 5, 5, 10, 10]``."""
    groups: list[list[int]] = []
    for v in values:
        if groups and groups[-1][0] == v:
            groups[-1][1] += 1
        else:
            groups.append([v, 1])
    return " + ".join(f"[{v}] * {n}" for v, n in groups) or "[]"


def python_snippet(
    config: PlaygroundConfig,
    classes: Iterable[object],
    epochs: int,
    lbfgs_fits: Sequence[int] = (),
    upload: tuple[str, str] | None = None,
    note: str | None = None,
) -> str:
    """Python code that rebuilds the run.

    Parameters
    ----------
    config : PlaygroundConfig
    classes : sequence
        The labels, passed to the first ``partial_fit``.
    epochs : int
        Epochs trained so far (stochastic solvers).
    lbfgs_fits : sequence of int
        ``max_iter`` of each warm-started L-BFGS fit, in order.
    upload : (file name, label column), optional
        For an uploaded CSV file, read with :func:`barenet.tabular.read_csv`.
    note : str, optional
        A comment added at the end (e.g. that the last epoch diverged).

    Returns
    -------
    str
        A runnable script.
    """
    lines = [f"# A barenet playground run, rebuilt in Python (barenet {__version__}).",
             "import barenet as bn"]
    if upload is not None:
        lines.append("from barenet.tabular import read_csv")
    lines += ["from sklearn.model_selection import train_test_split", ""]
    if upload is not None:
        name, target = upload
        lines += [f"table = read_csv({name!r}, target={target!r})  # the uploaded file",
                  "X, y = table.X, table.y"]
    else:
        dataset, kwargs = config.dataset_call()
        lines.append("X, y = " + _call("bn.datasets.load", {"name": dataset, **kwargs}, 20)
                     .replace("name=", "", 1))
    lines.append("X_train, X_test, y_train, y_test = train_test_split(\n"
                 f"    X, y, train_size={config.train_size!r}, random_state={config.seed!r}, "
                 "stratify=y)")
    lines += ["", "model = " + _call("bn.NeuralNetClassifier", config.estimator_params(), 4)]
    if config.solver == "lbfgs":
        lines += ["# L-BFGS ran in short warm-started fits, one per frame of the page;",
                  "# each fit's n_iter_ counts its own iterations, as scikit-learn's:",
                  "iterations = 0",
                  f"for max_iter in {_runs(lbfgs_fits)}:",
                  "    model.set_params(max_iter=max_iter).fit(X_train, y_train)",
                  "    iterations += model.n_iter_"]
    else:
        labels = [c.item() if hasattr(c, "item") else c for c in classes]
        lines += [f"for epoch in range({epochs}):  # the page trains one epoch per partial_fit",
                  f"    model.partial_fit(X_train, y_train, classes={labels!r})",
                  "iterations = model.n_iter_"]
    if note:
        lines.append(f"# {note}")
    lines += ["",
              'print(f"epochs: {iterations}, "',
              '      f"training accuracy: {model.score(X_train, y_train):.3f}, "',
              '      f"test accuracy: {model.score(X_test, y_test):.3f}")',
              ""]
    return "\n".join(lines)
