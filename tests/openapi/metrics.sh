#!/bin/bash
# tests/openapi/metrics.sh - the Prometheus form of the status figures,
# on a live Apache that nothing else is talking to.
#
#   metrics.sh URL REQUESTS BUSY STALE
#
# 1. promtool check metrics passes on /metrics and on
#    /newsapi-status?format=prometheus;
# 2. one moment in every form: ?auto, Prometheus, ?json and ?auto again;
#    the two ?auto answers agree (nothing moved in between), and the
#    Prometheus samples and the JSON values are the ?auto figures, figure
#    for figure (the forms print one table, in its order);
# 3. the counters count what was sent: newsapi_requests_total is REQUESTS
#    (the API requests the stage sent to this Apache), newsapi_busy_total
#    is BUSY and newsapi_cache_stale_total is STALE.
set -euo pipefail

url=$1
fail=0
bad() { echo "metrics: $*" >&2; fail=1; }

for path in /metrics '/newsapi-status?format=prometheus'; do
    if out=$(curl -sSf --max-time 20 "$url$path" | promtool check metrics 2>&1)
    then
        echo "metrics: promtool check metrics: $path passes"
    else
        bad "promtool check metrics on $path: $out"
    fi
done

auto1=$(curl -sSf --max-time 20 "$url/newsapi-status?auto")
prom=$(curl -sSf --max-time 20 "$url/metrics")
json=$(curl -sSf --max-time 20 "$url/newsapi-status?json")
auto2=$(curl -sSf --max-time 20 "$url/newsapi-status?auto")

# The module's own figures: "NewsApi<Key>: <integer>" lines.
figures() {
    printf '%s\n' "$1" \
        | sed -n 's/^NewsApi\([A-Za-z]*\): \(-\{0,1\}[0-9][0-9]*\)$/\1 \2/p'
}
a1=$(figures "$auto1")
a2=$(figures "$auto2")
[ "$a1" = "$a2" ] || bad "the figures moved between two reads:
$a1
---
$a2"

# The table's figures are the unlabelled samples; the day index's are
# labelled by family (checked below).
samples=$(printf '%s\n' "$prom" | grep -v '^#' | grep -v '{' \
          | awk '{ print $2 }')
values=$(printf '%s\n' "$a1" | awk '{ print $2 }')
n=$(printf '%s\n' "$values" | grep -c .)
[ "$n" -ge 10 ] || bad "only $n figures in ?auto"
if [ "$samples" = "$values" ]; then
    echo "metrics: the $n Prometheus samples equal the ?auto figures"
else
    bad "Prometheus samples differ from ?auto:
$(paste <(printf '%s\n' "$a1") <(printf '%s\n' "$samples"))"
fi
# Every HELP and TYPE line precedes its samples, every name is prefixed:
# one per table figure and one per labelled (day index) metric.
labelled=$(printf '%s\n' "$prom" | grep -v '^#' \
           | sed -n 's/^\(newsapi_[a-z_]*\){.*/\1/p' | sort -u | grep -c . \
           || true)
types=$(printf '%s\n' "$prom" \
        | grep -c '^# TYPE newsapi_[a-z_]* \(counter\|gauge\)$')
helps=$(printf '%s\n' "$prom" | grep -c '^# HELP newsapi_[a-z_]* .')
[ "$types" -eq $((n + labelled)) ] && [ "$helps" -eq $((n + labelled)) ] \
    || bad "$n + $labelled metrics but $types TYPE and $helps HELP lines"
# The day index's samples, family by family, are its ?auto figures.
for fam in news visits; do
    for pair in sites:Sites entries:Days bytes:Bytes size_bytes:Size \
                answers_total:Answers; do
        m=newsapi_index_${pair%%:*}
        k=NewsApiIndex_${fam}_${pair#*:}
        got=$(printf '%s\n' "$prom" | sed -n "s/^$m{family=\"$fam\"} //p")
        want=$(printf '%s\n' "$auto1" | sed -n "s/^$k: //p")
        [ "$got" = "$want" ] \
            || bad "$m{family=\"$fam\"} is '$got', ?auto's $k is '$want'"
    done
done
printf '%s\n' "$prom" \
    | awk '/^# TYPE/ && $4 == "counter" && $3 !~ /_total$/ { exit 1 }' \
    || bad "a counter whose name does not end in _total"

# ?json: the same keys with the same values (flags as true/false).
f0=$fail
while read -r key value; do
    got=$(printf '%s' "$json" | sed -n "s/.*\"$key\":\([a-z0-9-]*\).*/\1/p")
    case $got in true) got=1 ;; false) got=0 ;; esac
    [ "$got" = "$value" ] || bad "?json $key is '$got', ?auto says $value"
done <<< "$a1"
[ "$fail" -ne "$f0" ] \
    || echo "metrics: ?json agrees with ?auto on the $n figures"

sample() { printf '%s\n' "$prom" | sed -n "s/^$1 //p"; }
expect() {
    local name=$1 want=$2 why=$3
    if [ "$(sample "$name")" = "$want" ]; then
        echo "metrics: $name is $want: $why"
    else
        bad "$name is $(sample "$name"), expected $want: $why"
    fi
}
expect newsapi_requests_total "$2" "the API requests the stage sent"
expect newsapi_busy_total "$3" "the server_busy answers it provoked"
expect newsapi_cache_stale_total "$4" "the stale answers it provoked"
exit "$fail"
