"""
A sweep on a Dask cluster
=========================

:func:`barenet.sweep.run_sweep` is a cross-validated search over hidden sizes,
learning rates, L2 penalties, activations and weight seeds, built on
scikit-learn's ``GridSearchCV``. Its fits run in local processes by default;
given the address of a Dask scheduler, they run on that cluster's workers
through joblib's Dask backend, with the same results seed for seed.

Here the cluster is a :class:`~distributed.LocalCluster` of two workers in
this process; a real one would be started elsewhere (``dask scheduler``,
``dask worker ADDRESS``) and only its address given. ``barenet sweep
--scheduler ADDRESS`` does the same from the command line (it needs
``pip install 'barenet[dask]'``).
"""

import matplotlib.pyplot as plt
from distributed import LocalCluster

from barenet import datasets, plot
from barenet.sweep import format_table, run_sweep

X, y = datasets.gaussian_quantiles()

cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                       dashboard_address=None)
try:
    result = run_sweep(X, y, sizes=[1, 2, 4, 8, 16], learning_rates=[0.5, 1.2],
                       iterations=300, cv=3, scheduler=cluster.scheduler_address,
                       progress=False)
finally:
    cluster.close()

print(format_table(result))
print(f"{result.n_fits} fits in {result.seconds:.1f} s on {result.backend}")

# %%
# Training against validation accuracy
# ------------------------------------
# Each row holds the mean and standard deviation over the folds (and seeds)
# of the training and validation accuracy of one setting.
# :func:`barenet.plot.plot_sweep_scores` draws them against hidden size, one
# pair of lines per learning rate: training dashed, validation solid.

best = result.best
print(f"best: {best.hidden} hidden units at learning rate {best.learning_rate}, "
      f"validation accuracy {best.val_mean:.1f}% ± {best.val_std:.1f}")
plt.figure(plot.plot_sweep_scores(result.rows))
plt.show()
