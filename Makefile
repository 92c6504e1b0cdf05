# make demo: the whole article in one run.  make test: every test and the linter.
# Both create .venv and install barenet into it first (only Python 3.10+ needed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/barenet demo

lint: $(STAMP)
	$(BIN)/ruff check src tests

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) barenet-demo .pytest_cache .ruff_cache
