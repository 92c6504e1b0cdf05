"""Model files: round trips, atomic writes, and refusal of bad or hostile files."""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
import pytest

import barenet as bn
import barenet._model_estimator
import barenet.io
from barenet.cli import main
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
        return bn.NeuralNetRegressor(hidden_layer_sizes=(7,), activation="tanh",
                                     **kw).fit(X, X[:, 0] ** 2)
    if kind == "multioutput":
        return bn.NeuralNetRegressor(hidden_layer_sizes=(7,), activation="leaky_relu",
                                     **kw).fit(X, X * 3)
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


@pytest.mark.parametrize("data", [np.float32, np.float64])
def test_dtype_none_and_infinite_patience_round_trip(data, tmp_path):
    model = bn.NeuralNetClassifier((4,), max_iter=5, n_iter_no_change=np.inf, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (max_iter reached)
        model.fit(X.astype(data), y)
    path = bn.save(model, tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["__metadata__"]))
    assert meta["params"]["dtype"] is None and meta["params"]["n_iter_no_change"] == "inf"
    assert meta["dtype"] == np.dtype(data).name  # the weights'
    loaded = bn.load(path)
    assert loaded.get_params() == {**model.get_params(), "hidden_layer_sizes": [4]}
    assert loaded.dtype is None and loaded.n_iter_no_change == np.inf
    proba = loaded.predict_proba(X)
    assert proba.dtype == data
    np.testing.assert_array_equal(proba, model.predict_proba(X))
    loaded.partial_fit(X, y)  # it keeps training in the dtype it was fitted in
    assert {W.dtype for W in loaded.coefs_} == {np.dtype(data)}


