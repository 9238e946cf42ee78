# The two set-up commands of README.md are `make demo` and `make test`.
# Each installs what is missing (apt packages as root, .venv) and then does its job.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint format bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	@touch $(STAMP)

demo: setup
	$(BIN)/marriage-archive demo

test: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
