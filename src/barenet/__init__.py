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

Names are imported on first use, so that ``barenet --help`` answers at once
and a Ctrl-C while the command line starts is a clean stop.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# public name -> the module that defines it ("" for a submodule of its own name)
_EXPORTS = {
    "NeuralNetClassifier": "estimators",
    "NeuralNetRegressor": "estimators",
    "check_gradients": "gradcheck",
    "load": "io",
    "save": "io",
    "to_onnx": "export",
    "to_torch": "export",
    "datasets": "",
    "engine": "",
    "export": "",
    "plot": "",
    "shallow": "",
}

if TYPE_CHECKING:
    from . import datasets, engine, export, plot, shallow
    from .estimators import NeuralNetClassifier, NeuralNetRegressor
    from .export import to_onnx, to_torch
    from .gradcheck import check_gradients
    from .io import load, save


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'barenet' has no attribute {name!r}")
    module = importlib.import_module(f".{_EXPORTS[name] or name}", __name__)
    value = module if not _EXPORTS[name] else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "__version__",
    "check_gradients",
    "datasets",
    "engine",
    "export",
    "load",
    "plot",
    "save",
    "shallow",
    "to_onnx",
    "to_torch",
]
