# Two commands set everything up on a fresh machine (Python 3.11 + make):
#   make serve   installs into .venv if needed, then serves the skill locally
#   make test    installs into .venv if needed, then runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Tools the tests use that are not Python packages, installed here and never by a test.
# apl-suggester (npm) validates the APL documents; tests/test_screen.py runs it from here.
APL_SUGGESTER     := apl-suggester@2024.2.0
APL_DIR           := $(VENV)/apl-suggester
APL_STAMP         := $(APL_DIR)/node_modules/apl-suggester/package.json
NPM_ATTEMPTS      ?= 3

.PHONY: serve test check package install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Three attempts with a growing pause; an unreachable registry stops the install with a
# message saying what to do (SKIP_APL_SUGGESTER=1 goes on without it: the test then skips).
$(APL_STAMP):
	@if [ -n "$(SKIP_APL_SUGGESTER)" ]; then \
	  echo "make: SKIP_APL_SUGGESTER is set: not installing $(APL_SUGGESTER) (the APL documents' test will skip)"; \
	elif ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then \
	  echo "make: node and npm are not on PATH: $(APL_SUGGESTER) not installed (the APL documents' test will skip; CI needs Node.js)"; \
	else \
	  mkdir -p $(APL_DIR); \
	  for attempt in $$(seq 1 $(NPM_ATTEMPTS)); do \
	    if npm install --prefix $(APL_DIR) --no-audit --no-fund --no-update-notifier \
	         --fetch-timeout=60000 --fetch-retries=2 $(APL_SUGGESTER) >$(APL_DIR)/npm.log 2>&1; then \
	      echo "make: $(APL_SUGGESTER) installed into $(APL_DIR)"; exit 0; \
	    fi; \
	    echo "make: npm install $(APL_SUGGESTER) failed (attempt $$attempt of $(NPM_ATTEMPTS)): $$(tail -n 1 $(APL_DIR)/npm.log)"; \
	    [ $$attempt -lt $(NPM_ATTEMPTS) ] && sleep $$((attempt * 10)); \
	  done; \
	  echo "make: could not install $(APL_SUGGESTER) from the npm registry ($$(npm config get registry)); is it reachable? Full log: $(APL_DIR)/npm.log. Retry later, or run with SKIP_APL_SUGGESTER=1 to go on without it (the APL documents' test then skips)." >&2; \
	  exit 1; \
	fi

install: $(STAMP) $(APL_STAMP)

serve: $(STAMP)
	$(BIN)/cramp-helper serve --local

test: $(STAMP) $(APL_STAMP)
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
