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


# --- the fast parsers and the reference parser, delimiters, gzip, missing values ---

import gzip  # noqa: E402
import sys  # noqa: E402

import barenet.tabular as tabular  # noqa: E402
from barenet._tabular_parsers import parse_numpy  # noqa: E402


def _no_fast_parser(*args):
    raise ValueError("no fast parser in this test")


PARSERS = {
    "pandas": lambda monkeypatch: pytest.importorskip("pandas", reason="pandas's parser"),
    "numpy": lambda monkeypatch: monkeypatch.setitem(sys.modules, "pandas", None),
    "python": lambda monkeypatch: monkeypatch.setattr(tabular, "_fast_parser",
                                                      lambda: _no_fast_parser),
}
SAMPLES = [
    'x1,x2,label\n0.1,1e-3,a\n\n-2.5,"7",b\n 3 , 4 , c \n,,\n',  # blank rows; quoted; spaces
    "x1;x2;label\n0.1;2;1\n3;4;-2\n",  # semicolons; integer labels
    "x1\tx2\tlabel\n0.1\t2\t1.5\n3\t4\t2\n",  # tabs; number labels
    "\ufeffa,b,t\n" + "".join(f"{i / 7!r},{-i * 1e-9!r},{i % 3}\n" for i in range(50)),
    'x1,x2,label\n1,2,"two\nlines"\n3,4,b\n',  # a label over two lines
]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_parser_reads_the_same_arrays(text, monkeypatch):
    tables = {}
    for parser, use in PARSERS.items():
        with monkeypatch.context() as patch:
            use(patch)
            tables[parser] = parse_csv(text, target="t" if "\ufeff" in text else "label")
    reference = tables.pop("python")
    for table in tables.values():
        np.testing.assert_array_equal(table.X, reference.X)
        np.testing.assert_array_equal(table.y, reference.y)
        assert table.y.dtype == reference.y.dtype
        assert table.feature_names == reference.feature_names


@pytest.mark.parametrize("parser", list(PARSERS))
@pytest.mark.parametrize(("content", "words"), BAD + [
    ("x1,x2,label\n1,2,a\n3,4,b,5\n", "line 3: 4 values but the header has 3 columns"),
    ("x1,x2,label\n1,2,a\n3,4,b,\n", "line 3: 4 values but the header has 3 columns"),
    ("label,x1,x2\na,1,2\nb,3\n", "line 3: 2 values but the header has 3 columns"),
    ("x1,x2,label\n1,NA,a\n", "line 2, column 'x2': 'NA' is not a finite number (a missing"),
    ("x1,x2,label\n1,2,a\n3,True,b\n", "line 3, column 'x2': 'True' is not a number"),
])
def test_every_parser_refuses_the_same_problems(parser, content, words, monkeypatch):
    PARSERS[parser](monkeypatch)
    with pytest.raises(ValueError, match="^the CSV text, ") as refused:
        parse_csv(content, target="label")
    assert words in str(refused.value)


def test_a_delimiter_is_found_or_given(tmp_path):
    table = parse_csv("a|b|t\n1|2|x\n3|4|y\n", target="t", delimiter="|")
    assert table.X.tolist() == [[1, 2], [3, 4]] and table.y.tolist() == ["x", "y"]
    # found: semicolons, even with decimal commas in the values (refused by name)
    with pytest.raises(ValueError, match="line 2, column 'a': '1,5' is not a number"):
        parse_csv("a;b;t\n1,5;2;x\n", target="t")
    with pytest.raises(ValueError, match="the delimiter must be one character"):
        parse_csv("a,t\n1,x\n", target="t", delimiter=";;")


