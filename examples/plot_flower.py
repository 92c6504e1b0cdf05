"""
The course's flower
===================

The course's own data set: 400 points in the shape of a flower, red and blue
petals. barenet builds it exactly as the course generates it, and
:func:`barenet.shallow.nn_model` with its default arguments reproduces the
course's published cost lines (the first eight of them digit for digit).

Here the network is trained for 2000 iterations instead of the course's
10,000, and the hidden-layer size is swept over 1, 2, 3, 4, 5 and 20 units.
"""

import matplotlib.pyplot as plt

from barenet import datasets, plot, shallow

X, y = datasets.load_planar_dataset()
Xc, Yc = X.T, y.reshape(1, -1)  # the course's layout: (n_x, m) and (1, m)

fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
plot.plot_dataset(X, y, title="The flower", ax=ax)

# %%
# Four hidden units
# -----------------

parameters = shallow.nn_model(Xc, Yc, n_h=4, num_iterations=2000, print_cost=True)
print(f"Accuracy: {100 * (shallow.predict(parameters, Xc) == Yc).mean():.1f}%")

# %%
# Hidden-layer size
# -----------------
# :func:`~barenet.shallow.nn_model_sweep` runs ``nn_model`` once per size;
# each of its networks is, bit for bit, the one ``nn_model`` trains.
# :func:`barenet.plot.plot_sweep` draws one boundary per size, from
# ``(size, predict, accuracy)`` triples.

sizes = [1, 2, 3, 4, 5, 20]
models = shallow.nn_model_sweep(Xc, Yc, sizes, num_iterations=2000)
entries = []
for n_h, params in zip(sizes, models, strict=True):
    accuracy = 100 * (shallow.predict(params, Xc) == Yc).mean()
    print(f"{n_h:2d} hidden units: {accuracy:.2f}%")
    entries.append((n_h, lambda P, params=params: shallow.predict(params, P.T), accuracy))

plt.figure(plot.plot_sweep(entries, X, y, ncols=3, resolution=120, panel_size=3.2))
plt.show()
