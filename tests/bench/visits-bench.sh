#!/bin/bash
# tests/bench/visits-bench.sh - what counting page views costs the pages:
# throughput of one static HTML page with NewsApiCountVisits On (/on/)
# and Off (/off/), side by side on one Apache (the suite's test
# configuration plus tests/bench/visits-bench.conf), in alternating
# rounds of wrk.  Goal: "on" at most 3% slower than "off".
#
#   sudo bash tests/bench/visits-bench.sh [-r ROUNDS] [-d SECONDS] [-c CONNS]
#                                          [-t THREADS] [-o RESULTS.md]
#
# Defaults: 5 rounds of 10 s per side, 64 connections, 2 wrk threads,
# results written to tests/bench/visits-RESULTS.md.  Starts a private
# MariaDB and Apache under a temporary folder and stops them on exit.
# Only ratios measured in the same run mean anything (PLATFORM.md: on 2
# cores wrk takes one of them).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh

rounds=5
secs=10
conns=64
threads=2
out=$HERE/visits-RESULTS.md
while getopts "r:d:c:t:o:h" opt; do
    case "$opt" in
        r) rounds=$OPTARG ;;
        d) secs=$OPTARG ;;
        c) conns=$OPTARG ;;
        t) threads=$OPTARG ;;
        o) out=$OPTARG ;;
        *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
cmdline="bash tests/bench/visits-bench.sh -r $rounds -d $secs -c $conns -t $threads"

bash "$REPO/tests/lib/packages.sh" wrk
cd "$REPO"
./apxs-build.sh >/dev/null 2>&1 || { echo "./apxs-build.sh failed" >&2; exit 1; }

TMP=$(mktemp -d /tmp/newsapi-vbench.XXXXXX)
chmod 755 "$TMP"
cleanup() {
    set +e
    [ -f "$TMP/httpd/httpd.conf" ] && "$APACHE_SH" stop "$TMP/httpd"
    [ -d "$TMP/db" ] && "$MARIADB_SH" stop "$TMP/db" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

. "$(dirname "${BASH_SOURCE[0]}")/../lib/ports.sh"

DBPORT=$(free_port)
PORT=$(free_port "$DBPORT")
export NEWSAPI_DBPORT=$DBPORT NEWSAPI_DBDIR=$TMP/db
"$MARIADB_SH" start "$TMP/db" "$DBPORT" 2>/dev/null
"$MARIADB_SH" load "$TMP/db" 0 2>/dev/null

# The page: 5 KB of HTML, the same file under both Locations.
mkdir -p "$TMP/htdocs/on" "$TMP/htdocs/off"
{
    echo '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
    echo '<title>Cổng thông tin điện tử</title></head><body>'
    for i in $(seq 1 40); do
        echo "<p>Tin hoạt động số $i: thông báo của Ủy ban nhân dân xã.</p>"
    done
    echo '</body></html>'
} > "$TMP/htdocs/on/index.html"
cp "$TMP/htdocs/on/index.html" "$TMP/htdocs/off/index.html"
find "$TMP/htdocs" -type d -exec chmod 755 {} +
find "$TMP/htdocs" -type f -exec chmod 644 {} +
sed -e "s|@DOCROOT@|$TMP/htdocs|g" "$HERE/visits-bench.conf" > "$TMP/bench.conf"
"$APACHE_SH" start "$TMP/httpd" "$PORT" "$TMP/bench.conf" >/dev/null

url=http://127.0.0.1:$PORT
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for side in on off; do
    code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/$side/index.html")
    [ "$code" = "200 text/html" ] || { echo "GET /$side/: $code" >&2; exit 1; }
done

# CPU time (user + system, in clock ticks) used so far by the Apache:
# the parent, its children, and the children it has reaped.
parent=$(tr -dc '0-9' < "$TMP/httpd/httpd.pid")
cpu_ticks() {
    local pid t=0 f
    for pid in $parent $(ps -o pid= --ppid "$parent"); do
        f=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        # after "(comm) ": state is field 1, utime 12, stime 13, cutime
        # 14, cstime 15
        t=$((t + $(awk '{print $12 + $13 + $14 + $15}' <<<"$f")))
    done
    echo "$t"
}
hz=$(getconf CLK_TCK)
# A browser's User-Agent, so that NewsApiVisitRobots' regular expression
# runs on every page view as it does on a portal
UA="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

# wrk's figures of one run: "requests/s requests non2xx cpu_us_per_request"
run_wrk() {
    local path=$1 d=$2 text rps req bad c0 c1
    c0=$(cpu_ticks)
    text=$(wrk -t "$threads" -c "$conns" -d "${d}s" -H "User-Agent: $UA" \
        "$url$path" 2>&1)
    c1=$(cpu_ticks)
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$text")
    req=$(awk '/requests in/ {print $1}' <<<"$text")
    bad=$(awk '/Non-2xx/ {print $NF}' <<<"$text")
    echo "$rps $req ${bad:-0} $(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$req" \
        'BEGIN { printf "%.2f", t * 1e6 / hz / n }')"
}

echo "warming up (3 s each side)"
on_total=0
read -r _ n _ _ < <(run_wrk /on/index.html 3); on_total=$((on_total + n))
read -r _ n _ _ < <(run_wrk /off/index.html 3)

