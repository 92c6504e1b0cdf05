"""The command line end to end: barenet demo, help, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.image import imread

from barenet import datasets, shallow
from barenet.cli import main
from barenet.demo import run_demo

FIGURES = ("data", "baseline", "architecture", "network", "cost", "stability", "units", "graph",
           "sweep", "sweep_scores")


def test_demo_prints_the_article_and_writes_every_file(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["demo", "--iterations", "2000", "--sizes", "1,4", "--cv", "3",
                   "--seeds", "2", "--out", str(out)])
    assert status == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == ("Dataset: gaussian_quantiles, 200 samples, 2 features, "
                        "class 0: 100, class 1: 100")
    baseline = float(re.search(r"Accuracy of logistic regression: ([\d.]+)%", text).group(1))
    costs = re.findall(r"^Cost after iteration (\d+): (\d\.\d{6})$", text, re.M)
    assert [int(i) for i, _ in costs] == [0, 1000]
    assert float(costs[0][1]) == pytest.approx(np.log(2), abs=1e-3)  # tiny weights: p = 1/2
    network = float(re.search(r"^Accuracy: ([\d.]+)%$", text, re.M).group(1))
    # The demo's numbers are those of the library called directly.
    X, y = datasets.gaussian_quantiles()
    p = shallow.nn_model(X.T, y.reshape(1, -1), 4, num_iterations=2000)
    assert network == pytest.approx(np.mean(shallow.predict(p, X.T) == y) * 100, abs=0.05)
    assert network > baseline + 25
    assert ("train: on all the data; held-out: mean ± std over 2 seeds × 3 folds "
            "(weight seeds 2 and 3)") in text
    assert re.search(r"^hidden units  train, seed 2  train, 2 seeds  held-out, 2 seeds × 3 "
                     r"folds  vs best ± noise  fit time$", text, re.M)
    rows = re.findall(r"^\s+(\d+)\s+([\d.]+)%\s+([\d.]+)% ± [\d.]+\s+([\d.]+)% ± [\d.]+"
                      r"\s+(best|[-+][\d.]+ ± [\d.]+)\s+[\d.]+ s$", text, re.M)
    assert [int(r[0]) for r in rows] == [1, 4]
    assert float(rows[1][1]) == network  # the network above is the sweep's seed-2 row
    assert all(0 <= float(r[3]) <= 100 for r in rows)
    assert "The best held-out accuracy is" in text
    for name in FIGURES:
        image = imread(out / f"{name}.png")
        assert image.shape[0] > 100 and image.shape[1] > 100
        assert np.ptp(image[..., :3]) > 0.2  # not a blank canvas
    report = (out / "report.md").read_text()
    for name in FIGURES:
        assert f"]({name}.png)" in report
    assert "| 4 |" in report and "Cost after iteration 1000:" in report
    assert f"Wrote {len(FIGURES) + 2} files" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.png" for n in FIGURES] + ["report.md", "report.html"])  # no temporary files


def test_demo_animation_and_self_contained_html_report(tmp_path):
    import base64
    import io
    from html.parser import HTMLParser

    from PIL import Image

    result = run_demo(iterations=400, sizes=(2,), cv=2, seeds=1, out=tmp_path, animate=True,
                      echo=lambda s: None)
    with Image.open(result.files["animation"]) as gif:
        assert gif.n_frames == 41  # every 10th of 400 iterations, and the last
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"), dtype=float)
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"), dtype=float)
    assert np.abs(first - last).mean() > 1  # the boundary moved

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.images, self.open = [], []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.images.append(dict(attrs)["src"])
            elif tag not in ("meta",):
                self.open.append(tag)

        def handle_endtag(self, tag):
            assert self.open and self.open.pop() == tag, tag  # well nested

    page = Page()
    page.feed((tmp_path / "report.html").read_text())
    assert not [t for t in page.open if t != "html"]
    assert len(page.images) == len(FIGURES) + 1  # every figure and the animation
    assert all(src.startswith("data:image/") for src in page.images)
    gif_src = next(src for src in page.images if src.startswith("data:image/gif"))
    embedded = base64.b64decode(gif_src.split(",", 1)[1])
    assert embedded == result.files["animation"].read_bytes()
    with Image.open(io.BytesIO(embedded)) as again:
        assert again.n_frames == 41
    md = (tmp_path / "report.md").read_text()
    assert "](training.gif)" in md and "barenet demo --dataset gaussian_quantiles" in md


def test_default_network_beats_the_baseline_widely(tmp_path):
    result = run_demo(sizes=(4,), cv=2, seeds=1, out=tmp_path, echo=lambda line: None)
    assert result.baseline_accuracy < 65
    assert result.network_accuracy > 90
    assert result.network_accuracy - result.baseline_accuracy > 30


def test_heldout_accuracy_comes_from_unseen_points(tmp_path):
    # n_h = 50 on 200 points fits its training folds better than the held-out ones.
    result = run_demo(iterations=3000, sizes=(50,), cv=4, seeds=1, out=tmp_path,
                      echo=lambda s: None)
    row = result.sweep[0]
    assert row.n_h == 50 and row.heldout_mean < row.train_accuracy
    assert row.heldout.shape == (1, 4) and row.train_accuracy == row.train_mean


def test_seed_changes_the_data_and_is_repeatable(tmp_path):
    kw = dict(iterations=50, sizes=(2,), cv=2, seeds=2, echo=lambda s: None)
    a = run_demo(seed=1, out=tmp_path / "a", **kw)
    b = run_demo(seed=1, out=tmp_path / "b", **kw)
    c = run_demo(seed=7, out=tmp_path / "c", **kw)
    assert a.costs == b.costs and np.array_equal(a.sweep[0].heldout, b.sweep[0].heldout)
    assert a.costs != c.costs
    assert a.seeds == [1, 2] and c.seeds == [7, 8]  # the weight seed and the next


def test_demo_with_one_seed_reports_the_spread_it_has(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["demo", "--iterations", "200", "--sizes", "1,2", "--cv", "2", "--seeds", "1",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "held-out, 1 seed × 2 folds" in text and "one weight seed" in text
    report = (out / "report.md").read_text()
    assert "](sweep_scores.png)" in report and "![training and held-out accuracy]" in report
    assert "| hidden units | train, seed 2 | train, 1 seed | held-out, 1 seed × 2 folds |" \
        in report
    assert "**noise**: 2 standard errors of the difference" in report
    assert "--cv 2 --seeds 1" in report  # the reproduce line repeats the sweep's options
    page = (out / "report.html").read_text()
    assert page.count('<img alt="training and held-out accuracy"') == 1
    image = imread(out / "sweep_scores.png")
    assert np.ptp(image[..., :3]) > 0.2


def test_the_sweep_verdict_in_the_report_is_computed_from_its_rows(tmp_path):
    from barenet._demo_report import verdict

    result = run_demo(iterations=300, sizes=(1, 3), cv=2, seeds=2, out=tmp_path,
                      echo=lambda s: None)
    v = verdict(result.sweep)
    report = (tmp_path / "report.md").read_text()
    assert (f"The best held-out accuracy is {v.best.heldout_mean:.1f}%, at {v.best.n_h} "
            "hidden unit") in report
    assert "fits the training points better than it predicts" not in report
    assert "This sweep has no 4-unit network to check." in report


def test_demo_on_the_course_flower(tmp_path, capsys):
    assert main(["demo", "--dataset", "flower", "--iterations", "1001", "--sizes", "3",
                 "--cv", "2", "--seeds", "1", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Dataset: flower, 400 samples" in text
    assert "Cost after iteration 0: 0.693048" in text  # the course's first line
    assert "Cost after iteration 1000: 0.288083" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["demo", "--sizes", "a,b"], "comma-separated"),
        (["demo", "--sizes", "0,2"], "positive"),
        (["demo", "--iterations", "-5"], "positive integer"),
        (["demo", "--learning-rate", "nan"], "positive number"),
        (["demo", "--cv", "1"], "at least 2 folds"),
        (["demo", "--seeds", "0"], "positive integer"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2_with_one_line(argv, message, capsys, tmp_path):
    assert main([*argv, *(["--out", str(tmp_path)] if argv[0] == "demo" else [])]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["barenet"], [sys.executable, "-m", "barenet"]])
def test_console_script_and_module_help(argv):
    exe = argv if argv[0] != "barenet" else [str(_script("barenet"))]
    for extra in (["--help"], ["demo", "--help"]):
        done = subprocess.run([*exe, *extra], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "usage: barenet" in done.stdout
    assert "--learning-rate" in done.stdout and "--sizes" in done.stdout
    assert "--seeds" in done.stdout


def _script(name):
    from pathlib import Path

    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.skip(f"console script {name} not installed next to {sys.executable}")
    return path
