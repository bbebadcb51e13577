# Two entry points that work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint format simulator bench clean postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/python app.py

simulator: $(STAMP_RUN)
	$(BIN)/python -m accbot.simulator --port 8765 --token $${ACC_API_TOKEN:-demo-token}

postgres:
	@bash scripts/ensure-postgres.sh

test: $(STAMP_DEV) postgres
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check accbot tests app.py benchmarks
	$(BIN)/ruff format --check accbot tests app.py benchmarks

format: $(STAMP_DEV)
	$(BIN)/ruff format accbot tests app.py benchmarks

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
