#!/bin/bash
# tests/run.sh - the one test command of mod_newsapi (README and .ci/run
# call it).  Run as root from anywhere:
#
#   bash tests/run.sh
#
# 1. installs the Debian packages it needs when one is missing;
# 2. builds the module (./apxs-build.sh) and runs the unit tests
#    (make -C tests/unit check);
# 3. starts a private MariaDB (sample data) and a private Apache on free
#    ports under a temporary folder, runs the end-to-end runners of
#    tests/e2e (in parallel inside each runner), then, one at a time, those
#    that change the servers: configtest, a second Apache with custom
#    queries, and a database restart;
# 4. stops everything and removes the temporary folder on every exit path
#    (also on failure or Ctrl-C), prints "N passed, N failed" and exits
#    non-zero when anything failed.
#
# Environment: NEWSAPI_SAMPLE_ARTICLES (default 3000), NEWSAPI_KEEP_TMP=1
# keeps the temporary folder (logs, configuration) for a post-mortem.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh
N_ARTICLES=${NEWSAPI_SAMPLE_ARTICLES:-3000}

PASSED=0
FAILED=0
FAILED_STEPS=()
TMP=
STEP_LOG=

say() { printf '\n=== %s\n' "$*"; }

# ---- packages ---------------------------------------------------------

bash "$REPO/tests/lib/packages.sh"

# ---- bookkeeping -------------------------------------------------------

# Runs a step, showing its output; counts Criterion's Synthesis lines
# ("Tested: N | Passing: N | Failing: N | Crashing: N") as tests, or the
# step itself as one test when it prints none.  Never stops the script.
step() {
    local name=$1; shift
    local log rc=0 pass=0 fail=0 line p f c
    log=$(mktemp /tmp/newsapi-step.XXXXXX)
    STEP_LOG=$log
    say "$name"
    set +e
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    while IFS= read -r line; do
        line=$(printf '%s' "$line" | sed 's/\x1b\[[0-9;]*m//g')
        if [[ $line =~ Passing:\ *([0-9]+).*Failing:\ *([0-9]+).*Crashing:\ *([0-9]+) ]]; then
            p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}; c=${BASH_REMATCH[3]}
            pass=$((pass + p)); fail=$((fail + f + c))
        fi
    done < "$log"
    rm -f "$log"
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1                        # a failure outside any test
    fi
    if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        pass=1                        # a step without Criterion output
    fi
    PASSED=$((PASSED + pass))
    FAILED=$((FAILED + fail))
    if [ "$fail" -gt 0 ]; then
        FAILED_STEPS+=("$name")
        echo "--- step '$name' FAILED (exit $rc)"
    fi
    return 0
}

summary() {
    echo
    if [ ${#FAILED_STEPS[@]} -gt 0 ]; then
        echo "failed steps: ${FAILED_STEPS[*]}"
    fi
    echo "$PASSED passed, $FAILED failed"
}

log_tails() {
    local d
    for d in "$TMP"/httpd*; do
        if [ -f "$d/error.log" ]; then
            echo "---- tail of $d/error.log ----"
            tail -n 60 "$d/error.log"
        fi
    done
    if [ -f "$TMP/db/mysqld.err" ]; then
        echo "---- tail of $TMP/db/mysqld.err ----"
        tail -n 15 "$TMP/db/mysqld.err"
    fi
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [ -n "$STEP_LOG" ] && rm -f "$STEP_LOG"
    if [ -n "$TMP" ] && [ -d "$TMP" ]; then
        if [ "$rc" -ne 0 ] || [ "$FAILED" -gt 0 ]; then
            log_tails
        fi
        # Every Apache a stage started lives in $TMP/httpd*; other daemons
        # (memcached) leave a pid file in $TMP/pids/.
        for d in "$TMP"/httpd*; do
            [ -f "$d/httpd.conf" ] && "$APACHE_SH" stop "$d"
        done
        for f in "$TMP"/pids/*.pid; do
            [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
        done
        [ -d "$TMP/db" ] && "$MARIADB_SH" stop "$TMP/db" 2>/dev/null
        if [ -n "${NEWSAPI_KEEP_TMP:-}" ]; then
            echo "kept $TMP"
        else
            rm -rf "$TMP"
        fi
    fi
    if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
        FAILED=1
    fi
    summary
    [ "$FAILED" -eq 0 ] || rc=1
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

. "$REPO/tests/lib/ports.sh"

# ---- build and unit tests ----------------------------------------------

step "build (./apxs-build.sh)" ./apxs-build.sh
if [ "$FAILED" -gt 0 ]; then
    echo "the module does not build: no further tests"
    exit 1
fi
step "unit tests (make -C tests/unit check)" make -C tests/unit check
step "directives documented (tests/check-docs.sh)" bash tests/check-docs.sh

# ---- servers -------------------------------------------------------------

TMP=$(mktemp -d /tmp/newsapi-test.XXXXXX)
chmod 755 "$TMP"            # the Apache children (www-data) enter it

step "e2e build (make -C tests/e2e)" make -C tests/e2e BUILD="$TMP/e2e"

DBPORT=$(free_port)
PORT=$(free_port "$DBPORT")

export NEWSAPI_REPO=$REPO
export NEWSAPI_DBDIR=$TMP/db
export NEWSAPI_DBPORT=$DBPORT
export NEWSAPI_DBSOCK=$TMP/db/mysqld.sock

say "MariaDB on port $DBPORT, $N_ARTICLES sample articles"
"$MARIADB_SH" start "$TMP/db" "$DBPORT"
"$MARIADB_SH" load "$TMP/db" "$N_ARTICLES"

say "Apache on port $PORT"
if ! "$APACHE_SH" start "$TMP/httpd" "$PORT"; then
    FAILED=$((FAILED + 1))
    FAILED_STEPS+=("apache start")
    exit 1
fi

# ---- end-to-end: parallel-safe runners --------------------------------

e2e() {
    local runner=$1; shift
    NEWSAPI_URL=${URL:-http://127.0.0.1:$PORT} \
    NEWSAPI_HTTPD_DIR=${HTTPD_DIR:-$TMP/httpd} \
        "$TMP/e2e/$runner" "$@"
}

if [ -x "$TMP/e2e/test_counts" ]; then
    step "e2e counts" e2e test_counts
    step "e2e errors" e2e test_errors
    step "e2e utf8" e2e test_utf8
    step "e2e portals" e2e test_portals

    # ---- end-to-end: one at a time, in this order ----------------------

    step "e2e configtest" e2e test_configtest --jobs 1

    PORT2=$(free_port "$DBPORT" "$PORT")
    say "second Apache on port $PORT2 with custom queries"
    "$MARIADB_SH" sql "$TMP/db" < tests/e2e/custom-tables.sql
    if "$APACHE_SH" start "$TMP/httpd2" "$PORT2" tests/e2e/custom-query.conf; then
        URL=http://127.0.0.1:$PORT2 HTTPD_DIR=$TMP/httpd2 \
            step "e2e custom queries" e2e test_custom --jobs 1
        "$APACHE_SH" stop "$TMP/httpd2"
    else
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("second apache start")
    fi

    step "e2e database restart" e2e test_dbrestart --jobs 1

    # Later stages, each in its own file, run in this shell (step, e2e,
    # free_port, $TMP, $PORT, $DBPORT are theirs to use).
    for stage in tests/e2e/stage-*.sh; do
        [ -f "$stage" ] && . "$stage"
    done
fi

[ "$FAILED" -eq 0 ]
