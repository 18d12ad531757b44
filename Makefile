# The two commands a newcomer needs: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.11 of: 3.13 or 3.12 on PATH, a 3.12 that pyenv installed but does not put on PATH (its
# shims answer only for the selected version), then 3.11 or python3. 3.12+ lets coverage trace through sys.monitoring,
# which costs the suite about a third less time than 3.11's tracer (pyproject.toml, [tool.coverage.run]).
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -1) python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test test-fast test-slow test-sqlite lint format services browser migrate demo lock bench compose-check scale-check clean

help:
	@echo "make run      install, migrate, load the demo catalog, start web + worker + beat (embedded defaults)"
	@echo "make test     install, start services, lint, run both test lanes (set DATABASE_URL / REDIS_URL to pick them)"
	@echo "make lint     ruff (lint + format check), import-linter contracts and mypy"
	@echo "make bench    run the benchmarks in bench/"
	@echo "make lock     re-pin requirements/constraints.txt after changing pyproject.toml"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required and none was found on PATH." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} DEMO_FEEDS=$${DEMO_FEEDS:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_questions
	$(BIN)/python manage.py checks_generate

run: demo
	@echo ""
	@echo "  Learn ⚡ is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo "  Demo sign-ins are listed in README.md. Emails (verification, reset) are printed below."
	@echo ""
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} DEMO_FEEDS=$${DEMO_FEEDS:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} HOST=$(HOST) PORT=$(PORT) $(BIN)/python platform/honcho_run.py -f platform/Procfile -d . start

services:
	@bash scripts/services.sh

browser:
	@bash scripts/browser.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy accounts config core $(wildcard lessons credits tutor gamification privacy ingest practice purchases api demo)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Two lanes (README.md, "Tests"). The fast lane runs in parallel (pytest-xdist; each worker process has its own test
# database, Redis database and VAR_DIR folder: config/settings/test.py). The slow lane holds the tests marked slow,
# worker, e2e, schemathesis, load or state_machine: real worker processes, browsers, whole stacks, long runs. It runs
# in two processes too (each with its own database, Redis database, folder, free ports, browser and Celery workers);
# tests that must not overlap share an xdist_group (--dist loadgroup keeps a group on one process).
PYTEST_WORKERS ?= auto
SLOW_WORKERS ?= 2
FAST_LANE := -m "not slow" -n $(PYTEST_WORKERS)
SLOW_LANE := -m slow -n $(SLOW_WORKERS) --dist loadgroup
# Line coverage of both lanes together may not fall below this (measured: README.md, "Tests").
COVERAGE_FLOOR := 94
# pytest exits 5 when it selects no test: a lane that PYTEST_ARGS (say -k) leaves empty has not failed.
lane = $(1) $(BIN)/pytest $(2) $(PYTEST_ARGS) || { status=$$?; [ $$status -eq 5 ] && echo "(this lane has no test for PYTEST_ARGS)" || exit $$status; }

test: install services browser lint
	@rm -f .coverage .coverage.*
	$(call lane,,$(FAST_LANE) --cov --cov-report=)
	$(call lane,,$(SLOW_LANE) --cov --cov-append --cov-report=)
	@if [ -z "$(PYTEST_ARGS)" ]; then echo "coverage floor: $(COVERAGE_FLOOR) %"; \
	  set -o pipefail; $(BIN)/coverage report --fail-under=$(COVERAGE_FLOOR) | grep -E '^TOTAL|fail-under'; fi

# One lane on the configured database, without lint or coverage.
test-fast: install
	$(call lane,,$(FAST_LANE))

test-slow: install services browser
	$(call lane,,$(SLOW_LANE))

# The fast lane on the embedded defaults (SQLite and the filesystem broker), which `make run` uses.
test-sqlite: install
	$(call lane,env -u DATABASE_URL -u REDIS_URL,$(FAST_LANE))

bench: install services
	@command -v wrk >/dev/null 2>&1 || { $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq wrk >/dev/null; }
	@for f in bench/ledger.py bench/tutor.py bench/tutor_quality.py bench/pages.py bench/ingest.py bench/suggestions.py bench/search.py bench/worker_stop.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Two gunicorn nodes and two Celery workers behind HAProxy on PostgreSQL + Redis (set DATABASE_URL and REDIS_URL).
scale-check: install services
	@command -v haproxy >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 || { $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq haproxy wrk >/dev/null; }
	$(BIN)/python scripts/scale_check.py

compose-check: install
	$(BIN)/python scripts/compose_check.py docker-compose.yml

lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^learnplatform' > requirements/constraints.txt

clean:
	rm -rf var/cache var/celery var/xdist var/ci-sqlite var/test-db.sqlite3* .coverage .coverage.*
