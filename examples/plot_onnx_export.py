"""
Export to ONNX and run with onnxruntime
=======================================

:func:`barenet.to_onnx` turns a fitted estimator into an ONNX model, which
onnxruntime (or any other ONNX runtime) can run without barenet, NumPy's
engine or even Python. A classifier's graph has one input, ``X``, and two
outputs: ``label``, what ``predict`` gives, and ``probabilities``, what
``predict_proba`` gives. ``barenet export model.npz --onnx model.onnx`` does
the same from the command line. It needs ``pip install 'barenet[onnx]'``.
"""

import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort

import barenet as bn

X, y = bn.datasets.spirals(n_samples=400)
clf = bn.NeuralNetClassifier((32, 32), activation="tanh", learning_rate_init=0.01,
                             max_iter=400, n_iter_no_change=None, random_state=0).fit(X, y)
print(f"training accuracy {clf.score(X, y):.3f}")

# %%
# Export
# ------
# ``to_onnx`` returns an ``onnx.ModelProto``; with ``path`` it also writes the
# file.

path = Path(tempfile.mkdtemp()) / "spirals.onnx"
model = bn.to_onnx(clf, path)
print("inputs:", [i.name for i in model.graph.input],
      "outputs:", [o.name for o in model.graph.output],
      f"file: {path.stat().st_size} bytes")

# %%
# Run with onnxruntime
# --------------------
# The session reads the file; the input keeps the model's dtype (float64
# here, as ``X``).

session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
grid = np.random.default_rng(0).uniform(X.min(0) - 1, X.max(0) + 1, size=(5000, 2))
labels, proba = session.run(["label", "probabilities"], {"X": grid.astype(X.dtype)})

difference = np.abs(proba - clf.predict_proba(grid)).max()
agree = (labels == clf.predict(grid)).mean()
print(f"largest difference in probability: {difference:.1e}; labels agree on {agree:.1%}")

# %%
# The runtime's boundary
# ----------------------
# The decision regions drawn from onnxruntime's probabilities are barenet's.

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
bn.plot.plot_decision_boundary(lambda P: clf.predict_proba(P)[:, 1], X, y, ax=axes[0],
                               title="barenet predict_proba", resolution=150)
bn.plot.plot_decision_boundary(
    lambda P: session.run(["probabilities"], {"X": P.astype(X.dtype)})[0][:, 1], X, y,
    ax=axes[1], title="onnxruntime", resolution=150)
plt.show()

# %%
# The file was temporary here; remove it.

shutil.rmtree(path.parent)
