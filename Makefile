# The two commands that do everything on a fresh machine:
#   make run    set up .venv if needed, install, run the baseline experiment
#   make test   set up .venv if needed, install, run the whole test suite
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUN_ARGS ?= --jobs 2

.PHONY: help run test lint format benchmark docs clean chromium serve experiments responses screenshots lock site

help:
	@echo "make run        set up .venv, install, run experiments/baseline.toml and print where the results are"
	@echo "make test       set up .venv, install (and Chromium for the browser test), run the whole test suite"
	@echo "make serve      start the visual server on http://127.0.0.1:8765/ (Ctrl-C to stop)"
	@echo "make lint       ruff check and format check"
	@echo "make benchmark  run the benchmarks in benchmarks/ (minutes; never part of the tests)"
	@echo "make docs       regenerate docs/config.md from the config classes"
	@echo "make site       build the docs site (mkdocs-material) into site/"
	@echo "make lock       refresh uv.lock after changing dependencies in pyproject.toml"
	@echo "make screenshots  run the browser test and refresh the screenshots in docs/images/app/"
	@echo "make experiments  compare every experiment with the baseline and refresh docs/experiments/"
	@echo "make responses  the lever response table over the plausible ensemble: docs/responses.md"

$(PY):
	@python=$$(scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	"$$python" -m venv $(VENV)

# Installs the exact versions of uv.lock (runs reproduce), then the project itself, editable.
# After changing the dependencies in pyproject.toml, run `make lock` and commit uv.lock.
$(STAMP): $(PY) pyproject.toml uv.lock
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "uv==$$(sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"/\1/p;}' uv.lock)"
	$(VENV)/bin/uv export --quiet --frozen --extra dev --no-emit-project -o $(VENV)/requirements.lock.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

lock: $(STAMP)
	$(VENV)/bin/uv lock

run: $(STAMP)
	$(VENV)/bin/care-abm run experiments/baseline.toml $(RUN_ARGS)

test: $(STAMP) chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n auto

# The docs site (mkdocs-material) into site/; tests/test_docs_site.py builds it with --strict.
site: $(STAMP)
	$(PY) -m mkdocs build --strict

# Debian's Chromium for tests/test_app_browser.py, installed with apt-get when missing (as root).
chromium:
	@scripts/install-chromium.sh

# The browser test, also writing the screenshots docs/app.md shows (docs/images/app/).
screenshots: $(STAMP) chromium
	CARE_ABM_DOC_SCREENSHOTS=1 $(PY) -m pytest tests/test_app_browser.py

serve: $(STAMP)
	$(VENV)/bin/care-abm serve experiments/baseline.toml

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

benchmark: $(STAMP)
	$(PY) benchmarks/bench_suite.py

docs: $(STAMP)
	$(PY) -m abm.docgen > docs/config.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info site

# Regenerate the results on docs/experiments/ pages (a full-size comparison: 10 to 25 minutes
# on two cores). Run deliberately when the model's outputs change.
experiments: $(STAMP)
	$(PY) scripts/update_experiment_pages.py --replications 10 --jobs 2

# The lever response table (docs/responses.md): every lever and capacity of
# experiments/responses/levers.toml against the baseline, replication k running member k of the
# plausible ensemble (about 40 minutes on two cores). Run it when the model's outputs change.
responses: $(STAMP)
	$(VENV)/bin/care-abm responses --ensemble --jobs 2 --page docs/responses.md