def test_a_gzip_file_is_read_as_it_is(tmp_path):
    plain = tmp_path / "data.csv"
    plain.write_text(GOOD)
    packed = tmp_path / "data.csv.gz"
    packed.write_bytes(gzip.compress(GOOD.encode()))
    a, b = read_csv(plain, target="label"), read_csv(packed, target="label")
    np.testing.assert_array_equal(a.X, b.X)
    assert a.y.tolist() == b.y.tolist()
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(GOOD.encode())[:30])
    with pytest.raises(ValueError, match="cannot read .*broken.csv.gz"):
        read_csv(broken, target="label")


@pytest.mark.parametrize("parser", list(PARSERS))
@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent"])
def test_missing_values_are_imputed_as_simple_imputer_does(strategy, parser, monkeypatch):
    from sklearn.impute import SimpleImputer

    PARSERS[parser](monkeypatch)
    text = "x1,x2,label\n1,,a\n2,NA,b\nNaN,5,a\n2,7,b\n8,7,a\n"
    table = parse_csv(text, target="label", impute=strategy)
    nan = np.nan
    expected = SimpleImputer(strategy=strategy).fit_transform(
        [[1, nan], [2, nan], [nan, 5], [2, 7], [8, 7]])
    np.testing.assert_array_equal(table.X, expected)
    assert table.n_imputed == 3 and table.y.tolist() == ["a", "b", "a", "b", "a"]


def test_impute_refuses_what_it_cannot_fill():
    with pytest.raises(ValueError, match="line 3, column 'x': 'inf' is not a finite number"):
        parse_csv("x,t\n1,a\ninf,b\n", target="t", impute="mean")  # infinity is no gap
    with pytest.raises(ValueError, match="column 'x' has no values"):
        parse_csv("x,y,t\n,1,a\nNA,2,b\n", target="t", impute="mean")
    with pytest.raises(ValueError, match="impute must be one of mean, median, most_frequent"):
        parse_csv(GOOD, target="label", impute="zero")
    with pytest.raises(ValueError, match="line 3: the target 'label' is empty"):
        parse_csv("x,label\n1,a\n2,\n", target="label", impute="mean")  # labels never


def test_labels_of_text_numbers_and_integers():
    assert parse_csv("x,t\n1,cat\n2, dog \n", target="t").y.tolist() == ["cat", "dog"]
    assert parse_csv("x,t\n1,3\n2,-4\n", target="t").y.dtype.kind == "i"
    floats = parse_csv("x,t\n1,3\n2,0.5\n", target="t").y
    assert floats.dtype.kind == "f" and floats.tolist() == [3.0, 0.5]
    assert parse_csv("x,t\n1,True\n2,False\n", target="t").y.tolist() == ["True", "False"]


def test_the_command_line_reads_delimiters_gzip_and_imputes(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.randn(80, 2)
    lines = ["a;b;t"] + [f"{p};{q};{int(p > 0)}" for p, q in X]
    lines[5] = "0.1;;1"
    data = tmp_path / "data.csv.gz"
    data.write_bytes(gzip.compress("\n".join(lines).encode()))
    model = tmp_path / "m.npz"
    train = ["train", str(data), "--target", "t", "--hidden", "3", "--iterations", "5",
             "--out", str(model)]
    assert main(train) == 2
    assert "line 6, column 'b': the value is empty" in capsys.readouterr().err
    assert main([*train, "--impute", "median", "--delimiter", ";"]) == 0
    assert "Imputed 1 missing feature values with each column's median value" in (
        capsys.readouterr().out)
    assert main(["predict", str(model), str(data), "--impute", "mean"]) == 0
    assert len(_cells(capsys.readouterr().out)) == 81
    assert main(["predict", str(model), str(data), "--delimiter", "tab"]) == 2
    assert "lacks the model's feature columns" in capsys.readouterr().err


def test_the_numpy_parser_reads_only_files_it_can_check():
    layout = tabular._layout(lambda: io.BytesIO(b'a,t\n"1",x\n'), "f", "t", None, None)
    with pytest.raises(ValueError):  # quotes may hide delimiters: the reference reads it
        parse_numpy(lambda: io.BytesIO(b'a,t\n"1",x\n'), layout)
