"""What a demo run found, and the report that tells it.

:class:`DemoResult` holds the numbers of a run of :func:`barenet.demo.run_demo`
(a :class:`SweepRow` for each hidden size of its sweep, over several weight
seeds and folds); :func:`sweep_table` prints the sweep, :func:`verdict` reads
from those numbers what they support (and nothing more), and :func:`sections`
writes the report, section by section, for :func:`barenet.report.write_reports`.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._demo_stability import stability_blocks
from ._version import __version__
from .report import Section

# A difference between two accuracies counts only when it is larger than this
# many standard errors of that difference: the report's "noise".
NOISE_SE = 2.0

# The hidden size the article settles on.
ARTICLE_HIDDEN = 4


@dataclass
class SweepRow:
    """One hidden size of the sweep, over several weight seeds (accuracies in %).

    Attributes
    ----------
    n_h : int
        Hidden units.
    train : ndarray of shape (n_seeds,)
        Training accuracy of each seed's network, fit and scored on all the
        data; ``train[0]`` is the run's first seed (the course's seed 2 by
        default), the article's figure.
    heldout : ndarray of shape (n_seeds, n_folds)
        ``heldout[i, k]``: seed ``i``'s network trained without fold ``k``,
        scored on fold ``k``.
    seconds : float
        The time of all of this size's fits, added up.

    Examples
    --------
    >>> row = SweepRow(4, [97.5, 97.0], [[92.5, 95.0], [90.0, 95.0]], seconds=1.0)
    >>> row.train_accuracy, row.heldout_mean
    (97.5, 93.125)
    """

    n_h: int
    train: np.ndarray
    heldout: np.ndarray
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.train = np.asarray(self.train, dtype=float).reshape(-1)
        self.heldout = np.asarray(self.heldout, dtype=float)
        if self.heldout.ndim != 2 or self.heldout.shape[0] != self.train.size:
            raise ValueError(f"heldout must have shape (n_seeds, n_folds) = "
                             f"({self.train.size}, k), got {self.heldout.shape}")

    @property
    def train_accuracy(self) -> float:
        """Training accuracy of the first seed's network: the article's figure."""
        return float(self.train[0])

    @property
    def train_mean(self) -> float:
        """Training accuracy, mean over the seeds."""
        return float(self.train.mean())

    @property
    def train_std(self) -> float:
        """Training accuracy, standard deviation over the seeds."""
        return float(self.train.std())

    @property
    def heldout_mean(self) -> float:
        """Held-out accuracy, mean over seeds and folds."""
        return float(self.heldout.mean())

    @property
    def heldout_std(self) -> float:
        """Held-out accuracy, standard deviation over seeds and folds: one fit's spread."""
        return float(self.heldout.std())


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
    seeds: list[int] = field(default_factory=lambda: [2])  # the sweep's weight seeds
    stability: list = field(default_factory=list)  # of _demo_stability.StabilityRun


def _standard_error(values: np.ndarray) -> float:
    """Standard error of the mean of ``values``: std (ddof 1) / sqrt(n); 0 for one value."""
    return float(np.std(values, ddof=1) / np.sqrt(values.size)) if values.size > 1 else 0.0


def heldout_difference(a: SweepRow, b: SweepRow) -> tuple[float, float]:
    """Held-out accuracy of ``a`` minus that of ``b``, and the noise of that difference.

    The two sizes were scored on the same folds, so the difference is taken
    fold by fold, each fold's accuracy first averaged over the seeds (they
    share its test points).  The noise is :data:`NOISE_SE` standard errors
    of the mean of those per-fold differences.

    Returns
    -------
    difference, noise : float
        In percentage points.
    """
    if a.heldout.shape != b.heldout.shape:
        raise ValueError(f"rows of n_h = {a.n_h} and {b.n_h} were not scored on the same "
                         f"seeds and folds: {a.heldout.shape} vs {b.heldout.shape}")
    d = a.heldout.mean(axis=0) - b.heldout.mean(axis=0)
    return float(d.mean()), NOISE_SE * _standard_error(d)


