# POW Liaison: every set-up step a fresh machine needs is here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest openapi migrate bench-lookup bench-import clean portal-messages console-messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	mkdir -p var
	$(BIN)/liaison migrate
	$(BIN)/liaison seed --demo
	$(BIN)/liaison serve

lint: install
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench

typecheck: install
	$(BIN)/mypy app

# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
pytest: install
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

test: lint typecheck pytest

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

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache .mypy_cache .ruff_cache tests/artifacts

# Re-extract the family portal's messages and merge them into the ru/uk catalogs (then translate the new entries).
portal-messages: install
	mkdir -p var
	$(BIN)/pybabel extract -F app/portal/babel.cfg -k N_ --no-location --sort-output -o var/portal.pot .
	for lang in ru uk; do $(BIN)/pybabel update -D portal -i var/portal.pot -d app/i18n/locale -l $$lang --no-fuzzy-matching --ignore-obsolete --width 120; done

# Re-extract the staff console's messages and merge them into the ru/uk catalogs (then translate the new entries).
console-messages: install
	mkdir -p var
	$(BIN)/pybabel extract -F app/console/babel.cfg -k N_ --no-location --sort-output -o var/console.pot .
	for lang in ru uk; do test -f app/i18n/locale/$$lang/LC_MESSAGES/console.po || $(BIN)/pybabel init -D console -i var/console.pot -d app/i18n/locale -l $$lang --width 120; \
	$(BIN)/pybabel update -D console -i var/console.pot -d app/i18n/locale -l $$lang --no-fuzzy-matching --ignore-obsolete --width 120; done
