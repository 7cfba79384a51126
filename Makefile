# QA Desk: `make run` (install, create the instance, load demo data, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
QADESK := $(VENV)/bin/qadesk
INSTANCE ?= instance
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-sqlite test-postgres test-unit test-dates system-deps bench bench-scale clean translations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages the test suite drives: Chromium for browser tests, espeak-ng/sox for audio fixtures.
system-deps:
	bash scripts/system-deps.sh

run: install
	$(QADESK) --instance $(INSTANCE) init
	$(QADESK) --instance $(INSTANCE) demo
	$(QADESK) --instance $(INSTANCE) serve --host $(HOST) --port $(PORT)

# Two test processes (pytest-xdist): the machines have two cores. TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS))

# The whole suite on SQLite, then the database tiers again on a throwaway PostgreSQL cluster
# (scripts/pg-test.sh; it says clearly when PostgreSQL is not installed and skips that run).
test: test-sqlite test-postgres

test-sqlite: install system-deps
	$(PY) -m pytest -q -p no:cacheprovider $(XDIST)

test-postgres: install system-deps
	bash scripts/pg-test.sh $(PY) -m pytest -q -p no:cacheprovider $(XDIST) tests/integration tests/functional

# The integration and functional tiers again under libfaketime, at a date chosen to break date logic
# (month, year and leap-day boundaries). FAKE_DATE picks one; CI rotates through FAKE_DATES by day.
FAKE_DATES := 2027-01-01 00:30|2027-02-28 23:50|2028-02-29 12:00
FAKE_DATE ?= $(shell echo '$(FAKE_DATES)' | tr '|' '\n' | sed -n "$$(( $$(date +%j | sed 's/^0*//') % 3 + 1 ))p")

test-dates: install system-deps
	@echo "test-dates: running tests/integration and tests/functional at $(FAKE_DATE) (libfaketime)"
	faketime '$(FAKE_DATE)' $(PY) -m pytest -q -p no:cacheprovider $(XDIST) tests/integration tests/functional

test-unit: install
	$(PY) -m pytest -q tests/unit

bench: install
	for b in scoring calibration pii transcribe sentiment_eval ingest surveys; do $(PY) bench/$$b.py || exit 1; done

# At volume (issue #13): a new generated instance (bench/gen.py: 500 agents, SCALE_CONVERSATIONS
# conversations, a fifth of them reviewed; minutes, and several GB), then its figures (bench/scale.py).
SCALE_INSTANCE ?= /tmp/qadesk-scale
SCALE_CONVERSATIONS ?= 1000000
bench-scale: install
	$(PY) bench/gen.py --instance $(SCALE_INSTANCE) --conversations $(SCALE_CONVERSATIONS) --evaluations $$(( $(SCALE_CONVERSATIONS) / 5 ))
	$(PY) bench/scale.py --instance $(SCALE_INSTANCE)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Refresh the translation catalogs after changing user-facing strings (see docs/translations.md).
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --add-comments=TRANSLATORS: --project="QA Desk" --copyright-holder="QA Desk contributors" -o qa_app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i qa_app/translations/messages.pot -d qa_app/translations --ignore-obsolete
	$(VENV)/bin/pybabel compile -d qa_app/translations
