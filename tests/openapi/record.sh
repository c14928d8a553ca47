#!/bin/bash
# tests/openapi/record.sh - sends the requests of a requests.tsv to real
# Apaches and keeps every answer for tests/openapi/validate.mjs.
#
#   record.sh REQUESTS.tsv URL NODB_URL OUTDIR
#
# NEWSAPI_DBDIR names the suite's MariaDB (tests/lib/mariadb.sh): the
# table openapi_flag there says how long the query of /api/cu/huyen
# sleeps (tests/openapi/openapi.conf); it is dropped at the end.
#
# For the request on line N (comments and blank lines are not counted)
# it writes OUTDIR/N.hdr (the answer's status line and headers, as curl
# -D gives them) and OUTDIR/N.body.  Exits non-zero only when curl could
# not get an answer at all.
set -euo pipefail

tsv=$1 url=$2 nodb=$3 out=$4
mkdir -p "$out"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
db() { "$here/../lib/mariadb.sh" sql "${NEWSAPI_DBDIR:?}" -e "$1"; }

db "CREATE OR REPLACE TABLE openapi_flag (secs INT NOT NULL);
    INSERT INTO openapi_flag VALUES (0)"

# curl arguments for a request: method, content type, body from a file.
send() {
    local n=$1 base=$2 method=$3 path=$4 ctype=$5 bodyfile=$6
    local args=(-s -S --max-time 30 -o "$out/$n.body" -D "$out/$n.hdr"
                -X "$method" -H 'Expect:')
    [ "$ctype" = - ] || args+=(-H "Content-Type: $ctype")
    [ -z "$bodyfile" ] || args+=(--data-binary "@$bodyfile")
    curl "${args[@]}" "$base$path"
}

n=0 slow_pid=
while IFS=$'\t' read -r expect mode method path doc ctype body; do
    case $expect in ''|'#'*) continue ;; esac
    n=$((n + 1))
    bodyfile=
    if [ "$body" != - ]; then
        bodyfile=$out/$n.req
        printf '%s' "$body" > "$bodyfile"
    fi
    case $mode in
    plain) send "$n" "$url" "$method" "$path" "$ctype" "$bodyfile" ;;
    nodb)  send "$n" "$nodb" "$method" "$path" "$ctype" "$bodyfile" ;;
    big)
        bodyfile=$out/$n.req
        { printf '{"TuNgay":"2022-05-01","DenNgay":"2022-05-31","x":"'
          head -c 9000 /dev/zero | tr '\0' 'a'
          printf '"}'; } > "$bodyfile"
        send "$n" "$url" "$method" "$path" "$ctype" "$bodyfile" ;;
    trickle)
        # A chunked body whose end never comes: mod_reqtimeout's
        # "RequestReadTimeout body=1" gives up on it after a second.
        { printf '{"TuNgay":"2022-05-01",'; sleep 3; } \
            | curl -s -S --max-time 30 -o "$out/$n.body" -D "$out/$n.hdr" \
                   -X "$method" -H "Content-Type: $ctype" -H 'Expect:' \
                   -T - "$url$path" ;;
    slow)
        send "$n" "$url" "$method" "$path" "$ctype" "$bodyfile" &
        slow_pid=$!
        # Until it holds the query slot (the status page says so).
        for _ in $(seq 1 200); do
            st=$(curl -s --max-time 5 "$url/newsapi-status?auto" || true)
            case $st in *"NewsApiDBQueriesRunning: 1"*) break ;; esac
            sleep 0.05
        done ;;
    busy)
        send "$n" "$url" "$method" "$path" "$ctype" "$bodyfile"
        if [ -n "$slow_pid" ]; then
            wait "$slow_pid"
            slow_pid=
        fi ;;
    stale)
        # The cached answer expires (NewsApiCacheTTL 1) while the query
        # now outlasts NewsApiDBQueryTimeout: the database "fails".
        db "UPDATE openapi_flag SET secs = 10"
        sleep 1.2
        send "$n" "$url" "$method" "$path" "$ctype" "$bodyfile"
        db "UPDATE openapi_flag SET secs = 0" ;;
    *) echo "record.sh: line $n: unknown mode '$mode'" >&2; exit 2 ;;
    esac
done < "$tsv"
[ -z "$slow_pid" ] || wait "$slow_pid"
db "DROP TABLE openapi_flag"
echo "record.sh: $n answers recorded in $out"
