#!/bin/bash
# tests/stress/compare.sh - issue 10's measurements for this tree and for
# another commit, in one run, against one MariaDB (run as root):
#
#   bash tests/stress/compare.sh [COMMIT]      (default 4aa2ac7, main
#                                               before issue 10)
#
# Builds COMMIT's module in a scratch folder (git archive + apxs), loads
# one database (STRESS_ARTICLES, 200000), then runs tests/stress/run.sh
# with STRESS_ONLY (default "lock defaults outage50") once with COMMIT's
# module and once with this tree's, and prints both tables.  Environment
# as for run.sh (STRESS_DURATION, STRESS_CONCURRENCY, STRESS_OUTAGE).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
COMMIT=${1:-4aa2ac7}
ONLY=${STRESS_ONLY:-lock defaults outage50}
export STRESS_DURATION=${STRESS_DURATION:-30}
WORK=$(mktemp -d /tmp/newsapi-compare.XXXXXX)
chmod 755 "$WORK"
MARIADB_SH=$REPO/tests/lib/mariadb.sh

cleanup() {
    "$MARIADB_SH" stop "$WORK/db" >/dev/null 2>&1 || true
    [ -n "${STRESS_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

. "$REPO/tests/lib/ports.sh"

mkdir -p "$WORK/other"
git -C "$REPO" archive "$COMMIT" | tar -x -C "$WORK/other"
"$WORK/other/apxs-build.sh" >"$WORK/other-build.log" 2>&1
"$REPO/apxs-build.sh" >"$WORK/this-build.log" 2>&1

DBPORT=$(free_port)
"$MARIADB_SH" start "$WORK/db" "$DBPORT" >&2
"$MARIADB_SH" load "$WORK/db" "${STRESS_ARTICLES:-200000}" >&2

for which in other this; do
    if [ "$which" = other ]; then
        module=$WORK/other/mod_newsapi/.libs/mod_newsapi.so
    else
        module=$REPO/mod_newsapi/.libs/mod_newsapi.so
    fi
    echo "=== compare: $which ($([ "$which" = other ] && echo "$COMMIT" || git -C "$REPO" rev-parse --short HEAD))"
    NEWSAPI_MODULE=$module NEWSAPI_DBDIR=$WORK/db NEWSAPI_DBPORT=$DBPORT \
    STRESS_ONLY=$ONLY STRESS_WORK=$WORK/run-$which \
        bash "$HERE/run.sh" > "$WORK/$which.txt" 2>&1 || true
    sed -n '/^| scenario/,$p' "$WORK/$which.txt" \
        | grep -v '^stress: Tested' > "$WORK/$which.table"
done

for which in other this; do
    echo
    if [ "$which" = other ]; then
        echo "## $COMMIT"
    else
        echo "## this tree ($(git -C "$REPO" rev-parse --short HEAD))"
    fi
    echo
    cat "$WORK/$which.table"
done
