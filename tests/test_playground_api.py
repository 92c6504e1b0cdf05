"""The playground's server: its settings, its training runs, its HTTP and WebSocket API."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings

import numpy as np
import pytest

import barenet
from barenet.cli import main
from barenet.web import frames
from barenet.web.config import PlaygroundConfig, parse_config
from barenet.web.session import SessionError, TrainingSession
from barenet.web.upload import parse_upload

_X, _y = barenet.datasets.noisy_moons(n_samples=120)
MOONS_CSV = "x1,x2,label\n" + "\n".join(
    f"{a:.6f},{b:.6f},{c}" for (a, b), c in zip(_X, _y, strict=True))


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8)


def _rebuild(code: str, folder=None, name: str = "model"):
    """Run a snippet as a person would (in ``folder``), and return its ``model`` (or ``name``)."""
    namespace: dict = {}
    cwd = os.getcwd()
    try:
        if folder is not None:
            os.chdir(folder)
        exec(compile(code, "snippet.py", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace[name]


# -- settings -------------------------------------------------------------------------
def test_defaults_are_the_flower_with_its_course_arguments():
    config = parse_config({})
    assert config == PlaygroundConfig()
    assert config.dataset_call() == ("flower", {"n_samples": 400, "noise": 0.2, "random_state": 1})


@pytest.mark.parametrize("query", [
    {"dataset": "xor", "noise": "0.35", "samples": "300", "dataseed": "7", "hidden": "8,8",
     "activation": "relu", "lr": "1e-05", "solver": "sgd", "batch": "full", "l2": "0.003",
     "seed": "3", "train": "70"},
    {"dataset": "gaussian_quantiles", "hidden": "", "solver": "lbfgs"},
    {"dataset": "upload", "hidden": "16,16,16,16,16,16"},
])
def test_the_url_query_round_trips(query):
    config = parse_config(query)
    assert parse_config(config.to_query()) == config
    for key, value in query.items():
        assert config.to_query()[key] == value


def test_a_dataset_without_noise_takes_none():
    config = parse_config({"dataset": "gaussian_quantiles", "noise": "0.5"})
    assert config.noise is None and "noise" not in config.to_query()


@pytest.mark.parametrize("query, words", [
    ({"dataset": "iris"}, "unknown dataset 'iris'"),
    ({"lr": "fast"}, "learning rate must be a number"),
    ({"lr": "0"}, "learning rate must be a number > 0"),
    ({"hidden": "8,99"}, "1 to 16 units"),
    ({"hidden": "1,1,1,1,1,1,1"}, "at most 6 hidden layers"),
    ({"hidden": "a,b"}, "comma-separated"),
    ({"batch": "0"}, "batch size must be between 1 and 2000"),
    ({"train": "95"}, "between 10 and 90"),
    ({"noise": "nan"}, "noise must be a number"),
    ({"solver": "rmsprop"}, "choose one of adam, sgd, lbfgs"),
])
def test_bad_settings_say_what_is_wrong(query, words):
    with pytest.raises(ValueError, match=words):
        parse_config(query)


# -- uploads --------------------------------------------------------------------------
def test_an_upload_is_read_like_the_command_line_reads_it():
    data = parse_upload(MOONS_CSV.encode(), "moons.csv")
    assert data.X.shape == (120, 2) and data.features == ["x1", "x2"] and data.target == "label"
    assert data.summary()["classes"] == ["0", "1"]
    text = "Class,a,b\nred,0,1\nblue,1,0\nred,0,2\nblue,2,0\n"
    data = parse_upload(text.encode(), "../../etc/colours.csv")
    assert data.target == "Class" and data.features == ["a", "b"] and data.name == "colours.csv"
    named = parse_upload(b"Y,u,v\n0,0,1\n1,1,0\n0,0,2\n1,2,0\n")
    assert named.target == "Y" and named.features == ["u", "v"]


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
    (b"x1,label\n1,0\n2,1\n3,0\n4,1\n", "has 2 columns"),
    (b"a,b,c,label\n1,2,3,0\n", "has 4 columns"),
    (b"x1,x2,label\n1,oops,0\n2,3,1\n", "line 2, column 'x2': 'oops' is not a number"),
    (b"x1,x2,label\n1,2,0\n2,3\n", "line 3: 2 values but the header has 3 columns"),
    (b"x1,x2,label\n1,2,0\n2,3,1\n3,4,2\n", "3 distinct value"),
    (b"x1,x2,label\n1,2,0\n2,3,0\n", "1 distinct value"),
    (b"x1,x2,label\n1,2,0\n2,3,1\n4,4,1\n", "only 1 point"),
    (b"x1,x2,label\n1,inf,0\n", "not a finite number"),
])
def test_a_malformed_upload_is_refused_with_a_reason(content, words):
    with pytest.raises(ValueError, match=words) as info:
        parse_upload(content, "mine.csv")
    assert "/tmp" not in str(info.value)  # messages name the person's file, not ours


def test_an_upload_with_too_many_rows_is_refused():
    with pytest.raises(ValueError, match="at most 50"):
        parse_upload(MOONS_CSV.encode(), "moons.csv", max_rows=50)


# -- a training run -------------------------------------------------------------------
def test_steps_train_the_estimator_and_frames_show_it():
    session = TrainingSession(parse_config({"hidden": "8,8", "lr": "0.03"}))
    first = session.step(1)
    for _ in range(8):
        last = session.step(5)
    assert (first["epoch"], last["epoch"]) == (1, 41)
    assert last["test_loss"] < first["test_loss"] and last["train_loss"] < first["train_loss"]
    model = session.model
    grid = frames.grid_points(session.domain, frames.BOUNDARY_SIZE)
    expected = np.rint(model.predict_proba(grid)[:, 1] * 255)
    assert np.array_equal(_bytes(last["boundary"]), expected.astype(np.uint8))
    # Hidden maps: each layer's tanh(A W + b) on the unit grid, scaled to [-1, 1].
    units = frames.grid_points(session.domain, frames.UNIT_SIZE)
    A1 = np.tanh(units @ model.coefs_[0] + model.intercepts_[0])
    A2 = np.tanh(A1 @ model.coefs_[1] + model.intercepts_[1])
    assert len(last["units"]) == 2
    for layer, A in zip(last["units"], [A1, A2], strict=True):
        assert layer["scale"] == [1.0] * 8
        shown = _bytes(layer["data"]).reshape(8, -1).T / 255 * 2 - 1
        assert np.abs(shown - A).max() <= 1 / 255 + 1e-12
    assert [len(w) for w in last["weights"]] == [16, 64, 8]
    assert last["train_accuracy"] == pytest.approx(model.score(session.X_train, session.y_train))


def test_a_step_keeps_to_its_time_budget_and_stops_when_told():
    session = TrainingSession(parse_config({"hidden": "8,8"}))
    assert session.step(50, budget_s=0.0)["epoch"] == 1  # always one epoch, then the budget
    assert session.step(3, budget_s=60.0)["epoch"] == 4
    session.stop()
    assert session.step(50)["epoch"] == 5  # the epoch under way ends, no other begins


def test_the_grid_is_a_square_around_every_point():
    X = np.array([[0.0, 0.0], [4.0, 1.0]])
    xmin, xmax, ymin, ymax = frames.square_domain(X)
    assert xmax - xmin == pytest.approx(ymax - ymin) == pytest.approx(4.4)
    assert xmin < 0 and xmax > 4 and ymin < 0 and ymax > 1
    points = frames.grid_points((0, 2, 0, 2), 2)
    assert points.tolist() == [[0.5, 1.5], [1.5, 1.5], [0.5, 0.5], [1.5, 0.5]]


@pytest.mark.parametrize("query", [
    {"hidden": "8,8", "solver": "adam", "batch": "10", "l2": "0.001"},
    {"dataset": "xor", "solver": "sgd", "lr": "0.3", "batch": "full", "activation": "relu"},
    {"dataset": "spirals", "solver": "lbfgs", "hidden": "6", "train": "70", "seed": "4"},
    {"dataset": "gaussian_quantiles", "hidden": "", "activation": "sigmoid"},
])
def test_the_snippet_rebuilds_the_very_same_weights(query):
    session = TrainingSession(parse_config(query))
    for epochs in (1, 3, 2):
        session.step(epochs)
    code = session.snippet()
    assert "NeuralNetClassifier(" in code and "bn.datasets.load(" in code
    model = _rebuild(code)
    for ours, theirs in zip(session.model.coefs_ + session.model.intercepts_,
                            model.coefs_ + model.intercepts_, strict=True):
        assert np.array_equal(ours, theirs)
    assert _rebuild(code, name="iterations") == session.epoch


def test_an_uploaded_run_rebuilds_from_the_file(tmp_path):
    upload = parse_upload(MOONS_CSV.encode(), "moons.csv")
    session = TrainingSession(parse_config({"dataset": "upload", "hidden": "5"}), upload)
    session.step(4)
    (tmp_path / "moons.csv").write_text(MOONS_CSV)
    model = _rebuild(session.snippet(), tmp_path)
    assert np.array_equal(model.predict_proba(upload.X), session.model.predict_proba(upload.X))
    with pytest.raises(ValueError, match="upload a CSV file first"):
        TrainingSession(parse_config({"dataset": "upload"}))


def test_the_model_file_predicts_what_the_page_shows(tmp_path):
    session = TrainingSession(parse_config({"hidden": "4,3", "activation": "relu"}))
    with pytest.raises(SessionError, match="train at least one epoch"):
        session.model_file()
    frame = session.step(3)
    path = tmp_path / "model.npz"
    path.write_bytes(session.model_file())
    model = barenet.load(path)
    grid = frames.grid_points(session.domain, frames.BOUNDARY_SIZE)
    assert np.array_equal(model.predict_proba(grid), session.model.predict_proba(grid))
    assert frame["boundary"] == frames.boundary(model, grid)


def test_a_diverging_run_stops_and_says_so():
    session = TrainingSession(parse_config({"solver": "sgd", "lr": "10", "hidden": "16,16",
                                            "activation": "relu", "batch": "1"}))
    with pytest.raises(ValueError, match="diverged"):
        for _ in range(30):
            session.step(5)
    with pytest.raises(SessionError, match="press reset"):
        session.step(1)
    assert "diverged" in session.snippet()


def test_lbfgs_stops_at_its_optimum():
    session = TrainingSession(parse_config({"dataset": "noisy_moons", "hidden": "",
                                            "solver": "lbfgs"}))
    frame = {"converged": False}
    for _ in range(40):
        if frame["converged"]:
            break
        frame = session.step(3)
    assert frame["converged"]
    epoch = session.epoch
    assert session.step(3)["epoch"] == epoch  # nothing more to do, and no failure


# -- the server -----------------------------------------------------------------------
starlette = pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("httpx", reason="httpx (Starlette's test client) is not installed")

with warnings.catch_warnings():  # newer Starlette prefers httpx2, and works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from barenet.web.server import Limits, create_app  # noqa: E402


def _app(limits):
    return create_app(limits, allowed_hosts=["testserver"])  # the TestClient's Host


@pytest.fixture
def client():
    with TestClient(_app(Limits(max_sessions=3, max_epochs_per_tick=7))) as c:
        yield c


def _open(ws, query=None):
    hello = ws.receive_json()
    assert hello["type"] == "hello"
    ws.send_json({"type": "config", "config": query or {}})
    data = ws.receive_json()
    assert data["type"] == "data", data
    return hello["session"], data


def _sessions(client, expected, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n = client.get("/api/status").json()["sessions"]
        if n == expected:
            return n
        time.sleep(0.02)
    return n


def test_the_page_and_its_files_are_served_from_here(client):
    page = client.get("/")
    assert page.status_code == 200 and "barenet playground" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for path in ("/static/js/main.js", "/static/js/draw.js", "/static/js/controls.js",
                 "/static/playground.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "http://" not in response.text and "https://" not in response.text
    assert "https://" not in page.text and "http://" not in page.text
    names = [d["name"] for d in client.get("/api/datasets").json()]
    assert names == ["gaussian_quantiles", "flower", "noisy_circles", "noisy_moons", "xor",
                     "spirals"]


def test_a_tab_configures_steps_and_downloads(client, tmp_path):
    with client.websocket_connect("/ws") as ws:
        tab, data = _open(ws, {"dataset": "noisy_moons", "hidden": "6,4", "train": "60"})
        assert data["config"]["dataset"] == "noisy_moons" and data["layers"] == [2, 6, 4, 1]
        assert len(data["train"]["x"]) == 120 and len(data["test"]["x"]) == 80
        assert client.get(f"/api/sessions/{tab}/model").status_code == 409
        ws.send_json({"type": "step", "epochs": 2})
        first = ws.receive_json()
        assert first["type"] == "frame" and first["epoch"] == 2
        ws.send_json({"type": "step", "epochs": 10**6})  # bounded by max_epochs_per_tick
        assert ws.receive_json()["epoch"] == 9
        time.sleep(0.3)  # nothing is trained between requests
        ws.send_json({"type": "step"})
        frame = ws.receive_json()
        assert frame["epoch"] == 10 and frame["train_loss"] < first["train_loss"]

        response = client.get(f"/api/sessions/{tab}/model")
        assert response.status_code == 200
        assert "barenet-noisy_moons-6-4-epoch10.npz" in response.headers["content-disposition"]
        path = tmp_path / "model.npz"
        path.write_bytes(response.content)
        model = barenet.load(path)
        snippet = client.get(f"/api/sessions/{tab}/snippet")
        assert snippet.status_code == 200 and snippet.headers["content-type"].startswith(
            "text/x-python")
        rebuilt = _rebuild(snippet.text)
        X = np.column_stack([data["test"]["x"], data["test"]["y"]])
        assert np.array_equal(model.predict_proba(X), rebuilt.predict_proba(X))
        grid = frames.grid_points(tuple(data["domain"]), data["boundary_size"])
        assert frames.boundary(model, grid) == frame["boundary"]


def test_bad_messages_get_errors_and_the_tab_goes_on(client):
    with client.websocket_connect("/ws") as ws:
        ws.receive_json()
        ws.send_json({"type": "step"})
        assert ws.receive_json() == {"type": "error", "where": "step",
                                     "message": "nothing to train yet: send a config first"}
        ws.send_text("{not json")
        assert ws.receive_json()["where"] == "message"
        ws.send_json({"type": "dance"})
        assert "unknown message type 'dance'" in ws.receive_json()["message"]
        ws.send_json({"type": "config", "config": {"lr": "-1"}})
        error = ws.receive_json()
        assert error["where"] == "config" and "learning rate" in error["message"]
        ws.send_json({"type": "config", "config": {"dataset": "upload"}})
        assert "upload a CSV file first" in ws.receive_json()["message"]
        ws.send_json({"type": "config", "config": {"dataset": "xor"}})
        assert ws.receive_json()["type"] == "data"
        ws.send_json({"type": "step", "epochs": "many"})
        assert "whole number" in ws.receive_json()["message"]
        ws.send_json({"type": "step", "epochs": 1})
        assert ws.receive_json()["type"] == "frame"


def test_uploads_good_and_bad(client):
    with client.websocket_connect("/ws") as ws:
        tab, _ = _open(ws)
        bad = client.post(f"/api/sessions/{tab}/upload?name=bad.csv",
                          content=b"x1,x2,label\n1,two,0\n")
        assert bad.status_code == 400
        assert bad.json()["error"] == ("bad.csv, line 2, column 'x2': 'two' is not a number; "
                                       "feature columns must be numeric (encode categories as "
                                       "numbers or drop the column)")
        huge = client.post(f"/api/sessions/{tab}/upload", content=b"x" * 1_000_001)
        assert huge.status_code == 413 and "larger than" in huge.json()["error"]
        # the command line's reader refuses these too, naming line and column
        for content, words in [(b"x1,x2,label\n1,2,0\n3," + b"9" * 200_000 + b",1\n",
                                "line 3: a field is longer than 131,072 characters"),
                               (b"x1,x2,label\n1,2,0\n3,4,nan\n",
                                "line 3, column 'label': 'nan' is not a label"),
                               (b"x1,x2,label\n1,2,0\n3,-1e308,1\n",
                                "line 3, column 'x2': '-1e308' is too large to train on")]:
            refused = client.post(f"/api/sessions/{tab}/upload?name=f.csv", content=content)
            assert refused.status_code == 400 and words in refused.json()["error"]
            assert len(refused.json()["error"]) < 200
        assert client.get("/").status_code == 200  # the server keeps serving
        good = client.post(f"/api/sessions/{tab}/upload?name=moons.csv",
                           content=MOONS_CSV.encode())
        assert good.status_code == 200
        assert good.json() == {"name": "moons.csv", "samples": 120, "features": ["x1", "x2"],
                               "target": "label", "classes": ["0", "1"], "counts": [60, 60]}
        ws.send_json({"type": "config", "config": {"dataset": "upload"}})
        data = ws.receive_json()
        assert data["upload"]["name"] == "moons.csv" and data["config"]["dataset"] == "upload"
        ws.send_json({"type": "step", "epochs": 2})
        assert ws.receive_json()["epoch"] == 2
        snippet = client.get(f"/api/sessions/{tab}/snippet").text
        assert "read_csv('moons.csv', target='label')" in snippet
    assert client.post("/api/sessions/nope/upload", content=b"a").status_code == 404
    assert client.get("/api/sessions/nope/model").status_code == 404


def test_tabs_train_independently_and_closing_frees_them(client):
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
        tab_a, _ = _open(a, {"dataset": "xor"})
        tab_b, _ = _open(b, {"dataset": "spirals", "hidden": "3"})
        assert tab_a != tab_b and _sessions(client, 2) == 2
        a.send_json({"type": "step", "epochs": 5})
        assert a.receive_json()["epoch"] == 5
        b.send_json({"type": "step", "epochs": 1})
        assert b.receive_json()["epoch"] == 1
    assert _sessions(client, 0) == 0
    assert client.get(f"/api/sessions/{tab_a}/model").status_code == 404


def test_tabs_beyond_the_cap_are_turned_away(client):
    with (client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b,
          client.websocket_connect("/ws") as c):
        for ws in (a, b, c):
            assert ws.receive_json()["type"] == "hello"
        with client.websocket_connect("/ws") as d:
            message = d.receive_json()
            assert message["type"] == "closing" and "already runs 3 playground tabs" in (
                message["reason"])
            with pytest.raises(WebSocketDisconnect):
                d.receive_json()
    assert _sessions(client, 0) == 0


@pytest.mark.parametrize("limits, words", [
    (Limits(idle_s=0.2), "idle for 0.2 s"),
    (Limits(lifetime_s=0.3, idle_s=10), "0.3 s limit of a run"),
])
def test_a_forgotten_tab_is_closed(limits, words):
    with TestClient(_app(limits)) as client, client.websocket_connect("/ws") as ws:
        ws.receive_json()
        message = ws.receive_json()
        assert message["type"] == "closing" and words in message["reason"]
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()
        assert _sessions(client, 0) == 0


def test_a_run_has_a_ceiling_of_epochs():
    with (TestClient(_app(Limits(max_epochs=6, max_epochs_per_tick=4))) as client,
          client.websocket_connect("/ws") as ws):
        _open(ws, {"dataset": "xor"})
        epochs = []
        for _ in range(3):
            ws.send_json({"type": "step", "epochs": 4})
            epochs.append(ws.receive_json().get("epoch"))
        assert epochs == [4, 6, None]


def test_other_sites_cannot_open_a_socket(client):
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/ws", headers={"origin": "http://example.org"}) as ws:
            ws.receive_json()
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "hello"


# -- the command ----------------------------------------------------------------------
def test_the_command_without_the_web_extra_says_how_to_get_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    assert main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "barenet: error: the playground needs uvicorn: pip install 'barenet[web]'"


def test_a_busy_port_is_a_usage_error(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["playground", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err
    assert main(["playground", "--port", "http"]) == 2


def test_barenet_playground_serves_until_interrupted():
    process = subprocess.Popen(
        [sys.executable, "-m", "barenet", "playground", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("barenet playground on http://127.0.0.1:"), line
        url = line.split()[3]
        with urllib.request.urlopen(url + "api/status", timeout=10) as response:
            assert b'"sessions":0' in response.read()
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"barenet playground" in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()


def test_help_lists_the_playground(capsys):
    assert main(["--help"]) == 0
    assert "playground" in capsys.readouterr().out


def test_the_real_server_closes_an_idle_tab_and_frees_it():
    from websockets.sync.client import connect

    from barenet.web.serve import running

    with running(Limits(idle_s=0.5)) as url:
        with connect(url.replace("http", "ws") + "ws", open_timeout=10) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            ws.send(json.dumps({"type": "config", "config": {"dataset": "xor"}}))
            assert json.loads(ws.recv(timeout=10))["type"] == "data"
            closing = json.loads(ws.recv(timeout=10))
            assert closing["type"] == "closing" and "idle" in closing["reason"]
        with urllib.request.urlopen(url + "api/status", timeout=5) as response:
            assert json.load(response)["sessions"] == 0


def test_without_a_websocket_package_the_command_says_how_to_get_it(monkeypatch, capsys):
    # starlette and uvicorn alone serve the page, but /ws needs websockets or wsproto
    monkeypatch.setitem(sys.modules, "websockets", None)
    monkeypatch.setitem(sys.modules, "wsproto", None)
    assert main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "barenet: error: the playground needs websockets: pip install 'barenet[web]'"
