"""Memory: the estimate of a fit, what is available, and fits refused before they allocate.

Nothing here allocates what it refuses: the memory available is patched to
a known value, and ``tracemalloc`` checks that a refused fit allocated
almost nothing.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
import pytest

from barenet import NeuralNetClassifier, NeuralNetRegressor, _memory, shallow
from barenet._memory import (
    LBFGS_HISTORY,
    MemoryEstimateError,
    available_memory,
    check_memory,
    fit_memory,
    format_bytes,
    n_parameters,
)
from barenet.engine.network import Network
from barenet.plot import plot_hidden_units

GiB, MiB = 2**30, 2**20


@pytest.fixture
def available(monkeypatch):
    """Set the memory the checks see, in bytes."""

    def set_to(n_bytes):
        monkeypatch.setattr(_memory, "available_memory", lambda: n_bytes)

    return set_to


def _peak(call):
    """Run ``call``; return (its result or exception, peak bytes traced during it)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - returned for the test to inspect
        result = exc
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return result, peak


# -- the estimate ---------------------------------------------------------------------


@pytest.mark.parametrize("solver, state", [("gd", 0), ("sgd", 1), ("adam", 2), ("lbfgs", 0)])
@pytest.mark.parametrize("itemsize", [4, 8])
def test_the_estimate_is_its_formula(solver, state, itemsize):
    sizes, m, batch = [7, 300, 50, 3], 1000, 64
    P = 8 * 300 + 301 * 50 + 51 * 3
    assert n_parameters(sizes) == P
    parts = fit_memory(sizes, m, batch, solver, itemsize)
    lbfgs = solver == "lbfgs"
    rows = m if lbfgs else batch + m % batch  # a full and a last, shorter batch
    copies = 3  # activations in place, L-BFGS's too
    assert parts["parameters"] == 5 * P * itemsize
    assert parts.get("optimiser state", 0) == state * P * itemsize
    assert parts.get("L-BFGS", 0) == (lbfgs and (2 * LBFGS_HISTORY + 20) * P * 8)
    assert parts["activations"] == rows * (copies * 353 + 2 * 7) * itemsize
    assert parts["data"] == 8 * m


def test_the_estimate_grows_with_width_batch_and_solver():
    def total(hidden, batch=100, solver="adam"):
        return sum(fit_memory([2, hidden, 1], 10_000, batch, solver, 8).values())

    # Width: parameters (2 + 1 + 1 per hidden unit, 7 copies for Adam) and activations.
    per_unit = (4 * 7 + 100 * 3) * 8
    assert total(2000) - total(1000) == 1000 * per_unit
    # Batch: activations only, linearly (10000 is a multiple of both).
    assert total(1000, batch=200) - total(1000, batch=100) == 100 * (3 * 1001 + 4) * 8
    # Solver: Adam's two moments beyond a velocity; L-BFGS's history beyond both.
    assert total(1000, solver="adam") - total(1000, solver="sgd") == 4001 * 8
    assert total(1000, solver="lbfgs") > total(1000, solver="adam") + 20 * 4001 * 8


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_the_estimate_bounds_what_a_fit_allocates(solver):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 10))
    y = (X[:, 0] > 0).astype(int)
    clf = NeuralNetClassifier((600, 600), solver=solver, batch_size=32, max_iter=2,
                              random_state=0)
    estimate = sum(fit_memory([10, 600, 600, 1], 64, 32, solver, 8).values())
    with pytest.warns(Warning):  # (two epochs do not converge)
        _, peak = _peak(lambda: clf.fit(X, y))
    assert 0.5 * estimate < peak < estimate  # generous, not wildly so


def test_realistic_fits_are_far_below_a_laptop():
    # 1e6 x 2 data, a (64, 64) network; and the benchmark's W3 (float32, batch 1024).
    assert sum(fit_memory([2, 64, 64, 1], 10**6, 200, "adam", 8).values()) < 32 * MiB
    assert sum(fit_memory([2, 64, 64, 1], 10**6, 1024, "sgd", 4).values()) < 32 * MiB
    assert sum(fit_memory([2, 64, 64, 1], 10**6, 10**6, "lbfgs", 8).values()) < 8 * GiB


# -- refusing ---------------------------------------------------------------------------


