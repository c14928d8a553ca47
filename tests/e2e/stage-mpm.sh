# tests/e2e/stage-mpm.sh - the module wherever Apache runs (issue 11,
# part 5).  Sourced by tests/run.sh after the other stages, in its shell
# (step, e2e, free_port, $TMP, $PORT, $DBPORT, $APACHE_SH are run.sh's).
#
# The suite's Apache runs mpm_event.  Here, against the same MariaDB, one
# after the other:
#   $TMP/httpd-mpm-prefork   mpm_prefork (one request per process, mod_dbd
#                            and the module's counters per process)
#   $TMP/httpd-mpm-worker    mpm_worker
#   $TMP/httpd-h2c           mpm_event with mod_http2, Protocols h2c
#                            http/1.1; the runners send every request over
#                            HTTP/2 (NEWSAPI_HTTP2=1: prior knowledge), and
#                            the access log must show HTTP/2.0 only
# each running the parallel-safe runners again (test_counts, test_errors,
# test_utf8: answers against SQL, every error case, the Vietnamese names
# byte-exact), then checked: no child died of a signal.  Over h2c also:
# the same bytes and X-NewsApi-Cache (MISS, then HIT) as over HTTP/1.1.
# The cache runners are not among them: they restart Apache and MariaDB
# and need four threaded children (cache-main.conf).  About a minute.
#
# Over h2c the errors that the module answers before it reads the body
# (405 method, 415 media type, 413 size) are sent by nghttp
# (nghttp2-client), not by the libcurl runner: httpd resets such a stream
# after its answer, as HTTP/2 allows, and curl 7.88 (Debian 12) then
# often reports "Stream error in the HTTP/2 framing layer" or an empty
# reply instead of the answer it received, for Apache's own 404 as much
# as for the module's 415 (curl/curl#11165 and later).  nghttp must get
# the same status and JSON error code as test_errors wants.
H2_EARLY='*/!(*405*|*415|*413)'

mpm_stage() {
    local what mpm dir port extra f0 proto filter

    for what in prefork worker h2c; do
        case $what in
            h2c) mpm=event; dir=$TMP/httpd-h2c
                 extra=$REPO/tests/e2e/h2c.conf; proto=1
                 filter=(--filter "$H2_EARLY") ;;
            *)   mpm=$what; dir=$TMP/httpd-mpm-$what; extra=; proto=0
                 filter=() ;;
        esac
        port=$(free_port "$DBPORT" "$PORT") || return 0
        f0=$FAILED
        NEWSAPI_MPM=$mpm step "$what: Apache starts (mpm_$mpm)" \
            "$APACHE_SH" start "$dir" "$port" $extra
        [ "$FAILED" -eq "$f0" ] || continue
        URL=http://127.0.0.1:$port HTTPD_DIR=$dir NEWSAPI_HTTP2=$proto \
            step "e2e counts ($what)" e2e test_counts
        URL=http://127.0.0.1:$port HTTPD_DIR=$dir NEWSAPI_HTTP2=$proto \
            step "e2e errors ($what)" e2e test_errors "${filter[@]}"
        URL=http://127.0.0.1:$port HTTPD_DIR=$dir NEWSAPI_HTTP2=$proto \
            step "e2e utf8 ($what)" e2e test_utf8
        if [ "$proto" = 1 ]; then
            step "h2c: every request of the runners went over HTTP/2" \
                mpm_all_h2 "$dir/access.log"
            step "h2c: 405, 415 and 413 answered before the body (nghttp)" \
                mpm_h2_early "http://127.0.0.1:$port/api/tintuc"
            step "h2c: the same bytes and X-NewsApi-Cache as HTTP/1.1" \
                mpm_h2_cache "http://127.0.0.1:$port/api/tintuc/huyen"
        fi
        "$APACHE_SH" stop "$dir"
        step "$what: no child died of a signal" mpm_no_signal \
            "$dir/error.log"
    done
}

# The access log (format "%h %t \"%r\" ...") has only HTTP/2.0 requests,
# and many of them.
mpm_all_h2() {
    local n2 n1
    n2=$(grep -c '" HTTP/2.0"\| HTTP/2.0" ' "$1" || true)
    n1=$(grep -c ' HTTP/1\.[01]" ' "$1" || true)
    echo "HTTP/2.0 requests: $n2, HTTP/1.x requests: $n1 (0 wanted)"
    [ "$n2" -gt 50 ] && [ "$n1" -eq 0 ]
}

