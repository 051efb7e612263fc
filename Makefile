# Two commands from a fresh clone: `make run` serves the portal and its API on a local emulated AWS,
# `make test` runs the linter and every test; `make check` is the inner loop (docs/local-stack.md). Both create .venv (Python 3.13, the Lambda's runtime,
# found by tools/find-python), install the pinned dependencies and the portal's DSFR (npm ci) first;
# `make test` also installs Debian's chromium for the browser tests when it is missing (as root).
PYTHON_VERSION := 3.13
PYTHON ?= $(shell tools/find-python $(PYTHON_VERSION) 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# cfn-lint has a venv of its own: its SAM translator pins another pydantic than the app's.
LINT_VENV := .venv-lint
LINT_INSTALLED := $(LINT_VENV)/.installed
STAGE ?= prod
# The portal's pages (web/public/) use the DSFR pinned by web/package-lock.json, copied into
# web/public/vendor/dsfr/ (git-ignored) by tools/local/vendor_dsfr.py.
NPM_INSTALLED := web/node_modules/.installed
DSFR := web/public/vendor/dsfr/VERSION
# The local OpenID provider standing in for FranceConnect and ProConnect (tools/local/oidc/, node's
# oidc-provider pinned by its package-lock.json), started by the local stack on OIDC_PORT.
OIDC_INSTALLED := tools/local/oidc/node_modules/.installed
# The browser tests drive Debian's Chromium through Playwright (whose own browser downloads are not used).
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test check typecheck lint browser bench package lint-template credit rotate-keys bench-credit \
	bench-credit-parallel bench-local load bounce complaint clean

install: $(INSTALLED) $(DSFR) $(OIDC_INSTALLED)

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

$(NPM_INSTALLED): web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || tools/install-debian-packages nodejs npm
	cd web && npm ci --no-audit --no-fund
	touch $@

$(OIDC_INSTALLED): tools/local/oidc/package.json tools/local/oidc/package-lock.json
	@command -v npm >/dev/null 2>&1 || tools/install-debian-packages nodejs npm
	cd tools/local/oidc && npm ci --no-audit --no-fund
	touch $@

$(DSFR): $(NPM_INSTALLED) tools/local/vendor_dsfr.py | $(INSTALLED)
	$(PY) -m tools.local.vendor_dsfr

browser:
	@test -x $(CHROMIUM) || tools/install-debian-packages chromium

run: $(INSTALLED) $(DSFR) $(OIDC_INSTALLED)
	$(PY) -m tools.local.local_stack

# Credit a declaration file on the local stack (`make run` in another terminal): the report is the last line.
credit: $(INSTALLED)
	@test -n "$(FILE)" || { echo "usage : make credit FILE=<fichier de déclarations>"; exit 2; }
	@$(PY) -m tools.local.credit "$(FILE)"

# Rotate the sealing keyring of the local stack (`make run` in another terminal): a new current key,
# the previous one kept (tools/local/rotate_keys.py, docs/decisions.md).
rotate-keys: $(INSTALLED)
	@$(PY) -m tools.local.rotate_keys

# SES's feedback on the last email sent to EMAIL on the local stack, handed to the feedback function (§10).
bounce complaint: $(INSTALLED)
	@test -n "$(EMAIL)" || { echo "usage : make $@ EMAIL=<adresse>"; exit 2; }
	@$(PY) -m tools.local.ses_feedback $@ "$(EMAIL)"

# The crediting benchmark (not a test): 10,000 lines over 5,000 NIRs through both functions on moto.
bench-credit: $(INSTALLED)
	$(PY) -m tools.bench.bench_credit

# 100,000 lines over 30,000 NIRs, 8 SQS consumers at once, every NIR checked against the rule.
bench-credit-parallel: $(INSTALLED)
	$(PY) -m tools.bench.bench_credit_parallel

# The journey over HTTP on a stack of its own, with 0, 50,000 and 200,000 items in the table.
bench-local: $(INSTALLED) $(OIDC_INSTALLED)
	$(PY) -m tools.bench.bench_local

# 50 people for 2 minutes against `make run CAPTCHA_FIXED_ANSWER=AE23HJ` (another terminal), then a
# check that nothing was lost. LOAD_URL and LOAD_AWS_URL name another stack (docs/local-stack.md).
LOAD_USERS ?= 50
LOAD_TIME ?= 2m
load: $(INSTALLED)
	$(VENV)/bin/locust -f tools/bench/locustfile.py --headless --users $(LOAD_USERS) --spawn-rate 10 \
		--run-time $(LOAD_TIME) --stop-timeout 120 --only-summary

# One linter and one formatter over the whole tree (chalicelib, app.py, tools, tests): both must be clean.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy, strict (settings in pyproject.toml) over chalicelib/, app.py and tools/: the store's records and
# the domain's Protocols are checked here, in `make check` and `make test`.
TYPECHECK := $(VENV)/bin/mypy
typecheck: $(INSTALLED)
	$(TYPECHECK)

test: lint typecheck $(DSFR) $(OIDC_INSTALLED) browser
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest

# The inner loop, about 2 minutes on 2 cores: the linter, the type check, and every test but the
# browser and fuzzing ones (pytest markers by layer, tests/conftest.py), on two processes; loadscope
# runs tests/conftest.py's scheduler (a system module's tests on one process). docs/local-stack.md.
CHECK_TESTS := -m "not browser and not fuzz" -p no:schemathesis -p no:hypothesispytest -n 2 --dist loadscope
check: lint typecheck $(DSFR) $(OIDC_INSTALLED)
	$(PY) -m pytest $(CHECK_TESTS) -q

# Timing figures no test may assert (login, recovery routes, cold start), measured in interleaved runs
bench: $(INSTALLED)
	$(PY) -m tools.bench.bench_timing

# The CloudFormation (SAM) template of a stage (table, throttling, portal, crediting, operations): build/sam.json;
# and the per-client limits' web ACL, a stack of its own in us-east-1: build/waf.json
package: $(INSTALLED)
	rm -rf build/package build/sam.json build/waf.json build/deployment.zip build/table-resources.json  # not build/screens
	$(PY) -m tools.deploy.deploy_template $(STAGE) build/table-resources.json
	$(PY) -m tools.deploy.waf_template $(STAGE) build/waf.json  # the per-client limits' stack, deployed in us-east-1
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(PY) -m tools.deploy.chalice_package $(STAGE) \
		build/table-resources.json build/package
	$(PY) -m tools.deploy.slim_package build/package/deployment.zip
	mv build/package/* build/ && rmdir build/package

$(LINT_INSTALLED): requirements-lint.txt
	$(call make_venv,$(LINT_VENV))
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements-lint.txt
	touch $@

lint-template: package $(LINT_INSTALLED)
	$(LINT_VENV)/bin/cfn-lint build/sam.json build/waf.json

clean:
	rm -rf $(VENV) $(LINT_VENV) .pytest_cache .ruff_cache build web/node_modules web/public/vendor tools/local/oidc/node_modules
