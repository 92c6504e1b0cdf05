"""The demo's look at its own cost curve: spikes, sharpness and the 2/α edge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# The cost must rise this far above its running low to count as a spike.
SPIKE_HEIGHT = 0.1


@dataclass
class StabilityRun:
    """One learning rate's cost at every iteration and sharpness every few.

    Attributes
    ----------
    learning_rate : float
    costs : ndarray of shape (num_iterations,)
    iterations, sharpness : ndarray of shape (n_points,)
        The largest Hessian eigenvalue at those iterations.
    """

    learning_rate: float
    costs: Array
    iterations: Array
    sharpness: Array

    @property
    def spikes(self) -> Array:
        """Iterations where the cost peaks (see :func:`barenet.stability.spikes`)."""
        from .stability import spikes

        return spikes(self.costs, SPIKE_HEIGHT)

    @property
    def crossing(self) -> int | None:
        """First iteration whose sharpness exceeds ``2 / learning_rate``, or None."""
        from .stability import first_crossing

        return first_crossing(self.iterations, self.sharpness, self.learning_rate)


def smaller_rate(learning_rate: float) -> float:
    """The rate to compare with: the article's 0.5 beside its 1.2, else half the rate."""
    return min(0.5, learning_rate / 2)


def stability_runs(X: Array, Y: Array, hidden: int, iterations: int, learning_rate: float,
                   seed: int) -> list[StabilityRun]:
    """The network trained at ``learning_rate`` and at :func:`smaller_rate`, watched.

    ``X (n_x, m)`` and ``Y (1, m)`` in the course's layout.  The sharpness is
    measured about 250 times along each run (every 20 iterations for 5000).
    """
    from .stability import stability_curves

    every = max(1, iterations // 250)
    return [StabilityRun(alpha, *stability_curves(X, Y, hidden, iterations, alpha, seed, every))
            for alpha in (learning_rate, smaller_rate(learning_rate))]


def _describe(run: StabilityRun) -> str:
    edge, top = 2 / run.learning_rate, float(np.max(run.sharpness))
    spikes, crossing = run.spikes, run.crossing
    text = (f"At α = {run.learning_rate:g} (2/α = {edge:.3g}) the sharpness starts at "
            f"{run.sharpness[0]:.2f} and reaches at most {top:.2f}")
    text += (f"; it first exceeds 2/α at iteration {crossing}" if crossing is not None
             else ", below 2/α throughout")
    if not spikes.size:
        return text + ". The cost never spikes."
    gaps = np.diff(spikes)
    every = f", about every {int(np.median(gaps))} iterations" if gaps.size else ""
    return (text + f". The cost first spikes at iteration {spikes[0]}, {spikes.size} "
            f"time{'s' if spikes.size > 1 else ''} in all{every}.")


def stability_blocks(runs: list[StabilityRun], figure: object) -> list[tuple]:
    """The report's part on the cost curve's spikes: the idea, the figure, the numbers."""
    return [
        ("p", "Why the cost spikes. Along one direction, gradient descent on a cost that "
              "curves by λ there (a quadratic λx²/2) steps x ← (1 − αλ) x: it shrinks x "
              "only while λ < 2/α. Beyond, each step overshoots further than it started, "
              "flipping sign every iteration: a period-2 oscillation, a spike of the cost. "
              "For a network, λ is the sharpness, the largest eigenvalue of the cost's "
              "Hessian (computed here by power iteration on Hessian-vector products). "
              "Full-batch gradient descent typically makes it rise until it reaches 2/α, "
              "where the cost spikes, the sharpness falls back, and the cycle repeats: "
              "training at the edge of stability (Cohen et al., 2021)."),
        ("figure", figure, "cost at every iteration and sharpness"),
        *[("p", _describe(run)) for run in runs],
    ]
