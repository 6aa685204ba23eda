# The two commands: `make run` (demo on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test migrate bench bench-import clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) demo --origin http://$(HOST):$(PORT) --origin http://localhost:$(PORT)
	WIDGET_DEMO=true $(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench-import: install  # import a generated 100,000-comment Disqus export; prints time and peak RSS
	$(BIN)/python bench/import_big.py $(COMMENTS)

clean:
	rm -rf $(VENV) instance .pytest_cache
