# pos-member: `make run` opens the till on the embedded default store; `make test` runs the tests.
# Both create .venv on a fresh machine and check the system packages first: as root they are installed
# (`make system-deps`, Debian/Ubuntu); otherwise the one line to run is printed and make stops.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

SYSTEM_PACKAGES := libzbar0 postgresql xvfb imagemagick openbox xdotool \
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 \
  libxkbcommon-x11-0 libxcb-cursor0 libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-noto-cjk libpulse0 \
  poppler-utils

.PHONY: run test test-slow bench mutation mutation-sample hq lint fmt venv translations translations-update system-deps system-check screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

translations-update: venv
	$(BIN)/pyside6-lupdate pos_member/ui/*.py -ts resources/translations/pos_member_zh_CN.ts -no-obsolete -locations relative

# What is missing of SYSTEM_PACKAGES: installed when we are root, else one line saying what to run.
system-check:
	@command -v dpkg-query >/dev/null || { echo "not Debian/Ubuntu: install the packages named in the Makefile's SYSTEM_PACKAGES yourself"; exit 0; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing missing system packages:" $$missing; $(MAKE) system-deps; \
	  else echo "missing system packages:" $$missing; echo "run: sudo make system-deps"; exit 1; fi; \
	fi

run: system-check venv translations
	$(BIN)/pos-member

test: system-check venv translations
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

# the slow fault, crash, scale-out and API-fuzz tests `make test` leaves out (.ci/run runs them too)
test-slow: system-check venv translations
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -m slow

bench: venv
	$(BIN)/python -m tests.bench

# Mutation testing of the domain rules and HQ's push and validators (config: [tool.mutmut] in pyproject.toml).
# Hours on two cores, so not part of `make test`; niced so a till or the tests beside it stay responsive.
# `make mutation MUTANTS='pos_member.domain.refund*'` runs a subset; results stay in mutants/ between runs.
MUTATION_CHILDREN ?= 2
# tests.sync.pg starts one PostgreSQL for the whole run: each mutant's tests use it instead of an initdb each.
mutation: system-check venv translations
	nice -n 19 $(BIN)/python -m tests.sync.pg $(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS)
	$(BIN)/python tools/mutation_score.py --target 90

# A full `make mutation` takes about 5 CPU-hours on 2 cores. `make mutation-sample` runs a random sample of the
# mutants not run yet (kept in mutants/sample.json, so it resumes) and the score adds an estimate over all of them.
SAMPLE ?= 300
mutation-sample: system-check venv translations
	names="$$($(BIN)/python tools/mutation_sample.py --size $(SAMPLE))" && test -n "$$names" || exit 0; \
	nice -n 19 $(BIN)/python -m tests.sync.pg $(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $$names
	$(BIN)/python tools/mutation_score.py --target 90

hq: venv
	$(BIN)/pos-hq serve

lint: venv
	$(BIN)/ruff check pos_member sync tests tools

screenshots: venv translations
	$(BIN)/python -m tests.gui.take_screenshots

system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES)

clean:
	rm -rf $(VENV) build dist .pytest_cache mutants
