# Two commands do all the set-up on a fresh machine (see README.md):
#   make demo   install, generate demo data, load it, rebuild 6 month-ends of history, dbt build, summary
#   make test   install, then every test: dbt build on generated data, sqlfluff lint, pytest, and the
#               same data built on PostgreSQL (throwaway server) and Spark (in-process), compared
#               row for row with DuckDB
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)/profiles

DEMO_CONTACTS ?= 10000
DEMO_DIR ?= data/demo
DEMO_DB ?= warehouse/segments.duckdb
DEMO_END_DATE := $(shell date -u +%F)
DEMO_CAMPAIGN_DATE := $(shell date -u -d "$(DEMO_END_DATE) -45 days" +%F)
TEST_DIR ?= target/test-data
TEST_DB ?= $(CURDIR)/target/test-warehouse.duckdb
TEST_END_DATE ?= 2026-06-30
TEST_HISTORY_DATE ?= 2026-05-31
# The prediction parameters DuckDB fitted for each date: the other engines score with them.
TEST_PARAMETERS_HISTORY ?= target/prediction-parameters-$(TEST_HISTORY_DATE).json
TEST_PARAMETERS ?= target/prediction-parameters-$(TEST_END_DATE).json

SPARK_DIR ?= $(CURDIR)/target/spark-warehouse

.PHONY: demo test install install-dev install-engines lint unit dbt-test test-postgres test-spark bench lock clean

# What the CLI needs at run time (make demo, dbt-test).
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

# The test and lint tools (extra dev).
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

# The test and lint tools, the other engines' adapters (extras postgres and spark) and the
# benchmark's peers (extra bench).
install-engines: $(VENV)/.installed-engines

$(VENV)/.installed-engines: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev,postgres,spark,bench]"
	touch $@

# The demo data ends today (UTC); its campaign (segments.generate, CAMPAIGN_*) was sent 45 days
# earlier: that day is built and the sync recorded, so campaign_results measures it. The demo
# warehouse is started afresh each time (its history must be recorded in date order), whatever
# SEGMENTS_DUCKDB_PATH says elsewhere.
demo: export SEGMENTS_DUCKDB_PATH := $(abspath $(DEMO_DB))
demo: install
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(BIN)/segments generate --contacts $(DEMO_CONTACTS) --seed 42 --end-date $(DEMO_END_DATE) --out $(DEMO_DIR)
	$(BIN)/segments load $(DEMO_DIR)
	$(BIN)/segments history --month-ends 6
	$(BIN)/segments build --as-of-date $(DEMO_CAMPAIGN_DATE) --no-publish
	$(BIN)/segments record-sync --audience onboard_new_customers --date $(DEMO_CAMPAIGN_DATE)
	$(BIN)/segments build --as-of-date $(DEMO_END_DATE)
	$(BIN)/segments summary
	$(BIN)/segments validate
	$(BIN)/segments report --out target/segments_report.html

test: install dbt-test lint unit test-postgres test-spark

# dbt build on generated data with injected bad rows and what real commerce data holds (order
# discounts, guests, orders without lines, shipping and tax, dated refunds): models, seeds, snapshot,
# data tests, unit tests; one earlier date recorded first, so the build's snapshot records a change
# of segments.
dbt-test: install
	rm -f $(TEST_DB)
	$(BIN)/segments generate --contacts 3000 --seed 7 --end-date $(TEST_END_DATE) \
		--inject-bad-rows --commerce-cases --out $(TEST_DIR)
	$(BIN)/segments load --lenient --database $(TEST_DB) $(TEST_DIR)
	$(BIN)/segments history --database $(TEST_DB) --dates $(TEST_HISTORY_DATE)
	$(BIN)/segments parameters --database $(TEST_DB) --out $(TEST_PARAMETERS_HISTORY)
	$(BIN)/segments build --database $(TEST_DB) --as-of-date $(TEST_END_DATE)
	$(BIN)/segments parameters --database $(TEST_DB) --out $(TEST_PARAMETERS)
	$(BIN)/segments validate --database $(TEST_DB) --out target/gx

