# tests/stress/exits-lib.sh - sourced by tests/stress/exit-cycles.sh and
# tests/stress/exit-multi.sh: their work folder, their database, the
# configuration of their Apache and the page views it counted.
#
# Sets REPO, APACHE_SH, MARIADB_SH, APACHE_BIN and free_port
# (tests/lib/ports.sh) for its callers, then WORK, DBDIR, DBPORT; installs
# an EXIT trap that stops the caller's Apache (its function
# exits_stop_apache, if it has one), then whatever was started here.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APACHE_SH=$REPO/tests/lib/apache.sh
MARIADB_SH=$REPO/tests/lib/mariadb.sh
APACHE_BIN=${APACHE_BIN:-/usr/sbin/apache2}
. "$REPO/tests/lib/ports.sh"

OWN_DB=0
DB_READY=0

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# True when process $1 exists and is not a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

exits_cleanup() {
    local rc=$?
    set +e
    declare -F exits_stop_apache >/dev/null && exits_stop_apache
    [ "$DB_READY" -eq 1 ] && exits_forget
    [ "$OWN_DB" -eq 1 ] && "$MARIADB_SH" stop "$WORK/db" >/dev/null 2>&1
    if [ "$EXITS_KEEP" -eq 1 ]; then
        echo "kept $WORK"
    elif [ "$EXITS_OWN_WORK" -eq 1 ]; then
        rm -rf "$WORK"
    fi
    exit "$rc"
}

# exits_workdir KEEP: EXITS_WORK or a new folder www-data can enter.
exits_workdir() {
    EXITS_KEEP=$1
    if [ -n "${EXITS_WORK:-}" ]; then
        WORK=$EXITS_WORK
        EXITS_OWN_WORK=0
        mkdir -p "$WORK"
    else
        WORK=$(mktemp -d /tmp/newsapi-exits.XXXXXX)
        EXITS_OWN_WORK=1
    fi
    chmod 755 "$WORK"
    trap exits_cleanup EXIT
    trap 'exit 130' INT TERM
}

# The suite's MariaDB (NEWSAPI_DBDIR, NEWSAPI_DBPORT) or one of our own
# with a little sample data; then the counted portal (exits-data.sql).
exits_database() {
    if [ -n "${NEWSAPI_DBDIR:-}" ] && [ -n "${NEWSAPI_DBPORT:-}" ]; then
        DBDIR=$NEWSAPI_DBDIR
        DBPORT=$NEWSAPI_DBPORT
    else
        DBDIR=$WORK/db
        DBPORT=$(free_port)
        OWN_DB=1
        "$MARIADB_SH" start "$DBDIR" "$DBPORT" >/dev/null
        "$MARIADB_SH" load "$DBDIR" 300 >/dev/null
    fi
    export NEWSAPI_DBPORT=$DBPORT NEWSAPI_DBDIR=$DBDIR
    export NEWSAPI_DBSOCK=$DBDIR/mysqld.sock
    "$MARIADB_SH" sql "$DBDIR" < "$REPO/tests/stress/exits-data.sql"
    DB_READY=1
}

# exits_render DIR PORT MPM CORES INTERVAL [MORE_CONF]: DIR/httpd.conf
# with tests/stress/exits.conf (flushes every INTERVAL s) and MORE_CONF
# included, a page to count.
exits_render() {
    local dir=$1 port=$2 mpm=$3 cores=$4 interval=$5 more=${6:-} extra
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    extra=$dir/exits.conf
    sed -e "s|@DIR@|$dir|g" -e "s|@CORES@|$cores|g" \
        -e "s|@INTERVAL@|$interval|g" \
        "$REPO/tests/stress/exits.conf" > "$extra"
    [ -n "$more" ] && cat "$more" >> "$extra"
    NEWSAPI_MPM=$mpm "$APACHE_SH" render "$dir" "$port" "$extra" >/dev/null
    printf '<!DOCTYPE html>\n<html><body><p>exits</p></body></html>\n' \
        > "$dir/htdocs/index.html"
    chmod 644 "$dir/htdocs/index.html" "$extra"
}

# Page views of the counted portal in the database, all days.
exits_hits() {
    "$MARIADB_SH" sql "$DBDIR" -N -e "SELECT COALESCE(SUM(hits), 0) FROM
        visits_daily WHERE site_id = 994001"
}

# Removes the counted portal again (the suite's later stages see the
# database as they expect it); the EXIT trap does it.
exits_forget() {
    "$MARIADB_SH" sql "$DBDIR" < "$REPO/tests/stress/exits-clean.sql"
}
