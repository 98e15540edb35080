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

# make package ENDPOINT=https://host/alexa|arn:aws:lambda:... PRIVACY_URL=https://... TERMS_URL=https://...
# (CERTIFICATE=Wildcard for a tunnel; PUBLISHER=... CONTACT=... or CRAMP_HELPER_PUBLISHER /
# CRAMP_HELPER_CONTACT in the environment). Without them: a local package, and warnings that say
# what a submission still needs.
# The values reach the command as environment variables (make exports command-line
# variables), so quotes and spaces in them need no escaping here.
PACKAGE_DIR ?= build/skill-package
package: $(STAMP)
	$(if $(PUBLISHER),CRAMP_HELPER_PUBLISHER="$$PUBLISHER") $(if $(CONTACT),CRAMP_HELPER_CONTACT="$$CONTACT") \
	$(BIN)/cramp-helper package --out "$(PACKAGE_DIR)" $(if $(ENDPOINT),--endpoint "$$ENDPOINT") \
	  $(if $(PRIVACY_URL),--privacy-url "$$PRIVACY_URL") $(if $(TERMS_URL),--terms-url "$$TERMS_URL") \
	  $(if $(CERTIFICATE),--certificate "$$CERTIFICATE")

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
