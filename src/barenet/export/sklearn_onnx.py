"""barenet's estimators as steps that skl2onnx converts, inside a pipeline too.

skl2onnx converts a scikit-learn pipeline step by step, each through the
converter registered for its class.  :func:`register_skl2onnx` registers
one for :class:`~barenet.NeuralNetClassifier` and
:class:`~barenet.NeuralNetRegressor`: the graph of :func:`~barenet.to_onnx`,
computed in the dtype of the tensor that reaches the step (float64 for a
float64 input, else float32), as skl2onnx's converters for ``MLPClassifier``
and ``MLPRegressor`` do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ._network import Network, network_of
from .onnx_graph import emit_network, label_values, require


class _Builder:
    """The ``constant`` / ``node`` builder of :func:`emit_network` over skl2onnx's
    scope (unique names) and container (the graph being built)."""

    def __init__(self, scope: Any, container: Any) -> None:
        self.scope, self.container = scope, container

    def constant(self, hint: str, value: np.ndarray) -> str:
        from onnx import TensorProto, numpy_helper

        name = self.scope.get_unique_variable_name(hint)
        value = np.asarray(value)
        if value.dtype == object:  # text: a STRING tensor of UTF-8 bytes
            self.container.add_initializer(name, TensorProto.STRING, list(value.shape),
                                           [str(s).encode("utf-8") for s in value.ravel()])
        else:
            tensor = numpy_helper.from_array(value, name)
            self.container.add_initializer(name, tensor.data_type, list(value.shape), tensor)
        return name

    def node(self, op: str, inputs: list[str], hint: str, out: str | None = None,
             **attributes: Any) -> str:
        out = out or self.scope.get_unique_variable_name(hint or op)
        self.container.add_node(op, inputs, [out], name=self.scope.get_unique_operator_name(op),
                                **attributes)
        return out


def _dtype(operator: Any) -> type:
    """The dtype the step computes in: float64 for a float64 input, else float32."""
    from skl2onnx.common.data_types import DoubleTensorType

    return np.float64 if isinstance(operator.inputs[0].type, DoubleTensorType) else np.float32


def _network(operator: Any, scope: Any, dtype: Any = None) -> Network:
    """The step's network; with skl2onnx's option ``nocl``, labels 0 to n_classes - 1."""
    net = network_of(operator.raw_operator, dtype)
    if net.is_classifier and scope.get_options(operator.raw_operator, {"nocl": False})["nocl"]:
        net = replace(net, classes=np.arange(net.n_classes))
    return net


def _shapes(operator: Any) -> None:
    """skl2onnx's shape calculator: the outputs' types and shapes."""
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )

    net = _network(operator, operator.scope_inst)
    N = operator.inputs[0].get_first_dimension()
    real = DoubleTensorType if _dtype(operator) == np.float64 else FloatTensorType
    if not net.is_classifier:
        operator.outputs[0].type = real([N, net.n_outputs])
        return
    classes = label_values(net.classes)
    label = StringTensorType if classes.dtype == object else Int64TensorType
    operator.outputs[0].type = label([N, net.n_outputs] if net.output == "multilabel" else [N])
    operator.outputs[1].type = real([N, len(classes)])


def _convert(scope: Any, operator: Any, container: Any) -> None:
    """skl2onnx's converter: the network's nodes, from the step's input to its outputs."""
    from onnx import helper

    dtype = _dtype(operator)
    net = _network(operator, scope, dtype)
    g = _Builder(scope, container)
    X = g.node("Cast", [operator.inputs[0].full_name], "cast_input",
               to=helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))
    outputs = [v.full_name for v in operator.outputs]
    names = ({"label": outputs[0], "probabilities": outputs[1]} if net.is_classifier
             else {"variable": outputs[0]})
    emit_network(g, net, X, names)


def register_skl2onnx() -> None:
    """Let ``skl2onnx.to_onnx`` convert barenet's estimators, alone or in a pipeline.

    Call it once, before converting.  A classifier's outputs are then those
    of skl2onnx's classifiers: ``label``, and ``probabilities`` as a list of
    ``{label: probability}`` dictionaries (ZipMap); pass
    ``options={NeuralNetClassifier: {"zipmap": False}}`` to ``skl2onnx.to_onnx``
    for the ``(N, n_classes)`` tensor of :func:`~barenet.to_onnx` (and for
    multi-label models, which ZipMap cannot describe).  A regressor's output
    is ``variable``, ``(N, n_outputs)``.

    Raises
    ------
    ImportError
        If skl2onnx is not installed (``pip install 'barenet[onnx]'``).

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from barenet import NeuralNetClassifier
    >>> from barenet.export import register_skl2onnx
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(
    ...     (8,), activation="tanh", solver="lbfgs", random_state=0)).fit(X, [0, 1, 1, 0])
    >>> register_skl2onnx()
    >>> onx = skl2onnx.to_onnx(pipe, X[:1], options={NeuralNetClassifier: {"zipmap": False}})
    >>> [o.name for o in onx.graph.output]
    ['label', 'probabilities']
    """
    skl2onnx = require("skl2onnx", "barenet.export.register_skl2onnx")
    from ..estimators import NeuralNetClassifier, NeuralNetRegressor

    skl2onnx.update_registered_converter(
        NeuralNetClassifier, "BarenetNeuralNetClassifier", _shapes, _convert,
        options={"zipmap": [True, False, "columns"], "nocl": [False, True]})
    skl2onnx.update_registered_converter(
        NeuralNetRegressor, "BarenetNeuralNetRegressor", _shapes, _convert)
