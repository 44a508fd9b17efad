# Two commands matter (README): `make reproduce` rebuilds everything, `make test` runs the tests.
# Both create .venv from the pinned lock first if it is missing or older than the lock.

# The first of python3.11 / python3.12 on PATH (both are locked); override with make PYTHON=/path/to/python.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12)
UV_VERSION := 0.13.9
UV := .tools/uv/bin/uv
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
LOCK := requirements/cpu.lock
SNAKEMAKE_ARGS ?=  # extra snakemake options for reproduce/smoke/verify/claim, e.g. --dry-run (tests/test_readme.py)
RUN := PATH="$(BIN):$$PATH" GANTHEORY_PROGRESS=0

.PHONY: reproduce test test-slow test-full smoke claim seeds report report-smoke verify lint bench lock clean-results

$(VENV)/.installed: $(LOCK) pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 or 3.12 is required (neither python3.11 nor python3.12" \
	  "is on PATH); install one, or name it: make PYTHON=/path/to/python3.12"; exit 2; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] in ((3, 11), (3, 12)), "Python 3.11 or 3.12 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

reproduce: $(VENV)/.installed  ## every dataset, run, figure, table, claims table and manifest (default profile)
	$(RUN) $(BIN)/snakemake --cores all $(SNAKEMAKE_ARGS)

test: $(VENV)/.installed  ## unit tests + the whole DAG on the smoke profile + bad input (< 10 min on 2 cores)
	$(RUN) $(BIN)/python -m pytest -m "not slow"

test-slow: $(VENV)/.installed  ## minutes each: second smoke run (determinism), kill/resume, divergence, rebuild
	$(RUN) $(BIN)/python -m pytest -m slow

test-full: test test-slow  ## everything (what .ci/run runs)

smoke: $(VENV)/.installed  ## kick the tires: the whole DAG on tiny budgets, into results-smoke/
	$(RUN) $(BIN)/snakemake --cores all --configfile config/smoke.yaml --directory results-smoke $(SNAKEMAKE_ARGS)

claim: $(VENV)/.installed  ## recompute one claim from nothing and print its row: make claim ID=E3.3 [PROFILE=smoke]
	$(RUN) $(BIN)/python workflow/lib/claim.py $(ID) --profile $(or $(PROFILE),default)

seeds: $(VENV)/.installed  ## re-judge claims on root seeds 1 and 2 (one default run each): make seeds [EXPERIMENTS="E3 E5"]
	$(RUN) $(BIN)/python workflow/lib/seeds.py run --experiments $(or $(EXPERIMENTS),E1 E2 E3 E4 E5)
	$(RUN) $(BIN)/python workflow/lib/seeds.py table --experiments $(or $(EXPERIMENTS),E1 E2 E3 E4 E5)

report: $(VENV)/.installed  ## the Snakemake HTML report of the last run (make reproduce first)
	@test -f results/e4/timing/e4_wallclock.csv || { echo "make report: no run to report on (results/ has no" \
	  "wall-clock tables): run make reproduce first, or make report-smoke after make smoke"; exit 2; }
	$(RUN) $(BIN)/snakemake --report report.html

report-smoke: $(VENV)/.installed  ## the HTML report of the last make smoke, into results-smoke/report.html
	$(RUN) $(BIN)/snakemake --configfile config/smoke.yaml --directory results-smoke --report report.html

verify: $(VENV)/.installed  ## rebuild from scratch and compare every figure with the committed manifest
	mkdir -p results && cp figures/MANIFEST.sha256 results/expected-MANIFEST.sha256
	$(RUN) $(BIN)/snakemake --cores all --forceall $(SNAKEMAKE_ARGS)
	$(RUN) $(BIN)/python -m gantheory manifest verify results/expected-MANIFEST.sha256 --root figures

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(RUN) $(BIN)/snakemake --lint

bench: $(VENV)/.installed  ## timings into benchmarks/results.md
	$(RUN) $(BIN)/python benchmarks/run.py

lock:  ## re-resolve requirements/cpu.in: cpu.lock (universal, hashed), requirements/resolved/, environment.yml
	@test -x $(UV) && $(UV) --version | grep -qx "uv $(UV_VERSION)" || \
	  { rm -rf .tools/uv && $(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools/uv "uv==$(UV_VERSION)"; }
	$(PYTHON) requirements/lock.py $(UV)
