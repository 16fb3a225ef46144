# Two commands matter: `make run` and `make test`. Both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make run` serves the synthetic demo, which never shares a file with real data.
DEMO_DB ?= data/demo.duckdb
PORT ?= 8501

.PHONY: run test test-moved-clock lint demo bench clean faults

$(VENV)/.installed-runtime: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed-runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DEMO_DB): | $(VENV)/.installed-runtime
	$(PY) -m safeguarding demo --db $(DEMO_DB)

run: $(VENV)/.installed-runtime $(DEMO_DB)
	SAFEGUARDING_DB=$(DEMO_DB) $(PY) -m streamlit run dashboard.py --server.port $(PORT)

demo: $(VENV)/.installed-runtime
	$(PY) -m safeguarding demo --db $(DEMO_DB)

# The large-trust benchmark (bench/README.md). It is not in the installed package, so it runs
# from this folder: `make bench BENCH_OPTIONS="--repeat 3"` passes options.
BENCH_OPTIONS ?=

bench: $(VENV)/.installed-runtime
	$(PY) -m bench $(BENCH_OPTIONS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The suite runs on the tests' own clock (tests/conftest.py), split over every core.
TEST_WORKERS ?= auto

test: $(VENV)/.installed-dev lint
	$(PY) -m pytest -n $(TEST_WORKERS)

# The whole suite again with the machine's clock moved (Debian's faketime): anything that reads
# the real clock behind safeguarding/clock.py's back, DuckDB's own clock included, fails here.
MOVED_CLOCK ?= 2027-10-14 09:00

test-moved-clock: $(VENV)/.installed-dev
	faketime '$(MOVED_CLOCK)' $(PY) -m pytest -n $(TEST_WORKERS)

faults: $(VENV)/.installed-dev
	FAULT_REPETITIONS=$${FAULT_REPETITIONS:-50} $(PY) -m pytest tests/test_fault_injection.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
