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
import zipfile
import zlib

import numpy as np
import pytest

import barenet as bn
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
        (lambda p: p.write_bytes(b""), "not a readable barenet model file: the file is empty"),
        (lambda p: p.write_text("W1,b1\n1,2\n"), "not a readable barenet model file: it looks"),
        (lambda p: _rewrite(p, metadata={"format_version": 99}), "version 99"),
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
        (_many_members, "holds 2106 members; a barenet model of at most 1024 layers"),
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
        (lambda t: t.replace('"loss_curve_": [', '"loss_curve_": [1e999, '),
         "'loss_curve_' must be a list of numbers, got"),
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
        (lambda t: t.replace('"loss_curve_": [', '"loss_curve_": ["x", '),
         "'loss_curve_' must be a list of numbers"),
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
    monkeypatch.setattr(barenet.io, "_MAX_METADATA_CHARS", 1000)
    with pytest.raises(ModelFileError, match="metadata takes .* barenet writes at most 4000"):
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
