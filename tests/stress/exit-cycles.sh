#!/bin/bash
# tests/stress/exit-cycles.sh - apache2 -X (one process, in the foreground)
# started and stopped with SIGTERM, many times over.  Run as root:
#
#   bash tests/stress/exit-cycles.sh [--cycles N]
#       The module's exit path (the default, 1000 cycles): mpm_prefork,
#       tests/stress/exits.conf (answer cache, visit counter with its
#       watchdog flush every second, mod_dbd connections held).  The cycles
#       take turns:
#         idle     SIGTERM 0-300 ms after the port opens, no request
#         request  a news request (a miss: stored in the cache), 1-5
#                  counted page views waiting to be flushed, SIGTERM at once
#         watchdog page views, SIGTERM 0.8-1.4 s after start: around the
#                  watchdog's first run
#         flush    page views while another session holds their
#                  visits_daily row, SIGTERM while the watchdog's flush
#                  waits for it (the exit flush must wait its turn)
#       Every exit must be status 0, leave no core file, and bring the
#       page views to the database exactly once (checked after each one).
#
#   bash tests/stress/exit-cycles.sh --without-module [--mpm M] [--cycles N]
#       httpd's own exit, the suite's configuration without the module
#       (issue 8): a POST and 8 keep-alive connections closed just before
#       SIGTERM.  Under --mpm event some cycles die of SIGSEGV in httpd's
#       event MPM shutdown (a worker still recycling the pool of the
#       connection that just closed); under prefork none.
#
# Options: --mpm event|worker|prefork (default prefork), --cycles N,
# --keep (keep the work folder).  Environment: NEWSAPI_DBDIR and
# NEWSAPI_DBPORT use this running MariaDB (the suite's) instead of
# starting one; EXITS_WORK the work folder (default: a new one in /tmp).
#
# Prints a tally per cycle kind and exits 1 when any exit was not 0.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/exits-lib.sh"

CYCLES=1000
MPM=prefork
WITH_MODULE=1
KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --cycles) CYCLES=$2; shift ;;
        --mpm) MPM=$2; shift ;;
        --without-module) WITH_MODULE=0 ;;
        --keep) KEEP=1 ;;
        *) sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
           exit 2 ;;
    esac
    shift
done
[[ $CYCLES =~ ^[1-9][0-9]*$ ]] || { echo "bad --cycles" >&2; exit 2; }

exits_workdir "$KEEP"
DIR=${EXITS_HTTPD_DIR:-$WORK/httpd-x}
CORES=$WORK/cores
mkdir -p "$CORES"
chmod 777 "$CORES"

if [ "$WITH_MODULE" -eq 1 ]; then
    exits_database
    exits_render "$DIR" "$(free_port "$DBPORT")" "$MPM" "$CORES" 1
    # a core file, if a cycle ever crashes, lands in CoreDumpDirectory
    ulimit -c unlimited 2>/dev/null || true
else
    # No database is needed: nothing uses mod_dbd without the module.
    export NEWSAPI_DBPORT=${NEWSAPI_DBPORT:-1}
    NEWSAPI_MPM=$MPM "$APACHE_SH" render "$DIR" "$(free_port)" >/dev/null
    # the suite's configuration minus every line of the module
    grep -v -E 'newsapi_module|newsapi:|SetHandler newsapi|^ *NewsApi' \
        "$DIR/httpd.conf" > "$DIR/httpd.conf.plain"
    mv "$DIR/httpd.conf.plain" "$DIR/httpd.conf"
    # prefork serves the 8 connections one after the other, each until its
    # keep-alive time is over (seconds a cycle): close them after a request
    [ "$MPM" = prefork ] && echo 'KeepAlive Off' >> "$DIR/httpd.conf"
    ulimit -c 0 2>/dev/null || true
fi
PORT=$(cat "$DIR/port")
BASE=http://127.0.0.1:$PORT
NEWS='{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'

PID=
exits_stop_apache() {
    if [ -n "$PID" ] && alive "$PID"; then
        kill -KILL "$PID" 2>/dev/null
    fi
}

declare -A RUNS=() OK=() BAD=()
WANT=0              # page views answered 200, all cycles together
FAILURES=0

# Starts apache2 -X in the background (PID), waits for its port.
start_x() {
    rm -f "$DIR/httpd.pid"
    "$APACHE_BIN" -X -f "$DIR/httpd.conf" &
    PID=$!
    STARTED=$(date +%s%N)
    local i
    for i in $(seq 1 300); do
        port_open "$PORT" && return 0
        alive "$PID" || return 1
        sleep 0.02
    done
    return 1
}

# Milliseconds since start_x.
since_start() {
    echo $(( ($(date +%s%N) - STARTED) / 1000000 ))
}

# SIGTERM, then the exit status (124 when it did not exit in 30 s: the
# process is then killed).
stop_x() {
    local rc=0 t=0
    kill -TERM "$PID"
    while alive "$PID" && [ $t -lt 600 ]; do
        sleep 0.05
        t=$((t + 1))
    done
    if alive "$PID"; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
        return 124
    fi
    wait "$PID" 2>/dev/null || rc=$?
    return "$rc"
}

