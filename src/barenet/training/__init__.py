"""Training: the loop and its parts, each small and testable alone.

``batches``  where the mini-batches come from (in memory, or streamed)
``step``     one step: forward, loss, backward, clipping, update
``monitor``  the divergence guard and the stopping rules
``history``  what each epoch records and callbacks receive
``loop``     :func:`fit_stochastic`, the epoch loop over the parts above
``lbfgs``    :func:`fit_lbfgs`, full-batch L-BFGS over the same network
"""

from .batches import Batches, feed
from .history import EpochInfo, History
from .lbfgs import fit_lbfgs
from .loop import FitResult, Settings, Validation, fit_stochastic, make_optimizer
from .monitor import (
    BLOWUP_FACTOR,
    ConvergenceMonitor,
    DivergenceError,
    DivergenceGuard,
    blew_up,
)
from .step import train_step

__all__ = [
    "BLOWUP_FACTOR", "Batches", "ConvergenceMonitor", "DivergenceError", "DivergenceGuard",
    "EpochInfo", "FitResult", "History", "Settings", "Validation", "blew_up", "feed",
    "fit_lbfgs", "fit_stochastic", "make_optimizer", "train_step",
]
