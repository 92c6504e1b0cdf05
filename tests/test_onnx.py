"""Exported ONNX models, run by onnxruntime, predict what the estimators predict.

Every task (binary, multi-class, multi-label, regression, Poisson), every
built-in activation, per-layer activations, float32 and float64, labels of
every kind, models read back from files, the command line and skl2onnx
pipelines.  Skipped when onnx or onnxruntime is not installed.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import barenet
from barenet import NeuralNetClassifier, NeuralNetRegressor
from barenet.cli import main
from barenet.engine.activations import ACTIVATIONS

onnx = pytest.importorskip("onnx", reason="onnx is not installed: pip install 'barenet[onnx]'")
ort = pytest.importorskip(
    "onnxruntime", reason="onnxruntime is not installed: pip install 'barenet[onnx]'")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TOL = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _data(dtype=np.float64, n=60, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    return X, rng


def _targets(task, X, rng):
    score = X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2]
    if task == "binary":
        return np.where(score > 0.3, "yes", "no")
    if task == "multiclass":
        return np.digitize(score, [-1.0, 0.0, 1.0]) * 10
    if task == "multilabel":
        return np.column_stack([score > 0, X[:, 1] > 0, X[:, 0] * X[:, 2] > 0]).astype(int)
    if task == "regression":
        return np.column_stack([score, np.sin(X[:, 0])])
    return rng.poisson(np.exp(0.5 * np.tanh(score)))  # counts, for the Poisson loss


def _fit(task, dtype=np.float64, hidden=(5,), activation="tanh"):
    X, rng = _data(dtype)
    y = _targets(task, X, rng)
    if task in ("regression", "poisson"):
        loss = "poisson" if task == "poisson" else "squared_error"
        model = NeuralNetRegressor(loss, hidden, activation, solver="lbfgs", max_iter=40,
                                   random_state=0)
    else:
        model = NeuralNetClassifier(hidden, activation, solver="lbfgs", max_iter=40,
                                    random_state=0)
    return model.fit(X, y), X


def _run(proto, X):
    session = ort.InferenceSession(proto.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": X}), strict=True))


def assert_same_predictions(model, proto, X):
    """ONNX's outputs against the model's predict (and predict_proba), to the dtype's rounding."""
    dtype = model.coefs_[0].dtype.type
    out = _run(proto, X)
    if isinstance(model, NeuralNetRegressor):
        assert list(out) == ["variable"]
        expected = model.predict(X)
        np.testing.assert_allclose(out["variable"], expected.reshape(len(X), -1), **TOL[dtype])
        assert out["variable"].dtype == dtype
        return
    assert list(out) == ["label", "probabilities"]
    np.testing.assert_allclose(out["probabilities"], model.predict_proba(X), **TOL[dtype])
    assert out["probabilities"].dtype == dtype
    expected = model.predict(X)
    assert out["label"].shape == expected.shape
    assert out["label"].tolist() == expected.tolist()


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel", "regression", "poisson"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_every_task_in_both_dtypes(task, dtype):
    model, X = _fit(task, dtype, hidden=(6, 4))
    proto = barenet.to_onnx(model)
    elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    assert proto.graph.input[0].type.tensor_type.elem_type == elem
    assert_same_predictions(model, proto, X)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_hidden_activation(activation):
    model, X = _fit("multiclass", hidden=(6,), activation=activation)
    assert_same_predictions(model, barenet.to_onnx(model), X)


def test_an_activation_per_layer_and_no_hidden_layer():
    model, X = _fit("binary", hidden=(5, 4, 3), activation=["relu", "leaky_relu", "sigmoid"])
    assert_same_predictions(model, barenet.to_onnx(model), X)
    model, X = _fit("multiclass", hidden=())
    assert_same_predictions(model, barenet.to_onnx(model), X)


@pytest.mark.parametrize("classes", [[0, 1], [3, 7, 9], [-1.0, 2.0, 5.0], [False, True],
                                     ["cat", "dog", "émeu"]], ids=str)
def test_labels_of_every_kind(classes):
    X, rng = _data()
    y = np.asarray(classes)[np.arange(len(X)) % len(classes)]
    model = NeuralNetClassifier((4,), solver="lbfgs", max_iter=30, random_state=0).fit(X, y)
    proto = barenet.to_onnx(model)
    assert_same_predictions(model, proto, X)
    label = _run(proto, X)["label"]
    assert label.dtype.kind == ("O" if isinstance(classes[0], str) else "i")


def test_a_regressor_of_one_target_gives_a_column():
    X, rng = _data()
    model = NeuralNetRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=30,
                               random_state=0).fit(X, X[:, 0] - X[:, 1])
    variable = _run(barenet.to_onnx(model), X)["variable"]
    assert variable.shape == (len(X), 1)
    np.testing.assert_allclose(variable[:, 0], model.predict(X), rtol=1e-10, atol=1e-12)


def test_the_batch_dimension_is_free():
    model, X = _fit("multiclass")
    proto = barenet.to_onnx(model)
    for rows in (X[:1], X[:7], np.empty((0, 3))):
        assert _run(proto, rows)["probabilities"].shape == (len(rows), 4)


def test_the_dtype_argument_casts_the_model():
    model, X = _fit("multiclass", np.float64)
    proto = barenet.to_onnx(model, dtype="float32")
    probabilities = _run(proto, X.astype(np.float32))["probabilities"]
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities, model.predict_proba(X), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="dtype must be 'float32', 'float64' or None"):
        barenet.to_onnx(model, dtype="int8")


