# POW Liaison: every set-up step a fresh machine needs is here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency pinned with hashes (pip-compile output); pyproject.toml keeps the ranges. `make lock` regenerates.
LOCK := requirements-test.lock
# `make test` runs pytest in parallel (pytest-xdist, one process per core); `make pytest` stays serial unless asked
# (PYTEST_WORKERS=auto), so a targeted run starts fast and does not crowd a shared machine.
PYTEST_WORKERS ?= 0
TEST_WORKERS ?= auto
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
	--no-emit-find-links

.PHONY: install lock run test fuzz lint typecheck pytest openapi migrate bench-lookup bench-import bench-mail bench-audit bench-http bench-intake clean portal-messages console-messages handovers-messages

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: re-resolve both lock files (the app's for the image, the app's plus
# the test extra's for development and CI), then `make install`. PIP_COMPILE_ARGS="--upgrade" moves every pin.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'pip-tools>=7.4'
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) --extra test --output-file requirements-test.lock pyproject.toml

run: install
	mkdir -p var var/inbox
	cp docs/mail-samples/*.eml var/inbox/  # demo emails for the console inbox (stored once: same Message-IDs)
	$(BIN)/liaison migrate
	$(BIN)/liaison seed --demo
	$(BIN)/liaison serve

lint: install
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy app

# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
pytest: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

test: lint typecheck
	$(MAKE) pytest PYTEST_WORKERS=$(TEST_WORKERS)

openapi: install
	$(BIN)/liaison openapi

migrate: install
	$(BIN)/liaison migrate

# Benchmarks (not part of `make test`): 1,000,000-person lookup against an exhaustive scan, and import throughput,
# each on SQLite and a throwaway PostgreSQL. BENCH_ARGS passes options (e.g. BENCH_ARGS="--persons 200000").
bench-lookup: install
	$(BIN)/python -m bench.lookup $(BENCH_ARGS)

bench-import: install
	$(BIN)/python -m bench.imports $(BENCH_ARGS)

# Email intake from a 10,000-message Dovecot mailbox, a worker killed half way (BENCH_ARGS="--messages 1000").
bench-mail: install
	$(BIN)/python -m bench.mail $(BENCH_ARGS)

# The project over HTTP against a bare FastAPI anchor, A/B/A/B, with wrk (Debian's `wrk` package; the bench
# refuses to start without it), on SQLite and PostgreSQL. Not run by `make test` or .ci/run.
bench-http: install
	$(BIN)/python -m bench.http $(BENCH_ARGS)

# Sealing and verifying the audit chain (236,522 events by default).
bench-audit: install
	$(BIN)/python -m bench.audit $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache .mypy_cache .ruff_cache tests/artifacts

# Re-extract the family portal's messages and merge them into the ru/uk catalogs (then translate the new entries).
portal-messages: install
	mkdir -p var
	$(BIN)/pybabel extract -F app/portal/babel.cfg -k N_ --no-location --sort-output -o var/portal.pot .
	for lang in ru uk; do $(BIN)/pybabel update -D portal -i var/portal.pot -d app/i18n/locale -l $$lang --no-fuzzy-matching --ignore-obsolete --width 120; done

# Re-extract the handovers' messages (travel instructions) and merge them into the ru/uk catalogs (then translate).
handovers-messages: install
	mkdir -p var
	$(BIN)/pybabel extract -F app/handovers/babel.cfg -k N_ --no-location --sort-output -o var/handovers.pot .
	for lang in ru uk; do $(BIN)/pybabel update -D handovers -i var/handovers.pot -d app/i18n/locale -l $$lang --no-fuzzy-matching --ignore-obsolete --width 120; done

# Re-extract the staff console's messages and merge them into the ru/uk catalogs (then translate the new entries).
console-messages: install
	mkdir -p var
	$(BIN)/pybabel extract -F app/console/babel.cfg -k N_ --no-location --sort-output -o var/console.pot .
	for lang in ru uk; do test -f app/i18n/locale/$$lang/LC_MESSAGES/console.po || $(BIN)/pybabel init -D console -i var/console.pot -d app/i18n/locale -l $$lang --width 120; \
	$(BIN)/pybabel update -D console -i var/console.pot -d app/i18n/locale -l $$lang --no-fuzzy-matching --ignore-obsolete --width 120; done

# POST /api/v1/inquiries p50/p95 at 1,000 / 10,000 / 100,000 open cases on a throwaway PostgreSQL, duplicate check
# included (BENCH_ARGS="--sizes 1000,5000 --requests 50" for a quick run).
bench-intake: install
	$(BIN)/python -m bench.intake $(BENCH_ARGS)
