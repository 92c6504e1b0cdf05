"""The one CSV reader (command line and playground) and the CSV writer."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from barenet.cli import main
from barenet.tabular import MAX_FIELD_CHARS, parse_csv, read_csv, write_csv
from barenet.web.upload import parse_upload

GOOD = "x1,x2,label\n0.5,1,a\n-2,3e-1,b\n1,1,a\n2,2,b\n"

# (content, words the message must hold): each names the line and, for a value, the column.
BAD = [
    ("x1,x2,label\n1,2,a\n3," + "9" * (MAX_FIELD_CHARS + 1) + ",b\n",
     "line 3: a field is longer than"),
    ("x1,x2,label\n1,2,a\n3,4\x00,b\n", "line 3, column 'x2'"),
    ("x1,x2,label\n1,2,a\n3,nan,b\n", "line 3, column 'x2': 'nan' is not a finite number"),
    ("x1,x2,label\n1,2,a\n3,-Infinity,b\n", "line 3, column 'x2': '-Infinity' is not a finite"),
    ("x1,x2,label\n1,2,a\n1e308,4,b\n", "line 3, column 'x1': '1e308' is too large"),
    ("x1,x2,label\n1,2,a\n-3e15,4,b\n", "line 3, column 'x1': '-3e15' is too large"),
    ("x1,x2,label\n1,,a\n3,4,b\n", "line 2, column 'x2': the value is empty"),
    ("x1,x2,label\n1,2,1\n3,4,nan\n", "line 3, column 'label': 'nan' is not a label"),
    ("x1,x2,label\n1,2,yes\n3,4,-inf\n", "line 3, column 'label': '-inf' is not a label"),
    ("x1,x2,label\n1,2,yes\n3,4, \n", "line 3: the target 'label' is empty"),
    # blank lines and a quoted label over two lines still give the file's own line number
    ('x1,x2,label\n\n1,2,"two\nlines"\n\n3,zz,b\n', "line 6, column 'x2': 'zz' is not a number"),
]


@pytest.mark.parametrize(("content", "words"), BAD)
def test_bad_values_are_refused_naming_line_and_column(content, words, tmp_path):
    with pytest.raises(ValueError, match="^the CSV text, ") as parsed:
        parse_csv(content, target="label")
    assert words in str(parsed.value)
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(ValueError) as read:
        read_csv(path, target="label")
    # One reader: the file's message is the text's, with the file named.
    assert str(read.value) == str(parsed.value).replace("the CSV text", str(path))
    assert len(str(read.value)) < 300  # a huge field is not echoed back


@pytest.mark.parametrize(("content", "words"), BAD)
def test_the_playground_refuses_what_the_command_line_refuses(content, words):
    with pytest.raises(ValueError) as uploaded:
        parse_upload(content.encode(), "mine.csv")
    assert str(uploaded.value).startswith("mine.csv, line ")
    assert words in str(uploaded.value)


@pytest.mark.parametrize(("content", "words"), BAD[:5])
def test_the_command_line_exits_2_with_one_line(content, words, tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text(content)
    assert main(["train", str(data), "--target", "label", "--out",
                 str(tmp_path / "m.npz")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_good_values_are_read_as_numbers_and_labels():
    table = parse_csv(GOOD, target="label")
    np.testing.assert_array_equal(table.X, [[0.5, 1], [-2, 0.3], [1, 1], [2, 2]])
    assert table.y.tolist() == ["a", "b", "a", "b"] and table.feature_names == ["x1", "x2"]
    ints = parse_csv("a,t\n1e15,3\n-1e15,-1\n", target="t")  # the limit itself is allowed
    assert ints.y.dtype.kind == "i" and ints.X[:, 0].tolist() == [1e15, -1e15]


def test_a_folder_and_a_binary_file_are_named_as_such(tmp_path):
    with pytest.raises(ValueError, match="is a folder; give a CSV file"):
        read_csv(tmp_path)
    model = tmp_path / "model.npz"
    model.write_bytes(b"PK\x03\x04\x80\xff\xfe\x00binary")
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        read_csv(model)


def _cells(text):
    return list(csv.reader(io.StringIO(text)))


def test_written_cells_never_run_as_spreadsheet_formulas():
    labels = np.array(["=cmd|' /C calc'!A0", "+1+2", "-1+A1", "@SUM(A1)", "\tx", "plain",
                       "-2.5", "+3"])
    text = write_csv(None, ["prediction", "=bad header"], [labels, np.arange(8) - 4.5])
    rows = _cells(text)
    assert rows[0] == ["prediction", "'=bad header"]
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'+1+2", "'-1+A1",
                                        "'@SUM(A1)", "'\tx", "plain", "-2.5", "+3"]
    # numbers, negative ones too, are written as numbers
    assert [float(r[1]) for r in rows[1:]] == (np.arange(8) - 4.5).tolist()


def test_predict_escapes_labels_that_look_like_formulas(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 2)
    labels = np.where(X[:, 0] > 0, "=cmd|' /C calc'!A0", "@SUM(1)")
    data = tmp_path / "data.csv"
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows([["x1", "x2", "t"], *[[a, b, c] for (a, b), c in
                                                       zip(X, labels, strict=True)]])
    model = tmp_path / "m.npz"
    assert main(["train", str(data), "--target", "t", "--hidden", "4", "--iterations", "30",
                 "--out", str(model)]) == 0
    capsys.readouterr()
    assert main(["predict", str(model), str(data), "--proba"]) == 0
    rows = _cells(capsys.readouterr().out)
    assert rows[0] == ["prediction", "proba_=cmd|' /C calc'!A0", "proba_@SUM(1)"]
    assert {r[0] for r in rows[1:]} <= {"'=cmd|' /C calc'!A0", "'@SUM(1)"}
    assert all(0 <= float(r[1]) <= 1 for r in rows[1:])


def test_a_wide_file_gives_its_columns_in_the_order_asked():
    n = 20_000
    header = ",".join(f"c{i}" for i in range(n)) + ",label"
    text = header + "\n" + (",".join(["0.5"] * n) + ",1\n") * 2
    table = parse_csv(text, target="label", features=[f"c{i}" for i in reversed(range(n))])
    assert table.X.shape == (2, n) and table.feature_names[0] == f"c{n - 1}"
