# The course's commands. `make lab` to teach or learn, `make test` to check everything.
# Both create .venv with the Python 3.11+ found on PATH (override: make lab PYTHON=python3.12).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
SOURCES ?= ../shared/sources
REPORT  ?= ../shared/reference/china_daily_2011-05-25.txt

.PHONY: lab test lint format test-latest test-oldest link constraints execute data answer-key cards bench bench-browser load clean help labextension site nbdime

help:
	@echo "make lab          set up .venv and open the course in JupyterLab"
	@echo "make test         set up .venv, lint, and run every test (unit, data, browser, hub, strict nbval)"
	@echo "make lint         check the code: ruff (style, common mistakes) and import-linter (the package's rooms and layers)"
	@echo "make format       format the code with ruff, and apply its safe fixes"
	@echo "make execute      refresh the stored outputs of every notebook and worksheet"
	@echo "make answer-key   rewrite teacher/answer_key.md from the question banks"
	@echo "make cards        rewrite teacher/role_play_cards.md (lesson 04's role-play) from data/ and the model"
	@echo "make data         rebuild data/ from the raw sources (SOURCES=$(SOURCES)) and the report's fingerprints (REPORT=$(REPORT))"
	@echo "make site         build the course website in _site/html from the stored outputs (HUB=, REPO= for its launch links)"
	@echo "make bench        time loading each table, saving answers, the simulator and each notebook"
	@echo "make bench-browser  time each interactive figure in Chromium, control change to redrawn pixels (test-artifacts/browser_bench.json)"
	@echo "make load         load-test a hub: STUDENTS=30 start servers, run lesson 00 and its Checks (HUB=http://127.0.0.1:PORT for an existing one)"
	@echo "make link         print the nbgitpuller link for a class: make link HUB=https://hub.example REPO=https://github.com/you/after-fukushima"
	@echo "make test-latest  run every test against the newest releases of the dependencies (in .venv-latest)"
	@echo "make test-oldest  run every test with the oldest versions pyproject.toml allows (in .venv-oldest)"
	@echo "make constraints  record the versions in .venv as constraints.txt (after make test-latest passes)"
	@echo "make labextension rebuild the course's JupyterLab extension in labextension/built (maintainers; needs Node.js and npm)"
	@echo "make nbdime       make git diff show notebooks cell by cell with nbdime, in this clone (make test does it)"
	@echo "make clean        remove .venv, .venv-latest, .venv-oldest and caches"
	@echo "make help         this list"

# The venv gets uv, the installer (from PyPI, into the venv: nothing outside it changes), which installs the same
# packages as pip with the same constraints in seconds instead of minutes. Where uv cannot be had, pip does the
# work, and says that it will take longer.
UV := $(BIN)/uv
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make lab PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	@echo "Getting uv, the installer, into $(VENV) (a few seconds)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv || { \
	  echo "uv could not be installed, so pip installs the course instead: this takes minutes rather than seconds."; \
	  $(BIN)/python -m pip install --quiet --upgrade pip; }

# $(call install,WHAT,SECONDS WITH UV,MINUTES WITH PIP): install WHAT into the venv with the tested versions.
# constraints.txt holds the versions the tests passed with, so that a new release cannot break a class.
define install
	@if [ -x $(UV) ]; then \
	  echo "Installing $(1) into $(VENV) with uv (about $(2) seconds the first time)..."; \
	  $(UV) pip install --quiet --python $(BIN)/python -c constraints.txt -e "$(4)"; \
	else \
	  echo "Installing $(1) into $(VENV) with pip (about $(3) minutes the first time)..."; \
	  $(BIN)/python -m pip install --quiet -c constraints.txt -e "$(4)"; \
	fi
endef

