# tests/e2e/stage-hardening.sh - sourced by tests/run.sh after the
# end-to-end runners (issue #5: fuzzed, sanitised, load- and fault-tested).
# Runs in run.sh's shell: uses step, free_port, $TMP, $PORT, $DBPORT,
# $APACHE_SH.
#
#   0. exits:    tests/stress/exit-cycles.sh --cycles 50: apache2 -X
#                under mpm_prefork with everything of the module that runs
#                at exit, 50 SIGTERMs at varied moments, exit 0 and counts
#                exact (~40 s); tests/stress/exit-multi.sh --stops 4: 20
#                graceful restarts under load, 4 apache2 -k stop,
#                MaxConnectionsPerChild recycling, no child killed by a
#                signal, no core, counts exact (~20 s)
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

# The exit checks test the module's exit path, not httpd's: apache2 -X
# under mpm_event dies of SIGSEGV now and then in the event MPM's own
# one-process shutdown, with or without the module (issue 8;
# tests/stress/exit-cycles.sh --without-module --mpm event shows it), so
# the one-process cycles run mpm_prefork.  Their Apaches live in
# $TMP/httpd-exits-* (run.sh's cleanup stops what a failure leaves).

if [ -n "${NEWSAPI_HARDENING_NESTED:-}" ]; then
    say "hardening: not run again inside tests/sanitize.sh"
else
    step "hardening: apache2 -X exits cleanly, 50 cycles (exit-cycles.sh)" \
        env EXITS_WORK="$TMP/exits-x" EXITS_HTTPD_DIR="$TMP/httpd-exits-x" \
        bash tests/stress/exit-cycles.sh --cycles 50

    step "hardening: graceful, stop and recycling exits (exit-multi.sh)" \
        env EXITS_WORK="$TMP/exits-multi" \
        EXITS_HTTPD_DIR="$TMP/httpd-exits-multi" \
        bash tests/stress/exit-multi.sh --stops 4

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
