# Pixels to ConvNets: the two commands of the README.
#   make lab    set everything up, then open the course in JupyterLab
#   make test   set everything up, then run the whole test suite
# Other targets are the steps those two take.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Jupyter refuses to run as root unless told; laptops are not root, CI and containers are.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test nbval nbval-perturbed setup data notebooks check-notebooks timing clean-venv

# The server's root is the course folder (notebooks/, solutions/, labs/ all in the file browser),
# with notebook 00 opened. A session that ended mid-presentation would reopen presenting the deck,
# with errors: tools/stop_deck.py clears that saved state first.
lab: setup
	$(BIN)/python tools/stop_deck.py
	$(BIN)/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00_welcome.ipynb

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

test: setup
	$(BIN)/python -m pytest tests solutions $(NBVAL)

# Only the stored outputs of the solution notebooks, compared with a fresh run.
nbval: setup
	$(BIN)/python -m pytest solutions $(NBVAL)

# The same, with the float sums done in another order, as another CPU would: one core,
# TensorFlow's oneDNN kernels off, another OpenBLAS kernel, NumPy's widest SIMD paths off.
# Trained models' numbers then change (their cells are ignored); every checked output must not.
PERTURB := TF_ENABLE_ONEDNN_OPTS=0 NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" \
	OPENBLAS_CORETYPE=$(if $(filter x86_64,$(shell uname -m)),Haswell,ARMV8) \
	$(if $(shell command -v taskset),taskset -c 0,)

nbval-perturbed: setup
	$(PERTURB) $(BIN)/python -m pytest solutions $(NBVAL)

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
