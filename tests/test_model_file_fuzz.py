"""Random corruptions of real model files: load refuses them with ModelFileError, or loads a
model that still predicts finite values.  Seeded, so that a failure can be replayed."""

from __future__ import annotations

import io
import re
import time
import zipfile

import numpy as np
import pytest

import barenet as bn
from barenet.io import ModelFileError

X, y = bn.datasets.noisy_moons(n_samples=60)
TRIES = 250  # per model; a try takes a few milliseconds
NUMBERS = [b"0", b"-1", b"1e999", b"99999999999999999999999", b"true", b"null", b'"x"', b"[]",
           b"{}", b"NaN", b"Infinity", b"[[[[[[", b"1.5", b"4294967296", b"65"]


def _models(tmp_path):
    classifier = bn.NeuralNetClassifier((5, 3), activation=["tanh", "relu"], max_iter=20,
                                        random_state=0, n_iter_no_change=None)
    labels = np.array(["no", "yes"])[y]
    classifier.fit(X, labels, validation_data=(X[:20], labels[:20]))  # every history series
    article = bn.shallow.nn_model(X.T, y.reshape(1, -1), 3, num_iterations=20)
    return [bn.save(classifier, tmp_path / "clf.npz").read_bytes(),
            bn.save(article, tmp_path / "article.npz").read_bytes()]


