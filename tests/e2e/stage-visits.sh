# tests/e2e/stage-visits.sh - the visitor counter (issue #4) end to end.
# Sourced by tests/run.sh after the other stages, in its shell (set -euo
# pipefail): uses step, e2e, free_port, $TMP, $PORT, $DBPORT, $APACHE_SH,
# $MARIADB_SH, $REPO.  Nothing here may fail outside a step.
#
# Four Apaches on the suite's MariaDB, in $TMP/httpd-visits-{a,b,c,d} (so
# run.sh's cleanup stops whatever is left of them), each with
# tests/e2e/visits-counter.conf rendered into $TMP/visits/:
#   A, B  NewsApiVisitFlushInterval 1 - two nodes counting the same sites
#   C     NewsApiVisitFlushInterval 3600 - counts leave only at child exit
#   D     as A, plus tests/e2e/visits-refused.conf (a site the database
#         refuses)
#   E     as A, plus tests/e2e/visits-hosts.conf (host names from the
#         portal list)
# then test_visits_api (visits endpoints against SQL, on A), and alone, in
# order, the suites of test_visits_count: visits_count (restarts A, C and
# the database), visits_refused (D), visits_hosts (E) and visits_stop
# (stops A, B and D).

visits_stage() {
    local e2edir=$REPO/tests/e2e vdir=$TMP/visits docroot=$TMP/visits/htdocs
    local ports="$DBPORT $PORT" p w d ok=1
    local runners="$TMP/e2e/test_visits_api $TMP/e2e/test_visits_count"

    step "e2e visits build" make -C "$e2edir" BUILD="$TMP/e2e" $runners
    for p in $runners; do
        [ -x "$p" ] || return 0
    done

    # The pages: readable by www-data, dated in the past (If-Modified-Since).
    mkdir -p "$docroot"/{dir,siteid,online,graceful,outage,atexit,stop,restarts,nocount,ghost}
    for d in "$docroot" "$docroot"/*/; do
        printf '<!DOCTYPE html>\n<html><head><title>e2e</title></head><body><p>%s</p></body></html>\n' \
            "$d" > "$d/index.html"
        cp "$e2edir/visits-counter.conf" "$d/style.css"
        printf '\x89PNG\r\n\x1a\n' > "$d/logo.png"
    done
    printf '<html><body>not here</body></html>\n' > "$docroot/notfound.html"
    printf '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>\n' \
        > "$docroot/page.xhtml"
    printf 'var e2e = 1;\n' > "$docroot/app.js"
    find "$vdir" -type d -exec chmod 755 {} +
    find "$vdir" -type f -exec chmod 644 {} +
    find "$docroot" -exec touch -d '2020-01-01 00:00:00' {} +

    for w in a:1 b:1 c:3600 d:1 e:1; do
        sed -e "s|@DOCROOT@|$docroot|g" -e "s|@INTERVAL@|${w#*:}|g" \
            "$e2edir/visits-counter.conf" > "$vdir/${w%%:*}.conf"
    done
    cat "$e2edir/visits-refused.conf" >> "$vdir/d.conf"
    cat "$e2edir/visits-hosts.conf" >> "$vdir/e.conf"

    if ! "$MARIADB_SH" sql "$TMP/db" < "$e2edir/visits-data.sql"; then
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("visits data")
        return 0
    fi

    for w in A B C D E; do
        d=$(printf '%s' "$w" | tr 'A-Z' 'a-z')
        p=$(free_port $ports) || { ok=0; break; }
        ports="$ports $p"
        say "visits: Apache $w on port $p (counting pages)"
        if ! "$APACHE_SH" start "$TMP/httpd-visits-$d" "$p" "$vdir/$d.conf"; then
            ok=0
            break
        fi
        export "NEWSAPI_VISITS_${w}_URL=http://127.0.0.1:$p"
        export "NEWSAPI_VISITS_${w}_DIR=$TMP/httpd-visits-$d"
    done
    if [ "$ok" -eq 1 ]; then
        URL=$NEWSAPI_VISITS_A_URL HTTPD_DIR=$NEWSAPI_VISITS_A_DIR \
            step "e2e visits endpoints" e2e test_visits_api
        step "e2e visits counter" e2e test_visits_count --jobs 1 \
            --filter 'visits_count/*'
        step "e2e visits next to a refused site" e2e test_visits_count \
            --jobs 1 --filter 'visits_refused/*'
        step "e2e visits by the portal list's host names" e2e \
            test_visits_count --jobs 1 --filter 'visits_hosts/*'
        step "e2e visits flushed at stop" e2e test_visits_count --jobs 1 \
            --filter 'visits_stop/*'
    else
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("visits apache start")
    fi
    for d in a b c d e; do
        "$APACHE_SH" stop "$TMP/httpd-visits-$d" || true
    done
}

visits_stage
unset -f visits_stage
