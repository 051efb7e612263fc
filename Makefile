# Two commands from a fresh clone: `make run` serves the API on a local emulated AWS,
# `make test` runs every test. Both create .venv and install the pinned dependencies first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# cfn-lint has a venv of its own: its SAM translator pins another pydantic than the app's.
LINT_VENV := .venv-lint
LINT_INSTALLED := $(LINT_VENV)/.installed
STAGE ?= prod

.PHONY: install run test package lint-template clean

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

# The CloudFormation (SAM) template of a stage, with the table from chalicelib/table.py and throttling: build/sam.json
package: $(INSTALLED)
	rm -rf build
	$(PY) -m chalicelib.deploy_template $(STAGE) build/table-resources.json
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template build/table-resources.json build/package
	mv build/package/* build/ && rmdir build/package

$(LINT_INSTALLED): requirements-lint.txt
	$(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements-lint.txt
	touch $@

lint-template: package $(LINT_INSTALLED)
	$(LINT_VENV)/bin/cfn-lint build/sam.json

clean:
	rm -rf $(VENV) $(LINT_VENV) .pytest_cache build
