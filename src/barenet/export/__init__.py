"""A fitted network for other runtimes: ONNX (with skl2onnx) and PyTorch.

:func:`to_onnx` writes the forward pass and the output layer as an ONNX
graph, with the outputs skl2onnx's classifiers and regressors have;
:func:`register_skl2onnx` lets ``skl2onnx.to_onnx`` convert a scikit-learn
pipeline that ends in a barenet estimator; :func:`to_torch` gives a
``torch.nn.Sequential`` with the same weights.  onnx, skl2onnx and PyTorch
are optional (``pip install 'barenet[onnx]'``, ``pip install torch``) and
imported only when one of these runs.
"""

from __future__ import annotations

from .onnx_graph import to_onnx
from .pytorch import to_torch
from .sklearn_onnx import register_skl2onnx

__all__ = ["register_skl2onnx", "to_onnx", "to_torch"]
