#!/usr/bin/env bash
# Where a workload's time goes, corio against tokio, in figures that a noisy shared machine does not
# blur: instructions per operation and the top functions (valgrind's callgrind counts instructions,
# not seconds), and syscalls per operation, futex calls among them (strace -c -f).
#
#   scripts/profile.sh WORKLOAD [RUNTIMES] [-- corio-bench run options]
#   scripts/profile.sh spawn_many_local
#   scripts/profile.sh tcp_echo corio,tokio -- --size round_trips=500
#
# Runs at the --quick sizes unless run options are given. Callgrind runs the threads one at a time,
# so its counts measure work, not contention; the strace counts show the contention (futex) and
# the I/O syscalls. Needs valgrind and strace (apt-get install valgrind strace); what is missing is
# skipped with a note. Writes the raw profiles to target/profile/.
set -euo pipefail
cd "$(dirname "$0")/.."

workload=${1:?usage: scripts/profile.sh WORKLOAD [RUNTIMES] [-- run options]}
shift
runtimes=corio,tokio
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    runtimes=$1
    shift
fi
[ "${1:-}" = "--" ] && shift
run_options=("$@")
[ ${#run_options[@]} -eq 0 ] && run_options=(--quick)

cargo build --locked --release -q -p corio-bench
bench=target/release/corio-bench
out=target/profile
mkdir -p "${out}"

# ops WORKLOAD RUNTIME: the operations one run counts (its JSON line's `ops`).
ops() {
    "${bench}" run "${workload}" --runtime "$1" "${run_options[@]}" |
        python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["ops"])'
}

for runtime in ${runtimes//,/ }; do
    echo "=== ${workload} on ${runtime}"
    count=$(ops "${runtime}")
    echo "operations per run: ${count}"
    if command -v valgrind >/dev/null; then
        file="${out}/callgrind.${workload}.${runtime}"
        valgrind --tool=callgrind --callgrind-out-file="${file}" \
            "${bench}" run "${workload}" --runtime "${runtime}" "${run_options[@]}" \
            >/dev/null 2>"${file}.log"
        total=$(grep -m1 -oE 'Collected : [0-9]+' "${file}.log" | grep -oE '[0-9]+')
        echo "instructions per operation: $((total / count)) (callgrind, whole process)"
        callgrind_annotate --threshold=80 "${file}" 2>/dev/null |
            grep -E '^ *[0-9,]+ \(' | sed -n '2,13p' |
            sed -E 's#/rustc/[0-9a-f]+/library/##; s#\[[^]]*\]$##; s#([^ ]*/)?registry/src/[^/]+/##'
    else
        echo "(valgrind not installed: no instruction counts)"
    fi
    if command -v strace >/dev/null; then
        file="${out}/strace.${workload}.${runtime}"
        strace -c -f -o "${file}" "${bench}" run "${workload}" --runtime "${runtime}" \
            "${run_options[@]}" >/dev/null
        python3 - "${file}" "${count}" <<'EOF'
import sys
path, ops = sys.argv[1], int(sys.argv[2])
rows = {}
for line in open(path):
    parts = line.split()
    if len(parts) >= 5 and parts[0][0].isdigit() and not line.startswith("100.00"):
        calls = int(parts[3])
        errors = int(parts[4]) if len(parts) == 6 else 0
        rows[parts[-1]] = (calls, errors)
total = sum(calls for calls, _ in rows.values())
print(f"syscalls per operation: {total / ops:.3f} (strace -c -f, setup included)")
for name, (calls, errors) in sorted(rows.items(), key=lambda r: -r[1][0])[:6]:
    note = f", {errors / ops:.3f} failed" if errors else ""
    print(f"  {name:<16} {calls / ops:.3f}/op{note}")
EOF
    else
        echo "(strace not installed: no syscall counts)"
    fi
done
