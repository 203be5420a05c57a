# Two commands do all the set-up on a fresh machine (see README.md):
#   make demo   install, generate demo data, load it, rebuild 6 month-ends of history, dbt build, summary
#   make test   install, then every test: dbt build on generated data, sqlfluff lint, pytest
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)/profiles

DEMO_CONTACTS ?= 10000
DEMO_DIR ?= data/demo
TEST_DIR ?= target/test-data
TEST_DB ?= $(CURDIR)/target/test-warehouse.duckdb
TEST_END_DATE ?= 2026-06-30

.PHONY: demo test install lint unit dbt-test lock clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

demo: install
	$(BIN)/segments generate --contacts $(DEMO_CONTACTS) --seed 42 --out $(DEMO_DIR)
	$(BIN)/segments load $(DEMO_DIR)
	$(BIN)/segments history --month-ends 6
	$(BIN)/segments build
	$(BIN)/segments summary
	$(BIN)/segments validate
	$(BIN)/segments report --out target/segments_report.html

test: install dbt-test lint unit

# dbt build on generated data with injected bad rows: models, seeds, data tests, unit tests.
dbt-test: install
	rm -f $(TEST_DB)
	$(BIN)/segments generate --contacts 3000 --seed 7 --end-date $(TEST_END_DATE) \
		--inject-bad-rows --out $(TEST_DIR)
	$(BIN)/segments load --lenient --database $(TEST_DB) $(TEST_DIR)
	$(BIN)/segments build --database $(TEST_DB) --as-of-date $(TEST_END_DATE)
	$(BIN)/segments validate --database $(TEST_DB) --out target/gx

lint: install
	$(BIN)/ruff check src tests/python
	SEGMENTS_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint models analyses tests

unit: install
	scripts/ensure_chromium.sh
	$(BIN)/pytest

lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e .
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^dbt-segments' > constraints.body
	{ head -3 constraints.txt; cat constraints.body; } > constraints.new && mv constraints.new constraints.txt
	rm -rf .venv-lock constraints.body

clean:
	rm -rf target logs data warehouse/*.duckdb* $(VENV)
