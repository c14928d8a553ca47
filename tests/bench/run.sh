#!/bin/bash
# tests/bench/run.sh - the answer cache's benchmark, in one command (as
# root; not part of tests/run.sh):
#
#   sudo bash tests/bench/run.sh [-n ARTICLES] [-m REQUESTS] [-d SECONDS]
#                                [-o FILE] [-k]
#
#   -n  sample articles to load (default 2000000; 27 districts, ~560
#       communes come with sql/sample-data.sql)
#   -m  cached requests of the memory phase (default 1000000)
#   -d  seconds of each throughput run (default 15)
#   -o  also write the result table (markdown) to FILE
#   -k  keep the temporary folder (logs) afterwards
#
# Loads the sample data into a private MariaDB (tests/bench/load-large.sh,
# which also times the bare queries), starts a private Apache with the
# module (tests/bench/bench.conf) on its own ports under its own temporary
# folder, stops both on every exit path, and measures on loopback with
# wrk (POST bodies, tests/bench/*.lua):
#
#  1. a cached district answer vs Apache serving the same bytes as a
#     static file, 64 connections: requests/s and p99;
#  2. uncached answers (a different range on every request, never cached)
#     vs the same queries run bare through the same driver
#     (tests/bench/sqltime.c), one connection: what the module adds;
#  3. stampedes: 100 identical requests at once on cold keys: database
#     queries per burst;
#  4. memory: each child's VmRSS after 10,000 and after -m cached requests
#     (Apache restarted fresh for it).
#
# Run it on a quiet machine; on 2 cores wrk takes one of them.  Compare
# the ratios, not the absolute figures, across machines.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh

ARTICLES=2000000
MEM_REQUESTS=1000000
DUR=15
OUT=
KEEP=0
while getopts "n:m:d:o:kh" opt; do
    case "$opt" in
        n) ARTICLES=$OPTARG ;;
        m) MEM_REQUESTS=$OPTARG ;;
        d) DUR=$OPTARG ;;
        o) OUT=$OPTARG ;;
        k) KEEP=1 ;;
        *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
for v in "$ARTICLES" "$MEM_REQUESTS" "$DUR"; do
    [[ "$v" =~ ^[0-9]+$ ]] || { echo "run.sh: '$v' is not a number" >&2; exit 2; }
