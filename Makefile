# Two commands from a fresh clone: `make run` serves the API on a local emulated AWS,
# `make test` runs every test. Both create .venv and install the pinned dependencies first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install run test clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(INSTALLED)
	$(PY) -m tests.local_stack

test: $(INSTALLED)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache build