# The dbt-test data on PostgreSQL: a throwaway server (scripts/with_postgres.sh), bulk load, one
# dbt build, then every mart compared row for row with the DuckDB build of dbt-test.
test-postgres: install-engines
	@test -f $(TEST_DB) || { echo "test-postgres compares with $(TEST_DB): run make dbt-test first" >&2; exit 1; }
	@start=$$(date +%s); \
	DBT_TARGET_PATH=target/postgres DBT_LOG_PATH=logs/postgres scripts/with_postgres.sh bash -c '\
		$(BIN)/segments load --lenient --target postgres $(TEST_DIR) && \
		SEGMENTS_PREDICTION_PARAMETERS="$$(cat $(TEST_PARAMETERS_HISTORY))" \
			$(BIN)/segments history --target postgres --dates $(TEST_HISTORY_DATE) && \
		SEGMENTS_PREDICTION_PARAMETERS="$$(cat $(TEST_PARAMETERS))" \
			$(BIN)/segments build --target postgres --as-of-date $(TEST_END_DATE) && \
		$(BIN)/segments compare-engines --database $(TEST_DB) --postgres'; \
	status=$$?; echo "test-postgres: $$(( $$(date +%s) - start )) s"; exit $$status

# The same data on Spark (in-process pyspark, Java 17+), as a lake holds it: typed Parquet files
# (INTEGER, BOOLEAN, DECIMAL, TIMESTAMP, TIMESTAMP_NTZ; _fivetran_synced, _fivetran_deleted; the
# rows a typed loader refuses left out: tests/python/typed_raw.py) read in place, one dbt build
# (each dbt command pays ~17 s of JVM start-up), then the marts compared with DuckDB's text build.
test-spark: install-engines
	@test -f $(TEST_DB) || { echo "test-spark compares with $(TEST_DB): run make dbt-test first" >&2; exit 1; }
	scripts/ensure_java.sh
	rm -rf $(SPARK_DIR)
	@start=$$(date +%s); \
	export SEGMENTS_SPARK_DIR=$(SPARK_DIR) DBT_TARGET_PATH=target/spark DBT_LOG_PATH=logs/spark; \
	$(BIN)/python tests/python/typed_raw.py --database $(TEST_DB) --parquet-dir $(SPARK_DIR)/raw && \
	loader_vars="$$(cat $(SPARK_DIR)/raw/loader-vars.json)" && \
	SEGMENTS_PREDICTION_PARAMETERS="$$(cat $(TEST_PARAMETERS_HISTORY))" \
		$(BIN)/segments history --target spark --dates $(TEST_HISTORY_DATE) --vars "$$loader_vars" && \
	SEGMENTS_PREDICTION_PARAMETERS="$$(cat $(TEST_PARAMETERS))" \
		$(BIN)/segments build --target spark --as-of-date $(TEST_END_DATE) --vars "$$loader_vars" && \
	$(BIN)/segments compare-engines --database $(TEST_DB) --spark-dir $(SPARK_DIR); \
	status=$$?; echo "test-spark: $$(( $$(date +%s) - start )) s"; exit $$status

lint: install-dev
	$(BIN)/ruff check src tests/python
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint models analyses tests
	# the source presets' models exist only when switched on: lint them with every preset on
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint --config .sqlfluff-presets models/staging/presets

# pytest runs beside a throwaway PostgreSQL server (tests/python/test_engines.py loads into it), on
# PYTEST_WORKERS processes (pytest-xdist; 0 = one process), a test module per worker at a time
# (--dist loadfile: its module-scoped builds run once); each worker has its own dbt target and log
# folders and its own database on the server (tests/python/conftest.py).
PYTEST_WORKERS ?= 2
unit: install-engines
	scripts/ensure_chromium.sh
	scripts/with_postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

# The benchmark of docs/benchmarks.md (dbt build against its one-statement floor, pandas and polars).
# BENCH_SCALES=S M L for every scale (L = 5M contacts takes hours); rewrites docs/benchmarks.md.
BENCH_SCALES ?= S M
bench: install-engines
	$(BIN)/python benchmarks/bench.py --scales $(BENCH_SCALES)

lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e ".[dev,postgres,spark,bench]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^dbt-segments' > constraints.body
	{ head -3 constraints.txt; cat constraints.body; } > constraints.new && mv constraints.new constraints.txt
	rm -rf .venv-lock constraints.body

clean:
	rm -rf target logs data warehouse/*.duckdb* $(VENV)
