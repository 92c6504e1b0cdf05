"""A fitted network as an ONNX graph, for any ONNX runtime.

The graph is the forward pass, one ``Gemm`` a layer (``Z = A W + b``) and
the hidden activation after it, then the output layer as the estimator's
``predict`` and ``predict_proba`` read it:

=============  ===========================================  ==========================
output         ``probabilities``                            ``label``
=============  ===========================================  ==========================
binary         ``[sigmoid(-Z), sigmoid(Z)]``                ``classes[Z > 0]``
multiclass     ``softmax(Z)``                               ``classes[argmax Z]``
multilabel     ``sigmoid(Z)``                               ``Z > 0`` as int64 0/1
=============  ===========================================  ==========================

A regressor's one output, ``variable``, is ``Z`` (``exp(Z)`` for the Poisson
loss).  :func:`emit_network` writes these nodes through a small builder
(``constant`` and ``node``), so that the same code makes a model of its own
(:func:`to_onnx`) and a step of a scikit-learn pipeline converted by skl2onnx
(:mod:`.sklearn_onnx`).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import numpy as np

from .._version import __version__
from ..engine.activations import LEAKY_RELU_SLOPE
from ._network import Network, network_of

# Opset 17 and IR version 8: read by every onnxruntime since 1.12.
OPSET = 17
IR_VERSION = 8

# The hidden activations that are one ONNX operator (leaky relu is written out).
_OPERATORS = {"identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def require(module: str, what: str) -> Any:
    """Import an optional dependency, or say how to install it.

    Parameters
    ----------
    module : str
        The module to import ("onnx", "skl2onnx", "torch").
    what : str
        The function that needs it, for the message.

    Returns
    -------
    module

    Raises
    ------
    ImportError
        Naming the package and ``pip install 'barenet[onnx]'`` (or torch).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        install = "torch" if module == "torch" else "'barenet[onnx]'"
        raise ImportError(f"{what} needs the {module} package, which is not installed; "
                          f"install it with: pip install {install}") from None


def label_values(classes: Any) -> np.ndarray:
    """The labels as an ONNX tensor holds them.

    int64 for numbers (integers, True/False and floats, which scikit-learn
    takes for labels only when they are whole numbers), as skl2onnx; text
    for text.
    """
    classes = np.asarray(classes)
    if classes.dtype.kind == "O":
        items = classes.tolist()
        if all(isinstance(c, str) for c in items):
            return np.array(items, dtype=object)
        classes = np.asarray(items)
    if classes.dtype.kind == "U":
        return classes.astype(object)
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    raise TypeError(f"class labels of dtype {classes.dtype} cannot be exported; "
                    "use numbers or text")


def _hidden(g: Any, name: str, Z: str, dtype: np.dtype, l: int) -> str:
    if name == "leaky_relu":
        # NOTE: max(Z, 0.01 Z), the engine's formula: the LeakyRelu operator's
        # alpha is a float32 attribute, 0.01 to 7 digits only.
        slope = g.constant(f"slope_{l}", np.asarray(LEAKY_RELU_SLOPE, dtype=dtype))
        return g.node("Max", [Z, g.node("Mul", [Z, slope], f"slope_Z{l}")], f"A{l}")
    return g.node(_OPERATORS[name], [Z], f"A{l}")


def emit_network(g: Any, net: Network, X: str, outputs: dict[str, str]) -> None:
    """Add the forward pass and the output layer of ``net`` to a graph.

    Parameters
    ----------
    g : builder
        ``g.constant(hint, array) -> name`` adds an initializer and
        ``g.node(op, inputs, hint, out=None, **attributes) -> name`` a node
        (its output named ``out``, or a fresh name from ``hint``).
    net : Network
    X : str
        Name of the input, ``(n_samples, n_features)`` of ``net.dtype``.
    outputs : dict
        The names to give the outputs: "label" and "probabilities" for a
        classifier, "variable" for a regressor.
    """
    from onnx import TensorProto

    A = X
    for l, (W, b) in enumerate(zip(net.coefs, net.intercepts, strict=True), start=1):
        Z = g.node("Gemm", [A, g.constant(f"coefs_{l - 1}", W),
                            g.constant(f"intercepts_{l - 1}", b)], f"Z{l}")
        A = _hidden(g, net.activations[l - 1], Z, net.dtype, l) if l < len(net.coefs) else Z
    if not net.is_classifier:
        g.node("Exp" if net.output == "poisson" else "Identity", [A], "", out=outputs["variable"])
        return
    label, probabilities = outputs["label"], outputs["probabilities"]
    classes = label_values(net.classes)
    if net.output == "multiclass":
        g.node("Softmax", [A], "", out=probabilities, axis=1)
        index = g.node("ArgMax", [A], "index", axis=1, keepdims=0)
        g.node("Gather", [g.constant("classes", classes), index], "", out=label, axis=0)
        return
    # NOTE: sigmoid(z) > 1/2 exactly where z > 0; comparing logits avoids rounding.
    positive = g.node("Greater", [A, g.constant("zero", np.zeros((), net.dtype))], "positive")
    if net.output == "multilabel":
        g.node("Sigmoid", [A], "", out=probabilities)
        g.node("Cast", [positive], "", out=label, to=TensorProto.INT64)
        return
    # Binary: both columns from the logit (no 1 - p), as predict_proba.
    minus = g.node("Sigmoid", [g.node("Neg", [A], "minus_Z")], "p_negative")
    g.node("Concat", [minus, g.node("Sigmoid", [A], "p_positive")], "", out=probabilities, axis=1)
    flat = g.node("Reshape", [positive, g.constant("flat", np.array([-1], np.int64))], "flat")
    index = g.node("Cast", [flat], "index", to=TensorProto.INT64)
    g.node("Gather", [g.constant("classes", classes), index], "", out=label, axis=0)


