"""
Activations compared on the planar data sets
============================================

The same network, one hidden layer of 8 units, with each of barenet's
activations, on four of the course's planar data sets. The identity gives a
straight boundary whatever the depth; the sigmoid, tanh and relu bend it, each
in its own way (relu in straight pieces, tanh and the sigmoid smoothly).

Each model is a :class:`~barenet.NeuralNetClassifier` trained with Adam for
500 epochs (``n_iter_no_change=None`` runs exactly ``max_iter`` epochs, as the
article's loop does). With 200 points, the default batch is the whole set.
"""

import matplotlib.pyplot as plt

from barenet import NeuralNetClassifier, datasets, plot

data_sets = ["noisy_circles", "noisy_moons", "blobs", "xor"]
activations = ["identity", "sigmoid", "tanh", "relu"]

fig, axes = plt.subplots(len(data_sets), len(activations), figsize=(12, 12),
                         layout="constrained")
for row, name in enumerate(data_sets):
    X, y = datasets.load(name)
    for col, activation in enumerate(activations):
        clf = NeuralNetClassifier((8,), activation=activation, learning_rate_init=0.05,
                                  max_iter=500, n_iter_no_change=None, random_state=0)
        clf.fit(X, y)
        accuracy = 100 * clf.score(X, y)
        print(f"{name:14s} {activation:9s} {accuracy:5.1f}%")
        plot.plot_decision_boundary(clf.predict, X, y, ax=axes[row, col], resolution=100,
                                    title=f"{name}, {activation}: {accuracy:.0f}%")
        axes[row, col].set_xlabel("")
        axes[row, col].set_ylabel("")
plt.show()
