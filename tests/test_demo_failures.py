"""barenet demo when a run cannot work: divergence, a cost that rises, too little memory.

A run that fails exits 2 with one line and writes nothing; the article's own
run, cost spikes and all, is never flagged.
"""

from __future__ import annotations

import pytest

from barenet import _memory
from barenet.cli import main
from barenet.demo import run_demo


def _one_line(err: str) -> str:
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_diverging_demo_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["demo", "--learning-rate", "1e9", "--iterations", "300", "--sizes", "1,4",
                   "--cv", "2", "--out", str(out)])
    assert status == 2
    err = _one_line(capsys.readouterr().err)
    assert "training diverged by iteration" in err and "use a smaller learning rate" in err
    assert not out.exists()


def test_the_article_run_is_not_flagged(tmp_path, capsys):
    # The article's 5000 iterations at 1.2, whose cost spikes near iteration 2000.
    assert main(["demo", "--sizes", "4", "--cv", "2", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Warning" not in text and "diverged" not in text
    assert "Cost after iteration 2000: 0.249" in text  # above the 0.098 of iteration 1000
    assert "Warning" not in (tmp_path / "report.md").read_text()


def test_a_demo_whose_cost_rises_says_so(tmp_path):
    lines = []
    result = run_demo(learning_rate=1000, iterations=300, sizes=(2,), cv=2, out=tmp_path,
                      echo=lines.append)
    warning = [line for line in lines if line.startswith("Warning:")]
    assert len(warning) == 1 and "the cost rose from 0.6932 to" in warning[0]
    assert "use a smaller --learning-rate" in warning[0]
    assert result.warning and "**Warning:**" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize(("argv", "message"), [
    (["--hidden", "1000000000"], "training the network of 1000000000 hidden units needs"),
    (["--sizes", "4,1000000000"], "the sweep's network of 1000000000 hidden units"),
])
def test_a_demo_too_large_for_memory_exits_2_at_once(argv, message, tmp_path, capsys,
                                                    monkeypatch):
    monkeypatch.setattr(_memory, "available_memory", lambda: 8 * 2**30)
    out = tmp_path / "run"
    assert main(["demo", *argv, "--out", str(out)]) == 2
    err = _one_line(capsys.readouterr().err)
    assert message in err and "but about 8.0 GiB is available" in err
    assert not out.exists()
    assert capsys.readouterr().out == ""  # refused before the first line
