#!/usr/bin/env bash
# Proves the loom models bite: runs each deliberate bug (a mutant, selected at run time by
# CORIO_LOOM_MUTANT; see runtime/src/loom/mutant.rs) against the model that must catch it, and
# fails if any model still passes. One build serves every mutant.
# One mutant: ci/loom-mutants.sh task_idle_drops_notified
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTFLAGS="--cfg corio_loom ${RUSTFLAGS:-}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
cargo=(cargo test --locked --release -p corio-loom-tests --target-dir target-loom)

# mutant (where it is in runtime/src) | model file | model that must fail
mutants=(
    "task_idle_drops_notified   task_state wake_while_running_polls_again_once"    # task/state.rs transition_to_idle
    "task_complete_relaxed      task_state join_waker_swapped_while_task_completes" # task/state.rs transition_to_complete
    "task_abort_skips_schedule  task_state abort_races_poll"                        # task/raw.rs remote_abort
    "task_join_waker_overwrite  task_state join_waker_swapped_while_task_completes" # task/harness.rs can_read_output
    "idle_no_recheck            idle       remote_spawn_racing_park_is_run"         # scheduler/worker.rs park (rule 4)
    "idle_notify_skips_unpark   idle       remote_spawn_racing_park_is_run"         # scheduler/shared.rs notify_parked (rule 1)
    "idle_last_searcher_skips_wake idle    last_searcher_finding_work_wakes_another" # scheduler/worker.rs run_task (rule 3)
    "idle_batch_not_announced   idle       timer_batch_on_a_blocked_holder_wakes_another" # scheduler/worker.rs announce_batch (rule 6)
    "lifo_drops_displaced       queue      every_pushed_task_runs_once"             # scheduler/shared.rs schedule_local
    "blocking_exit_keeps_idle   blocking   spawn_racing_idle_thread_exit"           # runtime/blocking.rs run_thread
    "join_set_drop_detaches     join_set   dropping_the_set_aborts_every_task"      # task/join_set.rs Drop
    "parker_driver_no_notify    driver     park_driver_racing_unpark_returns"       # scheduler/park.rs unpark
    "driver_turn_ignores_unpark driver     nonblocking_turn_racing_park_driver_and_unpark" # io/driver.rs turn
    "timer_holder_no_fence      driver     timer_registered_racing_holder_park"     # scheduler/shared.rs timer_deadline_lowered
    "timer_poll_skips_recheck   time       repoll_with_new_waker_racing_fire"       # time/sleep.rs poll_elapsed
    "timers_next_wake_no_fence  time       next_wake_recompute_racing_insert"       # time/timers.rs recompute_next_wake
    "timer_released_before_take time       drop_racing_fire_wakes_at_most_once"     # time/entry.rs fire
    "timer_released_relaxed     time       drop_racing_fire_wakes_at_most_once"     # time/entry.rs is_released
    "timer_order_set_after_unlock time     reset_within_the_coming_tick_racing_an_idle_firing" # time/timers.rs reset
)

"${cargo[@]}" --no-run

survived=()
for entry in "${mutants[@]}"; do
    read -r mutant file model <<<"${entry}"
    if [ $# -gt 0 ] && [ "$1" != "${mutant}" ]; then
        continue
    fi
    echo "=== mutant ${mutant}: ${file}::${model} must fail"
    start=$SECONDS
    status=0
    CORIO_LOOM_MUTANT="${mutant}" timeout --kill-after=10 600 \
        "${cargo[@]}" --test "${file}" -- --exact "${model}" >"target-loom/mutant-${mutant}.log" 2>&1 ||
        status=$?
    if [ "${status}" -eq 0 ]; then
        echo "=== SURVIVED: ${mutant} (${file}::${model} passed; log: target-loom/mutant-${mutant}.log)"
        survived+=("${mutant}")
    elif [ "${status}" -eq 124 ] || [ "${status}" -eq 137 ]; then
        echo "=== TIMED OUT: ${mutant} (counted as survived; log: target-loom/mutant-${mutant}.log)"
        survived+=("${mutant}")
    else
        reason=$(grep -m1 -E "deadlock|Causality violation|panicked at loom-tests|assertion" \
            "target-loom/mutant-${mutant}.log" || true)
        echo "=== caught in $((SECONDS - start))s: ${reason:-exit ${status}}"
    fi
done

if [ ${#survived[@]} -ne 0 ]; then
    echo "mutants that survived: ${survived[*]}"
    exit 1
fi
echo "every mutant was caught"
