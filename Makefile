# airflow-lakehouse: the two commands a newcomer needs are `make demo` and
# `make test`. Every target installs what it needs first.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# MWAA runs Airflow 3.3.1 on Python 3.12: take a Python 3.12 where there is one
# (on PATH, or installed by pyenv but not its global version), else 3.11 or 3.13,
# which Airflow supports too (override with `make PYTHON=...`). The test that
# replays MWAA's install needs 3.12 itself and says so where there is none.
PYTHON_CANDIDATES := python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	$(wildcard /usr/local/bin/python3.12) python3.11 python3.13 python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
LOCAL := .local

.PHONY: checkov terraform-inputs chromium mwaa-build-deps mwaa-replay help venv lock pg-start pg-stop pg-status seed airflow-init local-aws up down status compose-env demo test test-fast bench lint format clean package deploy

help:
	@echo "make demo    set everything up, seed the shop, show what is in it"
	@echo "make test    set up what tests need and run them"
	@echo "make test-fast   the edit loop: no end-to-end run, no browser"
	@echo "make lint    ruff lint and format check"
	@echo "make pg-start | pg-stop | pg-status   the embedded source Postgres"
	@echo "make seed [ORDERS=n]   (re)load the sample shop"
	@echo "make local-aws [PORT=4566]   the local AWS endpoint (S3, Glue, STS, Athena) in the foreground"
	@echo "make bench   benchmarks: print figures and ratios"
	@echo "make up | down | status   the local stack (Postgres, AWS endpoint, Airflow UI on :8080 or the next free port) in the background"
	@echo "make compose-env   .env for docker compose (docker-compose.yaml)"
	@echo "make lock    re-resolve constraints.txt (MWAA's runtime lock) and constraints-dev.txt"
	@echo "make mwaa-replay   install requirements.txt as MWAA does, on its image's packages; import the DAGs"
	@echo "make package   dist/: what MWAA takes (dags/ with include/ and the lock, plugins.zip, requirements.txt)"
	@echo "make deploy ENV=dev|prod   package, upload what changed, update MWAA only if plugins or requirements did"
	@echo "make terraform-inputs   regenerate terraform/lakehouse.json from include/pipeline.yaml"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt constraints-dev.txt
	@test -n "$(PYTHON)" || { echo "error: need Python 3.11 to 3.13 (3.12 is MWAA's); set PYTHON=..."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@mkdir -p $(LOCAL)
	@grep -v '^--constraint' requirements.txt > $(LOCAL)/requirements.runtime.txt
	# --compile-bytecode: pip writes .pyc files at install, uv does not; without them
	# every process compiles Airflow from source again where PYTHONDONTWRITEBYTECODE
	# is set (as on CI machines here), about 1 s more per DAG parse and task start.
	$(VENV)/bin/uv pip install --python $(PY) --quiet --compile-bytecode \
		-r $(LOCAL)/requirements.runtime.txt -r requirements-dev.txt -c constraints.txt -c constraints-dev.txt
	$(PY) -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "airflow_lakehouse.pth").write_text("$(CURDIR)\n$(CURDIR)/plugins\n")'
	@touch $@

venv: $(STAMP)

# Both locks: constraints.txt (what MWAA installs, inside its essential
# constraints and at its image's versions where we can) and constraints-dev.txt
# (local tools on top); see deploy/lock.py. Then checkov's own.
lock:
	@test -x $(VENV)/bin/uv || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet uv==$(UV_VERSION); }
	$(PY) -m deploy.lock
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --no-header \
		tools/checkov.in -o tools/checkov.lock.txt

pg-start: $(STAMP)
	$(PY) -m local.postgres start

pg-stop: $(STAMP)
	$(PY) -m local.postgres stop

pg-status: $(STAMP)
	$(PY) -m local.postgres status

ORDERS ?= 10000
seed: pg-start
	$(PY) -m local.shop seed --orders $(ORDERS)

PORT ?= 4566
local-aws: $(STAMP)
	$(PY) -m local.aws --port $(PORT)

# The local stack in the background: Postgres, the AWS endpoint with the
# lake's buckets, databases, workgroup and crawler, and .local/env.
up: $(STAMP)
	$(PY) -m local.stack up

down: $(STAMP)
	$(PY) -m local.stack down

status: $(STAMP)
	$(PY) -m local.stack status

# docker-compose users: the .env that docker-compose.yaml reads (generated secrets, gitignored)
compose-env: $(STAMP)
	$(PY) -m local.airflow_home compose-env

