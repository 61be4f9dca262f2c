# Two entry points matter: `make demo` and `make test`. Everything else is a building block.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
NBADQ  := $(BIN)/nbadq
WAREHOUSE ?= ./warehouse
# The demo writes everything it generates under uncommitted/ (ignored by git).
OUT    := uncommitted/demo

# The BigQuery emulator the tests run nbadq against lives in its own venv: it needs Python 3.13 and its pins
# conflict with nbadq's. Found as python3.13 on PATH, else under pyenv; override with BQ_PYTHON=/path/to/python3.13.
BQ_VENV   := .venv-bq
BQ_REQS   := tests/bigquery/emulator-requirements.txt
BQ_PYTHON ?=

.PHONY: demo test install install-test bq-emulator sample validate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Installs the emulator and copies the DuckDB extensions it loads out of their registry wheels, so nothing is
# downloaded when it starts. When it cannot (no Python 3.13, no registry), `make test` goes on and the BigQuery
# tests skip saying why; under CI=true both this target and those tests fail instead.
bq-emulator: $(BQ_VENV)/.installed
$(BQ_VENV)/.installed: $(BQ_REQS)
	@py=""; for c in $(BQ_PYTHON) python3.13 "$$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13 \
	    "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.13*/bin/python3.13; do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "bq-emulator: no Python 3.13 found (put python3.13 on PATH, install it with pyenv, or set BQ_PYTHON);" \
	       "the BigQuery tests will skip (fail under CI=true)" >&2; \
	  [ "$$CI" != "true" ] || exit 1; exit 0; \
	fi; \
	rm -rf $(BQ_VENV) && "$$py" -m venv $(BQ_VENV) \
	  && $(BQ_VENV)/bin/python -m pip install -q --disable-pip-version-check -r $(BQ_REQS) \
	  && $(BQ_VENV)/bin/python tests/bigquery/emulator.py install-extensions \
	  && touch $@ \
	  || { rm -rf $(BQ_VENV); \
	       echo "bq-emulator: could not install the emulator; the BigQuery tests will skip (fail under CI=true)" >&2; \
	       [ "$$CI" != "true" ] || exit 1; }

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
	@# Fill what's failing, and the cascade it makes stale, through serve-local (a loopback stand-in for the four
	@# services: Phase 3, Phase 4, the prediction coordinator, grading), stopped on exit. Some dates stay broken
	@# (no refill fixes duplicate keys or a missing raw gamebook), so exit 1 is expected; 2 is not. The fillers
	@# come from examples/serve-local-fill.toml: pyproject.toml's poll the coordinator at the real service's pace.
	@rm -f $(OUT)/serve-local.port $(OUT)/fill-ledger.jsonl
	@$(NBADQ) serve-local --warehouse $(WAREHOUSE) --port 0 --port-file $(OUT)/serve-local.port --quiet & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; \
	  for i in $$(seq 150); do [ -s $(OUT)/serve-local.port ] && break; sleep 0.1; done; \
	  [ -s $(OUT)/serve-local.port ] || { echo "serve-local did not start" >&2; exit 2; }; \
	  url=http://127.0.0.1:$$(cat $(OUT)/serve-local.port); \
	  export NBADQ_PHASE3_URL=$$url NBADQ_PHASE4_URL=$$url NBADQ_PREDICTIONS_URL=$$url NBADQ_GRADING_URL=$$url; \
	  echo "NBADQ_{PHASE3,PHASE4,PREDICTIONS,GRADING}_URL=$$url nbadq fill --config examples/serve-local-fill.toml" \
	       "--from-validate $(OUT)/validate.json"; \
	  $(NBADQ) fill --warehouse $(WAREHOUSE) --config examples/serve-local-fill.toml \
	    --from-validate $(OUT)/validate.json --ledger $(OUT)/fill-ledger.jsonl --json $(OUT)/fill.json; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(NBADQ) validate --warehouse $(WAREHOUSE) --checkpoint nightly --json $(OUT)/validate-after.json; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@echo "before: $(OUT)/validate.json  fill: $(OUT)/fill.json  after: $(OUT)/validate-after.json"
	@# The offline HTML report (what is still broken, and what the fill did): prints its path.
	$(NBADQ) report --from-json $(OUT)/validate-after.json --fill-json $(OUT)/fill.json --out $(OUT)/report.html

# --dist loadgroup keeps the BigQuery tests (xdist_group "bigquery") on one worker: one emulator per run.
test: install-test bq-emulator
	$(BIN)/python -m pytest -n auto --dist loadgroup -q

bench: install-test
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/fill.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) $(BQ_VENV) uncommitted/demo $(WAREHOUSE)
