#!/usr/bin/env bash
# A smoke run of the benchmark harness, so it cannot rot:
#   1. `corio-bench compare --quick --runs 1` on a subset (scheduler, timer, I/O and HTTP workloads, on
#      corio, tokio and smol), each run in its own process as in a real comparison, writing JSON
#      lines, markdown and SVG charts; then `corio-bench check` verifies that every JSON line parses
#      and every workload completed on every runtime (or says it is not available yet).
#   2. `corio-bench floor` (tcp_echo with no runtime) at a tiny size.
#   3. Every criterion benchmark once, as a test (`cargo test --bench ...`).
# Both use the debug build that `cargo test --workspace` already made, so this stage builds almost
# nothing: the numbers are meaningless here, only completion is checked. Real numbers:
#   cargo run --release -p corio-bench -- compare
set -euo pipefail
cd "$(dirname "$0")/.."

subset=spawn_many_local,yield_many,chained_spawn,sleep_light,timer_churn_armed,tcp_echo,udp_pingpong,http_hello
runtimes=corio,tokio,smol
out=$(mktemp -d)
trap 'rm -rf "${out}"' EXIT

cargo build --locked -q -p corio-bench
bench="${CARGO_TARGET_DIR:-target}/debug/corio-bench"
"${bench}" compare --quick --runs 1 --runtimes "${runtimes}" --only "${subset}" \
    --json "${out}/runs.jsonl" --svg "${out}/svg" --markdown --timeout 120
"${bench}" check "${out}/runs.jsonl" --runtimes "${runtimes}" --only "${subset}"
for chart in ratio.svg tcp_echo_latency.svg http_hello_latency.svg; do
    test -s "${out}/svg/${chart}" || { echo "missing chart ${chart}"; exit 1; }
done

"${bench}" floor --connections 4 --round-trips 100 --runs 1

cargo test --locked -q -p corio-bench --bench scheduler --bench time --bench io