# N page views, each a 200; adds them to WANT.
views() {
    local n=$1 i code
    for i in $(seq 1 "$n"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/index.html")
        [ "$code" = 200 ] || { echo "page view answered $code"; return 1; }
        WANT=$((WANT + 1))
    done
}

news() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' -d "$NEWS" \
        "$BASE/api/tintuc/huyen")
    [ "$code" = 200 ] || { echo "news request answered $code"; return 1; }
}

# The issue-8 traffic: a POST, then 8 keep-alive connections at once,
# all closed by curl as it exits.
plain_traffic() {
    local urls=() outs=() i
    for i in $(seq 1 8); do
        urls+=("$BASE/")
        outs+=(-o /dev/null)
    done
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
        -d "$NEWS" "$BASE/api/tintuc/huyen" || true
    curl -s --no-progress-meter --parallel --parallel-immediate \
        --parallel-max 8 "${outs[@]}" "${urls[@]}" || true
}

# Sleeps until $1 ms after start.
sleep_until() {
    local ms=$(( $1 - $(since_start) ))
    [ $ms -gt 0 ] && sleep "$(printf '0.%03d' "$ms")" || true
}

cycle() {
    local kind=$1 rc=0 lock= today
    if ! start_x; then
        echo "cycle $n ($kind): apache2 -X did not start"
        tail -n 5 "$DIR/error.log"
        stop_x || true
        return 1
    fi
    case $kind in
        plain)
            plain_traffic ;;
        idle)
            sleep "0.$(printf '%03d' $((RANDOM % 300)))" ;;
        request)
            news && views $((1 + RANDOM % 5)) ;;
        watchdog)
            views $((1 + RANDOM % 5))
            sleep_until $((800 + RANDOM % 600)) ;;
        flush)
            today=$(date -u -d '+7 hours' +%F)
            "$MARIADB_SH" sql "$DBDIR" -e "BEGIN; SELECT hits FROM
                visits_daily WHERE site_id = 994001 AND day = '$today'
                FOR UPDATE; SELECT SLEEP(1.2); COMMIT" >/dev/null 2>&1 &
            lock=$!
            sleep 0.15
            views $((1 + RANDOM % 5))
            # the watchdog's first flush (1 s after start) is waiting
            sleep_until $((1050 + RANDOM % 250)) ;;
    esac || { stop_x || true; return 1; }
    stop_x || rc=$?
    [ -n "$lock" ] && wait "$lock" 2>/dev/null || true
    if [ "$rc" -ne 0 ]; then
        echo "cycle $n ($kind): exit status $rc (0 wanted)"
        tail -n 5 "$DIR/error.log"
        return 1
    fi
    if [ "$WITH_MODULE" -eq 1 ]; then
        local have
        have=$(exits_hits)
        if [ "$have" != "$WANT" ]; then
            echo "cycle $n ($kind): $have page views in the database," \
                 "$WANT answered"
            WANT=$have      # report each loss or double once
            return 1
        fi
    fi
}

if [ "$WITH_MODULE" -eq 1 ]; then
    KINDS=(idle request watchdog flush)
    # the flush kind needs the day's row to hold a lock on
    "$MARIADB_SH" sql "$DBDIR" -e "INSERT INTO visits_daily (site_id, day,
        hits) VALUES (994001, '$(date -u -d '+7 hours' +%F)', 0)"
else
    KINDS=(plain)
fi
echo "exit-cycles: $CYCLES cycles of apache2 -X, mpm_$MPM," \
     "$([ "$WITH_MODULE" -eq 1 ] && echo "with the module (${KINDS[*]})" \
        || echo "without the module")"
T0=$SECONDS
for n in $(seq 1 "$CYCLES"); do
    kind=${KINDS[$(( (n - 1) % ${#KINDS[@]} ))]}
    RUNS[$kind]=$(( ${RUNS[$kind]:-0} + 1 ))
    if cycle "$kind"; then
        OK[$kind]=$(( ${OK[$kind]:-0} + 1 ))
    else
        BAD[$kind]=$(( ${BAD[$kind]:-0} + 1 ))
        FAILURES=$((FAILURES + 1))
    fi
    if [ $((n % 100)) -eq 0 ]; then
        echo "  $n cycles, $FAILURES failed, $((SECONDS - T0)) s"
    fi
done

ncores=$(find "$CORES" -type f | wc -l)
for kind in "${KINDS[@]}"; do
    printf '  %-9s %5d cycles, %5d exit 0, %d not\n' "$kind" \
        "${RUNS[$kind]:-0}" "${OK[$kind]:-0}" "${BAD[$kind]:-0}"
done
if [ "$WITH_MODULE" -eq 1 ]; then
    echo "  page views answered $WANT, in the database $(exits_hits)"
fi
echo "exit-cycles: $CYCLES cycles, $FAILURES exits other than 0 (or counts" \
     "wrong), $ncores core files, $((SECONDS - T0)) s"
[ "$FAILURES" -eq 0 ] && [ "$ncores" -eq 0 ]
