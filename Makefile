# make demo: the whole article in one run.  make test: every test and the linter.
# Both create .venv and install barenet into it first (only Python 3.10+ needed).
# make torch: add PyTorch (CPU) so that make test also runs the autograd parity
# tests, which are skipped without it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

TORCH  := torch==2.13.0

.PHONY: demo test lint install torch bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[test,dask,web]'
	touch $(STAMP)

install: $(STAMP)

torch: $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install '$(TORCH)'

demo: $(STAMP)
	$(BIN)/barenet demo

bench: $(STAMP)
	$(BIN)/barenet bench

lint: $(STAMP)
	$(BIN)/ruff check src tests

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) barenet-demo .pytest_cache .ruff_cache
