"""``barenet demo``: the whole article in one run."""

from __future__ import annotations

import argparse

from ._shared import (
    EXIT_OK,
    Command,
    dataset_name,
    int_list,
    path,
    positive_float,
    positive_int,
    seed,
)


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", type=dataset_name, default="gaussian_quantiles",
                   help="built-in dataset (default: gaussian_quantiles, the article's)")
    p.add_argument("--hidden", type=positive_int, default=4, metavar="N",
                   help="hidden units of the network (default: 4)")
    p.add_argument("--iterations", type=positive_int, default=5000, metavar="N",
                   help="gradient-descent iterations (default: 5000)")
    p.add_argument("--learning-rate", type=positive_float, default=1.2, metavar="A",
                   help="learning rate (default: 1.2)")
    p.add_argument("--seed", type=seed, default=None, metavar="S",
                   help="seed for the data, the weights and the folds (default: the "
                   "dataset's own seed, the course's weight seed 2, fold seed 0)")
    p.add_argument("--sizes", type=int_list, default=None, metavar="1,2,3",
                   help="hidden sizes of the sweep (default: the article's 1,2,3,4,5,20,50)")
    p.add_argument("--cv", type=positive_int, default=5, metavar="K",
                   help="cross-validation folds for held-out accuracy (default: 5)")
    p.add_argument("--seeds", type=positive_int, default=5, metavar="N",
                   help="weight seeds of the sweep: each size is trained from N sets of "
                   "starting weights, the weight seed and the next ones (default: 5)")
    p.add_argument("--out", type=path, default="barenet-demo", metavar="DIR",
                   help="output folder (default: barenet-demo/)")
    p.add_argument("--animate", action="store_true",
                   help="also write training.gif: the boundary as the network trains")


def _run(args: argparse.Namespace) -> int:
    """Write the article's figures and report.md to --out."""
    from .._files import check_writable
    from ..demo import run_demo
    from ..shallow import ARTICLE_SIZES

    check_writable(args.out, folder=True)  # before the work, not after it
    run_demo(dataset=args.dataset, hidden=args.hidden, iterations=args.iterations,
             learning_rate=args.learning_rate, seed=args.seed,
             sizes=args.sizes or list(ARTICLE_SIZES), out=args.out, cv=args.cv,
             seeds=args.seeds, animate=args.animate)
    return EXIT_OK


COMMAND = Command(
    "demo", help="the whole article in one run: data, baseline, network, sweep",
    description="Reproduce the article: the data, a logistic-regression baseline, "
    "the shallow network with its cost lines, and a hidden-size sweep with training "
    "and held-out accuracy over several weight seeds, and what those numbers support. "
    "Writes figures and report.md to --out.",
    add_options=_add_options, run=_run)