# The stamps re-install only when pyproject.toml or constraints.txt changes.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(call install,the course's packages,20,two,.)
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(call install,the course's packages and test tools,30,three,.[test])
	@$(MAKE) --no-print-directory nbdime
	@touch $(VENV)/.installed $@

# git diff shows a notebook cell by cell (nbdime) instead of as JSON: .gitattributes names the driver for *.ipynb,
# and this sets the command in this clone's own .git/config (git never takes commands from committed files).
nbdime: | $(BIN)/python
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config diff.jupyternotebook.command "$(abspath $(BIN))/git-nbdiffdriver diff" && \
	  echo "git diff now shows notebooks cell by cell (nbdime), in this clone; see CONTRIBUTING.md."; fi

# The newest releases, without constraints, in a venv of their own: a breaking upgrade is found here first.
test-latest:
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e ".[test]"
	mkdir -p .venv-latest/share/jupyter/lab/settings && cp lab-overrides.json .venv-latest/share/jupyter/lab/settings/overrides.json
	rm -rf .venv-latest/share/jupyter/labextensions/after-fukushima-lab && mkdir -p .venv-latest/share/jupyter/labextensions && cp -R labextension/built .venv-latest/share/jupyter/labextensions/after-fukushima-lab
	.venv-latest/bin/python -m pytest

# The lower bounds of pyproject.toml's dependencies, installed exactly: a bound that is too low is found here.
test-oldest:
	$(PYTHON) -m venv .venv-oldest
	.venv-oldest/bin/python -m pip install --quiet --upgrade pip
	.venv-oldest/bin/python -c 'import re, tomllib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; print("\n".join(re.sub(r">=", "==", d) for d in deps))' > .venv-oldest/oldest.txt
	.venv-oldest/bin/python -m pip install --quiet -c .venv-oldest/oldest.txt -e ".[test]"
	mkdir -p .venv-oldest/share/jupyter/lab/settings && cp lab-overrides.json .venv-oldest/share/jupyter/lab/settings/overrides.json
	rm -rf .venv-oldest/share/jupyter/labextensions/after-fukushima-lab && mkdir -p .venv-oldest/share/jupyter/labextensions && cp -R labextension/built .venv-oldest/share/jupyter/labextensions/after-fukushima-lab
	@# At these old versions, libraries warn about each other's newer releases (matplotlib 3.8 about pyparsing,
	@# ipympl 0.9.4 about IPython): not the course's code, so those warnings are not failures here.
	PYTHONWARNINGS="ignore::DeprecationWarning" .venv-oldest/bin/python -m pytest

constraints: $(VENV)/.installed-test
	@{ echo "# The versions every test passed with (python -m pip freeze of the test environment, Python 3.11, Linux)."; \
	   echo "# make lab and make test install with these; make test-latest tries the newest releases; make constraints rewrites this file."; \
	   $(BIN)/python -m pip freeze | grep -v -e '^-e' -e '^after-fukushima' -e '^#' -e '^uv==' | LC_ALL=C sort -f; } > constraints.txt

# JupyterLab's defaults for this course: no news or update checks (no network at run time, and no pop-up
# asking students about them); widget state saved with the notebook, so that a lesson reopened after its
# kernel has stopped still shows its exercises (until the cells are run again) instead of "model not found".
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): lab-overrides.json | $(BIN)/python
	@mkdir -p $(dir $@)
	@cp lab-overrides.json $@

