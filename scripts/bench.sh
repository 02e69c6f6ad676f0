#!/usr/bin/env bash
# The full comparison, for people: corio vs tokio vs smol on every workload, release build, results
# as a table on stdout, README-ready markdown, JSON lines and SVG charts.
#
#   scripts/bench.sh [more corio-bench compare options...]
#   scripts/bench.sh --only http_hello,http_hello_wrk --runs 3
#
# Installs wrk (for http_hello_wrk) with apt-get when it is missing and apt-get can (as root, or
# through passwordless sudo); without it that one workload reports "not available" and everything
# else runs. Results go to target/bench-results/ (or BENCH_OUT=DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
out="${BENCH_OUT:-${target}/bench-results}"

# apt-get install wrk, as root or through passwordless sudo; fails when neither is possible.
install_wrk() {
    command -v apt-get >/dev/null 2>&1 || return 1
    local run=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || return 1
        run=(sudo -n)
    fi
    "${run[@]}" apt-get update -qq && "${run[@]}" apt-get install -y -qq wrk
}

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench.sh: installing wrk (for http_hello_wrk)"
    install_wrk || echo "bench.sh: could not install wrk (needs apt-get as root or passwordless" \
        "sudo); http_hello_wrk will be reported as not available"
fi

cargo build --release --locked -p corio-bench
mkdir -p "${out}"
"${target}/release/corio-bench" compare \
    --json "${out}/runs.jsonl" --svg "${out}/svg" --markdown "$@" | tee "${out}/table.txt"
echo "bench.sh: results in ${out}/ (runs.jsonl, table.txt, svg/)"
