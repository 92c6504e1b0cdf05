"""Model files: round trips, atomic writes, and refusal of bad or hostile files."""

from __future__ import annotations

import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import barenet as bn
from barenet.io import ModelFileError

X, y = bn.datasets.noisy_moons(n_samples=120)


def _fitted(kind: str, dtype: str = "float64"):
    kw = dict(max_iter=30, random_state=0, dtype=dtype, n_iter_no_change=None)
    if kind == "binary":
        return bn.NeuralNetClassifier((6,), **kw).fit(X, y)
    if kind == "strings":
        return bn.NeuralNetClassifier((5, 3), activation=["tanh", "relu"], **kw).fit(
            X, np.array(["no", "yes"])[y])
    if kind == "multiclass":
        return bn.NeuralNetClassifier((4,), activation="sigmoid", **kw).fit(
            X, (X[:, 0] > 0).astype(int) + y)
    if kind == "multilabel":
        return bn.NeuralNetClassifier((4,), **kw).fit(X, np.c_[y, 1 - y, X[:, 1] > 0])
    if kind == "logistic":
        return bn.NeuralNetClassifier((), solver="lbfgs", **kw).fit(X, y)
    if kind == "regression":
        return bn.NeuralNetRegressor((7,), activation="tanh", **kw).fit(X, X[:, 0] ** 2)
    if kind == "multioutput":
        return bn.NeuralNetRegressor((7,), activation="leaky_relu", **kw).fit(X, X * 3)
    raise AssertionError(kind)


KINDS = ["binary", "strings", "multiclass", "multilabel", "logistic", "regression",
         "multioutput"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_predicts_exactly_the_same(kind, dtype, tmp_path):
    model = _fitted(kind, dtype)
    path = bn.save(model, tmp_path / "model.npz")
    loaded = bn.load(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == {**model.get_params(),
                                   "hidden_layer_sizes": list(model._hidden_sizes())}
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for method in ("predict_proba", "predict_log_proba", "decision_function"):
        if hasattr(model, method):
            np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    for a, b in zip(loaded.coefs_ + loaded.intercepts_, model.coefs_ + model.intercepts_,
                    strict=True):
        assert a.dtype == b.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)
    assert loaded.n_iter_ == model.n_iter_ and loaded.loss_curve_ == model.loss_curve_
    assert loaded.history_ == model.history_


def test_loaded_model_keeps_training(tmp_path):
    model = _fitted("binary")
    loaded = bn.load(bn.save(model, tmp_path / "m.npz"))
    loaded.partial_fit(X, y)
    assert loaded.n_iter_ == model.n_iter_ + 1


def test_feature_names_survive(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["width", "height"])
    model = bn.NeuralNetClassifier((4,), max_iter=10, random_state=0,
                                   n_iter_no_change=None).fit(frame, y)
    loaded = bn.load(bn.save(model, tmp_path / "m.npz"))
    assert loaded.feature_names_in_.tolist() == ["width", "height"]
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))


def test_article_parameters_round_trip(tmp_path):
    parameters = bn.shallow.nn_model(X.T, y.reshape(1, -1), 4, num_iterations=200)
    loaded = bn.load(bn.save(parameters, tmp_path / "article.npz"))
    assert sorted(loaded) == ["W1", "W2", "b1", "b2"]
    for k in parameters:
        np.testing.assert_array_equal(loaded[k], parameters[k])
    np.testing.assert_array_equal(bn.shallow.predict(loaded, X.T),
                                  bn.shallow.predict(parameters, X.T))


def test_the_file_is_plain_npz_with_json_metadata(tmp_path):
    path = bn.save(_fitted("strings"), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["__metadata__"]))
        assert archive["classes"].tolist() == ["no", "yes"]
        assert archive["coefs_0"].shape == (2, 5)
    assert meta["format"] == "barenet-model" and meta["format_version"] == 1
    assert meta["barenet_version"] == bn.__version__
    assert meta["activations"] == ["tanh", "relu"] and meta["layer_sizes"] == [2, 5, 3, 1]
    assert meta["params"]["hidden_layer_sizes"] == [5, 3] and meta["dtype"] == "float64"


def test_unfitted_and_unsavable_models_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        bn.save(bn.NeuralNetClassifier(), tmp_path / "m.npz")
    custom = bn.NeuralNetClassifier((3,), activation=(np.tanh, lambda Z: 1 - np.tanh(Z) ** 2),
                                    max_iter=5, n_iter_no_change=None, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="custom activation"):
        bn.save(custom, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="cannot save"):
        bn.save(object(), tmp_path / "m.npz")
    with pytest.raises(ValueError, match="lacks"):
        bn.save({"W1": np.ones((1, 1))}, tmp_path / "m.npz")
    assert not any(tmp_path.iterdir())