airflow-init: $(STAMP)
	$(PY) -m local.airflow_home init

demo: $(STAMP)
	$(PY) -m local.demo

# tests/conftest.py starts Postgres and migrates the Airflow home itself, so a
# bare `pytest` works too. pytest exits 5 when it collects nothing: that fails.
# Two pytest-xdist workers, each test file on one of them (the files of the
# shared end-to-end scenario together); the shared Postgres and Airflow home are
# set up first, once. `make test` keeps the order tests/conftest.py gives (the
# browser test and the scenario first, side by side); `make test-fast` lets
# xdist start with the files that have the most tests, which balances the two
# workers best when every file is short. Both print their 15 slowest tests.
PYTEST_WORKERS := -n 2 --dist loadfile
test: $(STAMP) chromium checkov mwaa-build-deps
	$(PY) -m local.airflow_home init
	$(PY) -m pytest $(PYTEST_WORKERS) --no-loadscope-reorder --durations=15

# The edit loop: everything but the tests marked slow (the DAG end to end,
# Airflow's services, MWAA's install replay, checkov) and the browser, on the
# same two workers (each with its own AWS endpoint).
test-fast: $(STAMP)
	$(PY) -m local.airflow_home init
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_WORKERS) --durations=15

# The web UI's browser test drives Debian's Chromium (Playwright downloads no browser).
# Installed where we can (root with apt); elsewhere the test is skipped, saying so.
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser test"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q chromium >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
		|| echo "warning: could not install chromium: the browser test will be skipped"; \
	else echo "note: chromium not found and not root: the browser test will be skipped"; fi

# The test that replays MWAA's install builds the image's package set, which
# includes psycopg2 from source (as MWAA's image does): that needs libpq's
# headers and pg_config. Installed where we can (root with apt).
mwaa-build-deps:
	@if command -v pg_config >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing libpq-dev (pg_config) for the MWAA install replay"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q libpq-dev >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y -q libpq-dev >/dev/null; } \
		|| echo "warning: could not install libpq-dev: the MWAA replay will fail building psycopg2"; \
	else echo "note: pg_config not found and not root: install libpq-dev (or postgresql-devel) for the MWAA replay"; fi

# checkov (terraform/'s static analysis, run by tests/terraform) has a virtualenv
# of its own: it pins a boto3 the Amazon provider cannot share. Where PyPI is out
# of reach the test is skipped, saying so.
CHECKOV_VENV := $(LOCAL)/tools/checkov
checkov: $(CHECKOV_VENV)/.installed
$(CHECKOV_VENV)/.installed: tools/checkov.in tools/checkov.lock.txt
	@test -n "$(PYTHON)" || { echo "error: need Python 3.11 to 3.13; set PYTHON=..."; exit 1; }
	@echo "installing checkov into $(CHECKOV_VENV)"
	@rm -rf $(CHECKOV_VENV) && $(PYTHON) -m venv $(CHECKOV_VENV) \
		&& $(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
		&& $(CHECKOV_VENV)/bin/uv pip install --python $(CHECKOV_VENV)/bin/python --quiet \
			-r tools/checkov.in -c tools/checkov.lock.txt \
		&& touch $@ \
		|| { rm -rf $(CHECKOV_VENV); echo "warning: could not install checkov: its test will be skipped"; }

# terraform/lakehouse.json: the names Terraform shares with the DAG, from
# include/pipeline.yaml and requirements.txt (a test fails when it is stale).
terraform-inputs: $(STAMP)
	$(PY) -m deploy.terraform_inputs

# dist/ for MWAA, and its upload: only changed objects; the environment is
# updated only when plugins.zip's or requirements.txt's version moved.
package: $(STAMP)
	$(PY) -m deploy.package

deploy: $(STAMP)
	@test -n "$(ENV)" || { echo "error: ENV is required: make deploy ENV=dev (or ENV=prod)"; exit 1; }
	$(PY) -m deploy.package
	$(PY) -m deploy.upload --env $(ENV)

# MWAA's requirements install replayed on its 3.3.1 image's package set, and the
# DAGs imported there (make test does this too, and runs a day on that worker).
mwaa-replay: $(STAMP) mwaa-build-deps
	$(PY) -m deploy.mwaa_replay

bench: $(STAMP)
	$(PY) bench/local_engine.py
	$(PY) bench/iam.py
	$(PY) bench/export.py
	$(PY) bench/split_export.py
	$(PY) bench/pipeline.py
	$(PY) bench/scale.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	-$(PY) -m local.stack down
	rm -rf $(LOCAL) $(VENV)
