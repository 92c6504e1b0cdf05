"""
Data larger than memory: a memory-mapped fit
============================================

``fit`` streams a memory-mapped ``.npy`` file (``np.load(path,
mmap_mode="r")``, 32 MiB or more, already in the model's dtype) block by
block, so that its peak memory is bounded by a block, a batch and the model,
not by the data. The file here is small enough to run in seconds (about
40 MiB), but nothing in the code depends on its size: the same lines train on
a file many times larger than the memory of the machine.

The data are written chunk by chunk, as they would be if they came from
somewhere too large to hold at once.
"""

import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from barenet import NeuralNetClassifier

n_samples, n_features, chunk = 1_250_000, 8, 250_000
folder = Path(tempfile.mkdtemp())
X_file = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float32,
                                   shape=(n_samples, n_features))
y_file = np.lib.format.open_memmap(folder / "y.npy", mode="w+", dtype=np.int8,
                                   shape=(n_samples,))
rng = np.random.default_rng(0)
for start in range(0, n_samples, chunk):
    block = rng.normal(size=(chunk, n_features)).astype(np.float32)
    X_file[start:start + chunk] = block
    # class 1 outside a sphere: no straight line separates the classes
    y_file[start:start + chunk] = (block**2).sum(axis=1) > n_features - 0.7
X_file.flush()
y_file.flush()
del X_file, y_file

X = np.load(folder / "X.npy", mmap_mode="r")
y = np.load(folder / "y.npy", mmap_mode="r")
print(type(X).__name__, X.dtype, X.shape, f"{X.nbytes / 2**20:.0f} MiB")

# %%
# Streaming ``fit``
# -----------------
# A float32 memory map of at least 32 MiB is streamed: 64 mini-batches are
# read at a time, blocks in random order and shuffled within. Streaming needs
# ``solver="sgd"`` or ``"adam"``; early stopping needs ``validation_data``
# rather than a held-out fraction.

X_val = rng.normal(size=(20_000, n_features)).astype(np.float32)  # new points
y_val = ((X_val**2).sum(axis=1) > n_features - 0.7).astype(np.int8)
clf = NeuralNetClassifier((32,), batch_size=1024, learning_rate_init=0.003, max_iter=3,
                          n_iter_no_change=None, random_state=0)
clf.fit(X, y, validation_data=(X_val, y_val))
print(f"weights {clf.coefs_[0].dtype}; validation accuracy after each epoch:",
      np.round(clf.history_["val_score"], 4))

# %%
# ``partial_fit`` over chunks
# ---------------------------
# The other way, the one scikit-learn's incremental estimators know:
# one epoch per call, on a slice at a time. A slice of a memory map reads only
# that slice.

inc = NeuralNetClassifier((32,), batch_size=1024, learning_rate_init=0.003, random_state=0)
val_scores = []
for start in range(0, n_samples, chunk):
    inc.partial_fit(X[start:start + chunk], y[start:start + chunk], classes=[0, 1])
    val_scores.append(inc.score(X_val, y_val))
print("validation accuracy after each chunk:", np.round(val_scores, 4))

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.plot(np.arange(1, len(clf.history_["val_score"]) + 1), clf.history_["val_score"], "o-",
        label="fit on the memory map (per epoch)")
ax.plot(np.arange(1, len(val_scores) + 1) / len(val_scores), val_scores, "s--",
        label="partial_fit, chunk by chunk")
ax.set_xlabel("passes over the data")
ax.set_ylabel("validation accuracy")
ax.legend()
plt.show()

# %%
# The files are temporary here; remove them.

del X, y
shutil.rmtree(folder)
