# ch6: the two commands a reader needs are `make lab` and `make test`.
# Both create .venv (python3 -m venv) on first use and reinstall the package
# whenever pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
# JupyterLab refuses to run as root unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test notebooks figures bench sync install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

install: $(STAMP)

## Open the book in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

## Unit tests, pair/sync checks, and strict nbval over every notebook.
test: $(STAMP)
	$(BIN)/python -m pytest

## Re-execute every notebook in place (reading order, seeds fixed) and re-sync its .py pair.
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py

## Regenerate figures/*.png from the figure functions in ch6lib.plots.
figures: $(STAMP)
	$(BIN)/python -m ch6lib.figures figures

## Make each .ipynb and its .py pair agree (the newer file wins).
sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.ipynb

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[test,bench]'
	touch $@

## Autodiff speed against hand-written numpy (and autograd / torch if present).
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/autodiff.py --markdown

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
