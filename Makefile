# Two commands set everything up on a fresh machine (Python 3.11 + make):
#   make serve   installs into .venv if needed, then serves the skill locally
#   make test    installs into .venv if needed, then runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test check package install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/cramp-helper serve --local

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/cramp-helper check

package: $(STAMP)
	$(BIN)/cramp-helper package

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
