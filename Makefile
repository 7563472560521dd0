# Nansen — top-level build, run and test entry points.
#
#   make run    install what the app needs, build the UI (only when it changed) and the
#               debug app, and launch it on the default data dir
#   make test   add what the tests need, then Rust tests, UI unit tests, end-to-end tests
#   make app    build the UI (when changed) and the debug app (target/debug/nansen-desktop)
#   make e2e    end-to-end tests only (builds the app first)
#   make install-cli  the release `nansen` into ~/.cargo/bin (cargo install; no root)
#   make package      the release .deb: the app, its menu entry and icons, /usr/bin/nansen
#   make test-package install the .deb (root or sudo), start it under Xvfb, print its
#               size, cold start and memory, uninstall it
#   make app-deps / test-deps / deps   what `run` / `test` / both need (apt, npm, venv,
#               tauri-driver); `run` and `test` call them
#   make lint   rustfmt, clippy (-D warnings, whole workspace incl. the shell), svelte-check,
#               and that the files generated from the Rust types are up to date
#   make generate  rewrite what the UI takes from the Rust types (IPC types, error messages)
#   make bench  sync throughput: export and import of ~100k ops, printed
#   make fuzz   time-boxed fuzzing of the decoders of files from outside
#   make deny   dependency licences, bans and sources (cargo-deny)
#
# Everything works offline once the dependencies are installed; installing them needs
# the package registries.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
UI          := $(ROOT)/ui
E2E         := $(ROOT)/tests/e2e
# Cargo's target dir; CARGO_TARGET_DIR is honoured, and passed on to cargo, tauri and the tests.
TARGET_DIR  ?= $(or $(CARGO_TARGET_DIR),$(ROOT)/target)
export CARGO_TARGET_DIR := $(TARGET_DIR)
APP_BIN     := $(TARGET_DIR)/debug/nansen-desktop
CARGO       ?= cargo
CARGO_BIN   := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
USER_PATH   := $(PATH)
export PATH := $(CARGO_BIN):$(PATH)

# Building and running the app (Tauri's Linux prerequisites).
APP_APT_PACKAGES  := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev \
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
# Only the tests: a virtual display, WebDriver, and the reference tools they check against.
TEST_APT_PACKAGES := xvfb xauth dbus-x11 webkit2gtk-driver age imagemagick python3 \
  python3-venv poppler-utils
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# The tauri CLI (npm prebuilt binary) runs from ui/ and is pointed at src-tauri/.
TAURI := cd $(UI) && TAURI_APP_PATH=$(ROOT)/src-tauri ./node_modules/.bin/tauri
XVFB  := xvfb-run -a -s "-screen 0 1280x800x24"
# A private session bus per run, so nothing (dbus-launch autostart) outlives it.
DBUS  := $(shell command -v dbus-run-session >/dev/null 2>&1 && echo "dbus-run-session --")

# Independent readers for the tests, in a venv: SQLCipher 4 for the at-rest tests
# (Debian's sqlcipher is 3.x), openpyxl for the XLSX exports.
PYVENV      := $(TARGET_DIR)/py
PYTHON      := $(PYVENV)/bin/python
PY_PACKAGES := sqlcipher3-binary openpyxl

.PHONY: bench-scale generate check-generated help deps tools apt-deps npm-deps py-deps tauri-driver ui app cli run test test-rust test-ui e2e e2e-only lint fmt fuzz deny bench bench-reports screenshots clean

.PHONY: app-deps test-deps ui-deps e2e-deps app-apt test-apt install-cli uninstall-cli package test-package

help:
	@awk 'NR <= 2 { next } /^$$/ { exit } { sub(/^# ?/, ""); print }' $(ROOT)/Makefile

# ---- generated from the Rust types -----------------------------------------
# The UI's IPC types, the English error messages and the component tests' reference
# data come from the core (src-tauri/core/examples/generate_ipc.rs); never edit them.
GENERATE := $(CARGO) run --quiet -p nansen-core --example generate_ipc --

generate:
	$(GENERATE) $(UI)/src/lib

# Regenerates into a scratch copy and compares: fails when a Rust type changed and
# `make generate` was not run.
check-generated:
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	mkdir -p "$$scratch/lib" "$$scratch/test"; \
	$(GENERATE) "$$scratch/lib"; \
	diff -ru $(UI)/src/lib/generated "$$scratch/lib/generated" && \
	diff -u $(UI)/src/lib/locales/errors/en.json "$$scratch/lib/locales/errors/en.json" && \
	diff -ru $(UI)/src/test/generated "$$scratch/test/generated" || \
	{ echo "generated files are stale: run make generate and commit the result" >&2; exit 1; }; \
	echo "generated files: up to date"