def test_interrupted_save_leaves_the_previous_file(tmp_path, monkeypatch):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("power cut between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        bn.save(_fitted("regression"), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert isinstance(bn.load(path), bn.NeuralNetClassifier)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def _rewrite(path, arrays=None, metadata=None):
    """Write an archive with some entries replaced, as a tamperer would."""
    with np.load(path, allow_pickle=False) as archive:
        entries = {k: archive[k] for k in archive.files}
    meta = json.loads(str(entries["__metadata__"]))
    if metadata:
        meta.update(metadata)
    entries["__metadata__"] = np.array(json.dumps(meta))
    entries.update(arrays or {})
    entries = {k: v for k, v in entries.items() if v is not None}
    np.savez(path, **entries)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "truncated"),
        (lambda p: p.write_bytes(b""), "truncated"),
        (lambda p: p.write_text("W1,b1\n1,2\n"), "not a readable"),
        (lambda p: _rewrite(p, metadata={"format_version": 99}), "version 99"),
        (lambda p: _rewrite(p, metadata={"format": "other"}), "not a barenet model"),
        (lambda p: _rewrite(p, metadata={"kind": "Popen"}), "unknown model kind"),
        (lambda p: _rewrite(p, metadata={"activations": ["os.system"]}), "inconsistent"),
        (lambda p: _rewrite(p, metadata={"layer_sizes": [2, 7, 1]}), "shape"),
        (lambda p: _rewrite(p, metadata={"dtype": "object"}), "inconsistent"),
        (lambda p: _rewrite(p, metadata={"n_features_in_": 3}), "inconsistent"),
        (lambda p: _rewrite(p, metadata={"params": {"solver": "rm -rf"}}), "inconsistent"),
        (lambda p: _rewrite(p, arrays={"coefs_0": np.full((2, 6), np.nan)}), "NaN"),
        (lambda p: _rewrite(p, arrays={"coefs_0": np.ones((2, 6), np.float32)}), "dtype"),
        (lambda p: _rewrite(p, arrays={"coefs_1": None}), "coefs_1"),
        (lambda p: _rewrite(p, arrays={"extra": np.ones(3)}), "inconsistent"),
        (lambda p: _rewrite(p, arrays={"classes": np.array([1, 1])}), "inconsistent"),
        (lambda p: _rewrite(p, arrays={"__metadata__": np.array(b"{")}), "not text"),
        (lambda p: _rewrite(p, arrays={"__metadata__": None}), "no metadata"),
    ],
)
def test_bad_files_are_refused_clearly(tamper, message, tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    tamper(path)
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)


def test_every_single_flipped_byte_is_refused_or_harmless(tmp_path):
    model = _fitted("binary")
    path = bn.save(model, tmp_path / "m.npz")
    data = bytearray(path.read_bytes())
    rng = np.random.RandomState(0)
    for position in rng.choice(len(data), size=60, replace=False):
        corrupt = bytearray(data)
        corrupt[position] ^= 0xFF
        path.write_bytes(bytes(corrupt))
        try:
            loaded = bn.load(path)
        except ModelFileError:
            continue
        # A flip the zip checksums cannot see (e.g. in a file name) may load:
        # then it must still be a working, finite model.
        assert np.all(np.isfinite(loaded.predict_proba(X)))


class _Payload:
    def __reduce__(self):
        return (os.mkdir, (str(MARKER),))


MARKER = None


def test_pickle_payloads_are_never_run(tmp_path):
    global MARKER
    MARKER = tmp_path / "pwned"
    # 1. a pickle renamed to .npz
    raw = tmp_path / "raw.npz"
    raw.write_bytes(pickle.dumps(_Payload()))
    # 2. an npz whose arrays are pickled objects
    boxed = tmp_path / "boxed.npz"
    np.savez(boxed, __metadata__=np.array([_Payload()], dtype=object),
             coefs_0=np.array([_Payload()], dtype=object))
    # 3. a zip holding a .npy with an object payload next to valid metadata
    good = bn.save(_fitted("binary"), tmp_path / "good.npz")
    mixed = tmp_path / "mixed.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(mixed, "w") as dst:
        for item in src.infolist():
            if item.filename != "coefs_0.npy":
                dst.writestr(item, src.read(item))
        obj = tmp_path / "obj.npy"
        np.save(obj, np.array([_Payload()], dtype=object), allow_pickle=True)
        dst.write(obj, "coefs_0.npy")
    for path in (raw, boxed, mixed):
        with pytest.raises(ModelFileError):
            bn.load(path)
    assert not MARKER.exists()


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="no model file"):
        bn.load(tmp_path / "nope.npz")
