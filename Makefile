# `make run` serves the demo at http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test install translations messages clean

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
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations

run: install
	KAIKU_DEV=1 $(BIN)/flask init-db
	KAIKU_DEV=1 $(BIN)/flask seed-demo
	KAIKU_DEV=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/pytest

clean:
	rm -rf $(VENV) instance .pytest_cache
