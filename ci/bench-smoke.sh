#!/usr/bin/env bash
# A smoke run of the benchmark harness at tiny sizes, so it cannot rot: every criterion benchmark
# runs once (criterion's --test mode), on corio and on tokio.
set -euo pipefail
cd "$(dirname "$0")/.."

exec cargo bench --locked -p corio-bench -- --test
