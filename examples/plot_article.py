"""
The article: logistic regression against a network with one hidden layer
========================================================================

The article's data are 200 points in two rings: the inner half is class 0,
the outer ring class 1. No straight line separates them, so logistic
regression is right about half the time. A network with one hidden layer of
four tanh units, trained by full-batch gradient descent at a learning rate of
1.2, finds the ring.

This is what ``barenet demo`` does first, written out with
:mod:`barenet.shallow`, the course's functions in the course's layout
(``X`` of shape ``(n_x, m)``).
"""

import matplotlib.pyplot as plt
from sklearn.linear_model import LogisticRegression

from barenet import datasets, plot, shallow

X, y = datasets.gaussian_quantiles()  # rows = samples, as in scikit-learn
print(X.shape, y.shape)

# %%
# The baseline
# ------------
# scikit-learn's logistic regression draws one straight line (the article
# uses ``LogisticRegressionCV``; the line is as straight).

baseline = LogisticRegression().fit(X, y)
print(f"Accuracy of logistic regression: {100 * baseline.score(X, y):.1f}%")

# %%
# The network
# -----------
# :func:`~barenet.shallow.nn_model` takes the course's layout: features in
# rows, samples in columns. It prints the cost every 1000 iterations; the
# callback records it at every iteration.

Xc, Yc = X.T, y.reshape(1, -1)
costs = []
parameters = shallow.nn_model(
    Xc, Yc, n_h=4, num_iterations=5000, learning_rate=1.2, print_cost=True,
    callback=lambda i, params, A2: costs.append(shallow.compute_cost(A2, Yc)))
accuracy = 100 * (shallow.predict(parameters, Xc) == Yc).mean()
print(f"Accuracy: {accuracy:.1f}%")

# %%
# Decision boundaries
# -------------------
# :func:`barenet.plot.plot_decision_boundary` takes any function of the
# points, one per row. The course's ``predict`` wants them in columns.

fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
plot.plot_dataset(X, y, title="The article's data", ax=axes[0])
plot.plot_decision_boundary(baseline.predict, X, y, ax=axes[1],
                            title="Logistic regression")
plot.plot_decision_boundary(lambda P: shallow.predict(parameters, P.T), X, y, ax=axes[2],
                            title="Hidden layer of size 4")

# %%
# The cost at every iteration
# ---------------------------
# The five printed lines hide what the whole curve shows: at a learning rate
# of 1.2 the cost spikes again and again (the user guide explains why).

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
plot.plot_cost(costs, title="Cost, learning rate 1.2", ax=ax)

# %%
# The network and its parameters
# ------------------------------
# barenet's figures are :class:`matplotlib.figure.Figure` objects made
# without pyplot; ``plt.figure(fig)`` hands one to pyplot to show it.

plt.figure(plot.plot_architecture(parameters))
plt.show()
