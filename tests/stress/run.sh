#!/bin/bash
# tests/stress/run.sh - mod_newsapi under load, under faults and under
# hostile input, against the real apache2 and MariaDB.  Run as root:
#
#   bash tests/stress/run.sh                  the full run (about 6 minutes)
#   bash tests/stress/run.sh --quick          the CI bound (about 90 s)
#   bash tests/stress/run.sh --write-results  also write tests/stress/RESULTS.md
#
# Scenarios, each with 200 concurrent keep-alive connections (newsapi-load)
# sending cached, uncached, commune and bad requests to an Apache of 100
# workers, DBDMax 4 per process (16 database connections at most) and 8
# query slots (tests/stress/stress.conf):
#   steady     load only: zero wrong answers (a sample checked against
#              SQL), zero 5xx but the documented 503 + Retry-After, workers
#              and database connections within their limits, RSS flat
#   db-outage  the database stopped for STRESS_OUTAGE s under load and
#              started again: 503 or stale meanwhile, then recovery
#              without an Apache restart (recovery time reported)
#   slow-db    every statement of /slow/huyen sleeps 5 s with
#              NewsApiDBQueryTimeout 1, 20 at once beside the load: 503
#              database_unavailable within seconds, no hang
#   graceful   apachectl graceful every 3 s under load
#   kill-9     one child killed with SIGKILL every 3 s under load; query
#              slots and leases of the dead are taken over
#   lock, defaults, outage50
#              issue 10's measurements against a second Apache with the
#              module's defaults (tests/stress/dbstate.sh)
#   hostile    tests/stress/newsapi-hostile: slow bodies and headers, lying
#              Content-Length, chunked, 10 MB bodies, 5000 headers
# and after all: no "exit signal" but our own SIGKILLs in the error log, no
# hung worker (a last burst answers at once).
#
# Environment:
#   STRESS_DURATION     seconds of load per scenario (60; --quick: 10)
#   STRESS_CONCURRENCY  connections (200)
#   STRESS_OUTAGE       seconds the database is down (10; --quick: 5)
#   STRESS_ARTICLES     sample articles of the private database (200000)
#   STRESS_WORK         folder for the servers and logs (default: a new
#                       one under /tmp, removed at the end)
#   NEWSAPI_DBDIR, NEWSAPI_DBPORT  use this running MariaDB (loaded with the
#                       sample data) instead of starting one: what
#                       tests/e2e/stage-hardening.sh does; it is stopped and
#                       started again by db-outage, and always left running
#   NEWSAPI_MODULE      the module to load (tests/lib/apache.sh)
#   STRESS_ONLY         the scenarios to run, e.g. "steady hostile" (all)
#   STRESS_KEEP=1       keep the folder (logs, events, monitor.csv)
# Prints the table and a last line "stress: Tested: N | Passing: N |
# Failing: N | Crashing: N"; exits 1 when a scenario failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh

QUICK=0
WRITE_RESULTS=0
for a in "$@"; do
    case $a in
        --quick) QUICK=1 ;;
        --write-results) WRITE_RESULTS=1 ;;
        *) echo "usage: $0 [--quick] [--write-results]" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    DURATION=${STRESS_DURATION:-10}
    OUTAGE=${STRESS_OUTAGE:-5}
else
    DURATION=${STRESS_DURATION:-60}
    OUTAGE=${STRESS_OUTAGE:-10}
fi
CONC=${STRESS_CONCURRENCY:-200}
ARTICLES=${STRESS_ARTICLES:-200000}
# the limits of stress.conf, checked against what the processes do
SERVER_LIMIT=4
THREAD_LIMIT=25
DBD_MAX=4

say() { printf '\n=== stress: %s\n' "$*"; }

bash "$REPO/tests/lib/packages.sh" >&2

OWN_WORK=0
if [ -n "${STRESS_WORK:-}" ]; then
    WORK=$STRESS_WORK
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d /tmp/newsapi-stress.XXXXXX)
    OWN_WORK=1