def test_check_memory_names_the_estimate_and_what_is_available(available):
    available(2 * GiB)
    with pytest.raises(MemoryEstimateError) as caught:
        check_memory({"parameters": 3 * GiB, "activations": GiB}, "training this network",
                     "use fewer hidden units")
    assert str(caught.value) == (
        "training this network needs about 4.0 GiB (parameters 3.0 GiB, activations 1.0 GiB)"
        " but about 2.0 GiB is available; use fewer hidden units")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, MemoryError)
    check_memory(GiB, "x", "y")  # fits: nothing raised
    available(None)
    check_memory(10**15, "x", "y")  # unknown: nothing checked
    assert format_bytes(1536) == "1.5 KiB" and format_bytes(512) == "512 bytes"


@pytest.mark.parametrize("Estimator", [NeuralNetClassifier, NeuralNetRegressor])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_an_absurd_network_is_refused_at_once_without_allocating(available, Estimator,
                                                                 solver):
    available(16 * GiB)
    X = np.random.default_rng(0).standard_normal((160, 2))
    y = (X[:, 0] > 0).astype(int)
    model = Estimator(hidden_layer_sizes=10**9, solver=solver)
    start = time.perf_counter()
    error, peak = _peak(lambda: model.fit(X, y))
    assert time.perf_counter() - start < 5
    assert isinstance(error, MemoryEstimateError), error
    assert peak < 2 * MiB
    message = str(error)
    assert "training this network needs about" in message and "TiB" in message
    assert "but about 16.0 GiB is available; use fewer or smaller hidden layers" in message
    assert not hasattr(model, "coefs_")


def test_lbfgs_on_many_features_says_why(available):
    available(GiB)
    X = np.random.default_rng(0).standard_normal((20, 100_000))
    y = np.arange(20) % 2
    error, peak = _peak(lambda: NeuralNetClassifier((100,), solver="lbfgs").fit(X, y))
    assert isinstance(error, MemoryEstimateError), error
    assert peak < 2 * MiB  # not even a copy of X
    assert "L-BFGS" in str(error) and "solver='adam' instead of 'lbfgs'" in str(error)


