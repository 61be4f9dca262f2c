# Two entry points matter: `make demo` and `make test`. Everything else is a building block.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
NBADQ  := $(BIN)/nbadq
WAREHOUSE ?= ./warehouse
# The demo writes everything it generates under uncommitted/ (ignored by git).
OUT    := uncommitted/demo

.PHONY: demo test install install-test sample validate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

sample: install
	$(NBADQ) sample --out $(WAREHOUSE) --seasons 2021-2025 --seed 7

validate: install
	$(NBADQ) validate --warehouse $(WAREHOUSE) --checkpoint nightly --json $(OUT)/validate.json; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc

demo: install
	@mkdir -p $(OUT)
	$(NBADQ) sample --out $(WAREHOUSE) --seasons 2021-2025 --seed 7
	@# Failures are expected in the sample: exit 1 (rules failed) is a successful demo, 2 is not.
	$(NBADQ) validate --warehouse $(WAREHOUSE) --checkpoint nightly --json $(OUT)/validate.json; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@# The offline HTML report: prints its path.
	$(NBADQ) report --from-json $(OUT)/validate.json --out $(OUT)/report.html

test: install-test
	$(BIN)/python -m pytest -n auto -q

bench: install-test
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/fill.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) uncommitted/demo $(WAREHOUSE)
