"""The progress bar picks the notebook bar only where it can draw."""

from __future__ import annotations

import sys
import types

import pytest
from tqdm.std import tqdm as text_bar

from barenet import _progress


@pytest.fixture()
def in_a_notebook(monkeypatch):
    monkeypatch.setattr(_progress, "_in_notebook", lambda: True)


def test_a_notebook_without_ipywidgets_gets_the_text_bar(in_a_notebook, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # not installed
    assert _progress.bar_class() is text_bar
    with _progress.progress_bar(total=2, disable=True) as bar:
        assert isinstance(bar, text_bar) and type(bar) is text_bar


def test_a_notebook_with_ipywidgets_gets_the_notebook_bar(in_a_notebook, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", types.ModuleType("ipywidgets"))
    from tqdm.notebook import tqdm as notebook_bar

    assert _progress.bar_class() is notebook_bar


def test_a_terminal_gets_the_text_bar_and_disable_none_is_kept(capsys):
    assert not _progress._in_notebook() and _progress.bar_class() is text_bar
    with _progress.progress_bar(total=3, disable=None) as bar:  # not a terminal here
        bar.update(3)
        assert bar.disable
    assert capsys.readouterr().err == ""
