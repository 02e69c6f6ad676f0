#!/usr/bin/env bash
# The loom models of corio's concurrency core (loom-tests/), bounded to finish in CI's budget.
# Heavier local run: LOOM_MAX_PREEMPTIONS=3 ci/loom.sh
# One model: ci/loom.sh --test task_state wake_while_running
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="--cfg corio_loom ${RUSTFLAGS:-}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
# A target dir of its own: the cfg changes every crate's build.
exec cargo test --locked --release -p corio-loom-tests --target-dir target-loom "$@"