class _Graph:
    """Nodes and initializers of a model of its own, under unique names."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._names: set[str] = set()

    def _fresh(self, hint: str) -> str:
        name, i = hint, 1
        while name in self._names:
            name, i = f"{hint}_{i}", i + 1
        self._names.add(name)
        return name

    def constant(self, hint: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self._fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], hint: str, out: str | None = None,
             **attributes: Any) -> str:
        from onnx import helper

        out = out or self._fresh(hint)
        self.nodes.append(helper.make_node(op, inputs, [out], name=self._fresh(f"{op}_node"),
                                           **attributes))
        return out


def _outputs(net: Network) -> list[Any]:
    """The graph's output declarations, the batch dimension named ``N``."""
    from onnx import TensorProto, helper

    real = helper.np_dtype_to_tensor_dtype(net.dtype)
    if not net.is_classifier:
        return [helper.make_tensor_value_info("variable", real, ["N", net.n_outputs])]
    classes = label_values(net.classes)
    label_type = (TensorProto.STRING if classes.dtype == object
                  else helper.np_dtype_to_tensor_dtype(classes.dtype))
    label_shape: list[str | int] = ["N", net.n_outputs] if net.output == "multilabel" else ["N"]
    return [helper.make_tensor_value_info("label", label_type, label_shape),
            helper.make_tensor_value_info("probabilities", real, ["N", net.n_classes])]


def to_onnx(model: Any, path: str | os.PathLike[str] | None = None, *,
            dtype: Any = None) -> Any:
    """A fitted model as an ONNX model, to run with onnxruntime or any ONNX runtime.

    Parameters
    ----------
    model : NeuralNetClassifier, NeuralNetRegressor or dict
        A fitted estimator (or one read by :func:`barenet.load`), or the
        article's parameter dictionary (a binary classifier of labels 0, 1).
    path : path-like, optional
        Where to write the model too (a ``.onnx`` file), through a temporary
        file renamed over the target: a failed write leaves no partial file.
    dtype : {"float32", "float64"} or None, default None
        The input's and the weights' dtype; None keeps the model's.

    Returns
    -------
    onnx.ModelProto
        One input, ``X``: ``(N, n_features)`` of ``dtype``, ``N`` any number
        of samples.  A classifier has two outputs, as skl2onnx's
        classifiers without ZipMap: ``label``, ``(N,)``, what ``predict``
        gives (int64 for integer labels, text for text; for multi-label an
        ``(N, n_labels)`` int64 0/1 matrix), and ``probabilities``,
        ``(N, n_classes)``, what ``predict_proba`` gives.  A regressor has
        ``variable``, always ``(N, n_outputs)`` (``predict`` gives ``(N,)``
        for a model fitted on a 1-d target).

    Raises
    ------
    ImportError
        If onnx is not installed (``pip install 'barenet[onnx]'``).
    TypeError, ValueError
        For a model that is not fitted, not one of these, or has a custom
        activation; for a bad ``dtype``.
    OSError
        If ``path`` cannot be written.

    See Also
    --------
    barenet.export.register_skl2onnx : the same graph inside a pipeline, with skl2onnx.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from barenet import NeuralNetClassifier, to_onnx
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array(["no", "yes", "yes", "no"])
    >>> clf = NeuralNetClassifier((8,), activation="tanh", solver="lbfgs",
    ...                           random_state=0).fit(X, y)
    >>> onx = to_onnx(clf)
    >>> [i.name for i in onx.graph.input], [o.name for o in onx.graph.output]
    (['X'], ['label', 'probabilities'])
    >>> session = onnxruntime.InferenceSession(onx.SerializeToString())
    >>> label, proba = session.run(None, {"X": X})
    >>> label.tolist() == clf.predict(X).tolist()
    True
    >>> bool(np.allclose(proba, clf.predict_proba(X)))
    True
    """
    onnx = require("onnx", "barenet.to_onnx")
    from onnx import helper

    net = network_of(model, dtype)
    g = _Graph()
    g._names.add("X")
    names = {"label": "label", "probabilities": "probabilities", "variable": "variable"}
    g._names.update(names)
    emit_network(g, net, "X", names)
    X = helper.make_tensor_value_info("X", helper.np_dtype_to_tensor_dtype(net.dtype),
                                      ["N", net.n_features])
    graph = helper.make_graph(g.nodes, f"barenet_{net.kind}", [X], _outputs(net),
                              g.initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION, producer_name="barenet",
                              producer_version=__version__)
    helper.set_model_props(proto, {"barenet_kind": net.kind, "barenet_output": net.output})
    onnx.checker.check_model(proto)
    if path is not None:
        from .._files import atomic_write

        data = proto.SerializeToString()
        atomic_write(path, lambda fh: fh.write(data))
    return proto
