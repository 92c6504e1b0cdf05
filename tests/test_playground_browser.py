"""The playground end to end, in headless Chromium (Debian's, driven by Playwright).

Screenshots and the measured frame rate are written to
``test-artifacts/playground/`` at the top of the repository.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import barenet
from barenet.web import frames

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")
pytest.importorskip("uvicorn", reason="the web extra is not installed (pip install 'barenet[web]')")

from barenet.web.serve import running  # noqa: E402
from barenet.web.server import Limits  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "playground"
VIEWPORT = {"width": 1400, "height": 950}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running(Limits(max_sessions=6, idle_s=60, lifetime_s=600)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    yield context
    context.close()


def _open(context, server, query="", errors=None):
    """A new tab on the playground, ready (its first run configured)."""
    page = context.new_page()
    problems = [] if errors is None else errors
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}?{query}")
    page.wait_for_function("() => window.playground && window.playground.ready")
    return page


def _wait_epoch(page, epoch, timeout=60_000):
    page.wait_for_function(f"() => window.playground.epoch >= {epoch}", timeout=timeout)


def _pause(page):
    if page.evaluate("() => window.playground.playing"):
        page.click("#play")
    # A step asked for before the pause may still arrive: wait until it is drawn.
    page.wait_for_timeout(300)


def _boundary_pixels(page):
    return page.evaluate("() => document.querySelector('#boundary').toDataURL()")


def _sessions(server, expected, seconds=10.0):
    deadline = time.monotonic() + seconds
    while True:
        with urllib.request.urlopen(server + "api/status", timeout=5) as response:
            n = json.load(response)["sessions"]
        if n == expected or time.monotonic() > deadline:
            return n
        time.sleep(0.1)


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / name))


def test_training_lowers_the_test_loss_and_redraws_the_boundary(context, server):
    errors: list[str] = []
    page = _open(context, server, "dataset=flower&hidden=8,8&lr=0.01", errors)
    _shot(page, "01-ready.png")
    empty = _boundary_pixels(page)
    page.click("#step")
    _wait_epoch(page, 1)
    first_loss = float(page.text_content("#test-loss"))
    first = _boundary_pixels(page)
    assert first != empty
    page.click("#play")
    _wait_epoch(page, 60)
    _pause(page)
    history = page.evaluate("() => window.playground.history")
    last_loss = float(page.text_content("#test-loss"))
    assert last_loss < first_loss - 0.1, (first_loss, last_loss)
    assert history["test"][-1] < history["test"][0] and history["train"][-1] < history["train"][0]
    assert _boundary_pixels(page) != first
    units = page.evaluate("() => window.playground.lastFrame.units.length")
    assert units == 2
    # The unit maps are painted, not left blank.
    spread = page.evaluate("""() => {
        const c = document.querySelector('#columns .column:nth-child(2) canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lo = 255, hi = 0;
        for (let i = 0; i < d.length; i += 4) { lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]); }
        return hi - lo; }""")
    assert spread > 40
    page.check("#show-test")
    _shot(page, "02-flower-8-8-trained.png")
    assert "showtest=1" in page.url and "hidden=8%2C8" in page.url
    assert errors == []


def test_frame_rate_on_the_flower_with_a_2_8_8_1_network(context, server):
    page = _open(context, server, "dataset=flower&hidden=8,8")
    page.click("#play")
    _wait_epoch(page, 5)
    start = page.evaluate("() => [performance.now(), window.playground.frames, "
                          "window.playground.epoch]")
    page.wait_for_timeout(5000)
    end = page.evaluate("() => [performance.now(), window.playground.frames, "
                        "window.playground.epoch]")
    _pause(page)
    seconds = (end[0] - start[0]) / 1000
    fps = (end[1] - start[1]) / seconds
    report = {"dataset": "flower", "network": "2-8-8-1", "epochs_per_frame": 1,
              "seconds": round(seconds, 2), "frames": end[1] - start[1],
              "epochs": end[2] - start[2], "frames_per_second": round(fps, 1),
              "page_fps_reading": round(page.evaluate("() => window.playground.fps"), 1),
              "server_ms_per_step": page.evaluate(
                  "() => window.playground.lastFrame.compute_ms")}
    (ARTIFACTS / "frame-rate.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nplayground frame rate, flower 2-8-8-1: {report}")
    _shot(page, "03-frame-rate-flower-8-8.png")
    assert fps > 2, report
    assert report["epochs"] >= report["frames"]


def test_controls_live_in_the_url_and_come_back_from_it(context, server):
    query = ("dataset=xor&noise=0.3&hidden=3,2&activation=relu&lr=0.1&solver=sgd&batch=full"
             "&l2=0.001&train=70&seed=5&speed=5&showtest=1")
    page = _open(context, server, query)
    config = page.evaluate("() => window.playground.config")
    assert {k: config[k] for k in ("dataset", "noise", "hidden", "activation", "lr", "solver",
                                   "batch", "l2", "train", "seed")} == {
        "dataset": "xor", "noise": "0.3", "hidden": "3,2", "activation": "relu", "lr": "0.1",
        "solver": "sgd", "batch": "full", "l2": "0.001", "train": "70", "seed": "5"}
    assert page.input_value("[data-key=activation]") == "relu"
    assert page.input_value("#speed") == "5" and page.is_checked("#show-test")
    assert page.get_attribute("#datasets [data-name=xor]", "aria-pressed") == "true"
    page.select_option("[data-key=activation]", "sigmoid")
    page.wait_for_function("() => window.playground.config.activation === 'sigmoid'")
    page.click("#add-layer")
    page.wait_for_function("() => window.playground.config.hidden === '3,2,2'")
    page.click("#step")
    _wait_epoch(page, 5)  # five epochs per frame
    assert "activation=sigmoid" in page.url and "speed=5" in page.url
    page.reload()
    page.wait_for_function("() => window.playground && window.playground.ready")
    assert page.evaluate("() => window.playground.config.hidden") == "3,2,2"
    assert page.input_value("[data-key=activation]") == "sigmoid"
    assert page.evaluate("() => window.playground.epoch") == 0  # a new run from the URL
    _shot(page, "04-restored-from-url.png")
    bad = _open(context, server, "dataset=xor&lr=banana")
    assert "learning rate must be a number" in bad.text_content("#error-text")
    assert bad.evaluate("() => window.playground.config.dataset") == "flower"


def test_an_uploaded_csv_trains_and_a_malformed_one_says_why(context, server):
    page = _open(context, server, "hidden=6")
    page.set_input_files("#upload", files=[{
        "name": "broken.csv", "mimeType": "text/csv",
        "buffer": b"x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n"}])
    page.wait_for_selector("#error:not([hidden])")
    message = page.text_content("#error-text")
    assert "broken.csv, line 3, column 'x2': 'oops' is not a number" in message
    _shot(page, "05-upload-error.png")
    X, y = barenet.datasets.noisy_circles(n_samples=300, noise=0.08)
    text = "a,b,kind\n" + "\n".join(f"{u:.5f},{v:.5f},{'ring' if c else 'edge'}"
                                    for (u, v), c in zip(X, y, strict=True))
    page.set_input_files("#upload", files=[{"name": "rings.csv", "mimeType": "text/csv",
                                            "buffer": text.encode()}])
    page.wait_for_function("() => window.playground.config.dataset === 'upload'")
    assert "rings.csv: 300 points" in page.text_content("#notice")
    assert page.text_content("#class0") == "edge" and page.text_content("#class1") == "ring"
    captions = page.eval_on_selector_all("#columns .column:first-child small",
                                         "els => els.map((e) => e.textContent)")
    assert captions == ["a", "b"]  # the file's feature names
    page.select_option("#speed", "5")
    page.click("#play")
    _wait_epoch(page, 60)
    _pause(page)
    assert page.evaluate("() => window.playground.lastFrame.train_accuracy") > 0.9
    _shot(page, "06-upload-trained.png")


def test_the_model_and_the_code_go_home_with_identical_predictions(context, server, tmp_path):
    page = _open(context, server, "dataset=noisy_moons&hidden=5,3&activation=relu&lr=0.03")
    page.click("#play")
    _wait_epoch(page, 25)
    _pause(page)
    frame = page.evaluate("() => window.playground.lastFrame")
    data = page.evaluate("() => window.playground.data")
    with page.expect_download() as download:
        page.click("#download-model")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"barenet-noisy_moons-5-3-epoch{frame['epoch']}.npz"
    model = barenet.load(path)
    grid = frames.grid_points(tuple(data["domain"]), data["boundary_size"])
    assert frames.boundary(model, grid) == frame["boundary"]  # what the page shows
    with page.expect_download() as download:
        page.click("#download-snippet")
    code = Path(download.value.path()).read_text()
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the snippet prints its scores
        exec(compile(code, "snippet.py", "exec"), namespace)
    rebuilt = namespace["model"]
    assert np.array_equal(rebuilt.predict_proba(grid), model.predict_proba(grid))
    assert np.array_equal(rebuilt.predict(grid), model.predict(grid))
    page.click("#code summary")
    page.wait_for_function(
        "() => document.querySelector('#code-text').textContent.includes('partial_fit')")
    assert page.text_content("#code-text") == code
    _shot(page, "07-python-code.png")


def test_tabs_train_independently_and_closing_one_stops_it(context, server):
    before = _sessions(server, 0)
    one = _open(context, server, "dataset=spirals&hidden=8,8,8&lr=0.03")
    two = _open(context, server, "dataset=xor&hidden=2")
    assert _sessions(server, before + 2) == before + 2
    ids = [p.evaluate("() => window.playground.session") for p in (one, two)]
    assert ids[0] != ids[1]
    one.click("#play")
    two.select_option("#speed", "2")
    two.click("#play")
    _wait_epoch(one, 10)
    _wait_epoch(two, 10)
    _pause(two)
    paused_at = two.evaluate("() => window.playground.epoch")
    one_at = one.evaluate("() => window.playground.epoch")
    _wait_epoch(one, one_at + 5)
    assert two.evaluate("() => window.playground.epoch") == paused_at
    assert one.evaluate("() => window.playground.config.dataset") == "spirals"
    assert two.evaluate("() => window.playground.config.dataset") == "xor"
    _shot(one, "08-tab-one.png")
    _shot(two, "09-tab-two.png")
    one.close()
    assert _sessions(server, before + 1) == before + 1  # its run is gone with it
    two.click("#step")
    _wait_epoch(two, paused_at + 2)