# The course's own JupyterLab extension (labextension/: a notebook reopened without changes is not marked
# modified), prebuilt in labextension/built/. pip installs it with the package (pyproject.toml's data-files) but
# not in an editable install, so it is copied into .venv here, like the settings above.
LAB_EXTENSION := $(VENV)/share/jupyter/labextensions/after-fukushima-lab
$(LAB_EXTENSION): labextension/built/package.json labextension/built/install.json $(wildcard labextension/built/static/*) | $(BIN)/python
	@rm -rf $@ && mkdir -p $(dir $@)
	@cp -R labextension/built $@

# Maintainers: rebuild labextension/built/ from labextension/src/ (Node.js 18+ and npm; commit the result).
labextension: $(VENV)/.installed
	cd labextension && npm ci --no-audit --no-fund
	cd labextension && npx build-labextension --core-path "$$(../$(BIN)/python -c 'import jupyterlab, pathlib; print(pathlib.Path(jupyterlab.__file__).parent / "staging")')" .
	cp labextension/install.json labextension/built/install.json
	rm -rf $(LAB_EXTENSION) && $(MAKE) $(LAB_EXTENSION)

# The port JupyterLab listens on (make lab PORT=8890); if it is taken, JupyterLab tries others and prints which.
PORT ?= 8888
lab: $(VENV)/.installed $(LAB_OVERRIDES) $(LAB_EXTENSION)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.port=$(PORT) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

# The suite in two parts (see pyproject.toml's pytest options): in parallel, then the browser and hub tests in one
# process; its time goes to test-artifacts/suite_time.json for make bench's speed table.
SERIAL_TESTS := tests/browser tests/hub
test: $(VENV)/.installed-test $(LAB_OVERRIDES) $(LAB_EXTENSION) lint site
	@mkdir -p test-artifacts; start=$$(date +%s); \
	$(BIN)/python -m pytest -n auto --dist loadfile $(addprefix --ignore=,$(SERIAL_TESTS)); status=$$?; \
	middle=$$(date +%s); \
	if [ $$status -eq 0 ]; then $(BIN)/python -m pytest $(SERIAL_TESTS); status=$$?; fi; \
	end=$$(date +%s); \
	echo "{\"seconds\": $$((end - start)), \"parallel_seconds\": $$((middle - start)), \"serial_seconds\": $$((end - middle)), \"exit\": $$status}" > test-artifacts/suite_time.json; \
	exit $$status

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(BIN)/python -m ruff format .
	$(BIN)/python -m ruff check --fix .

execute: $(VENV)/.installed-test
	$(BIN)/python -m after_fukushima.maintainers.execute_notebooks

data: $(VENV)/.installed-test
	$(BIN)/python -m after_fukushima.maintainers.build_data --sources $(SOURCES)
	$(BIN)/python -m after_fukushima.maintainers.report_audit --report $(REPORT)

answer-key: $(VENV)/.installed
	$(BIN)/python -m after_fukushima.teacher.answer_key

cards: $(VENV)/.installed
	$(BIN)/python -m after_fukushima.teacher.role_play

link: $(VENV)/.installed
	@$(BIN)/python -m after_fukushima.teacher.class_links --hub "$(HUB)" --repo "$(REPO)"

# The course as a website in _site/html (Jupyter Book 1, from the stored outputs: no notebook is run; offline).
# The launch links' repository and hub are set in site/_config.yml, or for one build: make site REPO=... HUB=...
site: $(VENV)/.installed-test
	$(BIN)/python -m after_fukushima.maintainers.site $(if $(REPO),--repo "$(REPO)") $(if $(HUB),--hub "$(HUB)")

bench: $(VENV)/.installed-test
	$(BIN)/python -m after_fukushima.maintainers.benchmark

# JupyterLab and headless Chromium on a scratch copy of the lessons: click to redrawn figure, in the page.
bench-browser: $(VENV)/.installed-test $(LAB_OVERRIDES) $(LAB_EXTENSION)
	$(BIN)/python -m after_fukushima.maintainers.browser_bench

# A class of STUDENTS (at most 60) on a hub: by default a local one (deploy/local/jupyterhub_config.py) in a scratch
# folder on 127.0.0.1; with HUB, an existing hub on this machine (token in $$AFTER_FUKUSHIMA_HUB_TOKEN, course from REPO).
STUDENTS ?= 30
load: $(VENV)/.installed-test
	$(BIN)/python -m after_fukushima.maintainers.hub_load --students $(STUDENTS) $(if $(HUB),--hub "$(HUB)") $(if $(REPO),--repo "$(REPO)")

clean:
	rm -rf $(VENV) .venv-latest .venv-oldest .pytest_cache tests/browser/axe/node_modules
	@git config --unset diff.jupyternotebook.command 2>/dev/null || true  # its command lived in .venv
