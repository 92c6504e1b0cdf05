"""Figures: data, decision boundaries, cost curves, sweeps, the network itself.

Everything builds :class:`matplotlib.figure.Figure` objects with the
object-oriented API and never touches ``matplotlib.pyplot``, so importing
barenet neither changes the backend nor opens windows.

``figures``   data, decision boundaries, cost curves; :func:`save_figure`
``sweep``     a hidden-size sweep: one boundary per model, accuracy against size
``network``   what every hidden unit computes, and the network drawn as a graph
``animation`` the decision boundary as training goes, from snapshots taken during the fit
``architecture`` the article's network with the shapes of its parameters
``stability`` the cost at every iteration and the sharpness against 2/α
"""

from .animation import Frame, animate_training, write_animation
from .architecture import parameter_count, plot_architecture
from .figures import plot_cost, plot_dataset, plot_decision_boundary, save_figure
from .network import plot_hidden_units, plot_network
from .stability import plot_stability
from .sweep import SweepEntry, plot_sweep, plot_sweep_scores

__all__ = [
    "Frame",
    "SweepEntry",
    "animate_training",
    "parameter_count",
    "plot_architecture",
    "plot_cost",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_hidden_units",
    "plot_network",
    "plot_stability",
    "plot_sweep",
    "plot_sweep_scores",
    "save_figure",
    "write_animation",
]
