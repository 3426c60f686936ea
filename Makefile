# One command per task. `make run` and `make test` are all a fresh machine needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= data/warehouse.duckdb
SOURCE ?= data/default_county

.PHONY: setup run test etl default-data bench lint browser-deps

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

setup: $(BIN)/activate browser-deps

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

run: $(BIN)/activate default-data
	$(BIN)/streamlit run dashboard/app.py --server.port 8501

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(BIN)/activate default-data
	$(BIN)/python benchmarks/etl_load.py
	$(BIN)/python benchmarks/pupils.py
	$(BIN)/python benchmarks/pages.py --warehouse $(WAREHOUSE)

lint: $(BIN)/activate
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