# One request by nghttp: URL METHOD CONTENT_TYPE BODY_FILE STATUS CODE
# [EXTRA_HEADER].
mpm_h2_one() {
    local out
    out=$(timeout 20 nghttp -v -H ":method: $2" -H "content-type: $3" \
          ${7:+-H "$7"} -d "$4" "$1" 2>&1) || true
    if printf '%s\n' "$out" | grep -q ":status: $5" &&
       printf '%s\n' "$out" | grep -q "\"code\":\"$6\""; then
        echo "ok   $2 $3 $(wc -c < "$4") bytes ${7:-}: $5 $6"
    else
        echo "FAIL $2 $3 $(wc -c < "$4") bytes ${7:-}: $5 $6 wanted, got:"
        printf '%s\n' "$out" | grep -E ':status:|"error"' || true
        return 1
    fi
}

# The answers test_errors checks over HTTP/1.1 that come before the body
# is read, over h2c, for both endpoints.
mpm_h2_early() {
    local small big rc=0 ep
    bash "$REPO/tests/lib/packages.sh" nghttp2-client >/dev/null || return 1
    small=$(mktemp)
    big=$(mktemp)
    printf '{"Huyen_Id":1,"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' \
        > "$small"
    head -c 9000 /dev/zero | tr '\0' ' ' > "$big"
    for ep in huyen xa; do
        mpm_h2_one "$1/$ep" POST text/plain "$small" 415 \
            unsupported_media_type || rc=1
        mpm_h2_one "$1/$ep" PUT application/json "$small" 405 \
            method_not_allowed || rc=1
        mpm_h2_one "$1/$ep" POST application/json "$big" 413 \
            body_too_large || rc=1
        mpm_h2_one "$1/$ep" POST application/json "$big" 413 \
            body_too_large "expect: 100-continue" || rc=1
    done
    rm -f "$small" "$big"
    return "$rc"
}

# POST $3 (a range nobody asked for yet) with curl's protocol option $2;
# prints the X-NewsApi-Cache value, the body goes to $4.
mpm_post() {
    curl -s "$2" -D - -o "$4" -H 'Content-Type: application/json' \
        -d "$3" "$1" | tr -d '\r' |
        sed -n 's/^[Xx]-[Nn]ews[Aa]pi-[Cc]ache: *//p'
}

# A miss over HTTP/2 is a hit over HTTP/1.1 and the other way round, with
# the very same bytes.
mpm_h2_cache() {
    local d day1 day2 a b c e rc=0
    d=$(mktemp -d)
    day1=$(printf '2019-%02d-%02d' $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
    day2=$(printf '2018-%02d-%02d' $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
    a=$(mpm_post "$1" --http2-prior-knowledge \
        "{\"TuNgay\":\"$day1\",\"DenNgay\":\"2020-12-31\"}" "$d/a")
    b=$(mpm_post "$1" --http1.1 \
        "{\"TuNgay\":\"$day1\",\"DenNgay\":\"2020-12-31\"}" "$d/b")
    c=$(mpm_post "$1" --http1.1 \
        "{\"TuNgay\":\"$day2\",\"DenNgay\":\"2020-12-31\"}" "$d/c")
    e=$(mpm_post "$1" --http2-prior-knowledge \
        "{\"TuNgay\":\"$day2\",\"DenNgay\":\"2020-12-31\"}" "$d/e")
    echo "from $day1: h2 $a, then http/1.1 $b; from $day2: http/1.1 $c," \
         "then h2 $e (MISS, HIT wanted)"
    [ "$a" = MISS ] && [ "$b" = HIT ] && [ "$c" = MISS ] && [ "$e" = HIT ] ||
        rc=1
    cmp "$d/a" "$d/b" && cmp "$d/c" "$d/e" || rc=1
    grep -q 'Huyen_Id' "$d/a" || { echo "not an answer:";
        head -c 300 "$d/a"; rc=1; }
    rm -rf "$d"
    return "$rc"
}

mpm_no_signal() {
    if grep -E 'AH00052|exit signal' "$1"; then
        return 1
    fi
    echo "no 'exit signal' line in $1"
}

mpm_stage
unset -f mpm_stage mpm_all_h2 mpm_h2_one mpm_h2_early mpm_post mpm_h2_cache \
    mpm_no_signal
unset H2_EARLY
