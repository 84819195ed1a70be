# The two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run load serve test lint format bench loadtest browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

## run: set up, load the bundled landscape into the embedded store, and serve it
run: setup load serve

load: setup
	$(BIN)/govgraph load

serve: setup
	$(BIN)/govgraph serve --host $(HOST) --port $(PORT)

## test: set up, lint, and run the whole test suite
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: store benchmarks at 10^4-10^6 triples per backend (BENCH_ARGS=--big adds 10^7)
bench: setup
	$(BIN)/python scripts/bench_store.py $(BENCH_ARGS)

## loadtest: 50 clients for 60 s against a server on loopback (LOADTEST_ARGS to change)
loadtest: setup
	$(BIN)/python scripts/load_test.py --clients 50 --seconds 60 --workers 2 $(LOADTEST_ARGS)

## browser-deps: Debian's chromium for the browser tests (needs root)
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) .govgraph build *.egg-info .pytest_cache .ruff_cache
