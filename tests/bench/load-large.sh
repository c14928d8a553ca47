#!/usr/bin/env bash
# Load a large sample (default 2,000,000 articles) into a private MariaDB and
# time the default queries over one month, one year and seven years: the
# figures of sql/README.md come from this script. Run as root.
#
#   tests/bench/load-large.sh [-d DIR] [-p PORT] [-n N_ARTICLES] [-r RUNS] [-k]
#
#   -d DIR   server directory (default /tmp/newsapi-bench-db)
#   -p PORT  TCP port (default 33995)
#   -n N     articles to generate (default 2000000); 0 = keep the loaded data
#   -r RUNS  executions per timing (default 10)
#   -k       keep the server running afterwards (default: stop it)
#
# A server already running for DIR is reused.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DB="$REPO/tests/lib/mariadb.sh"
EXPLAIN="$REPO/sql/explain.sh"

dir=/tmp/newsapi-bench-db
port=33995
n=2000000
runs=10
keep=0
while getopts "d:p:n:r:kh" opt; do
    case "$opt" in
        d) dir=$OPTARG ;;
        p) port=$OPTARG ;;
        n) n=$OPTARG ;;
        r) runs=$OPTARG ;;
        k) keep=1 ;;
        *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done

started=0
if ! "$DB" status "$dir" 2>/dev/null; then
    # A bigger buffer pool than the default 128M is not needed for 2M
    # articles (~180 MB of data and index); pass one for larger loads.
    "$DB" start "$dir" "$port"
    started=1
fi
stop_db() {
    if [[ $keep -eq 0 && $started -eq 1 ]]; then
        "$DB" stop "$dir"
    fi
}
trap stop_db EXIT

if [[ "$n" -gt 0 ]]; then
    t0=$(date +%s.%N)
    "$DB" load "$dir" "$n"
    t1=$(date +%s.%N)
    awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {
        printf "load of %s articles (schema + sample data + visits): %.1f s\n", n, b - a }'
fi
"$DB" sql "$dir" -N -B -e "ANALYZE TABLE articles, sites, visits_daily" >/dev/null
"$DB" sql "$dir" -t -e "
    SELECT (SELECT COUNT(*) FROM articles) AS articles,
           (SELECT COUNT(*) FROM visits_daily) AS visits_rows,
           (SELECT COUNT(*) FROM sites) AS sites;
    SELECT table_name, ROUND(data_length / 1048576) AS data_mb,
           ROUND(index_length / 1048576) AS index_mb
      FROM information_schema.tables WHERE table_schema = 'newsapi'
     ORDER BY table_name;"

client="$DB sql $dir"
district='SELECT d.id, d.name, s.id, s.name, (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0 AND a.published_at >= %s AND a.published_at < %s) FROM sites s JOIN districts d ON d.id = s.district_id WHERE s.commune_id IS NULL ORDER BY d.id, s.id'
commune_plain='SELECT s.id, s.name, (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0 AND a.published_at >= p.tu AND a.published_at < p.den) FROM (SELECT %s AS huyen, %s AS tu, %s AS den) p JOIN sites s ON s.district_id = p.huyen AND s.commune_id IS NOT NULL ORDER BY s.id'
commune_cast='SELECT s.id, s.name, (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0 AND a.published_at >= p.tu AND a.published_at < p.den) FROM (SELECT CAST(%s AS UNSIGNED) AS huyen, CAST(%s AS DATETIME) AS tu, CAST(%s AS DATETIME) AS den) p JOIN sites s ON s.district_id = p.huyen AND s.commune_id IS NOT NULL ORDER BY s.id'
visits='SELECT d.id, d.name, s.id, s.name, (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v WHERE v.site_id = s.id AND v.day >= p.tu AND v.day < p.den), (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v WHERE v.site_id = s.id AND v.day < p.den) FROM (SELECT CAST(%s AS DATE) AS tu, CAST(%s AS DATE) AS den) p JOIN sites s JOIN districts d ON d.id = s.district_id WHERE s.commune_id IS NULL ORDER BY d.id, s.id'

avg() { "$EXPLAIN" -c "$client" -n "$runs" "$@" | tail -n 1 | sed 's/^average over [0-9]* run(s): //; s/ (after.*//'; }

printf '\n%-34s %12s %12s %12s\n' "query (average of $runs runs)" "1 month" "1 year" "7 years"
ranges=("2022-01-01 00:00:00|2022-02-01 00:00:00"
        "2022-01-01 00:00:00|2023-01-01 00:00:00"
        "2019-01-01 00:00:00|2026-01-01 00:00:00")
row() {
    local label=$1 kind=$2 r a b out=()
    for r in "${ranges[@]}"; do
        a=${r%|*}; b=${r#*|}
        case "$kind" in
            district) out+=("$(avg "$district" "$a" "$b")") ;;
            plain401) out+=("$(avg "$commune_plain" 401 "$a" "$b")") ;;
            cast401)  out+=("$(avg "$commune_cast" 401 "$a" "$b")") ;;
            plain380) out+=("$(avg "$commune_plain" 380 "$a" "$b")") ;;
            cast380)  out+=("$(avg "$commune_cast" 380 "$a" "$b")") ;;
            visits)   out+=("$(avg "$visits" "$a" "$b")") ;;
        esac
    done
    printf '%-34s %12s %12s %12s\n' "$label" "${out[@]}"
}
row "district (27 portals)" district
row "commune 401, derived as is" plain401
row "commune 401, derived with CAST" cast401
row "commune 380, derived as is" plain380
row "commune 380, derived with CAST" cast380
row "visits by district (proposal)" visits