def test_partial_fit_and_warm_start_are_checked_too(available):
    X = np.random.default_rng(0).standard_normal((40, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.warns(Warning):
        clf = NeuralNetClassifier((700, 700), max_iter=1, random_state=0).fit(X, y)
    available(MiB)
    clf.set_params(warm_start=True)
    with pytest.raises(MemoryEstimateError, match="is available"):
        clf.fit(X, y)
    with pytest.raises(MemoryEstimateError, match="is available"):
        clf.partial_fit(X, y)
    with pytest.raises(MemoryEstimateError, match="is available"):
        NeuralNetRegressor(hidden_layer_sizes=10**9).partial_fit(X, X[:, 0])


def test_a_realistic_fit_is_not_refused(monkeypatch):
    asked = []
    monkeypatch.setattr(_memory, "available_memory", lambda: asked.append(1) or 256 * MiB)
    monkeypatch.setattr(_memory, "UNCHECKED_BYTES", 0)  # checked, however small
    X = np.random.default_rng(0).standard_normal((20_000, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    clf = NeuralNetClassifier((64, 64), activation="tanh", solver="sgd", momentum=0,
                              batch_size=1024, max_iter=1, dtype="float32", random_state=0)
    with pytest.warns(Warning):  # (one epoch does not converge)
        clf.fit(X, y)
    assert clf.n_iter_ == 1 and asked


def test_running_out_anyway_is_reported_with_the_estimate(monkeypatch, available):
    available(64 * GiB)

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 1.0 TiB for an array")

    monkeypatch.setattr("barenet.estimators.fitting.fit_stochastic", out_of_memory)
    X = np.random.default_rng(0).standard_normal((40, 2))
    with pytest.raises(MemoryEstimateError) as caught:
        NeuralNetClassifier((8,)).fit(X, X[:, 0] > 0)
    message = str(caught.value)
    assert message.startswith("training this network ran out of memory (Unable to allocate")
    assert "estimated need about" in message and "about 64.0 GiB available now" in message
    assert isinstance(caught.value.__cause__, MemoryError)


# -- predictions and figures in bounded memory ----------------------------------------------


def test_wide_networks_predict_in_chunks():
    rng = np.random.default_rng(0)
    hidden = 10_000
    net = Network.from_weights(
        [rng.standard_normal((2, hidden)) * 0.1, rng.standard_normal((hidden, 1))],
        [np.zeros(hidden), np.zeros(1)], [_activation("relu")], _output())
    points = rng.standard_normal((2000, 2))
    Z, peak = _peak(lambda: net.logits(points))
    assert peak < 80 * MiB, format_bytes(peak)  # all at once: 160 MB per array
    np.testing.assert_allclose(Z[:7], net.logits(points[:7]), rtol=1e-12)
    parameters = shallow.initialize_parameters(2, hidden, 1)
    labels, peak = _peak(lambda: shallow.predict(parameters, points.T))
    assert peak < 80 * MiB, format_bytes(peak)
    np.testing.assert_array_equal(labels[:, :7], shallow.predict(parameters, points[:7].T))


def test_unit_maps_of_a_wide_network_need_little_memory():
    parameters = shallow.initialize_parameters(2, 5000, 1)
    X = np.random.default_rng(0).standard_normal((50, 2))
    figure, peak = _peak(lambda: plot_hidden_units(parameters, X, X[:, 0] > 0))
    assert peak < 120 * MiB, format_bytes(peak)  # all at once: 288 MB
    assert any("(of 5000)" in ax.get_title() for ax in figure.axes)


def _activation(name):
    from barenet.engine.activations import ACTIVATIONS

    return ACTIVATIONS[name]


def _output():
    from barenet.engine.losses import OUTPUTS

    return OUTPUTS["binary"]


# -- what is available -------------------------------------------------------------------


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """Point the readers at files in ``tmp_path``; no address-space limit."""
    monkeypatch.setattr(_memory, "MEMINFO", tmp_path / "meminfo")
    monkeypatch.setattr(_memory, "STATM", tmp_path / "statm")
    monkeypatch.setattr(_memory, "CGROUP_OF_PROCESS", tmp_path / "cgroup")
    monkeypatch.setattr(_memory, "CGROUP_ROOT", tmp_path / "sys")
    monkeypatch.setattr(resource, "getrlimit",
                        lambda which: (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    (tmp_path / "meminfo").write_text("MemTotal: 8000000 kB\nMemAvailable:  4000000 kB\n")
    return tmp_path


def test_available_memory_reads_meminfo(machine):
    assert available_memory() == 4_000_000 * 1024


def test_available_memory_honours_the_address_space_limit(machine, monkeypatch):
    page = resource.getpagesize()
    (machine / "statm").write_text("1000 200 100 1 0 300 0\n")
    monkeypatch.setattr(resource, "getrlimit", lambda which: (2 * GiB, resource.RLIM_INFINITY))
    assert available_memory() == 2 * GiB - 1000 * page
    monkeypatch.setattr(resource, "getrlimit", lambda which: (16 * GiB, resource.RLIM_INFINITY))
    assert available_memory() == 4_000_000 * 1024  # the tighter of the two


@pytest.mark.parametrize("version", [1, 2])
def test_available_memory_honours_the_cgroup_limit(machine, version):
    if version == 2:
        (machine / "cgroup").write_text("0::/jobs/mine\n")
        group, limit, usage, cache = ("sys/jobs/mine", "memory.max", "memory.current",
                                      "inactive_file")
        (machine / "sys/jobs").mkdir(parents=True)
        (machine / "sys/jobs/memory.max").write_text("max\n")  # no limit above
    else:
        (machine / "cgroup").write_text("5:cpu:/other\n4:memory:/jobs/mine\n")
        group, limit, usage, cache = ("sys/memory/jobs/mine", "memory.limit_in_bytes",
                                      "memory.usage_in_bytes", "total_inactive_file")
        (machine / "sys/memory").mkdir(parents=True)
        (machine / "sys/memory/memory.limit_in_bytes").write_text("9223372036854771712\n")
    folder = machine / group
    folder.mkdir(parents=True, exist_ok=True)
    (folder / limit).write_text(f"{GiB}\n")
    (folder / usage).write_text(f"{600 * MiB}\n")
    (folder / "memory.stat").write_text(f"active_file 5\n{cache} {100 * MiB}\n")
    # The limit less what is used, file cache the kernel can drop not counted.
    assert available_memory() == GiB - 500 * MiB


def test_available_memory_is_none_when_nothing_says(machine, monkeypatch):
    (machine / "meminfo").unlink()
    monkeypatch.setattr(_memory, "_psutil", lambda: None)
    assert available_memory() is None