def _members(blob):
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _rezip(members):
    """Members written back with fresh sizes and CRCs, so that an edit gets past them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def _edit_member(blob, rng, edit):
    members = _members(blob)
    i = rng.integers(len(members))
    members[i] = members[i][0], edit(members[i][0], members[i][1], rng)
    return _rezip(members)


def _npy_header_edit(name, data, rng):
    end = data.index(b"\n") + 1
    header = bytearray(data[:end])
    choice = rng.integers(4)
    if choice == 0:  # any byte of the header
        header[rng.integers(len(header))] = rng.integers(256)
    elif choice == 1:  # a digit of the shape or the dtype
        digits = [m.start() for m in re.finditer(rb"\d", bytes(header))]
        header[digits[rng.integers(len(digits))]] = b"0123456789"[rng.integers(10)]
    elif choice == 2:  # another dtype
        header = bytearray(re.sub(rb"'[<>|][a-zA-Z]\d+'", [b"'<f4'", b"'>f8'", b"'|O'", b"'<U9'",
                                  b"'<i8'", b"'|b1'", b"'<c16'"][rng.integers(7)], bytes(header)))
    else:  # another shape
        header = bytearray(re.sub(rb"\(.*?\)", [b"()", b"(1000000000000,)", b"(0, 6)", b"(2,)",
                                  b"(-1,)", b"(2, 6, 1)"][rng.integers(6)], bytes(header)))
    return bytes(header) + data[end:]


def _json_edit(name, data, rng):
    if name != "__metadata__.npy":
        return _npy_header_edit(name, data, rng)
    text = str(np.load(io.BytesIO(data)))
    raw = text.encode()
    numbers = [m.span() for m in re.finditer(rb"-?\d[\d.e+-]*|true|false|null", raw)]
    if rng.integers(2) and numbers:  # one number replaced by a value barenet never writes
        start, stop = numbers[rng.integers(len(numbers))]
        raw = raw[:start] + NUMBERS[rng.integers(len(NUMBERS))] + raw[stop:]
    else:  # a span deleted or repeated
        start = rng.integers(len(raw))
        stop = start + rng.integers(1, 40)
        raw = raw[:start] + raw[start:stop] * rng.integers(0, 3) + raw[stop:]
    out = io.BytesIO()
    np.save(out, np.array(raw.decode("utf-8", "replace")))
    return out.getvalue()


def _data_edit(name, data, rng):
    """A byte of an array's data (a weight, a label, an epoch's loss) set to a telling value."""
    start = data.index(b"\n") + 1
    if start == len(data):
        return _npy_header_edit(name, data, rng)
    corrupt = bytearray(data)
    corrupt[rng.integers(start, len(data))] = [0x00, 0xFF, 0x7F, 0xF0, 0x80][rng.integers(5)]
    return bytes(corrupt)


def _zip_header_edit(blob, rng):
    """A byte of a local header, a directory entry or the end record set to a telling value."""
    starts = [m.start() for m in re.finditer(rb"PK(\x03\x04|\x01\x02|\x05\x06)", blob)]
    at = starts[rng.integers(len(starts))] + rng.integers(4, 46)
    corrupt = bytearray(blob)
    corrupt[min(at, len(blob) - 1)] = [0x00, 0xFF, 0x08, 0x0C, 0x63, 0x80][rng.integers(6)]
    return bytes(corrupt)


def _corrupt(blob, rng):
    kind = rng.integers(9)
    data = bytearray(blob)
    if kind == 0:  # one bit flipped
        data[rng.integers(len(data))] ^= 1 << rng.integers(8)
    elif kind == 1:  # a few bytes overwritten
        at = rng.integers(len(data))
        data[at:at + 8] = rng.integers(0, 256, len(data[at:at + 8]), dtype=np.uint8).tobytes()
    elif kind == 2:  # truncated
        del data[rng.integers(len(data)):]
    elif kind == 3:  # bytes inserted
        at = rng.integers(len(data))
        data[at:at] = rng.integers(0, 256, rng.integers(1, 17), dtype=np.uint8).tobytes()
    elif kind == 4:
        return _zip_header_edit(blob, rng)
    elif kind == 5:  # an array's .npy header, with the CRC mended
        return _edit_member(blob, rng, _npy_header_edit)
    elif kind == 6:  # an array's data, with the CRC mended
        return _edit_member(blob, rng, _data_edit)
    else:  # the metadata's JSON, with the CRC mended
        return _edit_member(blob, rng, _json_edit)
    return bytes(data)


@pytest.mark.parametrize("model", [0, 1], ids=["classifier", "article"])
def test_corrupted_model_files_are_refused_or_harmless(model, tmp_path):
    blob = _models(tmp_path)[model]
    rng = np.random.default_rng(20_240_601 + model)
    path = tmp_path / "fuzzed.npz"
    refused = loaded = 0
    slowest = 0.0
    for _ in range(TRIES):
        path.write_bytes(_corrupt(blob, rng))
        start = time.perf_counter()
        try:
            result = bn.load(path)
        except ModelFileError:
            refused += 1
            continue
        finally:
            slowest = max(slowest, time.perf_counter() - start)
        loaded += 1
        # A corruption that load accepts must leave a working model.
        if isinstance(result, dict):
            assert np.all(np.isfinite(bn.shallow.forward_propagation(X.T, result)[0]))
        else:
            assert np.all(np.isfinite(result.predict_proba(X)))
            assert set(result.predict(X)) <= set(result.classes_)
            assert np.all(np.isfinite(result.loss_curve_))
            assert result.loss_curve_ is result.history_["loss"]
    assert refused > TRIES // 2 and loaded > 0  # the corruptions do reach both outcomes
    assert slowest < 1.0


def test_corrupted_training_records_are_refused_or_harmless(tmp_path):
    """Each history__ member's header and data, edited with the CRC mended."""
    blob = _models(tmp_path)[0]
    members = _members(blob)
    series = [i for i, (name, _) in enumerate(members) if name.startswith("history__")]
    assert len(series) == 4
    rng = np.random.default_rng(20_240_602)
    path = tmp_path / "fuzzed.npz"
    outcomes = set()
    for i in series:
        for attempt in range(30):
            edit = _npy_header_edit if attempt % 2 else _data_edit
            edited = list(members)
            edited[i] = members[i][0], edit(*members[i], rng)
            path.write_bytes(_rezip(edited))
            try:
                result = bn.load(path)
            except ModelFileError:
                outcomes.add("refused")
                continue
            outcomes.add("loaded")
            assert np.all(np.isfinite(result.loss_curve_))
            assert all(len(v) <= 20 for v in result.history_.values())
            assert np.all(np.isfinite(result.predict_proba(X)))
    assert outcomes == {"refused", "loaded"}
