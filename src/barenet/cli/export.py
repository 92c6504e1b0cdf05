"""``barenet export``: a saved model as an ONNX file."""

from __future__ import annotations

import argparse
import sys

from ._shared import EXIT_OK, EXIT_USAGE, Command, path


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="model file")
    p.add_argument("--onnx", type=path, required=True, metavar="FILE",
                   help="ONNX file to write; never the model file itself")
    p.add_argument("--dtype", choices=("float32", "float64"), default=None,
                   help="the ONNX input's and weights' dtype (default: the model's)")


def _run(args: argparse.Namespace) -> int:
    """Write MODEL as an ONNX file."""
    from .._files import check_not_input, check_writable
    from ..io import load

    try:
        from ..export import to_onnx
        from ..export.onnx_graph import require

        require("onnx", "barenet export")
    except ImportError as exc:
        print(f"barenet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    check_not_input([args.onnx], [args.model], f"--onnx {args.onnx}")
    check_writable(args.onnx)
    proto = to_onnx(load(args.model), args.onnx, dtype=args.dtype)
    outputs = ", ".join(o.name for o in proto.graph.output)
    print(f"Wrote {args.onnx} (input X, outputs {outputs})", file=sys.stderr)
    return EXIT_OK


COMMAND = Command(
    "export", help="a saved model as an ONNX file",
    description="Write MODEL (a file written by barenet train or barenet.save) as an ONNX "
    "model for onnxruntime or any ONNX runtime: input X (n_samples x n_features); outputs "
    "label and probabilities for a classifier, variable for a regressor. Needs onnx: "
    "pip install 'barenet[onnx]'.",
    add_options=_add_options, run=_run)
