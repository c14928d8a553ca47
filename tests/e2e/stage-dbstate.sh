# tests/e2e/stage-dbstate.sh - when the database is slow or gone (issue
# 10).  Sourced by tests/run.sh after the other stages, in its shell
# (step, e2e, free_port, $TMP, $PORT, $DBPORT, $APACHE_SH, $MARIADB_SH
# are run.sh's).
#
# Starts two Apaches:
#   $TMP/httpddbstate  dbstate-main.conf: one process of 8 threads,
#                      DBDMax 2 -> test_dbstate outage/* (stops and starts
#                      the suite's MariaDB) and dbd/*
#   $TMP/httpdadmit    dbstate-admit.conf: one query slot, two may wait
#                      -> test_dbstate admit/*
# and stops both when done; the database is left running as it was
# found (started again if a failure left it stopped).  About 20 s.

dbstate_stage() {
    local pm pa f0=$FAILED

    pm=$(free_port "$DBPORT" "$PORT")
    pa=$(free_port "$DBPORT" "$PORT" "$pm")
    step "dbstate: Apaches start" bash -c "'$APACHE_SH' start \
        '$TMP/httpddbstate' $pm tests/e2e/dbstate-main.conf && \
        '$APACHE_SH' start '$TMP/httpdadmit' $pa tests/e2e/dbstate-admit.conf"
    if [ "$FAILED" -eq "$f0" ]; then
        URL=http://127.0.0.1:$pm HTTPD_DIR=$TMP/httpddbstate \
        NEWSAPI_URL2=http://127.0.0.1:$pa \
            step "e2e dbstate: outage, mod_dbd bound, admission" \
            e2e test_dbstate --jobs 1
    fi
    if ! "$MARIADB_SH" status "$TMP/db"; then
        echo "stage-dbstate: the database was left stopped; starting it"
        "$MARIADB_SH" start "$TMP/db" "$DBPORT"
    fi
    "$APACHE_SH" stop "$TMP/httpddbstate"
    "$APACHE_SH" stop "$TMP/httpdadmit"
}

dbstate_stage
unset -f dbstate_stage
