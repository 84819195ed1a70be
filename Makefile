# The two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run load serve test test-fast lint typecheck format bench bench-issue20 bench-load bench-virtuoso bench-search bench-overlaps bench-maps bench-map-walks loadtest browser-deps system-deps clean

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

## test: set up, lint (ruff, the type checker and the import contracts), and run the whole suite
test: setup typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

## test-fast: lint and the fast tier (no browser, reasoner, server or child process; under 2
## minutes on two cores): what to run while working; `make test` stays the whole suite
test-fast: setup typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 -q -m "not slow" --hypothesis-profile=fast $(PYTEST_ARGS)

## lint: ruff, the type checker (mypy) and the layers' import contracts ([tool.importlinter])
lint: setup typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## typecheck: mypy on the package ([tool.mypy] in pyproject.toml). The repository root *is* the
## package, so mypy runs from a directory in the venv holding a `govgraph` link to the root;
## no network, and its cache stays in the venv
TYPECHECK_DIR := $(VENV)/typecheck
typecheck: setup
	mkdir -p $(TYPECHECK_DIR)
	ln -sfn $(CURDIR) $(TYPECHECK_DIR)/govgraph
	cd $(TYPECHECK_DIR) && $(abspath $(BIN))/mypy --config-file $(CURDIR)/pyproject.toml -p govgraph

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: store benchmarks at 10^4-10^6 triples per backend (BENCH_ARGS=--big adds 10^7), then
## the #20 figures (data version, search, chain, validation; maps register a section) as ratios
## against a raw lookup timed alternately in the same run: bench/results-<date>-issue20.md
bench: setup
	$(BIN)/python scripts/bench_store.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_issue20.py $(BENCH20_ARGS)

## bench-issue20: only the #20 figures (BENCH20_ARGS="--sizes 1e4,1e5 --n 30" for a quick run)
bench-issue20: setup
	$(BIN)/python scripts/bench_issue20.py $(BENCH20_ARGS)

## bench-load: peak RSS and time of `govgraph load` on a generated 10^6-triple N-Triples file,
## against pyoxigraph's own bulk load of it (BENCH_LOAD_ARGS=--validate adds a SHACL run)
bench-load: setup
	$(BIN)/python scripts/bench_load.py $(BENCH_LOAD_ARGS)

## bench-virtuoso: govgraph's loads and reloads into a Virtuoso of its own against Virtuoso's bulk
## loader (ld_dir + rdf_loader_run) on the same 10^6-triple file (BENCH_VIRTUOSO_ARGS="--triples 100000")
bench-virtuoso: setup
	$(BIN)/python scripts/bench_virtuoso_load.py $(BENCH_VIRTUOSO_ARGS)

## bench-search: the search index against a raw SPARQL lookup in the same run, bundled data
## and synthetic landscapes of 10^4-10^6 triples
bench-search: setup
	$(BIN)/python scripts/bench_search.py $(BENCH_SEARCH_ARGS)

## bench-overlaps: the overlap report on 10^5 synthetic organisations: load, then report in a
## fresh process from disk as `govgraph report overlaps` does (goal < 60 s, < 2 GB)
OVERLAP_STORE ?= bench/out/overlaps-store
bench-overlaps: setup
	rm -rf $(OVERLAP_STORE)
	$(BIN)/python scripts/bench_overlaps.py --orgs 100000 --store oxigraph:$(OVERLAP_STORE)
	$(BIN)/python scripts/bench_overlaps.py --orgs 100000 --store oxigraph:$(OVERLAP_STORE)

## bench-maps: request to first frame of the 10,000-node map and a hub's ego map, clustered
## against unclustered in one run (goals: 1 s and 0.5 s; printed as ratios)
bench-maps: setup
	$(BIN)/python scripts/bench_maps.py --clusters

## bench-map-walks: ego and landscape maps at 10^4-10^6 triples against a raw lookup (issue 20
## item 1); scripts/bench_map_walks.figures() gives the same lines to bench/results-<date>.md
bench-map-walks: setup
	$(BIN)/python scripts/bench_map_walks.py --sizes 1e4,1e5,1e6

## loadtest: 50 clients for 60 s against a server on loopback (LOADTEST_ARGS to change)
loadtest: setup
	$(BIN)/python scripts/load_test.py --clients 50 --seconds 60 --workers 2 $(LOADTEST_ARGS)

## system-deps: Debian's chromium (browser tests), Java 17 (HermiT) and OpenLink Virtuoso (the
## second SPARQL engine; the tests start their own server, so the system service stays off),
## when missing (root)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  printf '%s\n' \
	    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba' \
	    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba' \
	    'virtuoso-opensource-7 virtuoso-opensource-7/enable-at-startup boolean false' \
	    | debconf-set-selections; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

browser-deps: system-deps

clean:
	rm -rf $(VENV) .govgraph build *.egg-info .pytest_cache .ruff_cache .import_linter_cache
