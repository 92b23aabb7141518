# pos2 — the two commands a user needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test lint typecheck pytest venv system-deps clean bench lock docs

# uv (from PyPI) installs in seconds; pip is the fallback if uv cannot be had. Both install the
# versions locked in constraints.txt (pip and uv resolve differently without it).
LOCK := constraints.txt
INSTALL = $$(if [ -x $(BIN)/uv ]; then echo "$(BIN)/uv pip install --python $(BIN)/python"; \
	else echo "$(BIN)/python -m pip install"; fi) --quiet -c $(LOCK)

# the runtime dependencies only (make demo)
$(VENV)/.base: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv || true
	$(INSTALL) -e .
	touch $@

# plus the development tools and test-only dependencies (make test)
$(STAMP): $(VENV)/.base
	$(INSTALL) -e '.[dev]'
	touch $@

# re-resolve constraints.txt from pyproject.toml (then run make test before committing it)
lock: $(VENV)/.base
	$(BIN)/uv pip compile --quiet --custom-compile-command "make lock" pyproject.toml --extra dev --python-version 3.11 -o $(LOCK).new
	{ head -2 $(LOCK); cat $(LOCK).new; } > $(LOCK).tmp && mv $(LOCK).tmp $(LOCK) && rm -f $(LOCK).new

venv: $(STAMP)

# Debian's chromium for the headless browser tests (no browser downloads are possible here).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: not root, cannot apt-get install chromium; browser tests will be skipped"; fi; \
	fi

demo: $(VENV)/.base
	$(BIN)/pos2 report --out $(OUT) --force

# regenerate docs/scenario_format.md, the README's headline numbers and answers, and docs/img/*.png
# from the current code (a full report run with no time budget, then headless chromium screenshots)
docs: $(STAMP) system-deps
	$(BIN)/python tools/make_docs.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps
	$(BIN)/python -m pytest -q tests

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/steady_state.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
