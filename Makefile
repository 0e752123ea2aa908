# Cercle — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run run-scaled chaos load-scaled test install install-dev lint typecheck messages lock check clean bench bench-quick

$(BIN)/python:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Using $$python ($$($$python --version))"; \
	$$python -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

## Run Cercle with the French demo company on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/cercle migrate --noinput
	$(BIN)/cercle demo --if-empty
	$(BIN)/cercle reindex --if-empty --quiet
	$(BIN)/cercle serve --port $(PORT)

## Scaled mode on this machine: PostgreSQL, Redis, S3 (moto), two web servers, a worker
run-scaled: install-dev
	$(BIN)/python scaled/run.py --port $(PORT)

## The fault proofs on the scaled mode: kill -9, a worker killed, PostgreSQL and Redis stopped
chaos: install-dev
	$(BIN)/python scaled/chaos.py

## The load test on the scaled mode: locust, 50 simulated employees for 5 minutes
load-scaled: install-dev
	$(BIN)/python scaled/load.py

## Run the whole test suite (browser tests included when Chromium is installed)
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy cercle scaled

## Production checks: no missing migration, deploy checklist clean
check: install-dev
	$(BIN)/cercle makemigrations --check --dry-run
	CERCLE_HTTPS=1 CERCLE_SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
		ALLOWED_HOSTS=cercle.example.com EMAIL_HOST=smtp.example.com \
		CERCLE_SITE_URL=https://cercle.example.com \
		$(BIN)/cercle check --deploy --fail-level WARNING

## Extract and compile translations (needs GNU gettext)
messages: install-dev
	cd cercle && ../$(BIN)/cercle makemessages -l fr -l en --no-obsolete --no-location --ignore 'tests/*'
	cd cercle && ../$(BIN)/cercle compilemessages

## Re-pin dependencies after editing pyproject.toml
lock: install-dev
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 --universal -q -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 --universal -q -o requirements/dev.lock

## Benchmarks (see bench/README.md). The quick one: SQLite, ~50k posts, a few minutes.
BENCH_DIR ?= /tmp/cercle-bench
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/cercle_bench
BENCH_SHAPE = --users 10000 --follows-per-user 100 --communities 800 --memberships-per-user 8 --seed 1

bench-quick: install-dev
	CERCLE_DATA_DIR=$(BENCH_DIR)/quick $(BIN)/python bench/generate.py --users 2000 --posts 50000 \
		--follows-per-user 100 --communities 200 --memberships-per-user 8 --seed 1 --reset --quiet \
		--output $(BENCH_DIR)/quick/dataset.json
	CERCLE_DATA_DIR=$(BENCH_DIR)/quick $(BIN)/python bench/run.py --label quick

## The standard set: 100k and 1M posts, on SQLite and on PostgreSQL (long: tens of minutes).
bench: install-dev
	@command -v wrk >/dev/null || { echo "The load test needs wrk: apt-get install -y wrk"; exit 1; }
	createdb -h 127.0.0.1 -U postgres cercle_bench 2>/dev/null || true
	for posts in 100000 1000000; do \
		CERCLE_DATA_DIR=$(BENCH_DIR)/sqlite-$$posts $(BIN)/python bench/generate.py $(BENCH_SHAPE) \
			--posts $$posts --reset --quiet --output $(BENCH_DIR)/sqlite-$$posts.json && \
		CERCLE_DATA_DIR=$(BENCH_DIR)/sqlite-$$posts $(BIN)/python bench/run.py --append \
			--label $$posts && \
		CERCLE_DATA_DIR=$(BENCH_DIR)/sqlite-$$posts $(BIN)/python bench/load.py --append \
			--label $$posts && \
		DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python bench/generate.py $(BENCH_SHAPE) \
			--posts $$posts --reset --quiet --output $(BENCH_DIR)/pg-$$posts.json && \
		CERCLE_DATA_DIR=$(BENCH_DIR)/pg DATABASE_URL=$(BENCH_PG_URL) \
			$(BIN)/python bench/run.py --append --label $$posts && \
		CERCLE_DATA_DIR=$(BENCH_DIR)/pg DATABASE_URL=$(BENCH_PG_URL) \
			$(BIN)/python bench/load.py --append --label $$posts \
		|| exit 1; \
	done
	-$(BIN)/python bench/budgets.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
