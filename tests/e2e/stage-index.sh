# tests/e2e/stage-index.sh - the day index (issue #9) end to end.  Sourced
# by tests/run.sh after the other stages, in its shell: uses step, e2e,
# free_port, $TMP, $PORT, $DBPORT, $APACHE_SH, $MARIADB_SH, $REPO.
#
# Loads tests/e2e/index-edge.sql, then starts one after the other, in
# $TMP/httpd-index-{main,bad,custom,off}, an Apache with each of
# tests/e2e/index-{main,bad,custom,off}.conf and runs the matching suite
# of test_index against it; removes the edge rows at the end.  The custom
# one reads the tables of tests/e2e/custom-tables.sql (loaded by run.sh).
# About a minute and a half.

index_stage() {
    local idir=$TMP/index w p f0

    step "e2e index build" make -C "$REPO/tests/e2e" BUILD="$TMP/e2e" \
        "$TMP/e2e/test_index"
    [ -x "$TMP/e2e/test_index" ] || return 0
    mkdir -p "$idir"
    chmod 755 "$idir"
    if ! "$MARIADB_SH" sql "$TMP/db" < "$REPO/tests/e2e/index-edge.sql"; then
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("index: edge data")
        return 0
    fi
    for w in main bad custom off; do
        sed -e "s|@DIR@|$TMP/httpd-index-$w|g" \
            "$REPO/tests/e2e/index-$w.conf" > "$idir/$w.conf"
        p=$(free_port "$DBPORT" "$PORT")
        f0=$FAILED
        step "index: $w Apache starts" "$APACHE_SH" start \
            "$TMP/httpd-index-$w" "$p" "$idir/$w.conf"
        if [ "$FAILED" -eq "$f0" ]; then
            URL=http://127.0.0.1:$p HTTPD_DIR=$TMP/httpd-index-$w \
                step "e2e index: $w" e2e test_index --jobs 1 \
                --filter "index_$w/*"
        fi
        "$APACHE_SH" stop "$TMP/httpd-index-$w"
    done
    "$MARIADB_SH" sql "$TMP/db" <<'SQL' || true
DELETE FROM articles WHERE id BETWEEN 990000001 AND 990000999;
DELETE FROM visits_daily WHERE day < '1971-01-01' OR day > '2099-01-01';
SQL
}

index_stage
unset -f index_stage