declare -a ON OFF CPU_ON CPU_OFF
rows=""
for ((i = 1; i <= rounds; i++)); do
    # alternate which side goes first
    if ((i % 2)); then order="on off"; else order="off on"; fi
    for side in $order; do
        read -r rps n bad cpu < <(run_wrk "/$side/index.html" "$secs")
        [ "$bad" = 0 ] || { echo "round $i $side: $bad non-2xx answers" >&2; exit 1; }
        if [ "$side" = on ]; then ON[$i]=$rps; CPU_ON[$i]=$cpu; on_total=$((on_total + n));
        else OFF[$i]=$rps; CPU_OFF[$i]=$cpu; fi
        printf 'round %d %-3s %10.0f req/s %8.1f us CPU/request\n' "$i" "$side" "$rps" "$cpu"
    done
    rows+=$(awk -v i="$i" -v on="${ON[$i]}" -v off="${OFF[$i]}" \
                -v con="${CPU_ON[$i]}" -v coff="${CPU_OFF[$i]}" 'BEGIN {
        printf "| %d | %.0f | %.0f | %+.1f%% | %.1f | %.1f | %+.1f%% |\n", i, off, on,
               (on / off - 1) * 100, coff, con, (con / coff - 1) * 100 }')$'\n'
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -a RATIO
for ((i = 1; i <= rounds; i++)); do
    RATIO[$i]=$(awk -v a="${ON[$i]}" -v b="${OFF[$i]}" 'BEGIN { printf "%.4f", a / b }')
done
mcpu_on=$(median "${CPU_ON[@]}")
mcpu_off=$(median "${CPU_OFF[@]}")
cpu_diff=$(awk -v a="$mcpu_on" -v b="$mcpu_off" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
mon=$(median "${ON[@]}")
moff=$(median "${OFF[@]}")
mratio=$(median "${RATIO[@]}")
sum_on=$(printf '%s\n' "${ON[@]}" | awk '{s+=$1} END {print s}')
sum_off=$(printf '%s\n' "${OFF[@]}" | awk '{s+=$1} END {print s}')
# The verdict: the median of the rounds' ratios (each round's two runs are
# back to back, so they share the machine's mood of the moment).
# When the rounds disagree by more than 10 points, the machine's noise is
# larger than the effect looked for: no verdict.
spread=$(printf '%s\n' "${RATIO[@]}" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {
    printf "%+.1f%% .. %+.1f%%", (lo - 1) * 100, (hi - 1) * 100 }')
noisy=$(printf '%s\n' "${RATIO[@]}" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {
    print (hi - lo > 0.10) ? 1 : 0 }')
verdict=$(awk -v r="$mratio" -v noisy="$noisy" 'BEGIN {
    d = (r - 1) * 100
    printf "%+.1f%% (%s)", d, noisy ? "no verdict: the rounds disagree by more than 10 points" \
        : (d >= -3 ? "within the 3% goal" : "MISSES the 3% goal") }')

# Every page view served under /on/ must be in the database after a stop
# (the flush at exit); wrk does not count the answers still in flight
# when a run ends, so the database may hold up to that many more.
"$APACHE_SH" stop "$TMP/httpd" >/dev/null
crashes=$(grep -c "exit signal" "$TMP/httpd/error.log" || true)
# (the sample data's own visits of site 1 are all in 2022)
counted=$("$MARIADB_SH" sql "$TMP/db" -N -B -e "SELECT COALESCE(SUM(hits), 0) FROM visits_daily WHERE site_id = 1 AND day >= CURDATE() - INTERVAL 1 DAY")

cores=$(nproc)
table="| round | off (req/s) | on (req/s) | on vs off | off (µs CPU/req) | on (µs CPU/req) | on vs off |
|---|---|---|---|---|---|---|
${rows}| median | $(printf '%.0f' "$moff") | $(printf '%.0f' "$mon") | $verdict | $mcpu_off | $mcpu_on | $cpu_diff |
| all rounds together | $(printf '%.0f' "$sum_off") | $(printf '%.0f' "$sum_on") | $(awk -v a="$sum_on" -v b="$sum_off" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }') | | | |"

echo
echo "$table"
echo "ratios of the rounds: $spread; load average before: $load0"
echo
echo "page views answered under /on/ (wrk): $on_total; in visits_daily after the stop: $counted"
echo "children of Apache that died of a signal: $crashes"
grep "exit signal\|Assertion" "$TMP/httpd/error.log" | head -5 || true

cat > "$out" <<MD
# Visit counter: cost on page serving

Throughput of one static 5 KB HTML page served by the same Apache (the
test configuration: event MPM, ServerLimit 4, ThreadsPerChild 8, access
log on) from two Locations: \`/on/\` with \`NewsApiCountVisits On\`
(\`NewsApiSiteId 1\`, \`NewsApiVisitFlushInterval 1\`) and \`/off/\` with
counting off. wrk with a browser's User-Agent, $threads threads, $conns
connections, $secs s per side, $rounds rounds, the side that goes first
alternating; MariaDB on the same machine receives the flushes.

- command: \`$cmdline\`
- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- measured on $cores cores ($(uname -m), $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p')); wrk shares
  the machine with Apache and MariaDB, so only the ratio means anything.
- goal: "on" at most 3% slower than "off", judged on the median of the
  rounds' throughput ratios (the two runs of a round are back to back),
  and only when the rounds agree within 10 points; they spread
  $spread (load average before the run: $load0).
- µs CPU/req: user + system CPU time of all the Apache's processes
  (/proc) during a run, divided by the requests wrk counted; it depends
  less than throughput on how much CPU other programs leave to Apache
  (but caches and frequency still move it).

$table

Page views answered under \`/on/\` as wrk counted them: $on_total; in
\`visits_daily\` after \`apache.sh stop\`: $counted (at most $conns more
than wrk's figure per run are possible: answers in flight when a run ends;
fewer means page views were lost). Children of Apache that died of a
signal during the run: $crashes.
MD
echo "written to $out"
