# wsconform: `make certify` and `make test` are the whole quick start (README).
# The venv is created on first use and refreshed when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The interop venv: python-ethgas (web3 and all) for tests/interop, kept out of the suite's venv.
INTEROP := .venv-interop
VENV_INTEROP := $(INTEROP)/.installed
# The official AsyncAPI JSON Schemas (npm @asyncapi/specs), which tests/test_asyncapi.py
# validates the generated documents against.
ASYNCAPI_SPECS := tools/asyncapi/node_modules/.installed
# ccxt (ccxt.pro.paradex) for tests/test_interop_ccxt_paradex.py, in a venv of its own too.
CCXT := .venv-ccxt
VENV_CCXT := $(CCXT)/.installed
# The Motif interop project (tests/interop/motif): typescript and ws from npm, as locked.
MOTIF := tests/interop/motif
MOTIF_NODE := $(MOTIF)/node_modules/.installed
# Real GraphQL-over-WebSocket servers the graphql-ws profile is judged against
# (tests/real_graphql_servers.py): strawberry-graphql and ariadne under uvicorn in a venv of their
# own, the graphql-ws reference server and Apollo Server from npm, as locked.
GRAPHQL := .venv-graphql
VENV_GRAPHQL := $(GRAPHQL)/.installed
GRAPHQL_PY := tests/graphql_servers/python
GRAPHQL_NODE_DIR := tests/graphql_servers/node
GRAPHQL_NODE := $(GRAPHQL_NODE_DIR)/node_modules/.installed

.PHONY: certify test check lint bench bench-live kill-matrix graphql-matrix clean flakes

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,soak]'
	touch $(STAMP)

$(VENV_INTEROP): constraints-interop.txt
	$(PYTHON) -m venv $(INTEROP)
	$(INTEROP)/bin/pip install --quiet --disable-pip-version-check -c constraints-interop.txt \
		python-ethgas==0.3.0
	touch $(VENV_INTEROP)

$(ASYNCAPI_SPECS): tools/asyncapi/package-lock.json
	cd tools/asyncapi && npm ci --no-audit --no-fund --loglevel=error
	touch $(ASYNCAPI_SPECS)

$(VENV_CCXT): constraints-ccxt.txt
	$(PYTHON) -m venv $(CCXT)
	$(CCXT)/bin/pip install --quiet --disable-pip-version-check -c constraints-ccxt.txt ccxt==4.5.90
	touch $(VENV_CCXT)

# Without npm the Motif interop test skips, saying so: make test goes on without it.
$(MOTIF_NODE): $(MOTIF)/package.json $(MOTIF)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(MOTIF) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: tests/test_interop_motif.py will skip"; fi

$(VENV_GRAPHQL): $(GRAPHQL_PY)/constraints.txt
	$(PYTHON) -m venv $(GRAPHQL)
	$(GRAPHQL)/bin/pip install --quiet --disable-pip-version-check -c $(GRAPHQL_PY)/constraints.txt \
		strawberry-graphql ariadne uvicorn websockets starlette PyJWT cryptography
	touch $(VENV_GRAPHQL)

# Without npm the graphql-ws and Apollo servers' tests skip, saying so.
$(GRAPHQL_NODE): $(GRAPHQL_NODE_DIR)/package.json $(GRAPHQL_NODE_DIR)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(GRAPHQL_NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the graphql-ws and apollo servers' tests will skip"; fi

## certify: every profile's suite on its embedded mock → reports/: results, signed bundles, matrix, Allure
certify: $(STAMP)
	$(BIN)/wsconform certify

# Python caches compiled modules, and pytest the modules it rewrites, even where the environment
# says not to (PYTHONDONTWRITEBYTECODE): the tests start hundreds of pytest processes, and each
# would compile them again (about 1 s of CPU).
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest

## test: lint, then everything CI runs: the conformance suites on the mocks and the suite's own
## tests, system tests included, in 4 pytest-xdist workers (their child processes wait as much as
## they compute). The tests that bound a wall time (-m timed) run last, with the machine to
## themselves (about 2 min): a bound measured beside the kill matrix, or while a fresh machine
## still writes out its installs, measures the machine. Both parts run whatever the first gives;
## either failing fails. 13-16 min on 2 cores.
test: $(STAMP) $(VENV_INTEROP) $(VENV_CCXT) $(ASYNCAPI_SPECS) $(MOTIF_NODE) $(VENV_GRAPHQL) \
		$(GRAPHQL_NODE) lint
	status=0; \
	$(PYTEST) -n 4 --dist loadgroup --no-loadscope-reorder -m "not timed" suites tests || status=1; \
	$(PYTEST) -n 4 -m timed tests || status=1; \
	exit $$status

## check: the edit loop (about 30 s): lint, then the conformance suites on the mocks and every
## test that starts no child process (-m "not system": no kill matrix, no live runs), 2 workers
check: $(STAMP) lint
	$(PYTEST) -q -n 2 -m "not system" suites tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## kill-matrix: every defect and conforming variant of every mock → docs/kill-matrix.md
kill-matrix: $(STAMP)
	$(BIN)/python -m wsconform.killmatrix --out docs/kill-matrix.md

## graphql-matrix: the graphql-ws profile against each real server → docs/graphql-ws-servers.md
graphql-matrix: $(STAMP) $(VENV_GRAPHQL) $(GRAPHQL_NODE)
	PYTHONPATH=tests $(BIN)/python tests/graphql_servers_matrix.py

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
	rm -rf $(VENV) $(INTEROP) $(CCXT) $(GRAPHQL) $(MOTIF)/node_modules $(MOTIF)/build \
		$(GRAPHQL_NODE_DIR)/node_modules \
		tools/allure/node_modules tools/asyncapi/node_modules reports/*/ reports/junit.xml reports/matrix.*
