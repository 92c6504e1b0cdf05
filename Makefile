# make demo: the whole article in one run.  make test: every test and the linter.
# Both create .venv and install barenet into it first (only Python 3.10+ needed).
# make torch: add PyTorch (CPU) so that make test also runs the autograd parity
# tests, which are skipped without it.
# make dist: build the sdist and wheel into dist/ and check them with twine.
# make docs: the documentation and its example gallery, into docs/_build/html.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

TORCH  := torch==2.13.0

.PHONY: demo test lint install torch bench dist docs clean

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
	$(BIN)/ruff check src tests conftest.py examples docs
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

dist: $(STAMP)
	$(BIN)/python -m pip install -q 'build>=1.2' 'twine>=6.1'
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# The gallery runs the Dask and ONNX examples, and the API reference imports the
# playground's server: those extras too.
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[dask,web,onnx,docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) barenet-demo .pytest_cache .ruff_cache .mypy_cache dist
