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
	$(BYTECOMPILE)
	touch $(STAMP)

# PYTHONDONTWRITEBYTECODE may be set, and multiprocessing starts its fork server with -B, so the project's
# modules would be compiled from source in every process (~0.1 s CPU each, writer and fork server).
# Byte-compile them here, and again before `run` and `bench`: a module changed since would be compiled in
# every process (6 of main's on 2026-12-04, ~45 ms of each). Python checks each .pyc against its source's
# mtime, so a stale one is never used.
BYTECOMPILE = $(BIN)/python -m compileall -q pipeline extractors schemas

install: $(STAMP)
	$(BYTECOMPILE)

run: $(STAMP)
	$(BYTECOMPILE)
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
	$(BYTECOMPILE)
	$(BIN)/vanban bench ../shared/corpus

clean:
	rm -rf $(VENV) output/*.db output/*.metadata.json output/export output/review
