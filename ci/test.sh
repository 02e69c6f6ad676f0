#!/usr/bin/env bash
# The one test command: formatting, lints, tests, loom models and a smoke run of the benchmark
# harness. Runs the same on a laptop and in CI (a fresh 2-core machine, 30 minutes in all).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
failed=()

# stage NAME SECONDS COMMAND... — runs one stage under a timeout and prints how long it took.
stage() {
    local name=$1 limit=$2
    shift 2
    echo "=== ${name} (limit ${limit}s)"
    local start=$SECONDS status=0
    timeout --kill-after=10 "${limit}" "$@" || status=$?
    echo "=== ${name}: $((SECONDS - start))s, exit ${status}"
    if [ "${status}" -ne 0 ]; then
        failed+=("${name}")
    fi
}

# Components a fresh toolchain may lack.
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "${component}"
    fi
done

stage "fmt" 120 cargo fmt --all -- --check
stage "clippy" 900 cargo clippy --workspace --all-targets --locked -- -D warnings
stage "test" 900 cargo test --workspace --locked
# The workspace build turns corio's `hyper` feature on (the bench harness uses it); check that the
# runtime also builds, lint-clean, without it, as most users take it.
stage "runtime alone" 300 cargo clippy -p corio --all-targets --locked -- -D warnings
# The API docs build without a broken or private intra-doc link (loom-tests documents items that
# exist only under its loom cfg, so it is left out).
stage "docs" 300 env RUSTDOCFLAGS="-D warnings" \
    cargo doc --no-deps --all-features --locked -p corio -p corio-macros -p corio-bench
stage "examples" 300 ci/examples.sh
stage "loom" 720 ci/loom.sh
stage "loom mutants" 300 ci/loom-mutants.sh
stage "bench smoke" 600 ci/bench-smoke.sh

if [ ${#failed[@]} -ne 0 ]; then
    echo "FAILED stages: ${failed[*]}"
    exit 1
fi
echo "all stages passed"
