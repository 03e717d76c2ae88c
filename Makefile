# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Qt's xcb/offscreen runtime libraries, a virtual screen, and fonts (Latin + CJK).
DEB_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 \
	libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 xvfb xauth \
	fonts-dejavu-core fonts-noto-cjk

# The real Codex CLI, pinned: the oracle of the lab tests (tests/lab/codex_cli.py). Installed
# from npm once per version into a cache outside the work tree.
CODEX_VERSION := 0.169.0
LAB_CODEX := $(HOME)/.cache/signin-doctor/codex-$(CODEX_VERSION)

.PHONY: run test lint bootstrap system-deps clean package bench translations lab-codex

run: bootstrap translations
	$(PY) -m wizard

test: bootstrap translations lab-codex
	$(PY) -m ruff check wizard tests bench
	$(PY) -m ruff format --check wizard tests bench
	$(PY) -m mypy
	SIGNIN_DOCTOR_LAB_CODEX=$(LAB_CODEX) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: bootstrap
	$(PY) -m ruff check --fix wizard tests bench
	$(PY) -m ruff format wizard tests bench

# The double-click executable (packaging/README.md): build it, then smoke-test what was built.
package: bootstrap translations
	$(PY) -m pip install --quiet -e '.[package]'
	$(PY) packaging/build.py --with-hello
	SIGNIN_DOCTOR_PACKAGE_SMOKE=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/test_packaging.py

# The budgets of DESIGN.md, measured; results to bench/RESULTS.md (run `make package` first
# to include the packaged executable's start-up and size).
bench: bootstrap lab-codex
	$(PY) -m pip install --quiet -e '.[bench]'
	SIGNIN_DOCTOR_LAB_CODEX=$(LAB_CODEX) $(PY) -m bench.run

# The window's compiled translations (resources/translations/*.qm, not in git), rebuilt when
# their .ts changes; English is the source text and needs none. `python
# resources/translations/extract.py` keeps the .ts files current with the code.
TS_FILES := $(filter-out %_en.ts,$(wildcard resources/translations/*.ts))
QM_FILES := $(TS_FILES:.ts=.qm)

translations: $(QM_FILES)

resources/translations/%.qm: resources/translations/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

bootstrap: system-deps $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

lab-codex: $(LAB_CODEX)/.installed

$(LAB_CODEX)/.installed:
	@command -v npm >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	mkdir -p $(LAB_CODEX)
	npm install --prefix $(LAB_CODEX) --no-audit --no-fund --loglevel=error @openai/codex@$(CODEX_VERSION)
	touch $@

# Debian packages are installed only when missing (needs root or sudo, as on our machines).
system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "Installing system packages: $$missing"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -f resources/translations/*.qm
