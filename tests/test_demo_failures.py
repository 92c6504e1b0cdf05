"""barenet demo when a run cannot work, or its numbers cannot carry a claim.

A run that fails (divergence, too little memory) exits 2 with one line and
writes nothing; the article's own run, cost spikes and all, is never flagged.
The sweep's verdict is computed from its numbers: built here by hand, rows
whose differences are inside or outside the noise must change what it says.
"""

from __future__ import annotations

import numpy as np
import pytest

from barenet import _memory
from barenet._demo_report import (
    NOISE_SE,
    SweepRow,
    heldout_difference,
    sweep_table,
    train_heldout_gap,
    verdict,
    verdict_text,
)
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
    assert main(["demo", "--sizes", "4", "--cv", "2", "--seeds", "1",
                 "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Warning" not in text and "diverged" not in text
    assert "Cost after iteration 2000: 0.249" in text  # above the 0.098 of iteration 1000
    assert "Warning" not in (tmp_path / "report.md").read_text()


def test_a_demo_whose_cost_rises_says_so(tmp_path):
    lines = []
    result = run_demo(learning_rate=1000, iterations=300, sizes=(2,), cv=2, seeds=1,
                      out=tmp_path, echo=lines.append)
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


# --------------------------------------------------------------- the verdict

# Fold by fold, a row's held-out accuracy is its mean plus wobble * PATTERN.
# PATTERN has mean 0 and standard deviation (ddof 1) 1, so against a row that
# does not wobble the difference has standard error wobble / sqrt(5), and
# the noise is NOISE_SE times that: 0.894 * wobble.
PATTERN = np.array([1.0, -1.0, 1.0, -1.0, 0.0])


def _row(n_h, heldout, wobble=0.0, train=100.0, seeds=1):
    folds = heldout + wobble * PATTERN
    return SweepRow(n_h, np.full(seeds, train) if np.isscalar(train) else train,
                    np.tile(folds, (seeds, 1)), seconds=1.0)


def _sweep(four_wobble):
    return [_row(1, 60.0, wobble=4), _row(4, 93.0, wobble=four_wobble),
            _row(20, 95.0), _row(50, 93.0, wobble=1)]


def test_the_noise_of_a_difference_is_its_standard_error_over_folds():
    difference, noise = heldout_difference(_row(20, 95.0), _row(4, 93.0, wobble=4))
    assert difference == pytest.approx(2.0)
    assert noise == pytest.approx(NOISE_SE * 4 / np.sqrt(5))
    # Seeds share their fold's test points: they are averaged before the folds are compared.
    two_seeds = SweepRow(4, [90.0, 90.0], [93.0 + 4 * PATTERN, 93.0 - 4 * PATTERN])
    assert heldout_difference(_row(20, 95.0, seeds=2), two_seeds) == (pytest.approx(2.0), 0.0)


def test_the_verdict_picks_the_best_and_the_sizes_within_noise_of_it():
    v = verdict(_sweep(four_wobble=4))  # 4 units: 2 points below, noise 3.6
    assert v.best.n_h == 20
    assert v.within_noise == [4, 20] and v.below == [1, 50] and v.larger_worse == [50]
    text = " ".join(verdict_text(_sweep(four_wobble=4), n_seeds=5))
    assert "The best held-out accuracy is 95.0%, at 20 hidden units." in text
    assert "Within noise of it: 4 units" in text and "Below it by more than the noise: 1 and " \
        "50 units" in text
    assert "Larger than the best, 50 units predict new points worse by more than" in text
    assert "within noise, so these numbers are consistent with it" in text  # 2 < 0.8 * 3.6
    assert "The smallest size within noise of the best is 4 units" in text
    assert "one weight seed" not in text


def test_the_verdict_changes_when_the_numbers_do():
    v = verdict(_sweep(four_wobble=1))  # 4 units: 2 points below, noise 0.9
    assert v.within_noise == [20] and v.below == [1, 4, 50]
    text = " ".join(verdict_text(_sweep(four_wobble=1), n_seeds=1))
    assert "No other size is within noise of it." in text
    assert "the claim is not supported" in text and "consistent with it" not in text
    assert "one weight seed" in text
    close = [_row(1, 60.0, wobble=4), _row(4, 94.0, wobble=4), _row(20, 95.0), _row(50, 94.5,
                                                                                    wobble=4)]
    text = " ".join(verdict_text(close, n_seeds=5))
    assert "within noise, so these numbers" in text  # 1 point below, noise 3.6
    just = [_row(4, 92.0, wobble=3), _row(20, 95.0)]  # 3 points below, noise 2.7
    assert "within noise (only just), so" not in " ".join(verdict_text(just, 5))
    just = [_row(4, 92.5, wobble=3), _row(20, 95.0)]  # 2.5 points below, noise 2.7
    assert "within noise (only just), so" in " ".join(verdict_text(just, 5))
    assert "But no size larger than 20 units predicts new points worse" in text
    assert "the overfitting the article warns of (held-out accuracy falling" in text
    assert "The smallest size within noise of the best is 4 units" in text


def test_overfitting_is_flagged_only_when_the_gap_exceeds_its_noise():
    noise = NOISE_SE * 4 / np.sqrt(5)  # 3.58
    under = _row(4, 93.0, wobble=4, train=93.0 + noise - 0.1)
    over = _row(5, 93.0, wobble=4, train=93.0 + noise + 0.1)
    assert train_heldout_gap(under) == (pytest.approx(noise - 0.1), pytest.approx(noise))
    assert verdict([under, over]).overfit == [5]
    text = " ".join(verdict_text([under, over], n_seeds=1))
    assert "by more than the noise at 5 units (by 3.7 ± 3.6 points, gap ± noise)" in text
    # Training accuracy that differs between seeds is noise as well.
    seeds = _row(5, 93.0, wobble=4, train=np.array([93 + noise + 10, 93 + noise - 9.8]),
                 seeds=2)
    assert seeds.train_mean == pytest.approx(over.train_mean)
    assert verdict([seeds]).overfit == []
    quiet = " ".join(verdict_text([seeds], n_seeds=2))
    assert "At no size does training accuracy exceed held-out accuracy" in quiet
    assert "It is the only size of this sweep." in quiet


def test_the_table_names_its_seeds_and_folds():
    rows = _sweep(four_wobble=4)
    lines = sweep_table(rows, [2, 3, 4, 5, 6])
    assert lines[0] == ("train: on all the data; held-out: mean ± std over 5 seeds × 5 folds "
                        "(weight seeds 2, 3, 4, 5 and 6)")
    header = lines[1].split("  ")
    assert "train, seed 2" in lines[1] and "held-out, 5 seeds × 5 folds" in lines[1], header
    assert lines[4].split()[-3:] == ["best", "1.0", "s"]
    assert "-2.0 ± 3.6" in lines[3]  # 4 units against the best, and the noise


def test_rows_must_have_a_score_for_every_seed_and_fold():
    with pytest.raises(ValueError, match=r"heldout must have shape \(n_seeds, n_folds\)"):
        SweepRow(4, [97.0, 96.0], [90.0, 91.0])
    with pytest.raises(ValueError, match="not scored on the same seeds and folds"):
        heldout_difference(_row(4, 90.0), SweepRow(5, [97.0], [[90.0, 91.0]]))


def test_the_stability_text_is_computed_from_the_runs():
    import numpy as np

    from barenet._demo_stability import StabilityRun, smaller_rate, stability_blocks

    costs = np.full(3000, 0.1)
    costs[1500:3000:100] += 0.3                                     # 15 spikes, 100 apart
    iterations = np.arange(0, 3000, 20)
    rising = np.minimum(0.25 + iterations / 1000, 1.9)               # passes 1/0.6 at 1420
    spiky = StabilityRun(1.2, costs, iterations, rising)
    calm = StabilityRun(0.5, np.linspace(0.7, 0.1, 3000), iterations, rising)
    first, second = (text for kind, text, *_ in stability_blocks([spiky, calm], "s.png")[2:])
    assert "first exceeds 2/α at iteration 1420" in first
    assert "first spikes at iteration 1500, 15 times in all, about every 100 iterations" in first
    assert "below 2/α throughout" in second and "never spikes" in second
    assert smaller_rate(1.2) == 0.5 and smaller_rate(0.6) == 0.3


def test_the_report_says_which_cost_lines_depend_on_rounding():
    import numpy as np

    from barenet._demo_report import DemoResult, _rounding_note
    from barenet._demo_stability import StabilityRun

    costs = np.full(3000, 0.1)
    costs[1500::100] += 0.3
    spiky = StabilityRun(1.2, costs, np.arange(0, 3000, 20), np.ones(150))
    calm = StabilityRun(0.5, np.linspace(0.7, 0.1, 3000), np.arange(0, 3000, 20), np.ones(150))
    result = DemoResult("xor", 200, 50.0, 97.0, [0], [0.69], [], stability=[spiky, calm])
    assert "before the first spike (iteration 1500) are the same on every machine" in (
        _rounding_note(result))
    result.stability = [calm, spiky]
    assert "without spikes" in _rounding_note(result)
