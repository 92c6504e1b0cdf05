"""barenet train and barenet predict: CSV in, model file, CSV out, clear errors."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import barenet as bn
from barenet.cli import main

# Models trained by the command line carry the CSV's column names; the tests call
# them with plain arrays.
pytestmark = pytest.mark.filterwarnings("ignore:X does not have valid feature names")


@pytest.fixture()
def moons_csv(tmp_path):
    X, y = bn.datasets.noisy_moons(n_samples=200)
    path = tmp_path / "moons.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "shape"])
        for (a, b), label in zip(X, y, strict=True):
            w.writerow([a, b, "round" if label else "flat"])
    return path, X, np.where(y == 1, "round", "flat")


def _rows(text):
    return list(csv.reader(text.splitlines()))


def test_train_then_predict_round_trip(moons_csv, tmp_path, capsys):
    path, X, labels = moons_csv
    model_path = tmp_path / "out" / "moons.npz"
    assert main(["train", str(path), "--target", "shape", "--hidden", "16", "--iterations",
                 "150", "--seed", "3", "--out", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "Training NeuralNetClassifier (hidden layers: 16) on 160 samples" in out
    assert "Trained 150 epochs" in out
    heldout = float(out.split("Held-out accuracy: ")[1].split("%")[0])
    assert "(40 samples)" in out and 50 < heldout <= 100
    model = bn.load(model_path)
    assert model.feature_names_in_.tolist() == ["x1", "x2"]
    assert model.classes_.tolist() == ["flat", "round"]
    assert model.random_state == 3 and model.coefs_[0].shape == (2, 16)

    assert main(["predict", str(model_path), str(path), "--proba"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows[0] == ["prediction", "proba_flat", "proba_round"]
    assert len(rows) == 201
    expected = model.predict(X)
    assert [r[0] for r in rows[1:]] == expected.tolist()
    proba = np.array([[float(r[1]), float(r[2])] for r in rows[1:]])
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=1e-15)

    out_csv = tmp_path / "pred.csv"
    assert main(["predict", str(model_path), str(path), "--out", str(out_csv)]) == 0
    assert _rows(out_csv.read_text())[1:] == [[p] for p in expected.tolist()]


def test_predict_picks_columns_by_name(moons_csv, tmp_path, capsys):
    path, X, _ = moons_csv
    model_path = tmp_path / "m.npz"
    assert main(["train", str(path), "--target", "shape", "--iterations", "20",
                 "--out", str(model_path)]) == 0
    shuffled = tmp_path / "shuffled.csv"
    with open(shuffled, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["note", "x2", "x1"])
        for a, b in X[:5]:
            w.writerow(["hello", b, a])
    capsys.readouterr()
    assert main(["predict", str(model_path), str(shuffled)]) == 0
    got = [r[0] for r in _rows(capsys.readouterr().out)[1:]]
    assert got == bn.load(model_path).predict(X[:5]).tolist()


def test_train_builtin_dataset_and_regression(tmp_path, capsys):
    assert main(["train", "flower", "--hidden", "8", "--activation", "tanh", "--solver",
                 "lbfgs", "--iterations", "100", "--out", str(tmp_path / "f.npz")]) == 0
    assert "Held-out accuracy" in capsys.readouterr().out
    data = tmp_path / "reg.csv"
    x = np.linspace(-2, 2, 100)
    np.savetxt(data, np.c_[x, x**2], delimiter=",", header="x,y", comments="")
    assert main(["train", str(data), "--target", "y", "--task", "regression", "--hidden",
                 "16", "--activation", "tanh", "--solver", "lbfgs", "--out",
                 str(tmp_path / "r.npz")]) == 0
    out = capsys.readouterr().out
    assert float(out.split("Held-out R²: ")[1].split()[0]) > 0.9
    assert isinstance(bn.load(tmp_path / "r.npz"), bn.NeuralNetRegressor)


def test_predict_with_the_article_parameters(tmp_path, capsys):
    X, y = bn.datasets.gaussian_quantiles()
    parameters = bn.shallow.nn_model(X.T, y.reshape(1, -1), 4, num_iterations=300)
    bn.save(parameters, tmp_path / "article.npz")
    data = tmp_path / "points.csv"
    np.savetxt(data, X, delimiter=",", header="x1,x2", comments="")
    assert main(["predict", str(tmp_path / "article.npz"), str(data), "--proba"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows[0] == ["prediction", "probability"]
    assert [int(r[0]) for r in rows[1:]] == bn.shallow.predict(parameters, X.T).ravel().tolist()


BAD = [
    ("a,b,t\n1,2,x\n3,4,y\n", ["--target", "nope"], "no column 'nope'"),
    ("a,b,t\n1,red,x\n3,4,y\n", ["--target", "t"], "line 2, column 'b': 'red' is not a number"),
    ("a,b,t\n1,2,x\n3,4\n", ["--target", "t"], "line 3: 2 values but the header has 3"),
    ("a,b,t\n1,,x\n3,4,y\n", ["--target", "t"], "line 2, column 'b': the value is empty"),
    ("a,b,t\n1,inf,x\n3,4,y\n", ["--target", "t"], "not a finite number"),
    ("a,b,t\n1,2,x\n3,4,\n", ["--target", "t"], "line 3: the target 't' is empty"),
    ("a,a,t\n1,2,x\n", ["--target", "t"], "repeated column names"),
    ("", ["--target", "t"], "is empty"),
    ("a,b,t\n", ["--target", "t"], "no data rows"),
    ("t\nx\ny\n", ["--target", "t"], "no feature columns"),
    ("a,b,t\n1,2,x\n3,4,x\n5,6,x\n", ["--target", "t"], "only one class"),
    ("a,b,t\n1,2,x\n3,4,y\n", [], "--target COL is required"),
    ("a,b,t\n1,2,x\n3,4,y\n", ["--target", "t", "--test-size", "2"], "--test-size"),
    ("a,b,t\n1,2,x\n3,4,y\n", ["--target", "t", "--hidden", "0,3"], "positive"),
    ("a,b,t\n1,2,x\n3,4,y\n", ["--target", "t", "--solver", "magic"], "invalid choice"),
]


@pytest.mark.parametrize(("content", "extra", "message"), BAD)
def test_train_bad_input_exits_2_with_one_line(content, extra, message, tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text(content)
    out = tmp_path / "model.npz"
    assert main(["train", str(data), *extra, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_train_unknown_data(tmp_path, capsys):
    assert main(["train", str(tmp_path / "missing.csv"), "--target", "t"]) == 2
    assert "no built-in dataset of that name" in capsys.readouterr().err


def test_predict_bad_input_exits_2(moons_csv, tmp_path, capsys):
    path, _, _ = moons_csv
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    assert main(["predict", str(junk), str(path)]) == 2
    assert "not a readable barenet model file" in capsys.readouterr().err
    model_path = tmp_path / "m.npz"
    assert main(["train", str(path), "--target", "shape", "--iterations", "5",
                 "--out", str(model_path)]) == 0
    other = tmp_path / "other.csv"
    other.write_text("u,v\n1,2\n")
    capsys.readouterr()
    assert main(["predict", str(model_path), str(other)]) == 2
    assert "lacks the model's feature columns ['x1', 'x2']" in capsys.readouterr().err
    reg = tmp_path / "reg.npz"
    x = np.linspace(0, 1, 30)
    bn.save(bn.NeuralNetRegressor(hidden_layer_sizes=(3,), max_iter=5, n_iter_no_change=None,
                                  random_state=0).fit(x[:, None], x), reg)
    single = tmp_path / "x.csv"
    single.write_text("x\n0.5\n")
    assert main(["predict", str(reg), str(single), "--proba"]) == 2
    assert "--proba needs a classifier" in capsys.readouterr().err


def test_ctrl_c_stops_training_and_still_saves(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randn(20000, 5)
    data = tmp_path / "big.csv"
    np.savetxt(data, np.c_[X, X[:, 0] * X[:, 1] > 0], delimiter=",", header="a,b,c,d,e,t",
               comments="", fmt="%.4f")
    model_path = tmp_path / "big.npz"
    proc = subprocess.Popen(
        [sys.executable, "-m", "barenet", "train", str(data), "--target", "t",
         "--iterations", "100000", "--out", str(model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # A test runner started in the background inherits SIGINT ignored, and
        # Python then keeps ignoring it: give the child the default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert "Ctrl-C stops early" in proc.stdout.readline()  # training has started
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "training interrupted after" in err and "Saved" in out, (out, err)
    model = bn.load(model_path)
    assert 1 <= model.n_iter_ < 100000
    assert np.all(np.isfinite(model.predict_proba(X[:10])))


def test_train_on_a_npy_pair_streams_it(tmp_path, capsys):
    from barenet.estimators import STREAM_MIN_BYTES

    n = STREAM_MIN_BYTES // 16 + 10_000
    rng = np.random.RandomState(1)
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.float64,
                                  shape=(n, 2))
    X[:] = rng.randn(n, 2)
    np.save(tmp_path / "y.npy", (X[:, 0] * X[:, 1] > 0).astype(np.int8))
    X.flush()
    out = tmp_path / "m.npz"
    assert main(["train", str(tmp_path / "X.npy"), "--target", str(tmp_path / "y.npy"),
                 "--hidden", "8", "--activation", "tanh", "--iterations", "1", "--batch-size",
                 "1024", "--learning-rate", "0.05", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"first 1000000 of {n - round(n * 0.2)} samples" in text
    assert float(text.split("Held-out accuracy: ")[1].split("%")[0]) > 80
    assert bn.load(out).n_features_in_ == 2
    assert main(["train", str(tmp_path / "X.npy"), "--target", "t"]) == 2
    assert "--target must name the labels' .npy file" in capsys.readouterr().err
    assert main(["train", str(tmp_path / "y.npy"), "--target", str(tmp_path / "y.npy")]) == 2
    assert "expected 2-D" in capsys.readouterr().err


def test_verbose_prints_the_loss_of_every_iteration(moons_csv, tmp_path, capsys):
    path, _, _ = moons_csv
    model = tmp_path / "m.npz"
    assert main(["train", str(path), "--target", "shape", "--hidden", "4", "--iterations",
                 "3", "--verbose", "--out", str(model)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("Iteration ")]
    assert [line.split(",")[0] for line in lines] == ["Iteration 1", "Iteration 2",
                                                      "Iteration 3"]
    losses = [float(line.split("loss = ")[1]) for line in lines]
    assert all(loss > 0 for loss in losses)
    assert bn.load(model).loss_curve_ == pytest.approx(losses, rel=1e-7)
    assert main(["train", str(path), "--target", "shape", "--hidden", "4", "--iterations",
                 "3", "--out", str(model)]) == 0
    assert "Iteration" not in capsys.readouterr().out


def test_version_and_help_import_no_numpy():
    code = ("import sys\nfrom barenet.cli import main\n"
            "for argv in (['--version'], ['--help'], ['train', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "heavy = [m for m in ('numpy', 'sklearn', 'matplotlib', 'scipy', 'pandas')\n"
            "         if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "barenet " in out and "HEAVY []" in out
