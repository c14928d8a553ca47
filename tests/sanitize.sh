#!/bin/bash
# tests/sanitize.sh - the whole test suite with mod_newsapi built with
# AddressSanitizer and UndefinedBehaviorSanitizer, running inside the real
# apache2.  Run as root from anywhere:
#
#   bash tests/sanitize.sh
#
# 1. copies mod_newsapi/ and apxs-build.sh into a scratch folder and builds
#    the module there with CFLAGS_EXTRA="-fsanitize=address,undefined ..."
#    (the shared mod_newsapi/.libs/mod_newsapi.so is never a sanitized one);
# 2. runs the unit tests built with the same sanitizers;
# 3. runs tests/run.sh with NEWSAPI_MODULE pointing at the sanitized module
#    and APACHE_BIN at a wrapper that starts apache2 with the sanitizer
#    runtimes preloaded (LD_PRELOAD; apache2 itself is not instrumented):
#      ASAN_OPTIONS  detect_leaks=0 (Apache's pools live until the process
#                    ends and look like leaks), log_path into the scratch
#                    folder, one file per process that has something to say,
#                    and ASan's own handlers for SIGSEGV, SIGBUS, SIGABRT,
#                    SIGILL and SIGFPE kept (allow_user_segv_handler=0:
#                    httpd installs its own, which would hide the stack)
#      UBSAN_OPTIONS print_stacktrace=1, log_path likewise (UBSan reports
#                    and goes on, so one run finds every report; with
#                    gcc's split runtimes its reports land in Apache's
#                    error log instead, which is searched too)
#    and tests/fuzz/pool_shim.c preloaded as well: the module's own pool
#    allocations become exact malloc blocks, so ASan sees their bounds;
# 4. fails unless the suite passed and no report exists (files in the
#    scratch folder; "runtime error:", "AddressSanitizer", "exit signal"
#    or a failed assertion in any error log of the suite's Apaches); prints
#    the reports it found.
#
# Environment: SANITIZE_WORK=DIR scratch folder (default: a new one under
# /tmp, removed on success); SANITIZE_KEEP=1 keeps it (and the suite's
# folder with its logs); NEWSAPI_* of tests/run.sh pass through.  tests/e2e/stage-hardening.sh runs this in CI
# (set NEWSAPI_SANITIZE=0 to skip it there).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

bash "$REPO/tests/lib/packages.sh" >&2

APXS=${APXS:-$(command -v apxs || command -v apxs2 || echo /usr/bin/apxs)}
CC_OF_APXS=$("$APXS" -q CC)
SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g"

# The runtimes of the compiler apxs uses (gcc: libasan + libubsan).
runtime() {
    local f
    f=$($CC_OF_APXS -print-file-name="$1")
    f=$(readlink -f "$f")
    [ -f "$f" ] || { echo "sanitize.sh: no $1 for $CC_OF_APXS" >&2; exit 1; }
    echo "$f"
}
LIBASAN=$(runtime libasan.so)
LIBUBSAN=$(runtime libubsan.so)

if [ -n "${SANITIZE_WORK:-}" ]; then
    SCRATCH=$SANITIZE_WORK
    rm -rf "$SCRATCH"
    mkdir -p "$SCRATCH"
else
    SCRATCH=$(mktemp -d /tmp/newsapi-sanitize.XXXXXX)
fi
chmod 755 "$SCRATCH"
REPORTS=$SCRATCH/reports
mkdir -p "$REPORTS"
chmod 1777 "$REPORTS"        # the Apache children (www-data) write here

finish() {
    local rc=$?
    if [ -z "${SANITIZE_KEEP:-}" ] && [ "$rc" -eq 0 ]; then
        rm -rf "$SCRATCH"
    else
        echo "sanitize.sh: kept $SCRATCH"
    fi
    exit "$rc"
}
trap finish EXIT

# ---- 1. the sanitized module ---------------------------------------------

