# Digitallotse: `make run` serves the assistant on the starter corpus, `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
THESAURUS := /usr/share/mythes/th_de_DE_v2.dat
GLOSSARY := /usr/share/dictd/freedict-eng-deu.index

.PHONY: run test eval bench bench-scale install clean tesseract

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) $(THESAURUS) $(GLOSSARY) tesseract
	$(BIN)/lotse ingest corpus
	$(BIN)/lotse serve --host $(HOST) --port $(PORT)

$(CHROMIUM):
	command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true

# OpenThesaurus (German synonyms for everyday words in questions), from Debian's mythes-de
$(THESAURUS):
	command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mythes-de >/dev/null) || true

# FreeDict English–German (German words for English questions), from Debian's dict-freedict-eng-deu
$(GLOSSARY):
	command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dict-freedict-eng-deu >/dev/null) || true

# OCR of scanned PDF pages: Tesseract with its German model, from Debian (checked, not a file:
# the model's folder depends on the Tesseract version)
tesseract:
	@tesseract --list-langs 2>/dev/null | grep -qx deu || { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-deu >/dev/null) || true; }

test: $(STAMP) $(CHROMIUM) $(THESAURUS) $(GLOSSARY) tesseract
	$(BIN)/ruff check assistant ingest tests evals
	$(BIN)/mypy assistant ingest
	@# bytecode once for the many test processes (this environment sets PYTHONDONTWRITEBYTECODE)
	$(BIN)/python -m compileall -q assistant ingest evals tests
	$(BIN)/python -m pytest -q
	bash scripts/test-chroma-server.sh

eval: $(STAMP) $(THESAURUS) $(GLOSSARY) tesseract
	$(BIN)/python -m evals.run

bench: $(STAMP) $(THESAURUS) $(GLOSSARY) tesseract
	$(BIN)/python -m evals.bench

bench-scale: $(STAMP)
	$(BIN)/python -m evals.scale --fresh --embed-seconds 300 --synthetic-dense

clean:
	rm -rf $(VENV) data