fi
chmod 755 "$WORK"
HTTPD=$WORK/httpd-stress
OUT=$WORK/stress-out
BIN=$WORK/stress-bin
mkdir -p "$OUT" "$BIN"

OWN_DB=0
DB_STOPPED=0
MONITOR_PID=
cleanup() {
    local rc=$?
    set +e
    [ -n "$MONITOR_PID" ] && kill "$MONITOR_PID" 2>/dev/null
    if [ "$DB_STOPPED" = 1 ]; then
        "$MARIADB_SH" start "$DBDIR" "$DBPORT" >/dev/null 2>&1
    fi
    "$APACHE_SH" stop "$HTTPD" 2>/dev/null
    [ -n "${DEF_URL:-}" ] && "$APACHE_SH" stop "$HTTPD_DEF" 2>/dev/null
    if [ "$OWN_DB" = 1 ]; then
        "$MARIADB_SH" stop "$DBDIR" >/dev/null 2>&1
    fi
    if [ "$OWN_WORK" = 1 ] && [ -z "${STRESS_KEEP:-}" ]; then
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

. "$(dirname "${BASH_SOURCE[0]}")/../lib/ports.sh"

# ---- tools, database, Apache ---------------------------------------------

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

make -s -C "$HERE" BUILD="$BIN" >&2

if [ -n "${NEWSAPI_DBDIR:-}" ] && [ -n "${NEWSAPI_DBPORT:-}" ]; then
    DBDIR=$NEWSAPI_DBDIR
    DBPORT=$NEWSAPI_DBPORT
    "$MARIADB_SH" status "$DBDIR" || { echo "stress: no database at $DBDIR" >&2; exit 1; }
else
    DBDIR=$WORK/db
    DBPORT=$(free_port)
    say "MariaDB on port $DBPORT, $ARTICLES sample articles"
    OWN_DB=1
    "$MARIADB_SH" start "$DBDIR" "$DBPORT" >&2
    "$MARIADB_SH" load "$DBDIR" "$ARTICLES" >&2
fi
export NEWSAPI_DBDIR=$DBDIR NEWSAPI_DBPORT=$DBPORT
export NEWSAPI_DBSOCK=$DBDIR/mysqld.sock

sql() { "$MARIADB_SH" sql "$DBDIR" -N -B "$@"; }
DISTRICTS=$(sql -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM districts")
NARTICLES=$(sql -e "SELECT COUNT(*) FROM articles")

PORT=$(free_port "$DBPORT")
say "Apache on port $PORT ($HTTPD)"
"$APACHE_SH" start "$HTTPD" "$PORT" "$HERE/stress.conf" >&2
URL=http://127.0.0.1:$PORT
PARENT=$(tr -dc '0-9' < "$HTTPD/httpd.pid")

# ---- monitor: processes, threads, RSS, database connections -------------

# One line a second: epoch ms, children, threads, RSS of all children (kB),
# largest child RSS (kB), connections of user newsapi at the database.
monitor() {
    local kids n threads rss maxrss db
    while :; do
        kids=$(ps -o pid=,nlwp=,rss= --ppid "$PARENT" 2>/dev/null || true)
        read -r n threads rss maxrss < <(printf '%s\n' "$kids" | awk '
            NF == 3 { n++; t += $2; r += $3; if ($3 > m) m = $3 }
            END { printf "%d %d %d %d\n", n, t, r, m }')
        db=$(timeout 3 "$MARIADB_SH" sql "$DBDIR" -N -B -e "SELECT COUNT(*) \
            FROM information_schema.PROCESSLIST WHERE USER = 'newsapi'" \
            2>/dev/null || echo -1)
        echo "$(date +%s%3N),$n,$threads,$rss,$maxrss,${db:--1}"
        sleep 1
    done
}
monitor > "$OUT/monitor.csv" &
MONITOR_PID=$!

# ---- running a scenario ---------------------------------------------------

# STRESS_ONLY="steady db-outage" runs only those scenarios.
want() {
    [ -z "${STRESS_ONLY:-}" ] || [[ " $STRESS_ONLY " == *" $1 "* ]]
}

VERIFY="'$MARIADB_SH' sql '$DBDIR' -N -B -r"
RESULTS=()          # one "|"-separated row per scenario
PASSED=0
FAILED=0
CRASHED=0

errlog_size() { stat -c %s "$HTTPD/error.log" 2>/dev/null || echo 0; }

# Crashes in the error log since byte offset $1: a child that died of a
# signal other than our own SIGKILL, or a sanitizer report.
crashes_since() {
    tail -c +"$(($1 + 1))" "$HTTPD/error.log" 2>/dev/null \
        | grep -E "exit signal|Segmentation|AddressSanitizer|runtime error" \
        | grep -v -c "exit signal Killed (9)" || true
}

# load NAME SECONDS [extra options]: runs newsapi-load; figures in
# $OUT/NAME.txt, answers in $OUT/NAME.events
load() {
    local name=$1 secs=$2; shift 2
    "$BIN/newsapi-load" --url "$URL" --districts "$DISTRICTS" \
        --concurrency "$CONC" --duration "$secs" --events "$OUT/$name.events" \
        --verify-cmd "$VERIFY" --seed "$RANDOM" "$@" \
        > "$OUT/$name.txt" 2> "$OUT/$name.err" || true
}

fig() { sed -n "s/^$2=//p" "$OUT/$1.txt" | tail -1; }

# Monitor figures over [from, to] (epoch ms): max children, max threads,
# max database connections, RSS (MB) over the second and the last third,
# max.
window() {
    awk -F, -v a="$1" -v b="$2" '
        $1 >= a && $1 <= b { n++; c[n] = $2; t[n] = $3; r[n] = $4; d[n] = $6 }
        END {
            for (i = 1; i <= n; i++) {
                if (c[i] > mc) mc = c[i]; if (t[i] > mt) mt = t[i];
                if (d[i] > md) md = d[i]; if (r[i] > mr) mr = r[i]
            }
            k = int(n / 3); if (k < 1) k = 1
            for (i = 1; i <= k; i++) { s1 += r[n - 2 * k + i]; s2 += r[n - k + i] }
            printf "%d %d %d %.1f %.1f %.1f\n", mc, mt, md,
                   s1 / k / 1024, s2 / k / 1024, mr / 1024
        }' "$OUT/monitor.csv"
}

# record NAME VERDICT NOTE [RECOVERY]: one row of the table
record() {
    local name=$1 verdict=$2 note=$3 recovery=${4:--}
    local req ok stale db busy conn tmo x5 wrong sqlc sqlw
    req=$(fig "$name" requests); ok=$(fig "$name" ok)
    stale=$(fig "$name" stale); db=$(fig "$name" 503db)
    busy=$(fig "$name" 503busy); conn=$(fig "$name" conn)
    tmo=$(fig "$name" timeout); x5=$(fig "$name" 5xx)
    wrong=$(fig "$name" wrong); sqlc=$(fig "$name" sql_checked)
    sqlw=$(fig "$name" sql_wrong)
    RESULTS+=("$name|${req:-0}|${ok:-0}|${stale:-0}|${db:-0}|${busy:-0}|${conn:-0}|${tmo:-0}|${x5:-0}|$((${wrong:-0} + ${sqlw:-0}))|${sqlc:-0}|$CRASH_NOW|$recovery|$verdict|$note")
    if [ "$verdict" = ok ]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
    fi
    CRASHED=$((CRASHED + CRASH_NOW))
    echo "stress: $name: $verdict${note:+ ($note)}"
}

# The checks every scenario shares; sets VERDICT and NOTE.  Connection
# errors are counted, and fail the scenario only above MAX_CONN_PCT percent
# of the requests: with more clients than workers, httpd's event MPM closes
# idle kept-alive connections when every worker is busy, and httpd closes
# the connection after every 503; a client reusing such a connection at
# that instant sees it die (libcurl retries 5 times, then reports it).
common_checks() {
    local name=$1 max_conn_pct=${2:-0.1}
    VERDICT=ok
    NOTE=
    local wrong x5 tmo conn sqlw rps p99
    wrong=$(fig "$name" wrong); x5=$(fig "$name" 5xx)
    tmo=$(fig "$name" timeout); conn=$(fig "$name" conn)
    sqlw=$(fig "$name" sql_wrong)
    rps=$(fig "$name" rps); p99=$(fig "$name" p99_ms)
    NOTE="$rps req/s, p99 ${p99} ms (cached $(fig "$name" p99_cached_ms), uncached $(fig "$name" p99_uncached_ms))"
    if [ -z "$wrong" ]; then
        VERDICT=FAIL; NOTE="load generator failed: $(tail -3 "$OUT/$name.err")"
        return
    fi
    [ "$wrong" -eq 0 ] || { VERDICT=FAIL; NOTE="$NOTE; $wrong wrong answers"; }
    [ "${sqlw:-0}" -eq 0 ] || { VERDICT=FAIL; NOTE="$NOTE; $sqlw answers differ from SQL"; }
    [ "$x5" -eq 0 ] || { VERDICT=FAIL; NOTE="$NOTE; $x5 undocumented 5xx"; }
    [ "$tmo" -eq 0 ] || { VERDICT=FAIL; NOTE="$NOTE; $tmo requests hung"; }
    if [ "$conn" -gt 0 ]; then
        NOTE="$NOTE; $conn connection errors"
        if ! awk -v c="$conn" -v n="$(fig "$name" requests)" -v m="$max_conn_pct" \
                'BEGIN { exit !(c <= n * m / 100) }'; then
            VERDICT=FAIL; NOTE="$NOTE (over $max_conn_pct%)"
        fi
    fi
    [ "$CRASH_NOW" -eq 0 ] || { VERDICT=FAIL; NOTE="$NOTE; $CRASH_NOW crashes"; }
    if [ -s "$OUT/$name.err" ]; then
        sed 's/^/    /' "$OUT/$name.err" | head -n 20
    fi
}

# Workers and database connections within the configured limits.
limit_checks() {
    local from=$1 to=$2 mc mt md r1 r2 rmax
    read -r mc mt md r1 r2 rmax < <(window "$from" "$to")
    NOTE="$NOTE; max $mc children, $mt threads, $md db conns; RSS ${r1}->${r2} MB"
    if [ "$mc" -gt "$SERVER_LIMIT" ] || [ "$mt" -gt $((SERVER_LIMIT * (THREAD_LIMIT + 3))) ]; then
        VERDICT=FAIL; NOTE="$NOTE (over the worker limits)"
    fi
    if [ "$md" -gt $((SERVER_LIMIT * DBD_MAX)) ]; then
        VERDICT=FAIL; NOTE="$NOTE (over DBDMax)"
    fi
    RSS_FIRST=$r1
    RSS_LAST=$r2
}

# issue 10's scenarios and outage figures
. "$HERE/dbstate.sh"

status_figure() {
    curl -s --max-time 10 "$URL/newsapi-status?auto" | sed -n "s/^NewsApi$1: //p"
}

# ---- steady ---------------------------------------------------------------

if want steady; then
    say "steady: $CONC connections, ${DURATION}s"
    off=$(errlog_size); t0=$(date +%s%3N)
    load steady "$DURATION"
    t1=$(date +%s%3N)
    CRASH_NOW=$(crashes_since "$off")
    common_checks steady
    limit_checks "$t0" "$t1"
    # flat: after the warm-up (the first third: threads, pools and database
    # buffers grow to their working size), the last third no more than 20%
    # (+8 MB) above the second; judged on runs of 30 s or more (a 10 s run
    # is still warming up)
    if ! awk -v a="$RSS_FIRST" -v b="$RSS_LAST" 'BEGIN { exit !(b <= a * 1.20 + 8) }'; then
        if [ "$DURATION" -ge 30 ]; then
            VERDICT=FAIL; NOTE="$NOTE (RSS grows)"
        else
            NOTE="$NOTE (still warming up: not judged under 30 s)"
        fi
    fi
    cat "$OUT/steady.txt" | head -5
    record steady "$VERDICT" "$NOTE"
fi

# ---- db-outage --------------------------------------------------------------

if want db-outage; then
    say "db-outage: the database down for ${OUTAGE}s under load"
    off=$(errlog_size)
    probes0=$(status_figure DBProbes)
    lead=$(( DURATION / 3 > 3 ? DURATION / 3 : 3 ))
    total=$(( lead + OUTAGE + DURATION ))
    load db-outage "$total" &
    LOAD_PID=$!
    sleep "$lead"
    t_stop=$(date +%s%3N)
    "$MARIADB_SH" stop "$DBDIR" >/dev/null 2>&1
    DB_STOPPED=1
    sleep "$OUTAGE"
    t_start=$(date +%s%3N)
    probes1=$(status_figure DBProbes)
    "$MARIADB_SH" start "$DBDIR" "$DBPORT" >/dev/null 2>&1
    DB_STOPPED=0
    t_up=$(date +%s%3N)
    wait "$LOAD_PID" || true
    CRASH_NOW=$(crashes_since "$off")
    # connections closed by Apache are counted, not failed: every 503
    # closes its connection (httpd drops the connection after a 503), and
    # 200 clients reconnecting at once meet the event MPM shedding
    # kept-alive connections
    common_checks db-outage 1
    # during the outage: what the clients got; after the start command:
    # the first answer from the database (recovery); and the 503s of
    # requests *sent* more than 2 s after the database was ready (a request
    # sent during the outage may come back later, after waiting for a
    # worker or a query slot)
    read -r during_ok during_stale during_db first_miss late_db last_db after_ok < <(awk -F, \
        -v s="$t_stop" -v b="$t_start" -v u="$t_up" '
        $1 >= s && $1 < b { if ($2 == "ok") o++; if ($2 == "stale") st++;
                            if ($2 == "503db") d++ }
        $1 >= b { if ($2 == "ok") { ao++; if ($5 == "MISS" && (fm == 0 || $1 < fm)) fm = $1 }
                  if ($2 == "503db" && $1 - $4 > u + 2000) { ld++; if ($1 > l) l = $1 } }
        END { printf "%d %d %d %d %d %d %d\n", o, st, d, fm, ld, l, ao }' \
        "$OUT/db-outage.events")
    ready=$(awk -v a="$t_start" -v b="$t_up" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    if [ "$first_miss" -gt 0 ]; then
        recovery=$(awk -v a="$t_start" -v b="$first_miss" 'BEGIN { printf "%.1f s", (b - a) / 1000 }')
    else
        recovery="none"
    fi
    NOTE="$NOTE; outage: $during_ok ok (cache hits), $during_stale stale, $during_db 503"
    NOTE="$NOTE; database ready ${ready} s after its start command, first answer from it after $recovery; $late_db 503 for requests sent 2 s after ready or later; $after_ok ok after the start"
    if [ "$during_db" -eq 0 ] && [ "$during_stale" -eq 0 ]; then
        VERDICT=FAIL; NOTE="$NOTE (the outage was not seen)"
    fi
    if [ "$first_miss" -eq 0 ]; then
        VERDICT=FAIL; NOTE="$NOTE (no recovery)"
    fi
    # recovery without a restart: requests sent once the database is back
    # are answered from it
    if [ "$late_db" -gt 0 ]; then
        VERDICT=FAIL; NOTE="$NOTE (503 after the restart, the last at $(awk -v a="$t_up" -v b="$last_db" 'BEGIN { printf "%+.1f s", (b - a) / 1000 }'))"
    fi
    if [ "$(tr -dc '0-9' < "$HTTPD/httpd.pid")" != "$PARENT" ]; then
        VERDICT=FAIL; NOTE="$NOTE (Apache restarted)"
    fi
    # one outage, one story (issue 10): judged on the log lines and the
    # connection attempts; the first answer's delay is reported
    outage_figures db-outage "$HTTPD/error.log" "$off" "$t_stop" "$t_start" \
        "$t_up" $(( ${probes1:-0} - ${probes0:-0} ))
    NOTE="$NOTE; $OUT_NOTE"
    if [ "$(log_count "$HTTPD/error.log" "$off" 'NEWSAPI[0-9]')" -gt 10 ] \
       || [ "$(log_count "$HTTPD/error.log" "$off" 'AH00629')" -gt $((2 * OUTAGE)) ]; then
        VERDICT=FAIL; NOTE="$NOTE (more than one story for one outage)"
    fi
    record db-outage "$VERDICT" "$NOTE" "$recovery"
fi

# ---- slow-db ------------------------------------------------------------------

if want slow-db; then
    say "slow-db: 20 statements that sleep 5 s (NewsApiDBQueryTimeout 1) beside the load"
    off=$(errlog_size)
    load slow-db $(( DURATION / 2 > 8 ? DURATION / 2 : 8 )) &
    LOAD_PID=$!
    sleep 2
    pids=()
    for i in $(seq 1 20); do
        curl -s -o "$OUT/slow.$i.body" -w '%{http_code} %{time_total}\n' \
            --max-time 30 -X POST -H 'Content-Type: application/json' \
            -d "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-$(printf '%02d' "$i")\"}" \
            "$URL/slow/huyen" > "$OUT/slow.$i.status" &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    wait "$LOAD_PID" || true
    CRASH_NOW=$(crashes_since "$off")
    common_checks slow-db
    slow_ok=0; slow_max=0
    for i in $(seq 1 20); do
        read -r code secs < "$OUT/slow.$i.status" || { code=000; secs=99; }
        if [ "$code" = 503 ] && grep -q '"database_unavailable"\|"server_busy"' "$OUT/slow.$i.body"; then
            slow_ok=$((slow_ok + 1))
        fi
        slow_max=$(awk -v a="$slow_max" -v b="$secs" 'BEGIN { print (b > a) ? b : a }')
    done
    NOTE="$NOTE; slow statements: $slow_ok/20 answered 503, slowest after $(printf '%.1f' "$slow_max") s"
    # bounded by NewsApiDBQueryWait (10 s, waiting for a slot beside the load)
    # + NewsApiDBQueryTimeout (1 s) + a worker to take the request (4 s)
    if [ "$slow_ok" -ne 20 ] || ! awk -v m="$slow_max" 'BEGIN { exit !(m < 15) }'; then
        VERDICT=FAIL
    fi
    record slow-db "$VERDICT" "$NOTE"
fi

# ---- issue 10: lock, defaults, outage50 -----------------------------------------

dbstate_scenarios

# ---- graceful -------------------------------------------------------------------

if want graceful; then
    say "graceful: apachectl graceful every 3 s under load"
    off=$(errlog_size); t0=$(date +%s%3N)
    load graceful "$DURATION" &
    LOAD_PID=$!
    restarts=0
    end=$((SECONDS + DURATION - 2))
    while [ $SECONDS -lt $end ]; do
        sleep 3
        "$APACHE_SH" graceful "$HTTPD" >/dev/null 2>&1 && restarts=$((restarts + 1))
    done
    wait "$LOAD_PID" || true
    t1=$(date +%s%3N)
    CRASH_NOW=$(crashes_since "$off")
    common_checks graceful 1
    limit_checks "$t0" "$t1"
    NOTE="$NOTE; $restarts graceful restarts"
    [ "$restarts" -ge 2 ] || { VERDICT=FAIL; NOTE="$NOTE (graceful failed)"; }
    record graceful "$VERDICT" "$NOTE"
fi

# ---- kill-9 -----------------------------------------------------------------------

if want kill-9; then
    say "kill-9: one child killed every 3 s under load"
    conns_before=$(curl -s "$URL/newsapi-status?auto" | sed -n 's/^NewsApiDBConnectionsInUse: //p')
    off=$(errlog_size); t0=$(date +%s%3N)
    load kill-9 "$DURATION" &
    LOAD_PID=$!
    killed=0
    end=$((SECONDS + DURATION - 2))
    while [ $SECONDS -lt $end ]; do
        sleep 3
        victim=$(ps -o pid= --ppid "$PARENT" | awk 'NF { print $1 }' | shuf -n 1)
        if [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null; then
            killed=$((killed + 1))
        fi
    done
    wait "$LOAD_PID" || true
    t1=$(date +%s%3N)
    sleep 1
    CRASH_NOW=$(crashes_since "$off")
    # the connections of a killed child die with it: at most its share of
    # the clients' connections (CONC / processes) and its in-flight
    # requests (THREAD_LIMIT) per kill
    common_checks kill-9 100
    conn=$(fig kill-9 conn)
    if [ "${conn:-0}" -gt $(( (killed + 1) * (CONC / SERVER_LIMIT + THREAD_LIMIT) )) ]; then
        VERDICT=FAIL; NOTE="$NOTE (more connection errors than the killed children held)"
    fi
    limit_checks "$t0" "$t1"
    # httpd does not log a child killed by SIGKILL (only other signals)
    NOTE="$NOTE; $killed children killed, $(ps -o pid= --ppid "$PARENT" | wc -l) running after"
    # query slots of the dead are taken over: 16 uncached requests at once
    # (twice the slots) must all be answered from the database
    burst_ok=0
    pids=()
    for i in $(seq 1 16); do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 -X POST \
            -H 'Content-Type: application/json' \
            -d "{\"TuNgay\":\"2018-0$(( i % 9 + 1 ))-01\",\"DenNgay\":\"2018-12-$(( i + 10 ))\"}" \
            "$URL/api/tintuc/huyen" > "$OUT/burst.$i" &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    for i in $(seq 1 16); do
        [ "$(cat "$OUT/burst.$i")" = 200 ] && burst_ok=$((burst_ok + 1))
    done
    running=$(curl -s "$URL/newsapi-status?auto" | sed -n 's/^NewsApiDBQueriesRunning: //p')
    conns=$(curl -s "$URL/newsapi-status?auto" | sed -n 's/^NewsApiDBConnectionsInUse: //p')
    NOTE="$NOTE; after: burst $burst_ok/16 ok; status page at rest: ${running:-?} queries running, ${conns:-?} connections in use (${conns_before:-?} before the kills)"
    [ "$burst_ok" -eq 16 ] || { VERDICT=FAIL; NOTE="$NOTE (slots lost)"; }
    record kill-9 "$VERDICT" "$NOTE"
fi

# ---- hostile --------------------------------------------------------------------

if want hostile; then
    say "hostile: raw-socket requests, all at once"
    off=$(errlog_size)
    rss_before=$(ps -o rss= --ppid "$PARENT" | awk '{ s += $1 } END { printf "%.1f", s / 1024 }')
    hostile_rc=0
    "$BIN/newsapi-hostile" 127.0.0.1 "$PORT" $([ "$QUICK" = 1 ] && echo --quick) \
        > "$OUT/hostile.txt" 2>&1 || hostile_rc=$?
    rss_after=$(ps -o rss= --ppid "$PARENT" | awk '{ s += $1 } END { printf "%.1f", s / 1024 }')
    # (its own Tested/Passing line is shown reworded: tests/run.sh counts
    # the scenario once, in the last line of this script)
    sed 's/^hostile: Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\).*/hostile: \1 cases, \2 right, \3 wrong/' \
        "$OUT/hostile.txt"
    CRASH_NOW=$(crashes_since "$off")
    hline=$(grep '^hostile: Tested' "$OUT/hostile.txt" || echo "hostile: no summary")
    ntol=$(grep -c ' ok\* ' "$OUT/hostile.txt" || true)
    ncases=$(echo "$hline" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
    nfail=$(echo "$hline" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
    VERDICT=ok
    NOTE="${ncases:-?} cases, $(( ${ncases:-0} - ${nfail:-0} )) right, ${nfail:-?} wrong; $ntol tolerated (see the hostile table); RSS ${rss_before}->${rss_after} MB"
    [ "$hostile_rc" -eq 0 ] || VERDICT=FAIL
    [ "$CRASH_NOW" -eq 0 ] || VERDICT=FAIL
    RESULTS+=("hostile|${ncases:-0}|$(( ${ncases:-0} - ${nfail:-0} ))|-|-|-|-|-|-|${nfail:-?}|-|$CRASH_NOW|-|$VERDICT|$NOTE")
    if [ "$VERDICT" = ok ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    CRASHED=$((CRASHED + CRASH_NOW))
fi

# ---- after all: nothing hung ------------------------------------------------------

say "after: nothing hung"
CRASH_NOW=0
load after 3 --mix 50,0,40,10 --sample 50
common_checks after
p99=$(fig after p99_ms)
if ! awk -v p="${p99:-99999}" 'BEGIN { exit !(p < 5000) }'; then
    VERDICT=FAIL; NOTE="$NOTE (slow: workers hung?)"
fi
record after "$VERDICT" "$NOTE"

kill "$MONITOR_PID" 2>/dev/null || true
MONITOR_PID=

# ---- the table ----------------------------------------------------------------------

TABLE=$OUT/table.md
{
    echo "| scenario | requests | ok | stale | 503 db | 503 busy | conn err | hung | other 5xx | wrong | SQL-checked | crashes | recovery | verdict |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    for row in "${RESULTS[@]}"; do
        IFS='|' read -r n req ok st db busy conn tmo x5 wr sq cr rec v note <<< "$row"
        echo "| $n | $req | $ok | $st | $db | $busy | $conn | $tmo | $x5 | $wr | $sq | $cr | $rec | $v |"
    done
    echo
    for row in "${RESULTS[@]}"; do
        IFS='|' read -r n _ _ _ _ _ _ _ _ _ _ _ _ v note <<< "$row"
        echo "- **$n**: $note"
    done
} > "$TABLE"
echo
cat "$TABLE"

if [ "$WRITE_RESULTS" = 1 ]; then
    {
        echo "# Stress results"
        echo
        echo "Written by \`bash tests/stress/run.sh --write-results\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
        echo
        echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"\
             "load average $LOADAVG at the start (the load generator shares the cores),"\
             "$(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p'), $(mariadbd --version | awk '{ print $3 }')"
        echo "- load: $CONC concurrent keep-alive connections, ${DURATION}s per scenario,"\
             "mix cached 40 / uncached 25 / commune 25 / bad 10; $NARTICLES articles"
        echo "- Apache: 4 processes x 25 threads (100 workers), DBDMax 4 (16 database"\
             "connections at most), NewsApiMaxDBQueries 8, NewsApiDBQueryTimeout 1"\
             "(tests/stress/stress.conf)"
        echo "- database outage: ${OUTAGE}s (mariadb.sh stop, then start); *recovery*"\
             "= from the start command to the first answer computed from the"\
             "database again (X-NewsApi-Cache: MISS), with no Apache restart"
        echo
        cat "$TABLE"
        echo
        echo "Columns: *ok* the documented answer (200 checked, or the expected"\
             "4xx of a bad request); *stale* a 200 from an expired cache entry;"\
             "*503 db* / *503 busy* the documented 503 with Retry-After"\
             "(busy: no query slot or connection within NewsApiDBQueryWait, or too many waiting);"\
             "*conn err* the connection failed (in-flight requests of a killed"\
             "child; with more clients than workers httpd's event MPM closes idle"\
             "kept-alive connections and every 503 closes its connection, and a"\
             "client reusing one at that instant sees it die); *hung* no answer"\
             "in 30 s; *wrong* a wrong status, body or error code, or an answer"\
             "that differs from SQL; *SQL-checked* distinct answers compared with"\
             "SQL written from the contract; *crashes* children that died of a"\
             "signal other than our SIGKILL."
        echo
        echo "Hostile input (\`tests/stress/newsapi-hostile\`):"
        echo
        echo '```'
        sed 's/^hostile: Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\).*/hostile: \1 cases, \2 right, \3 wrong/' \
            "$OUT/hostile.txt"
        echo '```'
    } > "$HERE/RESULTS.md"
    echo "stress: wrote $HERE/RESULTS.md"
fi

echo "stress: Tested: $((PASSED + FAILED)) | Passing: $PASSED | Failing: $FAILED | Crashing: $CRASHED"
[ "$FAILED" -eq 0 ]