@pytest.mark.parametrize("task", ["binary", "multilabel", "poisson"])
def test_a_loaded_model_and_the_written_file(task, tmp_path):
    model, X = _fit(task)
    barenet.save(model, tmp_path / "model.npz")
    loaded = barenet.load(tmp_path / "model.npz")
    proto = barenet.to_onnx(loaded, tmp_path / "model.onnx")
    assert_same_predictions(model, onnx.load(tmp_path / "model.onnx"), X)
    assert proto == onnx.load(tmp_path / "model.onnx")
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*.tmp"))


def test_the_articles_parameters():
    from barenet import shallow

    X, _ = _data(n_features=2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    parameters = shallow.nn_model(X.T, y.reshape(1, -1), 4, num_iterations=50)
    out = _run(barenet.to_onnx(parameters), X)
    np.testing.assert_allclose(out["probabilities"][:, 1],
                               shallow.predict_proba(parameters, X.T).ravel(), rtol=1e-10)
    assert out["label"].tolist() == shallow.predict(parameters, X.T).ravel().tolist()


def test_models_that_cannot_be_exported():
    with pytest.raises(ValueError, match="not fitted; fit it before exporting"):
        barenet.to_onnx(NeuralNetClassifier())
    with pytest.raises(TypeError, match="cannot export a LogisticRegression"):
        from sklearn.linear_model import LogisticRegression
        barenet.to_onnx(LogisticRegression())
    X, rng = _data()
    custom = (np.sin, np.cos)
    model = NeuralNetRegressor(hidden_layer_sizes=(3,), activation=custom, max_iter=2,
                               random_state=0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="custom activation .* cannot be exported"):
        barenet.to_onnx(model)


def test_without_onnx_the_message_says_what_to_install(monkeypatch, tmp_path, capsys):
    model, X = _fit("binary")
    barenet.save(model, tmp_path / "model.npz")
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now fails
    with pytest.raises(ImportError, match=r"pip install 'barenet\[onnx\]'"):
        barenet.to_onnx(model)
    assert main(["export", str(tmp_path / "model.npz"), "--onnx", str(tmp_path / "m.onnx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'barenet[onnx]'" in err
    assert not (tmp_path / "m.onnx").exists()


def test_the_command_line(tmp_path, capsys):
    model, X = _fit("multiclass", np.float32)
    barenet.save(model, tmp_path / "model.npz")
    out = tmp_path / "sub" / "model.onnx"
    assert main(["export", str(tmp_path / "model.npz"), "--onnx", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().err
    assert_same_predictions(model, onnx.load(out), X)
    assert main(["export", str(tmp_path / "model.npz"), "--onnx", str(out),
                 "--dtype", "float64"]) == 0
    assert _run(onnx.load(out), X.astype(np.float64))["probabilities"].dtype == np.float64


@pytest.mark.parametrize("bad", ["missing.npz", "notes.txt"])
def test_the_command_line_refuses_a_bad_model_file(bad, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a model\n")
    code = main(["export", str(tmp_path / bad), "--onnx", str(tmp_path / "m.onnx")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("barenet: error:") and err.count("\n") == 1
    assert not (tmp_path / "m.onnx").exists()
    model_file = tmp_path / "model.npz"
    barenet.save(_fit("binary")[0], model_file)
    assert main(["export", str(model_file), "--onnx", str(model_file)]) == 2
    assert "would overwrite the input file" in capsys.readouterr().err


def test_skl2onnx_converts_a_pipeline():
    skl2onnx = pytest.importorskip("skl2onnx", reason="skl2onnx is not installed")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from barenet.export import register_skl2onnx

    register_skl2onnx()
    X, rng = _data()
    X = X * [1.0, 10.0, 100.0] + 5
    y = _targets("multiclass", (X - 5) / [1.0, 10.0, 100.0], rng)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(
        (5,), "tanh", solver="lbfgs", max_iter=40, random_state=0)).fit(X, y)
    plain = skl2onnx.to_onnx(pipe, X[:1], options={NeuralNetClassifier: {"zipmap": False}})
    label, proba = ort.InferenceSession(plain.SerializeToString()).run(None, {"X": X})
    np.testing.assert_allclose(proba, pipe.predict_proba(X), rtol=1e-9, atol=1e-12)
    assert label.tolist() == pipe.predict(X).tolist()
    indices = skl2onnx.to_onnx(pipe, X[:1], options={
        NeuralNetClassifier: {"zipmap": False, "nocl": True}})
    label, _ = ort.InferenceSession(indices.SerializeToString()).run(None, {"X": X})
    assert label.tolist() == np.searchsorted(pipe.classes_, pipe.predict(X)).tolist()
    zipped = skl2onnx.to_onnx(pipe, X[:1].astype(np.float32))  # ZipMap: a dict per row
    label, dicts = ort.InferenceSession(zipped.SerializeToString()).run(
        None, {"X": X.astype(np.float32)})
    assert sorted(dicts[0]) == pipe.classes_.tolist()
    np.testing.assert_allclose([[d[c] for c in pipe.classes_] for d in dicts],
                               pipe.predict_proba(X), rtol=1e-4, atol=1e-5)

    reg = make_pipeline(StandardScaler(), NeuralNetRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=40, random_state=0)).fit(X, X[:, 0])
    (variable,) = ort.InferenceSession(skl2onnx.to_onnx(reg, X[:1]).SerializeToString()).run(
        None, {"X": X})
    np.testing.assert_allclose(variable[:, 0], reg.predict(X), rtol=1e-9, atol=1e-12)
