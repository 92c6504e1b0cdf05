"""Nothing lost: outputs never replace inputs, write errors are one line, start-up is clean."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import numpy as np
import pytest

import barenet as bn
from barenet import _files, cli
from barenet._files import WriteError, atomic_write
from barenet.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:X does not have valid feature names")


@pytest.fixture()
def data(tmp_path):
    X, y = bn.datasets.noisy_moons(n_samples=80)
    path = tmp_path / "data.csv"
    np.savetxt(path, np.c_[X, y], delimiter=",", header="x1,x2,label", comments="",
               fmt=["%.6f", "%.6f", "%d"])
    return path


@pytest.fixture()
def model(data, tmp_path):
    path = tmp_path / "model.npz"
    assert main(["train", str(data), "--target", "label", "--hidden", "3", "--iterations", "5",
                 "--out", str(path)]) == 0
    return path


def _one_line_error(capsys, *words):
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return captured


def test_train_never_writes_over_its_data(data, tmp_path, capsys):
    before = data.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    for out in (data, tmp_path / "sub" / ".." / "data.csv", link):
        assert main(["train", str(data), "--target", "label", "--out", str(out)]) == 2
        _one_line_error(capsys, "would overwrite the input file", "choose another name")
    assert main(["train", str(link), "--target", "label", "--out", str(data)]) == 2
    assert data.read_bytes() == before


def test_train_never_writes_over_a_npy_input(tmp_path, capsys):
    X = np.random.RandomState(0).randn(50, 2)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", (X[:, 0] > 0).astype(int))
    before = (tmp_path / "y.npy").read_bytes()
    assert main(["train", str(tmp_path / "X.npy"), "--target", str(tmp_path / "y.npy"),
                 "--out", str(tmp_path / "y.npy")]) == 2
    _one_line_error(capsys, "would overwrite the input file")
    assert (tmp_path / "y.npy").read_bytes() == before


def test_predict_never_writes_over_its_inputs(data, model, capsys):
    kept = {p: p.read_bytes() for p in (data, model)}
    capsys.readouterr()
    for out in (model, data):
        assert main(["predict", str(model), str(data), "--out", str(out)]) == 2
        _one_line_error(capsys, f"--out {out} would overwrite the input file")
    assert {p: p.read_bytes() for p in kept} == kept


def test_sweep_never_writes_over_its_data(tmp_path, data, capsys):
    results = tmp_path / "results.csv"
    results.write_bytes(data.read_bytes())
    assert main(["sweep", "--data", str(results), "--target", "label", "--out",
                 str(tmp_path), "--sizes", "1", "--iterations", "5", "--cv", "2"]) == 2
    _one_line_error(capsys, "would overwrite the input file")
    assert results.read_bytes() == data.read_bytes()


@pytest.mark.parametrize("command", [
    ["train", "{data}", "--target", "label", "--out", "{out}"],
    ["predict", "{model}", "{data}", "--out", "{out}"],
])
def test_unwritable_outputs_are_one_line_before_any_work(command, data, model, tmp_path,
                                                          capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {str(folder): "is a folder",
             str(data / "x.out"): "data.csv is a file, not a folder",
             str(data / "deeper" / "x.out"): "data.csv is a file, not a folder"}
    capsys.readouterr()
    for out, words in cases.items():
        argv = [a.format(data=data, model=model, out=out) for a in command]
        assert main(argv) == 2
        captured = _one_line_error(capsys, out if "folder" not in words else "", words)
        assert "Training" not in captured.out  # refused before the work, not after it


@pytest.mark.parametrize("command", [["demo", "--iterations", "5", "--sizes", "1"],
                                     ["sweep", "--sizes", "1", "--iterations", "5"]])
def test_folder_outputs_that_are_files_are_refused_first(command, data, capsys):
    assert main([*command, "--out", str(data)]) == 2
    captured = _one_line_error(capsys, f"cannot write {data}: it is a file, not a folder")
    assert captured.out == ""  # nothing was computed


@pytest.mark.parametrize(("failure", "words"), [
    (errno.EACCES, "permission denied"), (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "the file system is read-only")])
def test_write_errors_name_the_file_and_keep_the_old_one(failure, words, tmp_path, monkeypatch):
    target = tmp_path / "model.npz"
    target.write_bytes(b"the previous model")

    def fail(fd):
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(_files.os, "fsync", fail)
    with pytest.raises(WriteError, match=f"cannot write {target}: {words}") as raised:
        atomic_write(target, lambda fh: fh.write(b"half of a new mod"))
    assert raised.value.errno == failure and raised.value.filename == str(target)
    assert target.read_bytes() == b"the previous model"
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


def test_a_failed_write_is_exit_2_with_one_line(data, model, tmp_path, monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(_files, "open", fail, raising=False)
    out = tmp_path / "predictions.csv"
    capsys.readouterr()
    assert main(["predict", str(model), str(data), "--out", str(out)]) == 2
    _one_line_error(capsys, f"cannot write {out}: permission denied")
    assert not out.exists()


@pytest.mark.parametrize(("argv", "words"), [
    (["train", "{data}", "--target", "label", "--out", ""], "--out: expected a path"),
    (["train", "{data}", "--target", "label", "--seed", "-1"], "--seed: expected a seed"),
    (["demo", "--seed", "4294967296"], "--seed: expected a seed"),
    (["train", "{folder}", "--target", "label"], "is a folder; give a CSV file"),
    (["sweep", "--jobs", "0"], "--jobs must be between 1 and"),
    (["sweep", "--jobs", "100000"], "--jobs must be between 1 and"),
    (["sweep", "--dask-workers", "100000"], "--dask-workers must be at most"),
])
def test_bad_options_are_named(argv, words, data, tmp_path, capsys):
    argv = [a.format(data=data, folder=tmp_path) for a in argv]
    assert main(argv) == 2
    _one_line_error(capsys, words)


@pytest.mark.parametrize(("error", "code", "words"), [
    (KeyboardInterrupt(), 130, "barenet: interrupted"),
    (MemoryError(), 2, "not enough memory"),
    (OSError(errno.ECONNREFUSED, "Connection refused"), 2, "Connection refused"),
])
def test_interruptions_and_environment_failures_are_one_line(error, code, words, monkeypatch,
                                                            capsys):
    def fail():  # as if it happened while the command line was still starting up
        raise error

    monkeypatch.setattr(cli, "build_parser", fail)
    assert main(["demo"]) == code
    _one_line_error(capsys, words)


def test_the_command_line_starts_without_the_heavy_imports():
    code = ("import sys, barenet.cli; heavy = {'numpy', 'sklearn', 'matplotlib'} & "
            "set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_package_names_resolve_on_first_use():
    assert set(bn.__all__) <= set(dir(bn))
    for name in bn.__all__:
        assert getattr(bn, name) is not None
    from barenet import NeuralNetClassifier, save

    assert NeuralNetClassifier.__module__ == "barenet.estimators" and save.__module__ == (
        "barenet.io")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        bn.nope  # noqa: B018


def test_links_and_streams_are_written_through_never_replaced(tmp_path):
    import threading

    target = tmp_path / "models" / "v3.npz"
    link = tmp_path / "current.npz"
    link.symlink_to(target)  # dangling until written
    atomic_write(link, lambda fh: fh.write(b"new"))
    assert link.is_symlink() and target.read_bytes() == b"new"

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert _files.check_writable(fifo) == fifo
    atomic_write(fifo, lambda fh: fh.write(b"streamed"))
    reader.join(timeout=10)
    assert received == [b"streamed"]
    assert fifo.is_fifo() and sorted(os.listdir(tmp_path)) == ["current.npz", "models", "pipe"]
