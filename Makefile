# Two commands do all the set-up on a fresh machine (Python 3.11+, pip, make):
#   make serve   install into .venv, build the demo station if there is no database yet, serve the apps
#   make test    install into .venv with the test extra, run the whole suite
#   make lab     (analysts) JupyterLab in Chinese on copies of the analysis notebooks in data/analysis
#   make hub     a street on one server: each person signs in (JupyterHub; needs npm's configurable-http-proxy)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB_FILE := data/station.db

.PHONY: serve lab hub test install install-test bench bench-city clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	@if [ -z "$$STATION_KIT_DB_URL" ]; then $(BIN)/station-kit demo --if-new; fi
	$(BIN)/station-kit serve $(SERVE_ARGS)

# JupyterLab in Chinese for analysts, on their copies of workbooks/analysis (in data/analysis).
lab: install
	@if [ -z "$$STATION_KIT_DB_URL" ]; then $(BIN)/station-kit demo --if-new; fi
	$(BIN)/station-kit lab $(LAB_ARGS)

# A street on one server: JupyterHub signs people in, the apps run as its service. HUB_ARGS, e.g.
# HUB_ARGS="--admin gaozhanzhang" on the first run (the password is asked for).
hub: install
	$(BIN)/station-kit hub --demo $(HUB_ARGS)

# Workers for make test (pytest-xdist): one runs the browser tests, one server at a time, while the
# others run the rest module by module (conftest.py says which tests go together). Three on two cores:
# the tests wait (for pages, servers, PostgreSQL) more than they compute, and a server's kernels are
# forks that cost little. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 3

# The slowest tests are printed at the end of every run (CI's log included), where the time goes.
test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=25 $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# A city on PostgreSQL (200 stations, about 20 million service records; about 20 minutes to build, 5 GB
# of disk in a temp folder): every figure beside a hand-written SQL floor. CITY_ARGS="--db URL" measures
# a city built before (`station-kit demo --stations 200 --db URL`); "--explain" adds the slowest plans.
bench-city: install-test
	$(BIN)/python -m benchmarks.city $(CITY_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