mkdir -p "$SCRATCH/mod_newsapi"
cp mod_newsapi/*.c mod_newsapi/*.h "$SCRATCH/mod_newsapi/"
cp apxs-build.sh "$SCRATCH/"
echo "=== sanitized build ($CC_OF_APXS $SAN_FLAGS) in $SCRATCH"
if ! CFLAGS_EXTRA="$SAN_FLAGS" APXS="$APXS" sh "$SCRATCH/apxs-build.sh" \
        > "$SCRATCH/build.log" 2>&1; then
    cat "$SCRATCH/build.log"
    echo "sanitize.sh: the sanitized module does not build"
    exit 1
fi
MODULE=$SCRATCH/mod_newsapi/.libs/mod_newsapi.so
nm -D "$MODULE" | grep __asan_ >/dev/null || { echo "sanitize.sh: $MODULE is not instrumented"; exit 1; }

# ---- 2. unit tests with the sanitizers -----------------------------------

echo "=== unit tests with ASan + UBSan"
unit_rc=0
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    make -s -C tests/unit check BUILD="$SCRATCH/unit" \
    CFLAGS="-std=c99 -Wall -Wextra -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
    LDFLAGS="-fsanitize=address,undefined" > "$SCRATCH/unit.log" 2>&1 || unit_rc=$?
# (Criterion's Synthesis lines are summed, not shown: tests/run.sh counts
# such lines, and this script reports with its own last line)
unit_tests=$(sed 's/\x1b\[[0-9;]*m//g' "$SCRATCH/unit.log" \
    | awk '/Synthesis/ { for (i = 1; i <= NF; i++) if ($i == "Tested:") t += $(i + 1) }
           END { print t + 0 }')
echo "  unit tests under ASan + UBSan: $unit_tests tests, exit $unit_rc"
grep -E "FAIL|ERROR|runtime error" "$SCRATCH/unit.log" | sed 's/^/  /' || true
if [ "$unit_rc" -ne 0 ]; then
    tail -n 40 "$SCRATCH/unit.log"
fi

# ---- 3. the suite against the sanitized module -----------------------------

# The module's own pool allocations as exact malloc blocks, so that ASan
# sees their bounds (tests/fuzz/pool_shim.c).
if ! $CC_OF_APXS -shared -fPIC -O1 -g $(apr-1-config --includes) \
        -o "$SCRATCH/pool_shim.so" tests/fuzz/pool_shim.c -ldl \
        > "$SCRATCH/shim.log" 2>&1; then
    cat "$SCRATCH/shim.log"
    echo "sanitize.sh: tests/fuzz/pool_shim.c does not build"
    exit 1
fi

cat > "$SCRATCH/apache2" <<WRAP
#!/bin/sh
# apache2 with the sanitizer runtimes of the module (tests/sanitize.sh)
LD_PRELOAD="$LIBASAN $LIBUBSAN $SCRATCH/pool_shim.so\${LD_PRELOAD:+ \$LD_PRELOAD}"
ASAN_OPTIONS="detect_leaks=0:log_path=$REPORTS/asan:handle_abort=1:handle_sigill=1:handle_sigfpe=1:allow_user_segv_handler=0"
UBSAN_OPTIONS="print_stacktrace=1:log_path=$REPORTS/ubsan"
export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
exec ${APACHE_BIN:-/usr/sbin/apache2} "\$@"
WRAP
chmod 755 "$SCRATCH/apache2"

echo "=== tests/run.sh against $MODULE (apache2 through $SCRATCH/apache2)"
suite_rc=0
NEWSAPI_MODULE=$MODULE APACHE_BIN=$SCRATCH/apache2 NEWSAPI_HARDENING_NESTED=1 \
    NEWSAPI_KEEP_TMP=1 APACHE_START_TIMEOUT=60 bash tests/run.sh \
    > "$SCRATCH/suite.log" 2>&1 || suite_rc=$?
# The suite's folder is kept for its error logs: libubsan writes its
# reports to stderr, which Apache sends to the error log, whatever
# log_path says, when ASan's runtime is loaded too.
SUITE_TMP=$(sed -n 's/^kept \(\/tmp\/newsapi-test\.[A-Za-z0-9]*\)$/\1/p' "$SCRATCH/suite.log" | tail -1)
grep -E "^=== |FAILED|^failed steps" "$SCRATCH/suite.log" | sed 's/^/  /' || true
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$SCRATCH/suite.log" | tail -1)
echo "  suite: ${summary:-no summary line (see $SCRATCH/suite.log)}"
if [ "$suite_rc" -ne 0 ]; then
    tail -n 60 "$SCRATCH/suite.log"
fi

# ---- 4. verdict ----------------------------------------------------------

nreports=$(find "$REPORTS" -type f | wc -l)
for f in "$REPORTS"/*; do
    [ -f "$f" ] || continue
    echo "---- sanitizer report $f ----"
    head -n 60 "$f"
done
if [ -n "$SUITE_TMP" ] && [ -d "$SUITE_TMP" ]; then
    for f in "$SUITE_TMP"/httpd*/error.log; do
        [ -f "$f" ] || continue
        # a sanitizer report, or a child that died of a signal (httpd logs
        # it at notice; SIGKILL and SIGTERM are not logged)
        # (an ASan report that reached its file only leaves a
        # "AddressSanitizer:DEADLYSIGNAL" line here: not counted twice)
        pat="runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer|exit signal|Assertion .* failed"
        n=$(grep -c -E "$pat" "$f" || true)
        if [ "$n" -gt 0 ]; then
            nreports=$((nreports + n))
            echo "---- $n sanitizer report(s) or crashes in $f ----"
            grep -E -A 12 "$pat" "$f" | head -n 60
        fi
    done
    if [ -z "${SANITIZE_KEEP:-}" ]; then
        rm -rf "$SUITE_TMP"
    else
        echo "sanitize.sh: kept the suite's folder $SUITE_TMP"
    fi
else
    echo "sanitize.sh: the suite's folder was not found; its error logs were not checked"
    nreports=$((nreports + 1))
fi
echo "sanitize: unit tests exit $unit_rc; suite ${summary:-?} (exit $suite_rc); $nreports sanitizer report(s)"
# Two tests for tests/run.sh: the unit tests and the suite, each under the
# sanitizers; a sanitizer report counts as a crash.
pass=0
[ "$unit_rc" -eq 0 ] && pass=$((pass + 1))
[ "$suite_rc" -eq 0 ] && pass=$((pass + 1))
echo "sanitize: Tested: 2 | Passing: $pass | Failing: $((2 - pass)) | Crashing: $nreports"
[ "$unit_rc" -eq 0 ] && [ "$suite_rc" -eq 0 ] && [ "$nreports" -eq 0 ]
