# Two commands from a fresh clone: `make run` serves the API on a local emulated AWS,
# `make test` runs the linter and every test. Both create .venv (Python 3.13, the Lambda's runtime,
# found by tools/find-python) and install the pinned dependencies first.
PYTHON_VERSION := 3.13
PYTHON ?= $(shell tools/find-python $(PYTHON_VERSION) 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# cfn-lint has a venv of its own: its SAM translator pins another pydantic than the app's.
LINT_VENV := .venv-lint
LINT_INSTALLED := $(LINT_VENV)/.installed
STAGE ?= prod

.PHONY: install run test lint package lint-template credit bench-credit clean

install: $(INSTALLED)

# A venv of another Python (an older clone's 3.11) is replaced, not patched.
define make_venv
	@test -n "$(PYTHON)" || { tools/find-python $(PYTHON_VERSION) >/dev/null; exit 1; }
	@if [ -x $(1)/bin/python ] && ! $(1)/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != ($(subst .,$(comma) ,$(PYTHON_VERSION))))'; then \
		echo "$(1) is not Python $(PYTHON_VERSION): making it again"; rm -rf $(1); fi
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
endef
comma := ,

$(INSTALLED): requirements.txt requirements-dev.txt
	$(call make_venv,$(VENV))
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(INSTALLED)
	$(PY) -m tools.local_stack

# Credit a declaration file on the local stack (`make run` in another terminal): the report is the last line.
credit: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage : make credit FILE=<fichier de déclarations>"; exit 2; }
	@$(PY) -m tools.credit "$(FILE)"

# The crediting benchmark (not a test): 10,000 lines over 5,000 NIRs through both functions on moto.
bench-credit: $(INSTALLED)
	$(PY) -m tools.bench_credit

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

test: lint
	$(PY) -m pytest

# The CloudFormation (SAM) template of a stage, with the table from chalicelib/table.py and throttling: build/sam.json
package: $(INSTALLED)
	rm -rf build
	$(PY) -m tools.deploy_template $(STAGE) build/table-resources.json
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(PY) -m tools.chalice_package $(STAGE) \
		build/table-resources.json build/package
	mv build/package/* build/ && rmdir build/package

$(LINT_INSTALLED): requirements-lint.txt
	$(call make_venv,$(LINT_VENV))
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements-lint.txt
	touch $@

lint-template: package $(LINT_INSTALLED)
	$(LINT_VENV)/bin/cfn-lint build/sam.json

clean:
	rm -rf $(VENV) $(LINT_VENV) .pytest_cache .ruff_cache build
