"""
Early stopping and callbacks
============================

Three ways to decide when training ends, on the noisy moons:

* ``early_stopping=True`` holds out ``validation_fraction`` of the data,
  stops once the validation score has not improved by ``tol`` for
  ``n_iter_no_change`` epochs, and restores the best weights, as
  scikit-learn's ``MLPClassifier`` does;
* a callback, ``callback(estimator, info)``, is called after every epoch and
  stops training by returning ``True``;
* :class:`barenet.callbacks.Snapshots` is a ready-made callback that keeps
  copies of the weights as training goes, to look back at them.
"""

import matplotlib.pyplot as plt

from barenet import NeuralNetClassifier, datasets, plot
from barenet.callbacks import Snapshots

X, y = datasets.noisy_moons(n_samples=400)

# %%
# Early stopping
# --------------

clf = NeuralNetClassifier((16, 16), early_stopping=True, validation_fraction=0.2,
                          n_iter_no_change=20, learning_rate_init=0.01, max_iter=1000,
                          random_state=0).fit(X, y)
scores = clf.validation_scores_
best = max(range(len(scores)), key=scores.__getitem__)
print(f"stopped after {clf.n_iter_} epochs; best validation accuracy "
      f"{clf.best_validation_score_:.3f} at epoch {best}, whose weights were restored")

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
ax.plot(clf.history_["loss"], label="training loss")
ax.plot(clf.history_["val_loss"], label="validation loss")
ax.axvline(best, color="grey", linestyle=":", label="best validation score")
ax.set_xlabel("epoch")
ax.legend()

# %%
# A callback that stops training
# ------------------------------
# ``info`` holds ``epoch``, ``loss``, ``val_loss``, ``val_score`` and
# ``learning_rate``. This one stops as soon as the training loss falls below
# a target, and counts the epochs it saw.


class StopBelow:
    """Stop once the training loss is below ``target``."""

    def __init__(self, target):
        self.target = target
        self.epochs = 0

    def __call__(self, estimator, info):
        self.epochs += 1
        return info["loss"] < self.target


stop = StopBelow(0.2)
clf = NeuralNetClassifier((16, 16), learning_rate_init=0.01, max_iter=1000,
                          n_iter_no_change=None, callbacks=[stop], random_state=0).fit(X, y)
print(f"the callback saw {stop.epochs} epochs; last loss {clf.loss_curve_[-1]:.3f}")

# %%
# Snapshots of the weights
# ------------------------
# :class:`~barenet.callbacks.Snapshots` records the weights every ``every``
# epochs (and at the last one); ``frames`` turns them into functions of the
# points, here drawn as decision boundaries.

snapshots = Snapshots(every=25)
clf = NeuralNetClassifier((16, 16), learning_rate_init=0.01, max_iter=100,
                          n_iter_no_change=None, callbacks=[snapshots], random_state=0)
clf.fit(X, y)
frames = snapshots.frames(clf)
fig, axes = plt.subplots(1, len(frames), figsize=(3.2 * len(frames), 3.2),
                         layout="constrained")
for ax, (epoch, score, loss) in zip(axes, frames, strict=True):
    plot.plot_decision_boundary(score, X, y, ax=ax, resolution=80,
                                title=f"epoch {epoch}, loss {loss:.2f}")
    ax.set_xlabel("")
    ax.set_ylabel("")
plt.show()
