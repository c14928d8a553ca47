#!/bin/bash
# tests/fuzz/run.sh - builds the libFuzzer targets of tests/fuzz (clang,
# AddressSanitizer + UndefinedBehaviorSanitizer, leak detection on) and
# runs each for a bounded time on a copy of its seed corpus.
#
#   bash tests/fuzz/run.sh                 every target, 60 s each
#   FUZZ_SECONDS=300 bash tests/fuzz/run.sh fuzz_request fuzz_date
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_WORK      working folder: build, grown corpus, logs, crash inputs
#                  (default: a new folder under /tmp, removed on success
#                  unless FUZZ_KEEP=1)
#   FUZZ_JOBS      targets run at once (default 1; each uses one core)
#
# Prints one line per target (executions, speed, corpus growth, verdict),
# the total, and a last line "fuzz: Tested: N | Passing: N | Failing: N |
# Crashing: N" that tests/run.sh counts.  Exits 1 when any target found a
# crash, a sanitizer report, a leak, a timeout or a broken invariant; the
# input is kept in FUZZ_WORK/artifacts and the command that replays it is
# printed.  The seed corpus in the tree is never modified.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ALL_TARGETS=(fuzz_request fuzz_content_type fuzz_date fuzz_render fuzz_sql
             fuzz_config fuzz_days)
SECONDS_EACH=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "FUZZ_SECONDS must be a number" >&2; exit 2; }

if [ $# -gt 0 ]; then
    TARGETS=("$@")
else
    TARGETS=("${ALL_TARGETS[@]}")
fi

# clang and compiler-rt's libFuzzer (Debian: libclang-rt-14-dev)
bash "$REPO/tests/lib/packages.sh" clang libclang-rt-14-dev >&2

if [ -n "${FUZZ_WORK:-}" ]; then
    WORK=$FUZZ_WORK
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d /tmp/newsapi-fuzz.XXXXXX)
fi
mkdir -p "$WORK/artifacts" "$WORK/logs" "$WORK/corpus"

echo "fuzz: building in $WORK/build"
goals=()
for t in "${TARGETS[@]}"; do
    goals+=("$WORK/build/$t")
done
if ! make -s -C "$HERE" BUILD="$WORK/build" -j2 "${goals[@]}" \
        > "$WORK/logs/build.log" 2>&1; then
    cat "$WORK/logs/build.log"
    echo "fuzz: Tested: ${#TARGETS[@]} | Passing: 0 | Failing: ${#TARGETS[@]} | Crashing: 0"
    exit 1
fi

dict_for() {
    case $1 in
        fuzz_request) echo "-dict=$HERE/json.dict" ;;
        fuzz_sql|fuzz_config) echo "-dict=$HERE/sql.dict" ;;
    esac
}

# run_one TARGET: fuzzes it; the verdict goes to logs/TARGET.result
run_one() {
    local t=$1 log=$WORK/logs/$1.log rc=0
    mkdir -p "$WORK/corpus/$t"
    cp -n "$HERE/corpus/$t"/* "$WORK/corpus/$t/" 2>/dev/null || true
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GB is a
    # memory bomb; -max_len: bodies up to 64 KiB (NewsApiMaxBodySize is 8 KiB
    # by default, 1 MiB at most).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$WORK/build/$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$WORK/artifacts/$t-" $(dict_for "$t") \
        "$WORK/corpus/$t" > "$log" 2>&1 || rc=$?
    local execs speed seeds now
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    seeds=$(find "$HERE/corpus/$t" -type f | wc -l)
    now=$(find "$WORK/corpus/$t" -type f | wc -l)
    local verdict=ok
    if [ "$rc" -ne 0 ] || ls "$WORK/artifacts/$t-"* >/dev/null 2>&1; then
        verdict="CRASH (exit $rc)"
    fi
    echo "$t|${execs:-0}|${speed:-0}|$seeds|$now|$verdict" > "$WORK/logs/$t.result"
}

echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each, $JOBS at once"
running=0
for t in "${TARGETS[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

total=0; failed=0; passed=0
printf '%-18s %12s %9s %14s  %s\n' target executions exec/s "corpus(seeds)" result
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name execs speed seeds now verdict < "$WORK/logs/$t.result"
    printf '%-18s %12s %9s %14s  %s\n' "$name" "$execs" "$speed" "$now($seeds)" "$verdict"
    total=$((total + execs))
    if [ "$verdict" = ok ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "---- $t: end of its log ($WORK/logs/$t.log) ----"
        grep -v -E '^#[0-9]+' "$WORK/logs/$t.log" | tail -n 40
        for a in "$WORK/artifacts/$t-"*; do
            [ -f "$a" ] && echo "replay: $WORK/build/$t '$a'"
        done
    fi
done
echo "fuzz: $total executions in total, $failed target(s) with a finding"
echo "fuzz: Tested: ${#TARGETS[@]} | Passing: $passed | Failing: $failed | Crashing: 0"
if [ "$failed" -gt 0 ]; then
    echo "fuzz: kept $WORK"
    exit 1
fi
if [ -z "${FUZZ_WORK:-}" ] && [ -z "${FUZZ_KEEP:-}" ]; then
    rm -rf "$WORK"
fi
