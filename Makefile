# wsconform: `make certify` and `make test` are the whole quick start (README).
# The venv is created on first use and refreshed when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The interop venv: python-ethgas (web3 and all) for tests/interop, kept out of the suite's venv.
INTEROP := .venv-interop
VENV_INTEROP := $(INTEROP)/.installed

.PHONY: certify test check lint bench bench-live kill-matrix clean flakes

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(VENV_INTEROP): constraints-interop.txt
	$(PYTHON) -m venv $(INTEROP)
	$(INTEROP)/bin/pip install --quiet --disable-pip-version-check -c constraints-interop.txt \
		python-ethgas==0.3.0
	touch $(VENV_INTEROP)

## certify: every profile's suite on its embedded mock → reports/: results, signed bundles, matrix, Allure
certify: $(STAMP)
	$(BIN)/wsconform certify

## test: lint, then the conformance suites on the mocks plus the suite's own tests
test: $(STAMP) $(VENV_INTEROP) lint
	$(BIN)/pytest suites tests

## check: the edit loop (about a minute): lint, the conformance suites on the mocks, each vendor's
## own tests and the unit tests, in 2 pytest-xdist workers; no child processes, no kill matrix
check: $(STAMP) lint
	$(BIN)/pytest -q -n 2 suites tests/vendors tests/test_unit_*.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## kill-matrix: every defect and conforming variant of every mock → docs/kill-matrix.md
kill-matrix: $(STAMP)
	$(BIN)/python -m wsconform.killmatrix --out docs/kill-matrix.md

## bench: performance figures (not a test; prints numbers; about 2 minutes)
bench: $(STAMP)
	$(BIN)/python bench/run_time.py
	$(BIN)/python bench/fuzz_rate.py
	$(BIN)/python bench/probe_cost.py
	$(BIN)/python bench/mock_capacity.py

## bench-live: a default live run per profile against `wsconform mock` (about 4 minutes; figures)
bench-live: $(STAMP)
	$(BIN)/python bench/live_run.py

## flakes: run the whole suite N times (N ?= 20) and report any test whose outcome differs
N ?= 20
flakes: $(STAMP)
	$(BIN)/python -m wsconform.flakes --runs $(N)

clean:
	rm -rf $(VENV) $(INTEROP) tools/allure/node_modules reports/*/ reports/junit.xml reports/matrix.*
