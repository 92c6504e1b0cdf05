"""
Digits: the training record in ``history_``
===========================================

scikit-learn's 8x8 digits (1797 images, ten classes, bundled with
scikit-learn) with a :class:`~barenet.NeuralNetClassifier` of one hidden
layer. ``fit(..., validation_data=(X_val, y_val))`` scores held-out data
after every epoch, with or without early stopping, and ``history_`` keeps,
for every epoch, the training loss, the validation loss, the validation
accuracy and the learning rate.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from barenet import NeuralNetClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y,
                                                  random_state=0)
# Scale first: the validation data given to fit are scored as they are.
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

clf = NeuralNetClassifier((64,), max_iter=60, n_iter_no_change=None, random_state=0)
clf.fit(X_train, y_train, validation_data=(X_val, y_val))
print(f"{clf.n_iter_} epochs; training accuracy {clf.score(X_train, y_train):.3f}, "
      f"validation accuracy {clf.score(X_val, y_val):.3f}")
print("history_ keys:", sorted(clf.history_))

# %%
# Loss and validation curves
# --------------------------
# ``history_["loss"]`` is the training loss of each epoch (including the L2
# penalty, as ``loss_curve_``), ``history_["val_loss"]`` the log-loss on the
# validation data, ``history_["val_score"]`` their accuracy.

history = clf.history_
fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
ax_loss.plot(history["loss"], label="training loss")
ax_loss.plot(history["val_loss"], label="validation loss")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("log-loss")
ax_loss.set_yscale("log")
ax_loss.legend()
ax_score.plot(history["val_score"], color="C2")
ax_score.set_xlabel("epoch")
ax_score.set_ylabel("validation accuracy")
ax_score.set_ylim(0.8, 1.0)
ax_score.grid(alpha=0.3)

# %%
# What the network gets wrong
# ---------------------------
# The validation images the network labels wrongly, with its label and the
# probability it gives it.

proba = clf.predict_proba(X_val)
predicted = clf.classes_[proba.argmax(axis=1)]
wrong = (predicted != y_val).nonzero()[0][:8]
images = scaler.inverse_transform(X_val[wrong]).reshape(-1, 8, 8)
fig, axes = plt.subplots(1, len(wrong), figsize=(1.6 * len(wrong), 2.2), squeeze=False)
for ax, i, image in zip(axes[0], wrong, images, strict=True):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(f"{y_val[i]} as {predicted[i]}\n({proba[i].max():.2f})", fontsize="small")
    ax.axis("off")
plt.show()
