#!/bin/bash
# tests/bench/index-bench.sh - the day index's benchmark, in one command
# (as root; not part of tests/run.sh):
#
#   sudo bash tests/bench/index-bench.sh [-n ARTICLES] [-d SECONDS] [-i SECONDS]
#
#   -n  sample articles (default 2000000)
#   -d  seconds of each throughput run (default 15)
#   -i  seconds of each statements-per-minute window (default 60)
#
# Loads the sample into a private MariaDB, starts a private Apache
# (bench.conf + index.conf) on its own ports, and prints side by side:
#  1. the full load and the recent refresh of the index: duration,
#     database time, bytes of shared memory (from the status page and the
#     NEWSAPI0615 line);
#  2. never-seen random ranges (random.lua: districts and communes, 1 day
#     to 7 years) through the index, through the SQL (NewsApiIndex Off) and
#     the static file of one answer's bytes, at 64 and 8 connections;
#  3. database statements per minute (the server's Questions counter)
#     with no load and under the random-range load through the index.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh
ARTICLES=2000000
DUR=15
IDLE=60
while getopts "n:d:i:h" opt; do
    case "$opt" in
        n) ARTICLES=$OPTARG ;;
        d) DUR=$OPTARG ;;
        i) IDLE=$OPTARG ;;
        *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done

bash "$REPO/tests/lib/packages.sh" wrk
. "$REPO/tests/lib/ports.sh"
TMP=$(mktemp -d /tmp/newsapi-index-bench.XXXXXX)
chmod 755 "$TMP"
export BENCH_DIR=$HERE
die() { echo "index-bench: $*" >&2; exit 1; }
cleanup() {
    set +e
    [ -f "$TMP/httpd/httpd.conf" ] && "$APACHE_SH" stop "$TMP/httpd"
    [ -d "$TMP/db" ] && "$MARIADB_SH" stop "$TMP/db"
    rm -rf "$TMP"
}
trap cleanup EXIT

DBPORT=$(free_port)
export NEWSAPI_DBPORT=$DBPORT
"$MARIADB_SH" start "$TMP/db" "$DBPORT"
t0=$(date +%s.%N)
"$MARIADB_SH" load "$TMP/db" "$ARTICLES"
echo "loaded $ARTICLES articles in $(echo "$(date +%s.%N) - $t0" | bc) s"
sql() { "$MARIADB_SH" sql "$TMP/db" -N -B -e "$1"; }
DISTRICTS=$(sql "SELECT GROUP_CONCAT(id) FROM districts")
export BENCH_DISTRICTS=$DISTRICTS BENCH_COMMUNE_PATH=/api/tintuc/xa

field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | tail -n 1; }
status() { curl -sf "$URL/newsapi-status?auto" | sed -n "s/^$1: //p"; }

start_apache() {  # On|Off
    local port
    [ -f "$TMP/httpd/httpd.conf" ] && "$APACHE_SH" stop "$TMP/httpd"
    sed "s|@INDEX@|$1|" "$HERE/index.conf" > "$TMP/index.conf"
    cat "$HERE/bench.conf" "$TMP/index.conf" > "$TMP/extra.conf"
    port=$(free_port "$DBPORT")
    "$APACHE_SH" start "$TMP/httpd" "$port" "$TMP/extra.conf" >/dev/null
    URL=http://127.0.0.1:$port
}

run_wrk() {  # connections script url -> RESULT line
    local out
    out=$(wrk -t1 -c"$1" -d"$DUR" -s "$2" "$3" 2>&1) \
        || { echo "$out" >&2; die "wrk failed"; }
    grep '^RESULT' <<<"$out" || { echo "$out" >&2; die "no RESULT"; }
}

questions() { sql "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{print $2}'; }

# ---- 1. the loads --------------------------------------------------------
start_apache On
for i in $(seq 1 600); do
    [ "$(status NewsApiIndex_news_State)" = ready ] \
        && [ "$(status NewsApiIndex_visits_State)" = ready ] && break
    sleep 0.1
done
[ "$(status NewsApiIndex_news_State)" = ready ] || die "index not ready"
# ---- 3. statements per minute, idle and under load (index) ---------------
# (the idle window is longer than NewsApiCacheTTL: the recent days are
# refreshed in it, and the table below shows that refresh)
q0=$(questions); sleep "$IDLE"; q1=$(questions)
idle=$(( (q1 - q0) * 60 / IDLE ))
wrk -t1 -c64 -d"$IDLE" -s "$HERE/random.lua" "$URL/api/tintuc/huyen" \
    >/dev/null 2>&1 &
wpid=$!
q0=$(questions); wait "$wpid" || true; q1=$(questions)
busy=$(( (q1 - q0) * 60 / IDLE ))

printf '\n%-8s %10s %10s %10s %10s %10s %10s\n' family site-days bytes \
    "full ms" "(db ms)" "recent ms" "(db ms)"
for f in news visits; do
    printf '%-8s %10s %10s %10s %10s %10s %10s\n' "$f" \
        "$(status NewsApiIndex_${f}_Days)" "$(status NewsApiIndex_${f}_Bytes)" \
        "$(status NewsApiIndex_${f}_FullMs)" \
        "$(status NewsApiIndex_${f}_FullDbMs)" \
        "$(status NewsApiIndex_${f}_RecentMs)" \
        "$(status NewsApiIndex_${f}_RecentDbMs)"
done

# ---- 2. never-seen ranges ------------------------------------------------
declare -A R
for c in 64 8; do
    R[index$c]=$(run_wrk "$c" "$HERE/random.lua" "$URL/api/tintuc/huyen")
done
src=$(curl -s -D - -o "$TMP/answer.json" -H 'Content-Type: application/json' \
      --data-binary '{"TuNgay":"2020-01-01","DenNgay":"2022-06-30"}' \
      "$URL/api/tintuc/huyen" | sed -n 's/^X-NewsApi-Source: //ip' | tr -d '\r')
[ "$src" = index ] || die "the index did not answer ($src)"
install -m 644 "$TMP/answer.json" "$TMP/httpd/htdocs/answer.json"
for c in 64 8; do
    R[static$c]=$(BENCH_BODY='{}' run_wrk "$c" "$HERE/post.lua" \
                  "$URL/answer.json")
done
start_apache Off
for c in 64 8; do
    R[sql$c]=$(run_wrk "$c" "$HERE/random.lua" "$URL/api/tintuc/huyen")
done

printf '\nnever-seen random ranges (districts and communes, 1 day-7 years), %s s each\n' "$DUR"
printf '%-30s %10s %10s %10s %8s\n' "" "req/s" "p50 ms" "p99 ms" "errors"
for c in 64 8; do
    for k in index sql static; do
        r=${R[$k$c]}
        printf '%-30s %10s %10s %10s %8s\n' "$k, $c connections" \
            "$(field "$r" rps)" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" \
            "$(( $(field "$r" status_errors) + $(field "$r" socket_errors) ))"
    done
    awk -v i="$(field "${R[index$c]}" rps)" -v s="$(field "${R[sql$c]}" rps)" \
        -v f="$(field "${R[static$c]}" rps)" -v c="$c" 'BEGIN {
        printf "  %s connections: index / SQL = %.0fx, index / static = %.2f\n",
               c, i / s, i / f }'
done
printf '\ndatabase statements per minute: %s idle, %s under the random-range load (index)\n' \
    "$idle" "$busy"
