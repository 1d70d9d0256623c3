# wsconform: `make certify` and `make test` are the whole quick start (README).
# The venv is created on first use and refreshed when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: certify test lint bench kill-matrix clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## certify: every profile's suite on its embedded mock; reports/ and the verdict table
certify: $(STAMP)
	$(BIN)/wsconform certify

## test: lint, then the conformance suites on the mocks plus the suite's own tests
test: $(STAMP) lint
	$(BIN)/pytest suites tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: performance figures (not a test; prints numbers)
bench: $(STAMP)
	$(BIN)/python bench/paradex.py

clean:
	rm -rf $(VENV) reports/*/ reports/junit.xml
