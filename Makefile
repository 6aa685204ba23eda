# The two commands: `make run` (demo on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fuzz soak install install-test migrate bench bench-first-load bench-import clean translations translations-update screenshots dist

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

# One test process per CPU (pytest-xdist; a worker that runs out takes tests queued for
# another); PYTEST_ARGS="-n 0 tests/test_x.py" for one file.
test: install-test
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

# The source distribution and the wheel in dist/ (templates, static files, catalogs and
# migrations inside; setup.py copies static/ and migrations/ into the package). Install
# anywhere with `pip install dist/widget-*.whl`; then the `widget` command (README).
dist: install-test
	rm -rf dist
	$(BIN)/python -m build --outdir dist

# The property tests with a long budget and a new seed each run (CI runs them briefly,
# with a fixed seed): tests/test_fuzz.py and the route-table fuzzer in every state.
fuzz: install-test
	WIDGET_FUZZ_PROFILE=deep $(BIN)/python -m pytest -n auto -p no:cacheprovider \
	  tests/test_fuzz.py tests/test_fuzz_routes.py $(PYTEST_ARGS)

# Ten minutes of mixed traffic on two gunicorn instances over a PostgreSQL and a Redis of
# its own (temporary folder, own ports), PostgreSQL restarted and Redis stopped for a
# minute mid-run; checks every accepted post is stored once, no 500, flat worker memory.
# SOAK_SECONDS=30 for a short one (tests/test_soak.py runs that in CI).
SOAK_SECONDS ?= 600
soak: install-test
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS)

# Seed threads of 10 to 5,000 comments, serve them with gunicorn (SQLite, and PostgreSQL
# when WIDGET_TEST_DATABASE_URL is set), measure with wrk beside Isso 0.14 (installed once
# into bench/.venv-isso); prints a table and writes bench/results/latest.json. A few
# minutes. BENCH_SECONDS=3 for shorter wrk runs, BENCH_ARGS=--quick for a smoke test.
bench: install
	BENCH_SECONDS=$(BENCH_SECONDS) $(BIN)/python -m bench.run $(BENCH_ARGS)

bench-first-load: install  # the first load of the 200-comment thread beside Isso's, in seconds (issue 15)
	$(BIN)/python -m bench.first_load --isso

bench-import: install  # import a generated 100,000-comment Disqus export; prints time and peak RSS
	$(BIN)/python bench/import_big.py $(COMMENTS)

# Languages: extract the messages, merge them into every catalog, compile the .mo files
# (committed, so an install needs no step of its own). A new language:
#   $(BIN)/pybabel init -i widget/translations/messages.pot -d widget/translations -l LANG
BABEL := $(BIN)/pybabel
BABEL_KEYWORDS := -k _l -k lazy_gettext -k plural_forms:1,2 -k count_text:1,2 -k words -k counted_words:1,2

translations-update: install
	$(BABEL) extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
	  --project widget --copyright-holder "widget contributors" \
	  -o widget/translations/messages.pot .
	$(BABEL) update -i widget/translations/messages.pot -d widget/translations --no-fuzzy-matching

translations: translations-update
	$(BABEL) compile -d widget/translations --statistics

# PNGs of the demo for the README: light, dark, 320 px, Arabic (right to left).
screenshots: install-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) instance .pytest_cache bench/.venv-isso build dist
