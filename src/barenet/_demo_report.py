"""What a demo run found, and the report that tells it.

:class:`DemoResult` holds the numbers of a run of :func:`barenet.demo.run_demo`
(a :class:`SweepRow` for each hidden size of its sweep); :func:`sweep_table`
prints the sweep, and :func:`sections` writes the report, section by section,
for :func:`barenet.report.write_reports`.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._version import __version__
from .report import Section


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


def sections(result: DemoResult, settings: dict) -> list[Section]:
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