done
[ "$MEM_REQUESTS" -ge 20000 ] || { echo "run.sh: -m must be 20000 or more" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root" >&2; exit 1; }
[ -n "$OUT" ] && OUT=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")

say() { printf '\n=== %s\n' "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

bash "$REPO/tests/lib/packages.sh" wrk
cd "$REPO"
./apxs-build.sh >/dev/null

TMP=$(mktemp -d /tmp/newsapi-bench.XXXXXX)
chmod 755 "$TMP"
cleanup() {
    set +e
    [ -f "$TMP/httpd/httpd.conf" ] && "$APACHE_SH" stop "$TMP/httpd"
    [ -d "$TMP/db" ] && "$MARIADB_SH" stop "$TMP/db" >/dev/null 2>&1
    if [ "$KEEP" -eq 1 ]; then
        echo "kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'echo interrupted >&2; exit 130' INT TERM

. "$(dirname "${BASH_SOURCE[0]}")/../lib/ports.sh"

DBPORT=$(free_port)
PORT=$(free_port "$DBPORT")
export NEWSAPI_DBPORT=$DBPORT NEWSAPI_DBDIR=$TMP/db
export NEWSAPI_DBSOCK=$TMP/db/mysqld.sock
export BENCH_DIR=$HERE TZ=UTC
URL=http://127.0.0.1:$PORT
DBD="host=127.0.0.1 port=$DBPORT user=newsapi pass=newsapi-test-pw dbname=newsapi reconnect=0"

# ---- helpers -----------------------------------------------------------

# RESULT key=value lines (wrk's result.lua, sqltime): value of key.
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1" | tail -n 1; }

# Requests Apache has served (its access log has a line for each).
served() { wc -l < "$TMP/httpd/access.log"; }

# wrk until Apache has served n more requests (post.lua's BENCH_LIMIT
# stops wrk's thread there, but wrk itself waits for its -d; SIGINT makes
# it stop and report at once).  RESULT line on stdout.
bench_wrk_count() {
    local n=$1 out=$TMP/wrk-count.out pid target cur last=-1 still=0
    shift
    target=$(( $(served) + n ))
    BENCH_LIMIT=$n wrk -d3600 "$@" > "$out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.2
        cur=$(served)
        if [ "$cur" -eq "$last" ]; then still=$((still + 1)); else still=0; fi
        last=$cur
        if [ "$cur" -ge "$target" ] || [ "$still" -ge 25 ]; then
            kill -INT "$pid" 2>/dev/null || true
            break
        fi
    done
    wait "$pid" || true
    cat "$out" >> "$TMP/wrk.log"
    grep '^RESULT' "$out" || { cat "$out" >&2; die "wrk gave no RESULT"; }
}

# wrk, its RESULT line on stdout; the full output goes to the log.
bench_wrk() {
    local out
    out=$(wrk "$@" 2>&1) || { echo "$out" >&2; die "wrk $* failed"; }
    echo "$out" >> "$TMP/wrk.log"
    grep '^RESULT' <<<"$out" || { echo "$out" >&2; die "wrk gave no RESULT"; }
}

counter() {
    curl -sf "$URL/newsapi-status?json" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

post() {  # path body -> body on stdout, headers in $TMP/headers
    curl -sf -D "$TMP/headers" -H 'Content-Type: application/json' \
        --data-binary "$2" "$URL$1"
}

children() {
    ps -o pid= --ppid "$(cat "$TMP/httpd/httpd.pid")" | tr -d ' ' | sort -n
}

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
# "anon A file F shmem S" (kB) of a process, for the log
rss_parts() {
    awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } /^RssShmem/ { s = $2 }
         END { printf "anon %s file %s shmem %s", a, f, s }' "/proc/$1/status"
}

ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }

# The query of a Location of bench.conf (the text after the directive).
conf_query() {
    sed -n "s/^[[:space:]]*$1 \"\(.*\)\"[[:space:]]*$/\1/p" "$HERE/bench.conf"
}

# ---- database and Apache -------------------------------------------------

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "MariaDB with $ARTICLES sample articles (tests/bench/load-large.sh)"
"$HERE/load-large.sh" -d "$TMP/db" -p "$DBPORT" -n "$ARTICLES" -r 3 -k >&2

say "Apache on port $PORT"
"$APACHE_SH" start "$TMP/httpd" "$PORT" "$HERE/bench.conf" >&2
cc -O2 -o "$TMP/sqltime" "$HERE/sqltime.c" \
    $(apr-1-config --cflags --cppflags --includes --link-ld) \
    $(apu-1-config --includes --link-ld) -lcurl

BODY='{"TuNgay":"2022-01-01","DenNgay":"2022-12-31"}'
COMMUNE_DISTRICT=$("$MARIADB_SH" sql "$TMP/db" -N -B -e "SELECT district_id
    FROM sites WHERE commune_id IS NOT NULL GROUP BY district_id
    ORDER BY COUNT(*) DESC, district_id LIMIT 1")
NCOMMUNES=$("$MARIADB_SH" sql "$TMP/db" -N -B -e "SELECT COUNT(*) FROM sites
    WHERE district_id = $COMMUNE_DISTRICT AND commune_id IS NOT NULL")

# ---- 1. cached answer vs static file -------------------------------------

say "1. cached district answer vs the same bytes as a static file"
post /api/tintuc/huyen "$BODY" > "$TMP/answer.json"
post /api/tintuc/huyen "$BODY" > "$TMP/answer2.json"
grep -qi '^X-NewsApi-Cache: HIT' "$TMP/headers" || die "second request not a HIT"
cmp -s "$TMP/answer.json" "$TMP/answer2.json" || die "cached answer differs"
install -m 644 "$TMP/answer.json" "$TMP/httpd/htdocs/answer.json"
curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$BODY" \
    "$URL/answer.json" | cmp -s - "$TMP/answer.json" \
    || die "the static file is not served the same bytes"
ANSWER_BYTES=$(stat -c %s "$TMP/answer.json")

export BENCH_BODY=$BODY
bench_wrk -t1 -c64 -d3 -s "$HERE/post.lua" "$URL/api/tintuc/huyen" >/dev/null
bench_wrk -t1 -c64 -d3 -s "$HERE/post.lua" "$URL/answer.json" >/dev/null
# Mean of field $1 over the RESULT lines that follow.
mean_of() {
    local f=$1 line sum=0 n=0
    shift
    for line in "$@"; do
        sum=$(awk -v s="$sum" -v v="$(field "$line" "$f")" 'BEGIN { print s + v }')
        n=$((n + 1))
    done
    awk -v s="$sum" -v n="$n" 'BEGIN { printf "%.3f", s / n }'
}

# Module and static file in turns, so that a slow spell of the machine
# hits both alike.
ROUNDS=3
hits0=$(counter CacheHits); miss0=$(counter CacheMisses)
MOD=(); STA=(); MOD8=(); STA8=(); RATIOS=
for round in $(seq 1 $ROUNDS); do
    m=$(bench_wrk -t1 -c64 -d"$DUR" --latency -s "$HERE/post.lua" \
        "$URL/api/tintuc/huyen")
    st=$(bench_wrk -t1 -c64 -d"$DUR" --latency -s "$HERE/post.lua" \
         "$URL/answer.json")
    echo "module, 64 connections, round $round: $m" >&2
    echo "static, 64 connections, round $round: $st" >&2
    MOD+=("$m"); STA+=("$st")
    RATIOS+=$(awk -v a="$(field "$m" rps)" -v b="$(field "$st" rps)" \
              'BEGIN { printf "%.2f ", a / b }')
done
for round in 1 2; do
    m=$(bench_wrk -t1 -c8 -d"$DUR" --latency -s "$HERE/post.lua" \
        "$URL/api/tintuc/huyen")
    st=$(bench_wrk -t1 -c8 -d"$DUR" --latency -s "$HERE/post.lua" \
         "$URL/answer.json")
    echo "module, 8 connections, round $round: $m" >&2
    echo "static, 8 connections, round $round: $st" >&2
    MOD8+=("$m"); STA8+=("$st")
done
hits=$(( $(counter CacheHits) - hits0 )); misses=$(( $(counter CacheMisses) - miss0 ))
mod_rps=$(mean_of rps "${MOD[@]}"); sta_rps=$(mean_of rps "${STA[@]}")
mod_p50=$(mean_of p50_ms "${MOD[@]}"); sta_p50=$(mean_of p50_ms "${STA[@]}")
mod_p99=$(mean_of p99_ms "${MOD[@]}"); sta_p99=$(mean_of p99_ms "${STA[@]}")
mod8_rps=$(mean_of rps "${MOD8[@]}"); sta8_rps=$(mean_of rps "${STA8[@]}")
mod8_p50=$(mean_of p50_ms "${MOD8[@]}"); sta8_p50=$(mean_of p50_ms "${STA8[@]}")
mod8_p99=$(mean_of p99_ms "${MOD8[@]}"); sta8_p99=$(mean_of p99_ms "${STA8[@]}")
mod_err=0; mod_sock=0
for m in "${MOD[@]}" "${MOD8[@]}"; do
    mod_err=$(( mod_err + $(field "$m" status_errors) ))
    mod_sock=$(( mod_sock + $(field "$m" socket_errors) ))
done
ratio=$(awk -v a="$mod_rps" -v b="$sta_rps" 'BEGIN { printf "%.2f", a / b }')
ratio8=$(awk -v a="$mod8_rps" -v b="$sta8_rps" 'BEGIN { printf "%.2f", a / b }')

# ---- 2. uncached vs bare SQL ----------------------------------------------

say "2. uncached answers vs the bare queries (one connection)"
DQ=$(conf_query NewsApiDistrictQuery)
CQ=$(conf_query NewsApiCommuneQuery)
[ -n "$DQ" ] && [ -n "$CQ" ] || die "no queries in bench.conf"
# In turns, three rounds each, so that the database's slow spells (other
# work on the machine) fall on both sides alike.
UROUNDS=3
UPER=$(( (DUR > 10 ? DUR : 10) / UROUNDS ))
# warm both paths (buffer pool, pooled connections, prepared statements)
"$TMP/sqltime" -p "$DBD" -q "$DQ" -s 2 >/dev/null
"$TMP/sqltime" -p "$DBD" -q "$CQ" -d "$COMMUNE_DISTRICT" -s 2 >/dev/null
bench_wrk -t1 -c1 -d2 -s "$HERE/vary.lua" "$URL/api/nocache/huyen" >/dev/null
BENCH_DISTRICT=$COMMUNE_DISTRICT bench_wrk -t1 -c1 -d2 -s "$HERE/vary.lua" \
    "$URL/api/nocache/xa" >/dev/null
UD_HTTP=(); UD_SQL=(); UC_HTTP=(); UC_SQL=()
r0=$(counter Requests); q0=$(counter DBQueries)
for round in $(seq 1 $UROUNDS); do
    UD_HTTP+=("$(bench_wrk -t1 -c1 -d"$UPER" -s "$HERE/vary.lua" \
                 "$URL/api/nocache/huyen")")
    UD_SQL+=("$("$TMP/sqltime" -p "$DBD" -q "$DQ" -s "$UPER")")
    UC_HTTP+=("$(BENCH_DISTRICT=$COMMUNE_DISTRICT bench_wrk -t1 -c1 \
                 -d"$UPER" -s "$HERE/vary.lua" "$URL/api/nocache/xa")")
    UC_SQL+=("$("$TMP/sqltime" -p "$DBD" -q "$CQ" -d "$COMMUNE_DISTRICT" \
                -s "$UPER")")
    echo "district, round $round: module ${UD_HTTP[-1]}" >&2
    echo "district, round $round: bare   ${UD_SQL[-1]}" >&2
    echo "commune, round $round: module ${UC_HTTP[-1]}" >&2
    echo "commune, round $round: bare   ${UC_SQL[-1]}" >&2
done
# what HTTP on loopback and Apache cost by themselves, for scale
ST1=$(bench_wrk -t1 -c1 -d5 -s "$HERE/post.lua" "$URL/answer.json")
# "mean / p50" of a side, and the module's excess over the bare queries
two() { echo "$(ms "$(mean_of mean_ms "$@")") / $(ms "$(mean_of p50_ms "$@")")"; }
excess() {  # field, then the module's lines, "--", the bare lines
    local f=$1 m=() b=()
    shift
    while [ "$1" != -- ]; do m+=("$1"); shift; done
    shift
    awk -v a="$(mean_of "$f" "${m[@]}")" -v b="$(mean_of "$f" "$@")" \
        'BEGIN { printf "%+.2f", a - b }'
}
ud_mean=$(excess mean_ms "${UD_HTTP[@]}" -- "${UD_SQL[@]}")
ud_p50=$(excess p50_ms "${UD_HTTP[@]}" -- "${UD_SQL[@]}")
uc_mean=$(excess mean_ms "${UC_HTTP[@]}" -- "${UC_SQL[@]}")
uc_p50=$(excess p50_ms "${UC_HTTP[@]}" -- "${UC_SQL[@]}")
# Paired: each range asked bare and through the module one right after
# the other, three times, the fastest of each kept (sqltime -u): the
# machine's slow spells fall on both alike, or on neither.
PD=$("$TMP/sqltime" -p "$DBD" -q "$DQ" -u "$URL/api/nocache/huyen" -r 3 \
     -s $(( DUR * 3 )))
PC=$("$TMP/sqltime" -p "$DBD" -q "$CQ" -d "$COMMUNE_DISTRICT" \
     -u "$URL/api/nocache/xa" -r 3 -s $(( DUR * 2 )))
echo "district, paired: $PD" >&2
echo "commune, paired: $PC" >&2
u_requests=$(( $(counter Requests) - r0 )); u_queries=$(( $(counter DBQueries) - q0 ))
ud_n=0; for l in "${UD_HTTP[@]}"; do ud_n=$(( ud_n + $(field "$l" requests) )); done
uc_n=0; for l in "${UC_HTTP[@]}"; do uc_n=$(( uc_n + $(field "$l" requests) )); done

# ---- 3. stampedes ------------------------------------------------------------

say "3. stampedes: 100 identical requests at once on cold keys"
STAMPEDE_KEYS=10
stampede_q=()
stampede_miss=()
stampede_bad=0
for k in $(seq 1 $STAMPEDE_KEYS); do
    body=$(printf '{"TuNgay":"2020-01-%02d","DenNgay":"2020-12-31"}' "$k")
    q0=$(counter DBQueries)
    args=()
    for i in $(seq 1 100); do args+=(-o /dev/null "$URL/api/tintuc/huyen"); done
    res=$(curl -s --no-progress-meter -Z --parallel-immediate --parallel-max 100 \
          -H 'Content-Type: application/json' --data-binary "$body" \
          -w '%{http_code} %header{x-newsapi-cache}\n' "${args[@]}")
    stampede_q+=( $(( $(counter DBQueries) - q0 )) )
    stampede_miss+=( "$(grep -c 'MISS' <<<"$res" || true)" )
    stampede_bad=$(( stampede_bad + $(grep -vc '^200 ' <<<"$res" || true) ))
done
echo "queries per burst: ${stampede_q[*]}; MISS per burst: ${stampede_miss[*]}" >&2

# ---- 4. memory ------------------------------------------------------------

say "4. memory: children's VmRSS after 10,000 and $MEM_REQUESTS requests"

# A fresh Apache serves path n1 = 10,000 times, then a tenth of -m and
# then -m in all; each child's VmRSS (kB) at each point goes to
# MEMROW[label] ("pid: a / b / c kB; ..."), MEMOK[label] says whether no
# child grew from the first point to the last.  The static file, run
# the same way, tells Apache's own warm-up from what the module keeps.
declare -A MEMROW MEMOK MEMN MEMSECS
memory_run() {
    local label=$1 path=$2 r0 n1 nm n2 mid p t0 kids kids2
    local -A r1 rmid r2
    "$APACHE_SH" stop "$TMP/httpd" >&2
    "$APACHE_SH" start "$TMP/httpd" "$PORT" "$HERE/bench.conf" >&2
    r0=$(served)
    bench_wrk_count 10000 -t1 -c64 -s "$HERE/post.lua" "$URL/$path" >/dev/null
    n1=$(( $(served) - r0 ))
    mapfile -t kids < <(children)
    for p in "${kids[@]}"; do
        r1[$p]=$(rss_kb "$p")
        echo "memory, $label, pid $p after $n1: $(rss_parts "$p")" >&2
    done
    t0=$SECONDS
    mid=$(( MEM_REQUESTS / 10 > n1 + 1000 ? MEM_REQUESTS / 10 : n1 + 1000 ))
    bench_wrk_count $(( mid - n1 )) -t1 -c64 -s "$HERE/post.lua" \
        "$URL/$path" >/dev/null
    nm=$(( $(served) - r0 ))
    for p in "${kids[@]}"; do rmid[$p]=$(rss_kb "$p" 2>/dev/null || echo 0); done
    bench_wrk_count $(( MEM_REQUESTS - nm )) -t1 -c64 -s "$HERE/post.lua" \
        "$URL/$path" >/dev/null
    n2=$(( $(served) - r0 ))
    MEMSECS[$label]=$(( SECONDS - t0 ))
    mapfile -t kids2 < <(children)
    [ "${kids[*]}" = "${kids2[*]}" ] \
        || echo "note: children changed: ${kids[*]} -> ${kids2[*]}" >&2
    MEMOK[$label]=yes
    MEMROW[$label]=
    for p in "${kids[@]}"; do
        r2[$p]=$(rss_kb "$p" 2>/dev/null || echo 0)
        echo "memory, $label, pid $p after $n2: $(rss_parts "$p")" >&2
        [ "${r2[$p]:-0}" -le "${r1[$p]}" ] || MEMOK[$label]=no
        MEMROW[$label]+="${r1[$p]} / ${rmid[$p]} / ${r2[$p]} kB; "
    done
    MEMN[$label]="$n1 / $nm / $n2"
    echo "memory, $label: after ${MEMN[$label]} requests: ${MEMROW[$label]}" >&2
}
memory_run static answer.json
memory_run module api/tintuc/huyen
mem_hits=$(counter CacheHits)

# ---- the table ------------------------------------------------------------

goal() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**missed**"; fi; }
{
cat <<EOF
Data: $ARTICLES articles, 27 district portals, $("$MARIADB_SH" sql "$TMP/db" -N -B -e \
  "SELECT COUNT(*) FROM sites WHERE commune_id IS NOT NULL") commune portals;
cached answer $ANSWER_BYTES bytes (district, $BODY).
wrk 4.1, 1 thread, loopback; Apache event MPM 2 x 64 threads; $(nproc) CPUs;
load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end.

| # | measure | mod_newsapi | reference | result | goal |
|---|---|---|---|---|---|
| 1 | cached district answer, 64 connections, ${ROUNDS} x ${DUR} s: requests/s | $(printf '%.0f' "$mod_rps") | static file, same bytes: $(printf '%.0f' "$sta_rps") | ratio $ratio (rounds: ${RATIOS% }) | >= 0.9: $(goal "$ratio >= 0.9") |
| 1 | same runs: latency p50 / p99 | $(ms "$mod_p50") / $(ms "$mod_p99") ms | $(ms "$sta_p50") / $(ms "$sta_p99") ms | | p99 < 2 ms: $(goal "$mod_p99 < 2") |
| 1 | 8 connections, 2 x ${DUR} s: requests/s, p50 / p99 | $(printf '%.0f' "$mod8_rps"), $(ms "$mod8_p50") / $(ms "$mod8_p99") ms | $(printf '%.0f' "$sta8_rps"), $(ms "$sta8_p50") / $(ms "$sta8_p99") ms | ratio $ratio8 | |
| 1 | all these runs: answers from the cache; non-200; socket errors (wrk) | $hits HIT, $misses MISS; $mod_err; $mod_sock | | | all HIT, no non-200 |
| 2 | uncached district answer (27 rows, 1-year ranges), wrk, 1 connection, $UROUNDS x $UPER s, $ud_n requests: mean / p50 | $(two "${UD_HTTP[@]}") ms | same queries bare (sqltime), in turns: $(two "${UD_SQL[@]}") ms | added $ud_mean / $ud_p50 ms | |
| 2 | uncached commune answer (Huyen_Id $COMMUNE_DISTRICT, $NCOMMUNES rows), same, $uc_n requests: mean / p50 | $(two "${UC_HTTP[@]}") ms | same queries bare: $(two "${UC_SQL[@]}") ms | added $uc_mean / $uc_p50 ms | |
| 2 | district, paired (each range bare and through the module in turns, 3 times, fastest of each kept), $(field "$PD" pairs) ranges: p50 | $(ms "$(field "$PD" http_p50_ms)") ms | bare: $(ms "$(field "$PD" sql_p50_ms)") ms | added: p50 $(ms "$(field "$PD" added_p50_ms)"), mean $(ms "$(field "$PD" added_mean_ms)") ms | < 1 ms: $(goal "$(field "$PD" added_p50_ms) < 1") |
| 2 | commune, paired the same way, $(field "$PC" pairs) ranges: p50 | $(ms "$(field "$PC" http_p50_ms)") ms | bare: $(ms "$(field "$PC" sql_p50_ms)") ms | added: p50 $(ms "$(field "$PC" added_p50_ms)"), mean $(ms "$(field "$PC" added_mean_ms)") ms | < 1 ms: $(goal "$(field "$PC" added_p50_ms) < 1") |
| 2 | uncached runs: API requests / database queries | $u_requests / $u_queries | for scale: static file, 1 connection, mean / p50: $(two "$ST1") ms | | |
| 3 | 100 identical requests at once on a cold key, $STAMPEDE_KEYS keys: database queries per burst | ${stampede_q[*]} | | MISS per burst: ${stampede_miss[*]}; non-200: $stampede_bad | 1 each: $(goal "$(IFS=+; echo "${stampede_q[*]}") == $STAMPEDE_KEYS") |
| 4 | VmRSS of each child after ${MEMN[module]} requests (fresh Apache each; ${MEMSECS[module]} s / ${MEMSECS[static]} s after the first 10,000) | cached answer ($mem_hits hits): ${MEMROW[module]% } | static file: ${MEMROW[static]% } | | no growth from first to last: $([ "${MEMOK[module]}" = yes ] && echo met || echo "**missed**") (static file: $([ "${MEMOK[static]}" = yes ] && echo none || echo grew)) |
EOF
} > "$TMP/table.md"
cat "$TMP/table.md"
[ -n "$OUT" ] && cp "$TMP/table.md" "$OUT"
exit 0
