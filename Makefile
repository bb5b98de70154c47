# POW Liaison: every set-up step a fresh machine needs is here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest openapi migrate bench-lookup bench-import clean

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

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache .mypy_cache .ruff_cache tests/artifacts
