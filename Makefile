# `make run` serves the demo at http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run serve test install translations messages chromium bench reset-db clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/flask translations

translations: $(BIN)/flask
	$(BIN)/pybabel compile -d translations

## Re-extract the catalogue after changing user-facing strings, then translate the .po files.
messages: $(BIN)/flask
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k _ln:1,2 -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

run: install
	KAIKU_DEV=1 $(BIN)/flask init-db
	KAIKU_DEV=1 $(BIN)/flask seed-demo
	KAIKU_DEV=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

## Production: upgrade the database, then gunicorn (gunicorn.conf.py) on $$PORT, default 8000.
## Settings come from the environment (README, Production); dev secrets are refused.
serve: install
	env -u KAIKU_DEV $(BIN)/flask init-db
	env -u KAIKU_DEV $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## Browser tests drive Debian's Chromium; as root we install it, otherwise they are skipped.
chromium:
	@command -v chromium >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "Chromium is missing: browser tests will be skipped (apt-get install chromium)"

test: install chromium
	$(BIN)/ruff check app tests bench docs migrations wsgi.py gunicorn.conf.py
	$(BIN)/pytest

## Speed figures (not tests): the desk scanner and the phone card in headless Chromium, printing,
## the statistics on 5 years of data, and recording uses under load through gunicorn (SQLite, and
## PostgreSQL at 127.0.0.1 when it answers).
bench: install chromium
	$(BIN)/python bench/desk_scan.py
	$(BIN)/python bench/card_page.py
	$(BIN)/python bench/print_cards.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/load.py

## Start the demo database afresh (after the models changed, for instance).
reset-db:
	rm -f instance/kaiku.sqlite3 instance/kaiku.sqlite3-wal instance/kaiku.sqlite3-shm

clean:
	rm -rf $(VENV) instance .pytest_cache
