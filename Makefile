# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install clean bench serve review

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p output
	$(BIN)/vanban ingest corpus/ --db output/vanban.db
	$(BIN)/vanban export --db output/vanban.db --out output/export
	$(BIN)/vanban stats --db output/vanban.db

test: $(STAMP)
	$(BIN)/pytest -q

serve: $(STAMP)
	$(BIN)/vanban serve --db output/vanban.db

review: $(STAMP)
	$(BIN)/vanban review --db output/vanban.db --out output/review

bench: $(STAMP)
	$(BIN)/vanban bench ../shared/corpus

clean:
	rm -rf $(VENV) output/*.db output/*.metadata.json output/export output/review
