# E-Qazyna: everything a fresh checkout needs, with no root and no Docker.
#   make run    set up, load the demo, run web + Celery worker + beat (Ctrl-C stops them)
#   make test   set up, run the whole test suite against the real PostgreSQL and Redis
#   make bench  national-scale benchmarks: NOBD import + checks, monthly acts, a 600 k-row contingent
#               file through the API, a 10-minute load test of every role, the lists at national size
#               (print their figures; LOAD_ARGS="--minutes 1" for a shorter load test,
#               WEB_BENCH_ARGS="--scale 0.05" for smaller lists), and the open data's pages and API
#               (OPEN_BENCH_ARGS="--scale 0.05" for a smaller country)
#   make stop   stop the embedded PostgreSQL and Redis

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONUNBUFFERED := 1

.PHONY: run test bench setup venv frontend servers migrate messages makemessages stop lint clean-data

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node_modules/.installed

servers: venv
	$(PY) -m eqazyna.embedded start

migrate: servers
	$(MANAGE) migrate --noinput

messages: venv
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else \
		echo "msgfmt (GNU gettext) not found: compiling the catalogues with polib"; $(PY) scripts/po_compile.py; \
	fi

setup: venv frontend servers migrate messages

run: setup
	$(MANAGE) seed_demo
	@echo ""
	@echo "E-Qazyna is starting at http://$(HOST):$(PORT)/kk/  (health: http://$(HOST):$(PORT)/health/, API docs: http://$(HOST):$(PORT)/api/docs/)"
	@echo "Web server, Celery worker and Celery beat run below; Ctrl-C stops them all."
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: setup
	$(MANAGE) bench $(BENCH_ARGS)
	$(MANAGE) bench_acts
	$(MANAGE) bench_contingent_api
	$(MANAGE) bench_load $(LOAD_ARGS)
	$(MANAGE) bench_web $(WEB_BENCH_ARGS)
	$(MANAGE) bench_opendata $(OPEN_BENCH_ARGS)

makemessages: venv
	$(MANAGE) makemessages -l kk -l ru -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=.data --no-obsolete --no-location

stop:
	@test -x $(PY) && $(PY) -m eqazyna.embedded stop || true

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

clean-data: stop
	rm -rf .data
