#!/usr/bin/env bash
# corio's examples mirror the asyncio programs in ../shared/asyncio-examples output for output:
# run each pair and compare what they print. Skips the Python side when the programs or python3
# are not there (the examples still have to run and exit 0). The networking examples (which
# start their own loopback server) run too, and must exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."

examples=(hello create_task gather echo_client chat)
cargo build --locked --release -p corio --examples
python_dir=../shared/asyncio-examples
status=0
for name in "${examples[@]}"; do
    start=$SECONDS
    corio_out=$(timeout 60 ./target/release/examples/"${name}")
    echo "--- ${name}.rs ($((SECONDS - start))s)"
    echo "${corio_out}"
    if command -v python3 >/dev/null && [ -f "${python_dir}/${name}.py" ]; then
        python_out=$(python3 "${python_dir}/${name}.py")
        if [ "${corio_out}" != "${python_out}" ]; then
            echo "MISMATCH: ${name}.py printed:"
            echo "${python_out}"
            status=1
        fi
    fi
done
exit "${status}"