# ---- dependencies ---------------------------------------------------------
# `make run` installs only what the app needs (app-deps); `make test` adds what only the
# tests need (test-deps). Every step does nothing when its part is already there.

app-deps: tools app-apt ui-deps
test-deps: app-deps test-apt e2e-deps py-deps tauri-driver
deps: test-deps

# Node >= 20.19 (vite 8) and a Rust toolchain come with the machine image.
tools:
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup)" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("node "+process.version+" is too old: need >= 20.19"); process.exit(1) }'

# $(call apt-install,PACKAGES,WHAT): installs those of PACKAGES that are missing.
apt-install = missing=$$(for p in $(1); do \
    dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed$$' || echo "$$p"; \
  done); \
  if [ -n "$$missing" ]; then \
    echo "apt ($(2)): installing" $$missing; \
    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
  else echo "apt ($(2)): all packages present"; fi

app-apt:
	@$(call apt-install,$(APP_APT_PACKAGES),app)
test-apt:
	@$(call apt-install,$(TEST_APT_PACKAGES),tests)
apt-deps: app-apt test-apt

# npm ci only when node_modules is missing or older than the lockfile.
ui-deps: tools $(UI)/node_modules/.package-lock.json
e2e-deps: tools $(E2E)/node_modules/.package-lock.json
npm-deps: ui-deps e2e-deps

$(UI)/node_modules/.package-lock.json: $(UI)/package-lock.json $(UI)/package.json
	cd $(UI) && npm ci --no-audit --no-fund
	touch $@

# --ignore-scripts: webdriverio pulls in driver downloaders we never use (offline).
$(E2E)/node_modules/.package-lock.json: $(E2E)/package-lock.json $(E2E)/package.json
	cd $(E2E) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Installs only what the venv lacks, so an existing venv gains a new package and
# `make test` stays offline once everything is there.
py-deps:
	@[ -x $(PYTHON) ] || python3 -m venv $(PYVENV)
	@$(PYTHON) -c 'import sqlcipher3, openpyxl' 2>/dev/null || \
	  $(PYVENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PACKAGES)

tauri-driver:
	@if command -v tauri-driver >/dev/null 2>&1; then echo "tauri-driver: present"; \
	else $(CARGO) install tauri-driver --version '^2' --locked; fi

# ---- build ----------------------------------------------------------------

# The UI is rebuilt only when its sources, packages or build config changed (a new or
# deleted file changes its folder's time). Test files are left out.
UI_SOURCES := $(shell find $(UI)/src $(UI)/public \( -name '*.test.ts' -o -path $(UI)/src/test \) -prune -o -print) \
  $(wildcard $(addprefix $(UI)/,index.html package.json package-lock.json vite.config.ts svelte.config.js tsconfig.json))
UI_DIST := $(UI)/dist/index.html

$(UI_DIST): $(UI_SOURCES) $(UI)/node_modules/.package-lock.json
	cd $(UI) && npm run build

ui: ui-deps $(UI_DIST)

# `tauri build` (not plain cargo build): it enables custom-protocol and embeds ui/dist.
# Make builds the UI above, so tauri.conf.json's beforeBuildCommand (there for a bare
# `tauri build`) is switched off.
TAURI_BUILD := $(TAURI) build --config '{"build":{"beforeBuildCommand":null}}'

app: app-deps $(UI_DIST)
	$(TAURI_BUILD) --debug --no-bundle

# The e2e tests prepare other stores with the CLI.
cli:
	$(CARGO) build -p nansen-cli

run: app
	$(APP_BIN)

# ---- tests ----------------------------------------------------------------

test: test-deps
	$(MAKE) --no-print-directory check-generated
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-ui
	$(MAKE) --no-print-directory app cli
	$(MAKE) --no-print-directory e2e-only

# Default members only (core, cli, tests): the shell needs no cargo tests and
# building it in test mode would recompile Tauri with other features.
test-rust: py-deps
	NANSEN_PYTHON=$(PYTHON) $(CARGO) test

# vitest, then svelte-check (type errors fail; warnings fail only in `make lint`).
test-ui: ui-deps
	cd $(UI) && npm test
	cd $(UI) && npm run check

e2e: test-deps app cli
	$(MAKE) --no-print-directory e2e-only

e2e-only:
	mkdir -p $(E2E)/artifacts
	cd $(E2E) && NANSEN_APP=$(APP_BIN) $(DBUS) $(XVFB) npm test
	@echo "e2e screenshots: $$(find $(E2E)/artifacts -name '*.png' | wc -l) PNG files in $(E2E)/artifacts/<test>/"

# The README's screenshots, from the real app on the sample data.
screenshots: test-deps app cli
	cd $(E2E) && NANSEN_APP=$(APP_BIN) $(DBUS) $(XVFB) node readme-screenshots.mjs

lint: ui-deps check-generated
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd $(UI) && npm run check -- --fail-on-warnings

fmt:
	$(CARGO) fmt --all

# Time-boxed fuzzing of the decoders of files from outside: bundles, backups, enrolment
# files, spreadsheets of persons (src-tauri/core/fuzz/README.md).
FUZZ_SECONDS ?= 45
FUZZ_TARGETS := bundle_file bundle_envelope bundle_parts backup_file enrolment intake_sheet
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do \
	  work=$$(mktemp -d); scratch=$$(mktemp -d); cp $(ROOT)/src-tauri/core/fuzz/corpus/$$t/* $$work/; \
	  (cd $(ROOT)/src-tauri/core && TMPDIR=$$scratch RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t $$work -- \
	     -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1) || exit 1; \
	  rm -rf $$work $$scratch; \
	done

# Licences, banned crates and sources of every dependency (works offline). The
# advisories check needs the RustSec database from GitHub: run
# `cargo deny --config .ci/deny.toml check advisories` on a connected machine.
deny:
	@command -v cargo-deny >/dev/null 2>&1 || $(CARGO) install cargo-deny --locked
	$(CARGO) deny --config $(ROOT)/.ci/deny.toml check licenses bans sources

# Throughput figures (printed, not asserted): export and import of ~100k ops.
bench:
	$(CARGO) bench -p nansen-core --bench sync

# Headquarters at 20k, 100k and 1M persons (about half an hour), with the CLI's memory.
# Realistic names to a million persons, the last 900 000 left unchecked for duplicates
# (about half an hour here); set NANSEN_BENCH_NAMES, _SIZES or _CHECK_UP_TO to change it.
bench-scale:
	$(CARGO) build --release -p nansen-cli
	NANSEN_BENCH_NAMES=$${NANSEN_BENCH_NAMES:-realistic} \
	NANSEN_BENCH_CHECK_UP_TO=$${NANSEN_BENCH_CHECK_UP_TO:-100000} \
	NANSEN_CLI=$(TARGET_DIR)/release/nansen $(CARGO) bench -p nansen-core --bench scale

# The dashboard, situation summary and urgent-action sheet at 100k persons, printed.
bench-reports:
	$(CARGO) bench -p nansen-core --bench reports

# ---- install and package --------------------------------------------------

# `nansen` on the PATH without root: cargo installs the release build into ~/.cargo/bin.
install-cli: tools app-apt
	$(CARGO) install --locked --path $(ROOT)/src-tauri/cli
	@case ":$(USER_PATH):" in *":$(CARGO_BIN):"*) command -v nansen ;; \
	  *) echo "nansen is in $(CARGO_BIN), which is not on your PATH: add it (rustup's ~/.cargo/env does)";; esac

uninstall-cli:
	$(CARGO) uninstall nansen-cli

# The release .deb (Tauri's bundler): /usr/bin/nansen-desktop with its menu entry and
# icons, and the release CLI as /usr/bin/nansen (bundle.linux.deb.files, pointed here at
# this target dir). AppImage is not offered: its tools are downloaded at build time.
DEB_DIR := $(TARGET_DIR)/release/bundle/deb
DEB_CONFIG := {"bundle":{"linux":{"deb":{"files":{"/usr/bin/nansen":"$(TARGET_DIR)/release/nansen"}}}}}

package: app-deps $(UI_DIST)
	rm -f $(DEB_DIR)/*.deb
	$(CARGO) build --release --locked -p nansen-cli
	$(TAURI_BUILD) --bundles deb --config '$(DEB_CONFIG)'
	@ls -l $(DEB_DIR)/*.deb

# Installs the .deb (root or sudo), starts the installed app under Xvfb, measures it,
# and purges it; refuses to run while a `nansen` package is installed.
test-package: package test-deps
	mkdir -p $(E2E)/artifacts
	cd $(E2E) && NANSEN_DEB=$$(ls $(DEB_DIR)/*.deb) NANSEN_APP=/usr/bin/nansen-desktop \
	  NANSEN_CLI=/usr/bin/nansen SUDO=$(SUDO) $(DBUS) $(XVFB) \
	  node --test --test-timeout=600000 package/package.test.mjs

clean:
	rm -rf $(UI)/dist $(E2E)/artifacts
	$(CARGO) clean