def train_heldout_gap(row: SweepRow) -> tuple[float, float]:
    """How far training accuracy exceeds held-out accuracy, and the noise of that gap.

    gap = mean training accuracy - mean held-out accuracy; its noise is
    :data:`NOISE_SE` standard errors, sqrt(SE_heldout² + SE_train²), the
    held-out one over the folds (seeds averaged) and the training one over
    the seeds.
    """
    se = np.hypot(_standard_error(row.heldout.mean(axis=0)), _standard_error(row.train))
    return row.train_mean - row.heldout_mean, NOISE_SE * float(se)


@dataclass
class Verdict:
    """What the sweep's numbers support, computed from them (hidden sizes as lists)."""

    best: SweepRow
    within_noise: list[int]  # of the best, the best included
    below: list[int]  # below the best by more than the noise
    overfit: list[int]  # training accuracy above held-out by more than the noise
    larger_worse: list[int]  # larger than the best and below it by more than the noise


def verdict(rows: Sequence[SweepRow]) -> Verdict:
    """Best held-out size, the sizes within noise of it, and where training overstates.

    Parameters
    ----------
    rows : sequence of SweepRow
        All scored on the same seeds and folds.

    Returns
    -------
    Verdict
    """
    best = max(rows, key=lambda r: r.heldout_mean)
    within: list[int] = []
    below: list[int] = []
    overfit: list[int] = []
    for r in rows:
        difference, noise = heldout_difference(best, r)
        (within if difference <= noise else below).append(r.n_h)
        gap, gap_noise = train_heldout_gap(r)
        if gap > gap_noise:
            overfit.append(r.n_h)
    return Verdict(best, within, below, overfit, [n for n in below if n > best.n_h])


