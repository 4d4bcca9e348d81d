# Pixels to ConvNets: the two commands of the README.
#   make lab    set everything up, then open the course in JupyterLab
#   make test   set everything up, then run the whole test suite
#   make hub    (root, Linux) the workshop server: JupyterHub serving the course to a room (README, "Running a workshop")
#   make update bring the course's latest version into this clone, keeping your edits
# Other targets are the steps those two take.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Jupyter refuses to run as root unless told; laptops are not root, CI and containers are.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test nbval nbval-perturbed setup data notebooks check-notebooks timing clean-venv hub hub-publish update

# The server's root is the course folder (notebooks/, solutions/, labs/ all in the file browser),
# with notebook 00 opened. A session that ended mid-presentation would reopen presenting the deck,
# with errors: tools/stop_deck.py clears that saved state first.
lab: setup
	$(BIN)/python tools/stop_deck.py
	$(BIN)/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00_welcome.ipynb

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

# Every part of the suite (tools/run_tests.py says which and in what order): the unit tests beside the
# perturbed nbval pass (pinned to one core), then the browser suite and nbval on every core.
test: setup
	$(BIN)/python tools/run_tests.py

# Only the stored outputs of the solution notebooks, compared with a fresh run.
nbval: setup
	$(BIN)/python -m pytest solutions $(NBVAL)

# The same, with the float sums done in another order, as another CPU would (one core, oneDNN off,
# another OpenBLAS kernel, NumPy's widest SIMD paths off: tools/run_tests.py). make test runs it too.
nbval-perturbed: setup
	$(BIN)/python tools/run_tests.py perturbed

setup: $(STAMP) data

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# Fetch what can be had without the internet, then report what is available offline.
data: $(STAMP)
	@tools/install_offline_data.sh
	$(BIN)/python -m labs.data status
	$(BIN)/python -m labs.pretrained status

# Regenerate the learner notebooks from the solutions (never touches anything else).
notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py

# Print each solution notebook's compute time against the 90 s budget (15 min in all).
timing: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

# Fail if a learner notebook is missing or out of date (writes nothing).
check-notebooks: $(STAMP)
	$(BIN)/python tools/build_notebooks.py --check

clean-venv:
	rm -rf $(VENV)

# The workshop server. The system Python, not $(PYTHON): the learners' accounts must be able to run the hub's
# environment, and one built from a Python under /root (pyenv) they cannot. Settings: hub/workshop.toml.
HUB_PYTHON ?= /usr/bin/python3
hub:
	$(HUB_PYTHON) hub/setup_hub.py

# Send the course folder's notebooks to the learners (they get them at their next course link).
hub-publish:
	$(HUB_PYTHON) hub/setup_hub.py publish

# Pull the course into this clone, keeping your edits (conflicts: yours kept as a named copy).
# make update RESET=05 puts notebook 05 back to the course's version, yours kept as a backup.
update:
	$(PYTHON) tools/update_course.py $(if $(RESET),--reset $(RESET),)
