#!/usr/bin/env bash
# Show how MariaDB/MySQL runs a mod_newsapi query, exactly as the module
# sends it: a server-side prepared statement whose parameters are all bound
# as strings (apr_dbd's MySQL driver does that).
#
#   sql/explain.sh [-c CLIENT] [-a] [-j] [-n RUNS] 'SQL' [PARAM...]
#
#   SQL     the query as written in httpd.conf: apr_dbd placeholders %s
#           (a literal % written %%); it is turned into ? placeholders.
#   PARAM   one value per placeholder, as the module would bind it, e.g.
#           '401' '2022-01-01 00:00:00' '2022-02-01 00:00:00'
#   -c      the client command, word-split (default: "mariadb newsapi",
#           which reads ~/.my.cnf); e.g. -c "mariadb -h db1 -u admin -p portal"
#           or -c "tests/lib/mariadb.sh sql /tmp/newsapi-db"
#   -j      print EXPLAIN FORMAT=JSON instead of the table
#   -a      also run ANALYZE FORMAT=JSON (executes the query: real row counts
#           and times per table; MySQL 8 users: EXPLAIN ANALYZE instead)
#   -n      also time RUNS executions of the prepared statement (average ms)
#
# What to look for: the articles table should be read through an index with
# "Using index" (covering), never "type": "ALL" / "index" (full scans), and
# r_rows per loop should be about the articles of one site. See sql/README.md.
set -euo pipefail

client="mariadb newsapi"
analyze=0
json=0
runs=0
while getopts "c:ajn:h" opt; do
    case "$opt" in
        c) client=$OPTARG ;;
        a) analyze=1 ;;
        j) json=1 ;;
        n) runs=$OPTARG ;;
        *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "explain.sh: -n wants a number" >&2; exit 2; }

sql=$1; shift

# apr_dbd: %s (and any %<letter>) is a placeholder, %% a literal %.
prepared=$(printf '%s' "$sql" | sed -e 's/%%/\x01/g' -e 's/%[a-zA-Z]/?/g' -e 's/\x01/%/g')
nph=$(printf '%s' "$prepared" | tr -cd '?' | wc -c)
if [[ "$nph" -ne $# ]]; then
    echo "explain.sh: the query has $nph placeholder(s) but $# parameter(s) were given" >&2
    exit 2
fi

quote() {
    # An SQL string literal: double the quotes and backslashes.
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\'\'}"
}

setvars="SET NAMES utf8mb4;"
using=""
i=0
for p in "$@"; do
    i=$((i + 1))
    setvars+=" SET @p$i = $(quote "$p");"
    using+="${using:+, }@p$i"
done
[[ -n "$using" ]] && using="USING $using"

run_client() {
    # shellcheck disable=SC2086
    $client --default-character-set=utf8mb4 "$@"
}

if [[ $json -eq 1 ]]; then
    printf '%s\n' "$setvars
PREPARE newsapi_x FROM $(quote "EXPLAIN FORMAT=JSON $prepared");
EXECUTE newsapi_x $using;" | run_client -N -B -r
else
    printf '%s\n' "$setvars
PREPARE newsapi_x FROM $(quote "EXPLAIN $prepared");
EXECUTE newsapi_x $using;" | run_client -t
fi

if [[ $analyze -eq 1 ]]; then
    printf '%s\n' "$setvars
PREPARE newsapi_a FROM $(quote "ANALYZE FORMAT=JSON $prepared");
EXECUTE newsapi_a $using;" | run_client -N -B -r
fi

if [[ $runs -gt 0 ]]; then
    # A second session: the result sets of the timed runs are dropped and
    # only the last line (the average) is kept.
    timing="$setvars
PREPARE newsapi_q FROM $(quote "$prepared");
EXECUTE newsapi_q $using;
SET @newsapi_t0 = NOW(6);"
    for ((r = 0; r < runs; r++)); do
        timing+="
EXECUTE newsapi_q $using;"
    done
    timing+="
SELECT CONCAT('average over $runs run(s): ',
    ROUND(TIMESTAMPDIFF(MICROSECOND, @newsapi_t0, NOW(6)) / 1000 / $runs, 2),
    ' ms (after one warm-up run)');"
    printf '%s\n' "$timing" | run_client -N -B | tail -n 1
fi
