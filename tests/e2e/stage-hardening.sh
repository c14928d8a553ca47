# tests/e2e/stage-hardening.sh - sourced by tests/run.sh after the
# end-to-end runners (issue #5: fuzzed, sanitised, load- and fault-tested).
# Runs in run.sh's shell: uses step, free_port, $TMP, $PORT, $DBPORT,
# $APACHE_SH.
#
#   0. stop:     apache2 -X with the module stops with exit status 0 (2 s)
#   1. fuzz:     every libFuzzer target of tests/fuzz, NEWSAPI_FUZZ_SECONDS
#                (6) each, two at once, ASan + UBSan      (~30 s)
#   2. stress:   tests/stress/run.sh --quick against its own Apache
#                ($TMP/httpd-stress) and the suite's MariaDB, which the
#                db-outage scenario stops and starts again  (~100 s)
#   3. sanitize: the whole suite again (tests/run.sh, without this stage)
#                with the module built with ASan + UBSan inside apache2
#                (tests/sanitize.sh); NEWSAPI_SANITIZE=0 skips it (~100 s)
#
# Full-length runs are separate commands: bash tests/fuzz/run.sh (60 s a
# target), bash tests/stress/run.sh (60 s a scenario), bash tests/sanitize.sh.

# apache2 -X (one process, in the foreground) with the module: one request,
# then SIGTERM; a clean stop exits 0.  A cleanup left on the process pool
# by a DSO that is unloaded first crashes the exit (status 139).
hardening_clean_stop() {
    local dir=$TMP/httpd-stop port pid rc=0 i
    port=$(free_port "$DBPORT" "$PORT") || return 1
    "$APACHE_SH" render "$dir" "$port" >/dev/null || return 1
    "${APACHE_BIN:-/usr/sbin/apache2}" -X -f "$dir/httpd.conf" &
    pid=$!
    for i in $(seq 1 100); do
        timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
        sleep 0.1
    done
    curl -s -o /dev/null -w 'answer: %{http_code}\n' -X POST \
        -H 'Content-Type: application/json' \
        -d '{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' \
        "http://127.0.0.1:$port/api/tintuc/huyen"
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    echo "apache2 -X exit status after SIGTERM: $rc (0 wanted)"
    [ "$rc" -eq 0 ] || tail -n 5 "$dir/error.log"
    [ "$rc" -eq 0 ]
}

if [ -n "${NEWSAPI_HARDENING_NESTED:-}" ]; then
    say "hardening: not run again inside tests/sanitize.sh"
else
    step "hardening: apache2 stops cleanly (exit status 0 after SIGTERM)" \
        hardening_clean_stop

    step "hardening: fuzz (ASan + UBSan, ${NEWSAPI_FUZZ_SECONDS:-6}s a target)" \
        env FUZZ_SECONDS="${NEWSAPI_FUZZ_SECONDS:-6}" FUZZ_JOBS=2 \
        FUZZ_WORK="$TMP/fuzz" bash tests/fuzz/run.sh

    step "hardening: load, faults and hostile input (tests/stress/run.sh --quick)" \
        env STRESS_WORK="$TMP" bash tests/stress/run.sh --quick

    if [ "${NEWSAPI_SANITIZE:-1}" != 0 ]; then
        step "hardening: the suite with ASan + UBSan in apache2 (tests/sanitize.sh)" \
            env SANITIZE_WORK="$TMP/sanitize" bash tests/sanitize.sh
    fi
fi
