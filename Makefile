# msse_inpaint: every command a newcomer needs.  `make test` and `make figures` create the
# environment on first use, so a fresh clone needs nothing but python3 (>= 3.10) and network
# access to the package index.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Data and preset of the main job (`make figures DATA=../shared/data/celebahq`; PRESET=... overrides the grid's preset,
# which is debug for the built-in grid and default for the CelebA-HQ grid).
DATA ?=
PRESET ?=
# Runs of the sweep at a time (`make figures JOBS=1` for one): each run is its own process with one thread, so two use
# the 2 cores of the project's machines (on an AVX2-only one the debug sweep took 278 s one at a time, and `make figures` 11 min).
JOBS ?= 2
export PYTHONUNBUFFERED := 1
export MPLBACKEND := Agg

.PHONY: notebooks env browser tex docs test test-nbs test-py check-sync figures lab explorer thesis bench clean-env

env: $(STAMP)

# uv installs the CUDA build of torch from the package index (plain pip here prefers a
# CPU-only local wheel that torchvision 0.28 cannot load).
$(STAMP): requirements.txt constraints.txt settings.ini setup.py
	@command -v uv >/dev/null 2>&1 || $(PY) -m pip install -q uv
	@test -x $(BIN)/python || uv venv -q $(VENV) --python $(PY)
	uv pip install -q --python $(BIN)/python -r requirements.txt -c constraints.txt
	uv pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (msse_inpaint)" >/dev/null
	@touch $(STAMP)

# Debian's Chromium for the real-browser test (a no-op when present; never a browser downloaded by a tool).
browser:
	@tools/install_browser.sh || echo "WARNING: Chromium could not be installed; tests/test_browser.py will skip (and fail under CI=true)"

# Debian's TeX Live for `make thesis` and the thesis build test (a no-op when present; ~3 min of apt-get the first time).
tex:
	@tools/install_tex.sh || echo "WARNING: TeX Live could not be installed; make thesis fails and tests/test_thesis.py skips its build (and fails under CI=true)"


# The library must be exactly what the notebooks export, and every notebook clean.
check-sync: env
	$(BIN)/python tools/check_sync.py

test-nbs: env
	$(BIN)/nbdev_test --n_workers 2 --timing

test-py: env browser tex
	$(BIN)/python -m pytest -q tests

test: check-sync test-nbs test-py

# The main job: run the notebooks that write figures/ (and, later, the ablation sweep).
figures: env
	$(BIN)/python tools/make_figures.py --data "$(DATA)" --preset "$(PRESET)" --jobs $(JOBS)

# Execute every chapter and save its outputs in place (pictures, tables, numbers for readers); slow/cuda cells are skipped.
notebooks: env
	$(BIN)/python tools/execute_notebooks.py

lab: env
	$(BIN)/jupyter lab --notebook-dir=nbs

# The mask explorer as a standalone page (http://localhost:8866; EXPLORER_PORT=... to change). The kernel is this
# environment's python (its bin/ first on PATH); tools/voila/voila.py serves only the chapter's app cells, without tracebacks.
# The page reads images and checkpoints only inside EXPLORER_DATA (default: ../shared/data) and writes only inside
# EXPLORER_OUT (default: runs/explorer). It listens on 127.0.0.1 only; EXPLORER_IP=0.0.0.0 opens it to the network, and
# then a token is required (printed in the URL).
EXPLORER_DATA ?=
EXPLORER_OUT ?= runs/explorer
EXPLORER_IP ?=
explorer: env
	MSSE_EXPLORER_DATA="$(if $(EXPLORER_DATA),$(abspath $(EXPLORER_DATA)))" MSSE_EXPLORER_OUT="$(abspath $(EXPLORER_OUT))" \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/voila nbs/40_explorer.ipynb --port=$${EXPLORER_PORT:-8866} --no-browser \
		--Voila.config_file_paths="$(CURDIR)/tools/voila" \
		$(if $(EXPLORER_IP),--Voila.ip=$(EXPLORER_IP) --Voila.auto_token=True)

# The site: nbdev's notebook processing, then one HTML page per notebook (nbconvert), into _docs/ (ignored); nothing is
# executed, the pages show the outputs saved in the notebooks.  Serve it with `python3 -m http.server -d _docs`.
docs: env
	$(BIN)/python tools/render_docs.py

# -g: always rebuild; the generated tables behind \IfFileExists are not in latexmk's dependency record until they exist.
thesis: tex
	cd thesis && latexmk -g -pdf -interaction=nonstopmode -halt-on-error thesis.tex

clean-env:
	rm -rf $(VENV)
