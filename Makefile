# Nansen — top-level build, run and test entry points.
#
#   make deps   install what is missing (apt packages, npm packages, tauri-driver)
#   make app    build the UI and the debug desktop app (target/debug/nansen-desktop)
#   make run    build and launch the app on the default data dir
#   make test   Rust tests, UI unit tests, then end-to-end tests under Xvfb
#   make e2e    end-to-end tests only (builds the app first)
#   make lint   rustfmt, clippy (-D warnings, whole workspace incl. the shell), svelte-check,
#               and that the files generated from the Rust types are up to date
#   make generate  rewrite what the UI takes from the Rust types (IPC types, error messages)
#   make bench  sync throughput: export and import of ~100k ops, printed
#   make fuzz   time-boxed fuzzing of the bundle decoder
#   make deny   dependency licences, bans and sources (cargo-deny)
#
# Everything works offline except `deps`, which needs the package registries.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
UI          := $(ROOT)/ui
E2E         := $(ROOT)/tests/e2e
TARGET_DIR  ?= $(ROOT)/target
APP_BIN     := $(TARGET_DIR)/debug/nansen-desktop
CARGO       ?= cargo
CARGO_BIN   := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)

APT_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev \
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth dbus-x11 \
  webkit2gtk-driver age imagemagick python3 python3-venv
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# The tauri CLI (npm prebuilt binary) runs from ui/ and is pointed at src-tauri/.
TAURI := cd $(UI) && TAURI_APP_PATH=$(ROOT)/src-tauri ./node_modules/.bin/tauri
XVFB  := xvfb-run -a -s "-screen 0 1280x800x24"
# A private session bus per run, so nothing (dbus-launch autostart) outlives it.
DBUS  := $(shell command -v dbus-run-session >/dev/null 2>&1 && echo "dbus-run-session --")

# An independent SQLCipher 4 reader for the at-rest tests (Debian's sqlcipher is 3.x).
PYVENV      := $(TARGET_DIR)/py
PYTHON      := $(PYVENV)/bin/python

.PHONY: generate check-generated help deps tools apt-deps npm-deps py-deps tauri-driver ui app cli run test test-rust test-ui e2e e2e-only lint fmt fuzz deny bench screenshots clean

help:
	@sed -n '2,12p' $(ROOT)/Makefile | sed 's/^# \{0,1\}//'

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

deps: apt-deps tools npm-deps py-deps tauri-driver

# Node >= 20.19 (vite 8) and a Rust toolchain come with the machine image.
tools:
	@command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup)" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("node "+process.version+" is too old: need >= 20.19"); process.exit(1) }'

apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed$$' || echo "$$p"; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "apt: installing" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "apt: all packages present"; fi

# npm ci only when node_modules is missing or older than the lockfile.
npm-deps: tools $(UI)/node_modules/.package-lock.json $(E2E)/node_modules/.package-lock.json

$(UI)/node_modules/.package-lock.json: $(UI)/package-lock.json $(UI)/package.json
	cd $(UI) && npm ci --no-audit --no-fund
	touch $@

# --ignore-scripts: webdriverio pulls in driver downloaders we never use (offline).
$(E2E)/node_modules/.package-lock.json: $(E2E)/package-lock.json $(E2E)/package.json
	cd $(E2E) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

py-deps: $(PYTHON)

$(PYTHON):
	python3 -m venv $(PYVENV)
	$(PYVENV)/bin/pip install --quiet --disable-pip-version-check sqlcipher3-binary

tauri-driver:
	@if command -v tauri-driver >/dev/null 2>&1; then echo "tauri-driver: present"; \
	else $(CARGO) install tauri-driver --version '^2' --locked; fi

# ---- build ----------------------------------------------------------------

ui: npm-deps
	cd $(UI) && npm run build

# `tauri build --debug` (not plain cargo build): it enables custom-protocol and
# embeds ui/dist; its beforeBuildCommand builds the UI first.
app: npm-deps cli
	$(TAURI) build --debug --no-bundle

# The e2e tests prepare other stores with the CLI.
cli:
	$(CARGO) build -p nansen-cli

run: deps app
	$(APP_BIN)

# ---- tests ----------------------------------------------------------------

test: deps
	$(MAKE) --no-print-directory check-generated
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-ui
	$(MAKE) --no-print-directory app
	$(MAKE) --no-print-directory e2e-only

# Default members only (core, cli, tests): the shell needs no cargo tests and
# building it in test mode would recompile Tauri with other features.
test-rust: py-deps
	NANSEN_PYTHON=$(PYTHON) $(CARGO) test

# vitest, then svelte-check (type errors fail; warnings fail only in `make lint`).
test-ui: npm-deps
	cd $(UI) && npm test
	cd $(UI) && npm run check

e2e: deps app
	$(MAKE) --no-print-directory e2e-only

e2e-only:
	mkdir -p $(E2E)/artifacts
	cd $(E2E) && NANSEN_APP=$(APP_BIN) $(DBUS) $(XVFB) npm test
	@echo "e2e screenshots: $$(find $(E2E)/artifacts -name '*.png' | wc -l) PNG files in $(E2E)/artifacts/<test>/"

# The README's screenshots, from the real app on the sample data.
screenshots: app
	cd $(E2E) && NANSEN_APP=$(APP_BIN) $(DBUS) $(XVFB) node readme-screenshots.mjs

lint: npm-deps check-generated
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd $(UI) && npm run check -- --fail-on-warnings

fmt:
	$(CARGO) fmt --all

# Time-boxed fuzzing of the bundle decoder (src-tauri/core/fuzz/README.md).
FUZZ_SECONDS ?= 45
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	for t in bundle_file bundle_envelope bundle_parts; do \
	  work=$$(mktemp -d); cp $(ROOT)/src-tauri/core/fuzz/corpus/$$t/* $$work/; \
	  (cd $(ROOT)/src-tauri/core && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t $$work -- \
	     -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1) || exit 1; \
	  rm -rf $$work; \
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

clean:
	rm -rf $(UI)/dist $(E2E)/artifacts
	$(CARGO) clean