def test_files_of_an_explicit_dtype_still_load_with_it(tmp_path):
    # (As every file saved before dtype could be None: params.dtype a name.)
    for dtype in ("float32", "float64"):
        model = _fitted("binary", dtype)
        for path in (bn.save(model, tmp_path / "v2.npz"),
                     _save_version_1(model, tmp_path / "v1.npz")):
            loaded = bn.load(path)
            assert loaded.dtype == dtype and loaded.coefs_[0].dtype == np.dtype(dtype)
            np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


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
    model = _fitted("strings")
    path = bn.save(model, tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:
        meta = json.loads(str(archive["__metadata__"]))
        assert archive["classes"].tolist() == ["no", "yes"]
        assert archive["coefs_0"].shape == (2, 5)
        for key, values in model.history_.items():
            assert archive[f"history__{key}"].dtype == np.float64
            assert archive[f"history__{key}"].tolist() == values
        assert sorted(archive.files) == sorted(
            ["__metadata__", "classes", *(f"{w}_{i}" for w in ("coefs", "intercepts")
                                          for i in range(3)),
             *(f"history__{k}" for k in ("loss", "val_loss", "val_score", "learning_rate"))])
    assert meta["format"] == "barenet-model" and meta["format_version"] == 2
    assert meta["barenet_version"] == bn.__version__
    assert meta["activations"] == ["tanh", "relu"] and meta["layer_sizes"] == [2, 5, 3, 1]
    assert meta["params"]["hidden_layer_sizes"] == [5, 3] and meta["dtype"] == "float64"
    assert meta["history_"] == {"loss": 30, "val_loss": 0, "val_score": 0, "learning_rate": 30}
    assert "loss_curve_" not in meta and meta["feature_names_in_"] is False
    assert len(json.dumps(meta)) < 1500  # nothing in it grows with the epochs


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
        (lambda p: p.write_bytes(b""), "not a readable barenet model file: the file is empty"),
        (lambda p: p.write_text("W1,b1\n1,2\n"), "not a readable barenet model file: it looks"),
        (lambda p: _rewrite(p, metadata={"format_version": 99}),
         r"has model format version 99; this barenet \(.*\) reads versions 1 and 2: upgrade "
         "barenet to load it"),
        (lambda p: _rewrite(p, metadata={"format_version": 0}),
         "version 0; .* reads versions 1 and 2: use a matching barenet"),
        (lambda p: _rewrite(p, metadata={"format": "other"}), "not a barenet model"),
        (lambda p: _rewrite(p, metadata={"kind": "Popen"}), "unknown model kind"),
        (lambda p: _rewrite(p, metadata={"activations": ["os.system"]}), "'activations'"),
        (lambda p: _rewrite(p, metadata={"layer_sizes": [2, 7, 1]}), "shape"),
        (lambda p: _rewrite(p, metadata={"dtype": "object"}), "'dtype' must be float64"),
        (lambda p: _rewrite(p, metadata={"n_features_in_": 3}), "'n_features_in_'"),
        (lambda p: _rewrite(p, metadata={"params": {"solver": "rm -rf"}}), "inconsistent"),
        (lambda p: _rewrite(p, arrays={"coefs_0": np.full((2, 6), np.nan)}), "NaN"),
        (lambda p: _rewrite(p, arrays={"coefs_0": np.ones((2, 6), np.float32)}), "dtype"),
        (lambda p: _rewrite(p, arrays={"coefs_1": None}), "coefs_1"),
        (lambda p: _rewrite(p, arrays={"extra": np.ones(3)}), "unexpected array 'extra'"),
        (lambda p: _rewrite(p, arrays={"classes": np.array([1, 1])}), "inconsistent"),
        (lambda p: _rewrite(p, arrays={"__metadata__": np.array(1.0)}), "not text"),
        (lambda p: _rewrite(p, arrays={"__metadata__": None}), "without barenet metadata"),
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


# -- files that are not models, bombs, and tampered archives -------------------------
def _members(path):
    """The raw bytes of each member of an archive, in order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _npy(array, align=64, version=(1, 0)):
    """An .npy file written field by field (older NumPy padded headers to 16 bytes)."""
    header = repr({"descr": np.lib.format.dtype_to_descr(array.dtype),
                   "fortran_order": False, "shape": array.shape}).encode()
    width = 2 if version == (1, 0) else 4
    header += b" " * (-(8 + width + len(header) + 1) % align) + b"\n"
    return (b"\x93NUMPY" + bytes(version) + len(header).to_bytes(width, "little") + header
            + array.tobytes())


def _header(text, length=118):
    """An .npy v1.0 header of ``text``, with no data after it."""
    body = text.encode().ljust(length - 1) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body)) + body


def _zip(members):
    """A zip archive written field by field, so that any field can lie.

    ``members`` holds dicts with ``name`` and ``data`` (the bytes as stored)
    and optionally ``method``, ``flags``, ``crc`` and ``size`` (declared
    uncompressed size), which default to those of a stored member.
    """
    body, directory = b"", b""
    for m in members:
        name, data = m["name"].encode(), m["data"]
        fields = struct.pack("<HHHHHLLLHH", 20, m.get("flags", 0), m.get("method", 0), 0, 0x21,
                             m.get("crc", zlib.crc32(data)), len(data), m.get("size", len(data)),
                             len(name), 0)
        directory += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                      + struct.pack("<HHHLL", 0, 0, 0, 0, len(body)) + name)
        body += b"PK\x03\x04" + fields + name + data
    n = len(members)
    return body + directory + b"PK\x05\x06" + struct.pack("<HHHHLLH", 0, 0, n, n,
                                                          len(directory), len(body), 0)


def _replaced(path, target, **member):
    """The model at ``path`` as a hand-written zip, with member ``target`` changed."""
    return _zip([{"name": k, "data": v, **(member if k == target else {})}
                 for k, v in _members(path).items()])


def _deflate_bomb(header, size):
    """A raw deflate stream of ``header`` then zeros, ``size`` bytes in all, ~size/1000 long.

    Deflating one MiB of zeros after a full flush gives a block that refers to
    nothing before it, so the block repeated is a valid stream: the bomb is
    built in milliseconds without ever holding its inflated bytes.
    """
    mib = 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(header + bytes(mib - len(header)))
    first += compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(mib)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + block * (size // mib - 1) + compressor.flush()


def test_older_and_compressed_archives_still_load(tmp_path):
    model = _fitted("strings")
    path = bn.save(model, tmp_path / "m.npz")
    members = _members(path)
    # np.savez_compressed, as someone shrinking a model file would write it
    with np.load(path) as archive:
        np.savez_compressed(tmp_path / "deflated.npz", **{k: archive[k] for k in archive.files})
    # big-endian weights with 16-byte-aligned headers, as older NumPy on such machines wrote
    old = {k: _npy(np.load(io.BytesIO(v)).astype(">f8"), align=16)
           if k.startswith(("coefs", "intercepts")) else v for k, v in members.items()}
    (tmp_path / "big_endian.npz").write_bytes(_zip([{"name": k, "data": v}
                                                    for k, v in old.items()]))
    # the data-descriptor flag, which zipfile sets when it writes to a pipe
    (tmp_path / "streamed.npz").write_bytes(_zip([{"name": k, "data": v, "flags": 0x08}
                                                  for k, v in members.items()]))
    for name in ("deflated.npz", "big_endian.npz", "streamed.npz"):
        loaded = bn.load(tmp_path / name)
        assert all(W.dtype == np.float64 and W.dtype.isnative for W in loaded.coefs_)
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def _write_npy(p):
    with open(p, "wb") as fh:  # np.save would add .npy to the name
        np.save(fh, np.ones((3, 2)))


def _write_zip(p):
    with zipfile.ZipFile(p, "w") as archive:
        archive.writestr("notes.txt", "hello")


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (_write_npy, "not a readable barenet model file: it is a single NumPy array"),
        (lambda p: p.write_text("x1,x2,label\n0.5,1.5,1\n"), "it looks like a CSV table"),
        (lambda p: p.write_text("a model, maybe\n"), "it looks like a CSV table"),
        (lambda p: p.write_text("hello\n"), "it looks like a text file"),
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.mkdir(), "is a folder; give the model's .npz file"),
        pytest.param(lambda p: os.mkfifo(p), "is not a regular file",  # reading would block
                     marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")),
        (_write_zip, "a zip archive without barenet metadata (it holds notes.txt)"),
        (lambda p: p.write_bytes(pickle.dumps([1, 2])), "looks like a Python pickle"),
        (lambda p: p.write_bytes(bytes(range(256))), "it is not a zip archive"),
    ],
)
def test_files_that_are_not_models_say_what_they_are(write, message, tmp_path):
    path = tmp_path / "model.npz"
    write(path)
    with pytest.raises(ModelFileError, match=re.escape(message)) as info:
        bn.load(path)
    assert str(path) in str(info.value)
    assert "pickle" not in str(info.value).replace("Python pickle", "")  # no allow_pickle advice


def test_predict_with_a_csv_as_the_model_says_it_is_not_a_model(tmp_path, capsys):
    csv = tmp_path / "data.csv"
    csv.write_text("x1,x2\n0.5,1.5\n")
    assert main(["predict", str(csv), str(csv)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "allow_pickle" not in err
    assert f"{csv} is not a readable barenet model file: it looks like a CSV table" in err


GIB = 2**30


def _metadata_bomb(path):
    header = _header(f"{{'descr': '<U{GIB // 4}', 'fortran_order': False, 'shape': (), }}")
    return _replaced(path, "__metadata__.npy", data=_deflate_bomb(header, GIB), method=8,
                     size=GIB)


def _weights_bomb(path):
    # 2 x 2**26 float64 weights: 1 GiB, all zeros.  The CRC is left wrong: a
    # reader that trusts the sizes inflates the whole GiB before it can tell.
    header = _header(f"{{'descr': '<f8', 'fortran_order': False, 'shape': (2, {2**26}), }}")
    return _replaced(path, "coefs_0.npy", data=_deflate_bomb(header, 128 + GIB), method=8,
                     size=128 + GIB)


def _huge_header(path):
    return _replaced(path, "coefs_0.npy",
                     data=_header("{'descr': '<f8', 'fortran_order': False, 'shape': "
                                  "(1000000000000,), }"))


def _huge_plain_npy(path):
    return _header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }")


def _many_members(path):
    return _zip([{"name": k, "data": v} for k, v in _members(path).items()]
                + [{"name": f"x{i}.npy", "data": b""} for i in range(2100)])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_metadata_bomb, "would inflate"),
        (_weights_bomb, "would inflate"),
        (_huge_header, r"declares a float64 array of shape \(1000000000000,\)"),
        (_huge_plain_npy, "single NumPy array"),
        (_many_members, "holds 2110 members; a barenet model of at most 1024 layers"),
    ],
)
def test_bombs_are_refused_quickly_in_little_memory(build, message, tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(build(path))
    assert path.stat().st_size < 2**21
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)
    assert time.perf_counter() - start < 0.5  # milliseconds; np.load took 10 s and 2 GiB
    tracemalloc.start()  # measured apart: tracing slows Python down several times
    try:
        with pytest.raises(ModelFileError, match=message):
            bn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


def test_the_deflate_bomb_is_real(tmp_path):
    """The bomb above inflates as it says (checked on its first MiB)."""
    header = _header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 67108864), }")
    stream = _deflate_bomb(header, 64 * 2**20)
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(stream, 2**20) == header + bytes(2**20 - len(header))
    assert len(stream) < 64 * 2**20 // 500


def _metadata_text(path, edit):
    """The model at ``path`` with its metadata JSON text edited."""
    with np.load(path) as archive:
        text = edit(str(archive["__metadata__"]))
    return _replaced(path, "__metadata__.npy", data=_npy(np.array(text)))


def _field(name, value):
    return lambda t: re.sub(rf'"{name}": [^,}}]+', f'"{name}": {value}', t, count=1)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_field("n_iter_", "Infinity"), "Infinity is not a number barenet writes"),
        (_field("t_", "NaN"), "NaN is not a number barenet writes"),
        (_field("t_", "1e999"), "'t_' must be a non-negative integer, got inf"),
        (lambda t: t.replace('"history_": {"loss": 30', '"history_": {"loss": 1e999'),
         "'history_' must be an object of at most 16 series lengths, 'loss' among them"),
        (lambda t: t.replace('"history_": {"loss": 30', '"history_": {"../x": 30'),
         "'history_' must be an object of at most 16 series lengths"),
        (_field("t_", str(2**64)), "'t_' must be a non-negative integer, got 18446744073709551616"),
        (_field("t_", "9" * 5000), "not valid JSON .a number of thousands of digits"),
        (_field("t_", "true"), "'t_' must be a non-negative integer, got True"),
        (_field("n_iter_", "-1"), "'n_iter_' must be a non-negative integer, got -1"),
        (_field("n_features_in_", '"2"'), "'n_features_in_' must be the input size 2"),
        (_field("output", '"regression"'), "'output' must be binary or multiclass"),
        (lambda t: t.replace('"layer_sizes": [2, 6, 1]', '"layer_sizes": [2, 0, 1]'),
         "'layer_sizes' must be a list of 2 to 1025 positive integers"),
        (lambda t: t.replace('"layer_sizes": [2, 6, 1]', '"layer_sizes": [2, "6", 1]'),
         "'layer_sizes' must be a list"),
        (lambda t: t.replace('"layer_sizes": [2, 6, 1]', f'"layer_sizes": [2, {2**62}, 1]'),
         r"coefs_0 has shape \(2, 6\), but the metadata says \(2, 4611686018427387904\)"),
        (lambda t: t.replace('"history_": {"loss": 30', '"history_": {"loss": "30"'),
         "'history_' must be an object of at most 16 series lengths"),
        (lambda t: t.replace('"history_": {"loss": 30', '"history_": {"loss": 31'),
         r"history__loss has shape \(30,\), but the metadata says \(31,\)"),
        (_field("feature_names_in_", '["x0", "x1"]'), "'feature_names_in_' must be true or false"),
        (lambda t: t.replace('"params": {', '"params": {"alpha": [[0.1]], '),
         "duplicate|appears twice"),
        (lambda t: t.replace('"params": {', '"params": {"evil": 1, '), "'params' must be"),
        (lambda t: t[:-1] + ', "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
         "more nested lists or objects than barenet writes"),
        (lambda t: t[:-1] + ', "x": "' + "[" * 50_000 + '"}', None),  # inside a string: fine
        (lambda t: t[:-1] + ', "kind": "shallow"}', "a key appears twice"),
        (lambda t: '"barenet-model"', "its metadata does not say format 'barenet-model'"),
        (lambda t: t[:-3], "not valid JSON"),
    ],
)
def test_bad_metadata_is_refused_before_the_arrays_are_read(edit, message, tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(_metadata_text(path, edit))
    if message is None:
        assert isinstance(bn.load(path), bn.NeuralNetClassifier)
        return
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)


def test_oversized_metadata_is_refused_unread(tmp_path, monkeypatch):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(_metadata_text(path, lambda t: t[:-1] + ', "x": "' + "a" * 10_000 + '"}'))
    monkeypatch.setattr(barenet.io, "_METADATA_CHARS", {1: 1000, 2: 1000})
    with pytest.raises(ModelFileError, match="metadata takes .* barenet writes at most 4000"):
        bn.load(path)


def test_version_2_metadata_beyond_its_cap_is_refused(tmp_path):
    """Version 2 writes no per-epoch data in its metadata: 1 Mi characters at most."""
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(_metadata_text(path, lambda t: t[:-1] + ', "x": "' + "a" * 2**20 + '"}'))
    with pytest.raises(ModelFileError, match="holds 104[0-9]{4} characters; barenet writes at "
                       "most 1048576 in format version 2"):
        bn.load(path)


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ({"method": 12}, "compression method 12; barenet reads stored or deflated members"),
        ({"method": 99}, "compression method 99"),
        ({"flags": 0x01}, "is encrypted"),
        ({"flags": 0x40}, "uses zip features barenet does not read"),
        ({"crc": 0}, "is damaged .*Bad CRC-32"),
        ({"size": 2**31}, "is stored with 176 bytes but declares 2147483648"),
        ({"name": "../coefs_1.npy"}, "holds an unexpected member '../coefs_1.npy'"),
        ({"name": "coefs_0.npy"}, "holds two members named 'coefs_0.npy'"),
    ],
)
def test_tampered_zip_entries_are_refused(member, message, tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(_replaced(path, "coefs_1.npy", **member))
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 6") + bytes(96),
         "broken .npy header"),
        (_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 6), }'''") + bytes(96),
         "broken .npy header"),
        (_header("__import__('os').system('touch pwned')") + bytes(96), "broken .npy header"),
        (_header("{'descr': '|O', 'fortran_order': False, 'shape': (2, 6), }"),
         "a .npy header barenet does not write"),
        (_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -6), }"),
         "a .npy header barenet does not write"),
        (b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + bytes(96),
         "2147483648-byte .npy header"),
        (b"\x93NUMPY\x04\x00" + bytes(116), "uses .npy format version 4.0"),
        (b"PK\x03\x04" + bytes(96), "is not a NumPy array"),
        (_npy(np.ones((2, 6), np.int64)), "coefs_0 has dtype int64, but the metadata says"),
        (_npy(np.ones((6, 2))), r"coefs_0 has shape \(6, 2\), but the metadata says \(2, 6\)"),
    ],
    ids=["unterminated", "unclosed-string", "code", "object", "negative-shape", "huge-header",
         "version-4", "not-npy", "int64", "transposed"],
)
def test_broken_npy_headers_are_refused(data, message, tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    path.write_bytes(_replaced(path, "coefs_0.npy", data=data))
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("{'descr': '<U1000000000', 'fortran_order': False, 'shape': (2,), }",
         "a .npy header barenet does not write"),
        ("{'descr': '<U5000', 'fortran_order': False, 'shape': (2,), }",
         "class labels are numbers or texts of up to 4096 characters"),
    ],
)
def test_class_labels_of_absurd_length_are_refused(header, message, tmp_path):
    path = bn.save(_fitted("strings"), tmp_path / "m.npz")
    path.write_bytes(_replaced(path, "classes.npy", data=_header(header) + bytes(40_000)))
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)


def test_many_label_outputs_load_without_a_square_matrix(tmp_path):
    """A multi-label model's n outputs cost n, not n * n, to load (20,000**2 is 3 GB)."""
    n = 20_000
    model = bn.NeuralNetClassifier((), max_iter=1, random_state=0, n_iter_no_change=None)
    rng = np.random.default_rng(0)
    Y = (rng.random((4, n)) > 0.5).astype(int)
    Y[:2], Y[2:] = 1, 0  # every column holds both labels
    model.fit(rng.random((4, 1)), Y)
    path = bn.save(model, tmp_path / "m.npz")
    tracemalloc.start()
    try:
        loaded = bn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert loaded.predict(np.zeros((1, 1))).shape == (1, n)


# -- version 1 files, extremes, and what save refuses ------------------------------
def _save_version_1(model, path):
    """Write ``model`` as barenet's first format did: the training record in the JSON."""
    params = {k: v for k, v in model.get_params().items() if k not in ("callbacks", "activation")}
    params["dtype"] = np.dtype(model._dtype()).name
    params["hidden_layer_sizes"] = [int(s) for s in model._hidden_sizes()]
    arrays = {f"coefs_{i}": W for i, W in enumerate(model.coefs_)}
    arrays.update({f"intercepts_{i}": b for i, b in enumerate(model.intercepts_)})
    kind = type(model).__name__
    metadata = {
        "format": "barenet-model", "format_version": 1, "barenet_version": "0.1.0",
        "kind": kind, "params": params, "activations": [a.name for a in model._hidden],
        "output": model._output_name,
        "layer_sizes": [model.coefs_[0].shape[0], *(W.shape[1] for W in model.coefs_)],
        "dtype": params["dtype"], "n_features_in_": int(model.n_features_in_),
        "feature_names_in_": (model.feature_names_in_.tolist()
                              if hasattr(model, "feature_names_in_") else None),
        "n_iter_": int(model.n_iter_), "t_": int(model.t_),
        "loss_curve_": [float(v) for v in model.loss_curve_],
        "history_": {k: [float(v) for v in vs] for k, vs in model.history_.items()},
    }
    if kind == "NeuralNetClassifier":
        classes = np.asarray(model.classes_)
        arrays["classes"] = classes.astype(str) if classes.dtype == object else classes
    else:
        metadata["y_1d"] = bool(model._y_1d)
    arrays["__metadata__"] = np.array(json.dumps(metadata))
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("kind", ["strings", "multilabel", "multioutput"])
def test_version_1_files_still_load(kind, tmp_path):
    model = _fitted(kind)
    loaded = bn.load(_save_version_1(model, tmp_path / "v1.npz"))
    method = "predict_proba" if hasattr(model, "predict_proba") else "predict"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    assert loaded.loss_curve_ == model.loss_curve_ and loaded.history_ == model.history_
    loaded.partial_fit(X, model.predict(X))  # and keeps training
    assert len(loaded.loss_curve_) == len(model.loss_curve_) + 1


def test_version_1_files_with_long_histories_and_feature_names_load(tmp_path):
    """Version 1 allowed 8 Mi characters of metadata; such files are still read."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["largeur", "höhe"])
    model = bn.NeuralNetClassifier((4,), max_iter=5, random_state=0, n_iter_no_change=None,
                                   early_stopping=True).fit(frame, y)
    rng = np.random.default_rng(0)
    model.history_ = {k: rng.random(30_000).tolist() for k in model.history_}
    model.loss_curve_ = model.history_["loss"]
    path = _save_version_1(model, tmp_path / "v1.npz")
    with np.load(path) as archive:
        assert 2**20 < len(str(archive["__metadata__"])) < 2**23  # beyond version 2's cap
    loaded = bn.load(path)
    assert loaded.feature_names_in_.tolist() == ["largeur", "höhe"]
    assert loaded.history_ == model.history_ and loaded.loss_curve_ == model.loss_curve_


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('"loss_curve_": [', '"loss_curve_": [1e999, '),
         "'loss_curve_' must be a list of numbers, got"),
        (lambda t: t.replace('"loss_curve_": [', '"loss_curve_": ["x", '),
         "'loss_curve_' must be a list of numbers"),
        (lambda t: t.replace('"loss": [', '"loss": [NaN, '), "NaN is not a number barenet writes"),
        (lambda t: t.replace('"feature_names_in_": null', '"feature_names_in_": true'),
         "'feature_names_in_' must be null or 2 texts"),
    ],
)
def test_bad_version_1_metadata_is_refused_as_before(edit, message, tmp_path):
    path = _save_version_1(_fitted("binary"), tmp_path / "v1.npz")
    path.write_bytes(_metadata_text(path, edit))
    with pytest.raises(ModelFileError, match=message):
        bn.load(path)


def _labelled(labels, n_features=2, feature_names=None, **kw):
    """A one-epoch classifier of ``labels`` (one sample each), named features if given."""
    rng = np.random.default_rng(0)
    data = rng.random((len(labels), n_features))
    if feature_names is not None:
        data = pytest.importorskip("pandas").DataFrame(data, columns=feature_names)
    return bn.NeuralNetClassifier((3,), max_iter=1, random_state=0, n_iter_no_change=None,
                                  **kw).fit(data, np.array(labels, dtype=object)
                                            if isinstance(labels[0], str) else labels)


def _long_history(model, n=300_000):
    """``model`` as if trained ``n`` epochs, watching validation data (NaN scores too)."""
    rng = np.random.default_rng(1)
    model.history_ = {"loss": rng.random(n).tolist(), "val_loss": rng.random(n).tolist(),
                      "val_score": [float("nan")] * 3 + rng.random(n - 3).tolist(),
                      "learning_rate": [0.001] * n}
    model.loss_curve_ = model.history_["loss"]
    model.n_iter_ = n
    return model


EXTREMES = {
    "300,000 epochs": lambda: _long_history(_fitted("binary")),
    "one-sample validation (NaN R^2)": lambda: bn.NeuralNetRegressor(
        hidden_layer_sizes=(3,), max_iter=5, random_state=0, n_iter_no_change=None).fit(
        X, X[:, 0], validation_data=(X[:1], X[:1, 0])),
    "far-off validation (infinite loss)": lambda: bn.NeuralNetRegressor(
        hidden_layer_sizes=(3,), max_iter=2, random_state=0, n_iter_no_change=None,
        dtype="float32").fit(
        X, X[:, 0], validation_data=(X[:5] * 1e25, X[:5, 0])),
    "1,000 classes": lambda: _labelled([f"class {i}" for i in range(1000)]),
    "labels of 4,096 characters": lambda: _labelled(["a" * 4096, "b" * 4096, "é" * 4096]),
    "unicode labels and names": lambda: _labelled(
        ["猫", "🐕", "e\u0301", "Ω\t"], feature_names=["größe", "θ 角度"]),
    "feature names of 4,096 characters": lambda: _labelled(
        [0, 1], feature_names=["x" * 4096, "ü" * 4096]),
    "many features": lambda: _labelled([0, 1, 2], n_features=5000,
                                       feature_names=[f"f{i}" for i in range(5000)]),
    "class_weight by label": lambda: _labelled(["no", "yes"], class_weight={"no": 1, "yes": 3}),
    "NumPy hyperparameters": lambda: bn.NeuralNetClassifier(
        (np.int64(3),), max_iter=np.int64(2), alpha=np.float32(0.5), random_state=0,
        n_iter_no_change=None).fit(X, y),
    "float32": lambda: _fitted("multiclass", "float32"),
    "three outputs": lambda: bn.NeuralNetRegressor(hidden_layer_sizes=(4, 4), max_iter=3,
                                                   random_state=0, n_iter_no_change=None
                                                   ).fit(X, np.c_[X, y]),
    "the article's parameters": lambda: bn.shallow.nn_model(X.T, y.reshape(1, -1), 3,
                                                            num_iterations=5),
}


@pytest.mark.parametrize("case", EXTREMES)
def test_extremes_that_load_accepts_round_trip(case, tmp_path):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R^2 of one sample, an overflow: what the case is about
        model = EXTREMES[case]()
    loaded = bn.load(bn.save(model, tmp_path / "m.npz"))
    if isinstance(model, dict):
        for k in model:
            np.testing.assert_array_equal(loaded[k], model[k])
        return
    data = np.random.default_rng(2).random((7, model.n_features_in_)).astype(model.dtype)
    if hasattr(model, "feature_names_in_"):
        data = pytest.importorskip("pandas").DataFrame(data, columns=model.feature_names_in_)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(loaded.predict(data), model.predict(data))
    assert loaded.get_params() == {**model.get_params(),
                                   "hidden_layer_sizes": list(model._hidden_sizes())}
    assert sorted(loaded.history_) == sorted(model.history_)
    for key, values in model.history_.items():
        np.testing.assert_array_equal(loaded.history_[key], values)  # NaN equal to NaN
    if "validation" in case:  # the cases where a fit records NaN or infinity
        assert not np.all(np.isfinite(loaded.history_["val_score"]))
    assert loaded.loss_curve_ is loaded.history_["loss"]  # as a fit leaves them
    if hasattr(model, "classes_"):
        assert loaded.classes_.tolist() == model.classes_.tolist()
    if hasattr(model, "feature_names_in_"):
        assert loaded.feature_names_in_.tolist() == model.feature_names_in_.tolist()
        assert loaded.feature_names_in_.dtype == object


def test_a_long_history_saves_and_loads_in_little_time(tmp_path):
    model = _long_history(_fitted("binary"))
    start = time.perf_counter()
    path = bn.save(model, tmp_path / "m.npz")
    saved = time.perf_counter() - start
    loaded = bn.load(path)
    assert time.perf_counter() - start - saved < 2 and saved < 2  # about 0.1 s each
    assert path.stat().st_size < 10_000_000  # 4 series of 300,000 float64
    assert loaded.history_["loss"] == model.history_["loss"]


def test_nan_is_refused_in_the_loss_but_kept_in_validation_series(tmp_path):
    path = bn.save(_fitted("binary"), tmp_path / "m.npz")
    _rewrite(path, arrays={"history__val_score": np.array([np.nan, -np.inf]),
                           "history__val_loss": np.array([np.inf, 1.0])},
             metadata={"history_": {"loss": 30, "val_loss": 2, "val_score": 2,
                                    "learning_rate": 30}})
    assert np.isnan(bn.load(path).history_["val_score"][0])
    _rewrite(path, arrays={"history__loss": np.full(30, np.nan)})
    with pytest.raises(ModelFileError, match="history__loss contains NaN or infinity"):
        bn.load(path)


def _layers(model, n):
    model.coefs_ = model.coefs_[:1] * n
    return model


def _infinite_loss():
    model = _long_history(_fitted("binary"), 3)
    model.history_["loss"][1] = np.inf
    return model


def _set(model, **attributes):
    for name, value in attributes.items():
        setattr(model, name, value)
    return model


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _labelled(["a" * 4097, "b"]), "the class label 'aaa.* has 4097 characters; a "
         "model file holds texts of up to 4096: shorten it"),
        (lambda: _labelled([0, 1], feature_names=["x" * 5000, "y"]),
         "the feature name 'xxx.* has 5000 characters"),
        (lambda: _labelled(["a", "\ud800"]), "not valid Unicode"),
        (lambda: _labelled([0, 1], feature_names=["x", "x\0"]),
         r"the feature name 'x\\x00' ends with a NUL character, which a model file cannot keep"),
        (lambda: _fitted("binary").set_params(solver="s" * 5000),
         "hyperparameter solver holds a text of 5000 characters; a model file holds texts of "
         "up to 4096"),
        (lambda: _fitted("binary").set_params(alpha=float("nan")),
         "hyperparameter alpha holds nan, which a model file cannot"),
        (lambda: _labelled([0, 1], class_weight={0: 1, 1: 2}),
         r"hyperparameter class_weight holds \{0: 1, 1: 2\}, which a model file cannot: it "
         r"holds finite numbers, texts, and lists and dicts \(keyed by text\)"),
        (lambda: _fitted("binary").set_params(hidden_layer_sizes=(9,)),
         "cannot save this NeuralNetClassifier: hidden_layer_sizes disagrees with the weights; "
         "was it changed since fitting"),
        (lambda: _fitted("binary").set_params(solver="nope"),
         "cannot save this NeuralNetClassifier: The 'solver' parameter"),
        (lambda: _set(_fitted("binary"), coefs_=[np.full((2, 6), np.nan), np.ones((6, 1))]),
         r"cannot save this NeuralNetClassifier: coefs_\[0\] holds NaN or infinity; did "
         "training diverge"),
        (lambda: _set(_fitted("regression"), intercepts_=[np.ones(3), np.ones(1)]),
         r"intercepts_\[0\] is a float64 array of shape \(3,\), but the rest of the model "
         r"makes it float64 of shape \(7,\)"),
        (lambda: _set(_fitted("binary"), loss_curve_=[1.0]),
         r"loss_curve_ differs from history_\['loss'\]"),
        (lambda: _set(_fitted("binary"), history_={"loss": [], "../x": []}, loss_curve_=[]),
         "history_ must hold at most 16 series named by letters, digits and _"),
        (_infinite_loss, r"history_\['loss'\] holds NaN or infinity"),
        (lambda: {**bn.shallow.nn_model(X.T, y.reshape(1, -1), 3, num_iterations=2),
                  "b1": np.zeros(3)},
         r"cannot save this parameter dictionary: b1 is a float64 array of shape \(3,\), but "
         r"the rest of the model makes it float64 of shape \(3, 1\)"),
        (lambda: {"W1": np.ones(3), "b1": 0, "W2": np.ones((1, 3)), "b2": 0},
         "W1 and W2 must be non-empty matrices; save what barenet.shallow.nn_model returns"),
        (lambda: {"W1": np.full((3, 2), np.nan), "b1": np.zeros((3, 1)), "W2": np.ones((1, 3)),
                  "b2": np.zeros((1, 1))}, "parameter dictionary: W1 holds NaN or infinity"),
    ],
)
def test_save_refuses_what_load_would_refuse(make, message, tmp_path):
    model = make()
    with pytest.raises(ValueError, match=message):
        bn.save(model, tmp_path / "m.npz")
    assert not any(tmp_path.iterdir())


def test_save_refuses_models_beyond_the_file_limits(tmp_path, monkeypatch):
    model = _fitted("multiclass")
    monkeypatch.setattr(barenet._model_estimator, "MAX_LAYERS", 1)
    with pytest.raises(ValueError, match="has 2 layers of weights; a model file holds at most 1"):
        bn.save(model, tmp_path / "m.npz")
    monkeypatch.undo()
    monkeypatch.setattr(barenet.io, "MAX_MODEL_BYTES", 2**20)
    with pytest.raises(ValueError, match="GiB as a file, more than the 0 GiB a model file may "
                       "hold; use fewer or smaller layers"):
        bn.save(_long_history(model, 100_000), tmp_path / "m.npz")
    monkeypatch.undo()
    monkeypatch.setattr(barenet.io, "_METADATA_CHARS", {1: 2**23, 2: 500})
    with pytest.raises(ValueError, match="metadata takes [0-9]+ characters, more than the 500 "
                       "a model file holds; its largest hyperparameter is"):
        bn.save(model, tmp_path / "m.npz")
    assert not any(tmp_path.iterdir())
