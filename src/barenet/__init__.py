"""barenet: neural networks from scratch in NumPy.

Readable enough to learn backpropagation from, fast and solid enough to use as
a real classifier.

Modules
-------
engine
    The maths in pure NumPy: activations, losses, initialisers, the forward
    and backward passes, optimisers.
shallow
    The article's one-hidden-layer network, function by function, in the
    course's features x samples layout.
datasets
    Seeded toy datasets (the article's, the course's flower and more).
plot
    Figures: data, decision boundaries, cost curves, the hidden-size sweep.
"""

__version__ = "0.1.0"

from . import datasets, engine, shallow  # noqa: E402
from .estimators import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402
from .gradcheck import check_gradients  # noqa: E402
from .io import load, save  # noqa: E402

__all__ = [
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "__version__",
    "check_gradients",
    "datasets",
    "engine",
    "load",
    "save",
    "shallow",
]
