"""Benchmarks: the workloads W1 to W5, barenet beside its peers, in one process.

Each workload is an entry of :data:`WORKLOADS`: a function that prepares the
data once and returns a :class:`Case`, the systems to time (each a
zero-argument callable doing the whole work), which of them is barenet's
reference, and an optional check of the results.  :func:`run_bench` times the
systems of a case one after the other (A B C, A B C, ... with the order
rotated every round) for several rounds and keeps the medians, so that every
system sees the same state of the machine; on a shared machine back-to-back
timings easily differ by 40%, so the figures worth reading are the ratios
within one run, never absolute times across runs.

``runner``   what a workload is (:class:`Case`) and how its systems are timed
``article``  W1 and W2: the article's network beside the article's code,
             scikit-learn and PyTorch
``scale``    W3 and W4: training and inference on a million points
``report``   the machine and versions measured; the table
``suite``    :data:`WORKLOADS` by id and :func:`run_bench`
"""

from .article import CHAOS_ATOL, EARLY_ATOL, TORCH_THREADS, naive_nn_model
from .report import environment, format_table
from .runner import NOT_INSTALLED, Case, Runner
from .suite import WORKLOADS, run_bench

__all__ = [
    "CHAOS_ATOL",
    "EARLY_ATOL",
    "NOT_INSTALLED",
    "TORCH_THREADS",
    "WORKLOADS",
    "Case",
    "Runner",
    "environment",
    "format_table",
    "naive_nn_model",
    "run_bench",
]
