# One command per task. `make run` and `make test` are all a fresh machine needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= data/warehouse.duckdb
SOURCE ?= data/default_county

# Fetch the latest published files for LA (and load them): make refresh LA=850
LA ?=
FETCHED ?= data/fetched

.PHONY: refresh setup run test etl default-data bench bench-national bench-sessions bench-browser bench-ws bench-soak lint browser-deps office-deps deploy-deps

$(BIN)/activate: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $(BIN)/activate

# Debian's chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium fonts-dejavu-core >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium fonts-dejavu-core >/dev/null; }; }

# LibreOffice Impress (headless) and poppler's pdftoppm for the document tests (tests/documents):
# the briefing deck is opened and rendered as a room would see it. Lean: no recommended packages.
office-deps:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  PKGS="libreoffice-impress poppler-utils fonts-liberation fonts-dejavu-core"; \
	  $$SUDO apt-get install -y -q --no-install-recommends $$PKGS >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO apt-get install -y -q --no-install-recommends $$PKGS >/dev/null; }; }

# Debian's nginx and PostgreSQL for the deployment and shared-store tests (tests/deploy,
# tests/dashboard/store): the tests start their own servers; nothing is started here.
deploy-deps:
	@{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } && \
	  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q nginx-light postgresql openssl >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO apt-get install -y -q nginx-light postgresql openssl >/dev/null; }; }

setup: $(BIN)/activate browser-deps office-deps deploy-deps

# Generate the bundled fictional county (deterministic) and load it, only when no warehouse exists
# yet; then make sure the demo users exist (never overwrites real users).
default-data: $(BIN)/activate
	@if [ ! -e $(WAREHOUSE) ]; then \
	  $(BIN)/python -m etl.generate $(SOURCE) && \
	  $(BIN)/python -m etl load $(SOURCE) --warehouse $(WAREHOUSE); \
	fi
	SID_WAREHOUSE=$(WAREHOUSE) $(BIN)/python -m dashboard.demo_users

etl: $(BIN)/activate
	$(BIN)/python -m etl load $(SOURCE) --warehouse $(WAREHOUSE)

refresh: $(BIN)/activate
	@test -n "$(LA)" || { echo "make refresh needs LA=<three-digit LA code>"; exit 2; }
	$(BIN)/python -m etl fetch $(FETCHED) --la $(LA) $(FETCH_ARGS)
	$(BIN)/python -m etl load $(FETCHED) --warehouse $(WAREHOUSE)

run: $(BIN)/activate default-data
	$(BIN)/streamlit run dashboard/app.py --server.port 8501

# --durations: the slowest setups and tests are listed at the end of every run (CI's log says where
# the minutes go; tests/conftest.py SLOW_FIRST is ordered from them).
test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=30

# Benchmarks print figures (benchmarks/RESULTS.md records the last ones); nothing asserts on time.
# Generated sets and their warehouses are kept in $(BENCH_CACHE) between runs.
BENCH_CACHE ?= /tmp/sid-bench
SESSIONS ?= 30

bench: $(BIN)/activate default-data
	$(BIN)/python benchmarks/etl_load.py --skip-national --keep $(BENCH_CACHE)
	$(BIN)/python benchmarks/pupils.py
	$(BIN)/python benchmarks/pages.py --scale county --warehouse $(WAREHOUSE)
	$(BIN)/python benchmarks/visit_plan.py --warehouse $(WAREHOUSE)

# National size: ETL (about 3 GB RAM, minutes) then the pages on the same build.
bench-national: $(BIN)/activate
	$(BIN)/python benchmarks/etl_load.py --skip-county --keep $(BENCH_CACHE)
	$(BIN)/python benchmarks/pages.py --scale national --cache $(BENCH_CACHE)

# Concurrent browser sessions on a real server (heavy: run alone), and a 10-minute soak.
bench-sessions: $(BIN)/activate browser-deps default-data
	$(BIN)/python benchmarks/sessions.py --warehouse $(WAREHOUSE) --sessions $(SESSIONS)

# What a user's browser sees (one Chromium: filter change to settled page, sign-in to first page),
# and 50 users over Streamlit's websocket protocol without browsers (ARRIVALS=lockstep for bursts).
ARRIVALS ?= staggered
bench-browser: $(BIN)/activate browser-deps default-data
	$(BIN)/python benchmarks/browser.py --warehouse $(WAREHOUSE)

bench-ws: $(BIN)/activate default-data
	$(BIN)/python benchmarks/ws_sessions.py --warehouse $(WAREHOUSE) --sessions 50 --think 5 --arrivals $(ARRIVALS)

bench-soak: $(BIN)/activate browser-deps default-data
	$(BIN)/python benchmarks/sessions.py --warehouse $(WAREHOUSE) --sessions $(SESSIONS) --soak-minutes 10

lint: $(BIN)/activate
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
