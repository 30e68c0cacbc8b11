# Two commands do all the set-up on a fresh machine:
#   make app    install everything, then start the chat on the bundled corpus and model
#   make test   install everything (chromium and qemu-user included), then run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: setup app test browser emulator eval bench lint clean reader verifier scorer

setup: $(VENV)/.installed

# requirements.lock pins every package a fresh install gets (the versions that were tested);
# refresh it after a deliberate upgrade with .ci/audit.sh --lock
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# the CPU build on this machine's disk; an unpinned torch pulls a multi-GB CUDA build
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c requirements.lock -e ".[dev]"
	touch $@

app: setup
	$(PY) app.py

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

# qemu-user runs the encoder on an emulated AVX2-only CPU (tests/test_portable.py)
emulator:
	@[ "$$(uname -m)" != x86_64 ] || command -v qemu-x86_64 >/dev/null 2>&1 || { \
	  echo "installing Debian's qemu-user for the cross-CPU encoder test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq qemu-user >/dev/null; }

# Two workers (pytest-xdist), each test file on one: most of the time is spent waiting on child
# processes, servers and a browser, so two run in about two thirds of the time of one.
# `make test WORKERS=0` runs them in one process.
WORKERS ?= 2
test: setup browser emulator
	$(PY) -m pytest -q $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadfile)

eval: setup
	$(VENV)/bin/briefqa eval --report eval-report.md

bench: setup
	$(PY) -m benchmarks.run

# The trained parts (training/README.md): the reader and the verifier, then the evidence model
# and its calibration
reader: setup
	$(VENV)/bin/briefqa train reader

verifier: setup
	$(VENV)/bin/briefqa train verifier

scorer: setup
	$(VENV)/bin/briefqa train scorer
	$(VENV)/bin/briefqa train calibrate

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks app.py

clean:
	rm -rf index/ .pytest_cache
