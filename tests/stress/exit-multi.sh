#!/bin/bash
# tests/stress/exit-multi.sh - the multi-process Apache's exits as
# production meets them, with the module's exit path loaded (the answer
# cache, the visit counter, mod_dbd connections: tests/stress/exits.conf).
# Run as root:
#
#   bash tests/stress/exit-multi.sh [--stops N] [--gracefuls N] [--mpm M]
#
# N rounds (--stops, default 20), each: start Apache, page views and news
# requests from 3 clients all the time, --gracefuls (default 5) graceful
# restarts under that load, the clients stopped, `apache2 -k stop` (what
# `apachectl stop` runs).  MaxConnectionsPerChild 8 recycles children all
# along, and the counts are flushed only when a process exits
# (NewsApiVisitFlushInterval 3600): each old generation of a graceful
# restart, each recycled child, each stop.  After each stop the database
# must hold exactly the page views answered 200; the error log must have no
# "exit signal" (AH00052) nor SIGKILL line, CoreDumpDirectory no core.
#
# --mpm event (default), worker or prefork; --keep keeps the folder.
# Environment: NEWSAPI_DBDIR, NEWSAPI_DBPORT (use this MariaDB),
# EXITS_WORK (the work folder).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/exits-lib.sh"

STOPS=20
GRACEFULS=5
MPM=event
KEEP=0
CLIENTS=3
while [ $# -gt 0 ]; do
    case $1 in
        --stops) STOPS=$2; shift ;;
        --gracefuls) GRACEFULS=$2; shift ;;
        --mpm) MPM=$2; shift ;;
        --keep) KEEP=1 ;;
        *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
           exit 2 ;;
    esac
    shift
done

exits_workdir "$KEEP"
exits_database
DIR=${EXITS_HTTPD_DIR:-$WORK/httpd-multi}
CORES=$WORK/cores
mkdir -p "$CORES"
chmod 777 "$CORES"
ulimit -c unlimited 2>/dev/null || true
printf 'MaxConnectionsPerChild 8\n' > "$WORK/recycle.conf"
exits_render "$DIR" "$(free_port "$DBPORT")" "$MPM" "$CORES" 3600 \
    "$WORK/recycle.conf"
PORT=$(cat "$DIR/port")
BASE=http://127.0.0.1:$PORT
NEWS='{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'

exits_stop_apache() {
    [ -e "$WORK/stop" ] || touch "$WORK/stop"
    "$APACHE_SH" stop "$DIR"
}

WANT=0
FAILURES=0
GRACEFUL_DONE=0
STOPS_DONE=0
LOST=0              # requests without an answer (connection closed)

fail() {
    echo "exit-multi: $*"
    FAILURES=$((FAILURES + 1))
}

# One client until $WORK/stop exists: 4 page views and a news request on
# one keep-alive connection, again and again; one status a line.
client() {
    local out=$1
    while [ ! -e "$WORK/stop" ]; do
        curl -s -w '%{http_code} %{url_effective}\n' \
            -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
            "$BASE/index.html" "$BASE/index.html" "$BASE/index.html" \
            "$BASE/index.html" --next \
            -s -w '%{http_code} %{url_effective}\n' -o /dev/null \
            -X POST -H 'Content-Type: application/json' -d "$NEWS" \
            "$BASE/api/tintuc/huyen" >> "$out" 2>/dev/null || true
    done
}

# Tallies the clients' lines: WANT += page views answered 200.
tally() {
    local f views bad lost
    for f in "$WORK"/client.*; do
        views=$(grep -c '^200 .*/index.html$' "$f" || true)
        lost=$(grep -c '^000 ' "$f" || true)
        bad=$(grep -v -c -E '^(200|000) ' "$f" || true)
        WANT=$((WANT + views))
        LOST=$((LOST + lost))
        if [ "$bad" -ne 0 ]; then
            fail "$bad answers other than 200:" \
                 "$(grep -v -E '^(200|000) ' "$f" | sort | uniq -c | head -3)"
        fi
        rm -f "$f"
    done
}

# apache2 -k stop, then wait until the parent is gone.
apache_stop() {
    local pid t=0
    pid=$(tr -dc '0-9' < "$DIR/httpd.pid")
    "$APACHE_BIN" -f "$DIR/httpd.conf" -k stop
    while alive "$pid"; do
        [ $t -ge 600 ] && { fail "apache2 still alive 30 s after -k stop"
                            "$APACHE_SH" stop "$DIR"; return 1; }
        sleep 0.05
        t=$((t + 1))
    done
}

echo "exit-multi: mpm_$MPM, $STOPS rounds of $GRACEFULS graceful restarts" \
     "under load, then apache2 -k stop; MaxConnectionsPerChild 8"
T0=$SECONDS
for round in $(seq 1 "$STOPS"); do
    if ! NEWSAPI_MPM=$MPM "$APACHE_SH" start "$DIR" "$PORT" \
            "$DIR/exits.conf" >/dev/null; then
        fail "round $round: Apache did not start"
        break
    fi
    rm -f "$WORK/stop"
    pids=()
    for c in $(seq 1 $CLIENTS); do
        client "$WORK/client.$c" &
        pids+=($!)
    done
    for g in $(seq 1 "$GRACEFULS"); do
        sleep "0.$((2 + RANDOM % 4))"
        if "$APACHE_SH" graceful "$DIR"; then
            GRACEFUL_DONE=$((GRACEFUL_DONE + 1))
        else
            fail "round $round: graceful $g failed"
        fi
    done
    sleep 0.3
    touch "$WORK/stop"
    wait "${pids[@]}"
    apache_stop || true
    STOPS_DONE=$((STOPS_DONE + 1))
    tally
    have=$(exits_hits)
    if [ "$have" != "$WANT" ]; then
        fail "round $round: $have page views in the database, $WANT" \
             "answered ($LOST requests without an answer so far)"
        WANT=$have
    fi
    if [ $((round % 5)) -eq 0 ]; then
        echo "  round $round: $GRACEFUL_DONE graceful, $STOPS_DONE stops," \
             "$WANT page views, $((SECONDS - T0)) s"
    fi
done

signals=$(grep -c -E 'AH00052|exit signal|SIGKILL' "$DIR/error.log" || true)
if [ "$signals" -ne 0 ]; then
    fail "$signals children killed by a signal:"
    grep -E 'AH00052|exit signal|SIGKILL' "$DIR/error.log" | head -5
fi
ncores=$(find "$CORES" -type f | wc -l)
[ "$ncores" -eq 0 ] || fail "$ncores core files in $CORES"
children=$(awk '{print $1}' "$DIR/exits-access.log" | sort -u | wc -l)
echo "  $GRACEFUL_DONE graceful restarts, $STOPS_DONE stops, $children" \
     "processes served requests (recycled by MaxConnectionsPerChild)"
echo "  page views answered 200: $WANT, in the database: $(exits_hits);" \
     "$LOST requests lost to a closed connection"
echo "exit-multi: $FAILURES failures, $signals children killed by a" \
     "signal, $ncores core files, $((SECONDS - T0)) s"
[ "$FAILURES" -eq 0 ]