def _sizes(sizes: Sequence[object]) -> str:
    """``[1, 2, 3]`` as "1, 2 and 3"."""
    words = [str(n) for n in sizes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _units(sizes: Sequence[int], word: str = "units") -> str:
    """``[1]`` as "1 unit", ``[2, 3]`` as "2 and 3 units" (``word`` e.g. "hidden units")."""
    return f"{_sizes(sizes)} {word[:-1] if list(sizes) == [1] else word}"


def _cells(r: SweepRow, best: SweepRow) -> list[str]:
    """A row of the table: size, training (first seed, all seeds), held-out, vs best, time."""
    difference, noise = heldout_difference(r, best)
    return [str(r.n_h), f"{r.train_accuracy:.1f}%", f"{r.train_mean:.1f}% ± {r.train_std:.1f}",
            f"{r.heldout_mean:.1f}% ± {r.heldout_std:.1f}",
            "best" if r is best else f"{difference:+.1f} ± {noise:.1f}", f"{r.seconds:.1f} s"]


def spread(n_seeds: int, n_folds: int | None = None) -> str:
    """What a spread is over, e.g. "5 seeds × 5 folds", or "1 seed" (``n_folds`` None)."""
    seeds = f"{n_seeds} seed" + ("s" if n_seeds != 1 else "")
    return seeds if n_folds is None else f"{seeds} × {n_folds} folds"


def table_header(seeds: Sequence[int], folds: int) -> list[str]:
    """Column names of the sweep's table, naming the seeds and folds behind each spread."""
    return ["hidden units", f"train, seed {seeds[0]}", f"train, {spread(len(seeds))}",
            f"held-out, {spread(len(seeds), folds)}", "vs best ± noise", "fit time"]


def sweep_table(rows: Sequence[SweepRow], seeds: Sequence[int]) -> list[str]:
    """The sweep as aligned text lines: a line on the spreads, the header, a line per size."""
    folds = rows[0].heldout.shape[1]
    best = verdict(rows).best
    cells = [table_header(seeds, folds)] + [_cells(r, best) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return [f"train: on all the data; held-out: mean ± std over {spread(len(seeds), folds)} "
            f"(weight seeds {_sizes(seeds)})"] + [
        "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]


def verdict_text(rows: Sequence[SweepRow], n_seeds: int) -> list[str]:
    """The verdict as paragraphs, every claim computed from ``rows``."""
    v = verdict(rows)
    best = v.best
    text = [f"The best held-out accuracy is {best.heldout_mean:.1f}%, at "
            f"{_units([best.n_h], 'hidden units')}. " + _within_text(v, rows)]
    text.append(_overfit_text(v, rows))
    text.append(_claim_text(v, rows))
    if n_seeds == 1:
        text.append("These numbers come from one weight seed, so they also carry the luck "
                    "of one set of starting weights; more seeds (--seeds) average it out.")
    return text


def _within_text(v: Verdict, rows: Sequence[SweepRow]) -> str:
    others = [n for n in v.within_noise if n != v.best.n_h]
    if len(rows) == 1:
        return "It is the only size of this sweep."
    if not v.below:
        return "Every other size is within noise of it: this sweep cannot tell them apart."
    text = f"Below it by more than the noise: {_units(v.below)}. "
    if others:
        return text + (f"Within noise of it: {_units(others)}; these numbers cannot tell "
                       f"{'it' if len(others) == 1 else 'them'} from the best.")
    return text + "No other size is within noise of it."


def _overfit_text(v: Verdict, rows: Sequence[SweepRow]) -> str:
    if v.overfit:
        gaps = ["{:.1f} ± {:.1f}".format(*train_heldout_gap(r)) for r in rows
                if r.n_h in v.overfit]
        text = (f"Training accuracy (mean over the seeds) exceeds held-out accuracy by more "
                f"than the noise at {_units(v.overfit)} (by {_sizes(gaps)} points, gap ± "
                "noise): those networks "
                "score better on the points they were trained on than on new ones, so their "
                "training accuracy overstates how well they predict. ")
    else:
        text = ("At no size does training accuracy exceed held-out accuracy by more than "
                "the noise: here training accuracy is a fair guide to held-out accuracy. ")
    larger = [r.n_h for r in rows if r.n_h > v.best.n_h]
    if v.larger_worse:
        return text + (f"Larger than the best, {_units(v.larger_worse)} predict new points "
                       "worse by more than the noise: there extra units hurt, the "
                       "overfitting the article warns of.")
    if larger:
        return text + (f"But no size larger than {_units([v.best.n_h])} predicts new points "
                       "worse by more than the noise: on these data extra units did not hurt, "
                       "and the overfitting the article warns of (held-out accuracy falling "
                       "as units are added) does not show.")
    return text


def _claim_text(v: Verdict, rows: Sequence[SweepRow]) -> str:
    smallest = min(v.within_noise)
    simplest = (f"The smallest size within noise of the best is {_units([smallest])}: the "
                "simplest network these numbers cannot tell from the best.")
    four = next((r for r in rows if r.n_h == ARTICLE_HIDDEN), None)
    text = f"The article concludes that about {ARTICLE_HIDDEN} hidden units suffice. "
    if four is None:
        return text + f"This sweep has no {ARTICLE_HIDDEN}-unit network to check. " + simplest
    if four is v.best:
        return text + f"Here {ARTICLE_HIDDEN} units are the best size. " + simplest
    difference, noise = heldout_difference(v.best, four)
    text += (f"Here {ARTICLE_HIDDEN} units reach {four.heldout_mean:.1f}% held-out, "
             f"{difference:.1f} points below the best (noise ± {noise:.1f}): ")
    if ARTICLE_HIDDEN in v.within_noise:
        just = " (only just)" if difference > 0.8 * noise else ""
        return (text + f"within noise{just}, so these numbers are consistent with it. "
                + simplest)
    return text + ("more than the noise, so on these numbers more units predict new points "
                   "better and the claim is not supported. " + simplest)


def sections(result: DemoResult, settings: dict) -> list[Section]:
    """What the report says, section by section."""
    import matplotlib
    import sklearn

    f = result.files
    printed = zip(result.cost_iterations, result.costs, strict=True)
    cost_lines = [f"Cost after iteration {i}: {c:f}" for i, c in printed if i % 1000 == 0]
    again = (f"barenet demo --dataset {settings['dataset']} --hidden {settings['hidden']} "
             f"--iterations {settings['iterations']} --learning-rate "
             f"{settings['learning_rate']} --sizes {','.join(map(str, settings['sizes']))} "
             f"--cv {settings['cv']} --seeds {settings['seeds']}"
             + ("" if settings["seed"] is None else f" --seed {settings['seed']}"))
    versions = (f"versions: barenet {__version__}, NumPy {np.__version__}, scikit-learn "
                f"{sklearn.__version__}, matplotlib {matplotlib.__version__}, Python "
                f"{sys.version.split()[0]} ({platform.system()})")
    network = [("code", "\n".join(cost_lines)), ("p", _rounding_note(result)),
               ("p", f"Training accuracy **{result.network_accuracy:.1f}%**."
                     + (f" **Warning:** {result.warning}." if result.warning else "")),
               ("figure", f["network"], "decision boundary"), ("figure", f["cost"], "cost")]
    if result.stability:
        network += stability_blocks(result.stability, f["stability"])
    if "animation" in f:
        network.append(("figure", f["animation"], "training animation"))
    network += [("p", "What each hidden unit computes over the plane, and the weights:"),
                ("figure", f["units"], "hidden units"), ("figure", f["graph"], "network")]
    return [
        Section("Settings", [("list", [f"{k}: `{v}`" for k, v in settings.items()]
                              + [versions, f"reproduce: `{again}`"])]),
        Section("Data", [("p", f"{result.n_samples} points, two classes that no straight "
                               "line separates."), ("figure", f["data"], "data")]),
        Section("Baseline: logistic regression", [
            ("p", f"Training accuracy **{result.baseline_accuracy:.1f}%**: a linear boundary "
                  "cannot follow the classes."), ("figure", f["baseline"], "baseline")]),
        Section(f"The network: 2 → {settings['hidden']} tanh → 1 sigmoid",
                [("p", "Its parameters and the shape of everything it computes:"),
                 ("figure", f["architecture"], "architecture"), *network]),
        Section("Hidden-layer size", _sweep_blocks(result) + [
            ("p", f"Total run time: {result.seconds:.1f} s.")]),
    ]


def _sweep_blocks(result: DemoResult) -> list[tuple]:
    """The sweep's part of the report: what the numbers are, the table, the verdict, figures."""
    rows, seeds, f = result.sweep, result.seeds, result.files
    n, folds = len(seeds), rows[0].heldout.shape[1]
    best = verdict(rows).best
    return [
        ("p", f"Each size is trained from {n} set{'s' if n > 1 else ''} of starting "
              f"weights: weight seed{'s' if n > 1 else ''} {_sizes(seeds)}, seed {seeds[0]} "
              "being that of the network above. Training accuracy is the article's figure: "
              f"trained and scored on all {result.n_samples} points, for seed {seeds[0]} and "
              f"as mean ± standard deviation over {spread(n)}. Held-out accuracy is the mean "
              f"± standard deviation over {spread(n, folds)} (stratified), each fold scored "
              "by a network that never saw it; that deviation is the spread of single fits."),
        ("p", "How sure a mean is, is another matter. Here a difference between two "
              f"accuracies counts only if it is larger than the **noise**: {NOISE_SE:g} "
              f"standard errors of the difference, computed over the {folds} folds (each "
              f"fold's accuracy first averaged over the seeds, which share its test points). "
              f"With {folds} folds the noise is itself only roughly known: a size just "
              "inside or just outside it is close to a tie. "
              "'vs best' is each size's held-out accuracy minus the best's, ± that noise; "
              f"fit time adds up the size's {n * (folds + 1)} fits."),
        ("table", table_header(seeds, folds), [_cells(r, best) for r in rows]),
        *[("p", paragraph) for paragraph in verdict_text(rows, n)],
        ("p", "Training and held-out accuracy against hidden size; the error bars are one "
              "standard deviation (training over the seeds, held-out over seeds × folds)."),
        ("figure", f["sweep_scores"], "training and held-out accuracy"),
        ("p", f"The boundary of each size's seed-{seeds[0]} network, with its training "
              "accuracy and (in brackets) its mean held-out accuracy:"),
        ("figure", f["sweep"], "sweep"),
    ]


def _rounding_note(result: DemoResult) -> str:
    """Which of the printed numbers another machine prints alike, and which it may not."""
    first = next((int(r.spikes[0]) for r in result.stability[:1] if r.spikes.size), None)
    if first is None:
        return ("The cost descends without spikes: another CPU or BLAS prints these lines "
                "alike, to the digits shown.")
    return (f"The lines before the first spike (iteration {first}) are the same on every "
            "machine, to the digits shown. From there on each spike amplifies differences in "
            "the last bit of a sum, so another CPU or BLAS may print other digits for the "
            "later lines, and slightly different accuracies below.")
