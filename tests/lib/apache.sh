#!/bin/bash
# tests/lib/apache.sh - a private Apache (the real /usr/sbin/apache2) for tests.
#
#   apache.sh start DIR PORT [EXTRA_CONF]   render conf/test-httpd.conf.in into
#                                           DIR/httpd.conf, start, wait for PORT
#   apache.sh graceful DIR                  graceful restart, wait for the port
#   apache.sh stop DIR                      stop, wait until really gone
#   apache.sh render DIR PORT [EXTRA_CONF]  only write DIR/httpd.conf
#   apache.sh configtest DIR PORT [EXTRA]   render, then apache2 -t (its rc)
#
# Environment:
#   NEWSAPI_DBPORT   port of the private MariaDB (required by start/render)
#   NEWSAPI_DBSOCK   its socket (default: $NEWSAPI_DBDIR/mysqld.sock)
#   NEWSAPI_MODULE   the module (default: <repo>/mod_newsapi/.libs/mod_newsapi.so)
#   NEWSAPI_MPM      event (default), worker or prefork
#   APACHE_BIN       default /usr/sbin/apache2
#
# DIR must be a folder www-data can enter (e.g. under a mktemp -d in /tmp
# with mode 755): the children run as www-data.  Nothing here ever kills a
# process it did not find in DIR/httpd.pid.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE_BIN=${APACHE_BIN:-/usr/sbin/apache2}
TEMPLATE=$REPO/conf/test-httpd.conf.in
START_TIMEOUT=${APACHE_START_TIMEOUT:-30}   # seconds
STOP_TIMEOUT=${APACHE_STOP_TIMEOUT:-20}     # seconds

die() { echo "apache.sh: $*" >&2; exit 1; }

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# True when process $1 exists and is not a zombie (a daemon started from a
# script is reaped late: kill -0 keeps succeeding on the zombie).
alive() {
    local pid=$1 stat
    [ -n "$pid" ] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # the state is the field after "(comm)"; comm may hold spaces
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

pid_of() {
    local f=$1/httpd.pid
    [ -s "$f" ] && tr -dc '0-9' < "$f" || true
}

log_tail() {
    local dir=$1
    if [ -f "$dir/error.log" ]; then
        echo "---- tail of $dir/error.log ----" >&2
        tail -n 40 "$dir/error.log" >&2
        echo "----" >&2
    fi
}

render() {
    local dir=$1 port=$2 extra=${3:-}
    [[ "$port" =~ ^[0-9]+$ ]] || die "bad port '$port'"
    [ -f "$TEMPLATE" ] || die "no template $TEMPLATE"
    local module=${NEWSAPI_MODULE:-$REPO/mod_newsapi/.libs/mod_newsapi.so}
    [ -f "$module" ] || die "module $module not built (run ./apxs-build.sh)"
    module=$(cd "$(dirname "$module")" && pwd)/$(basename "$module")
    local dbport=${NEWSAPI_DBPORT:-}
    [ -n "$dbport" ] || die "NEWSAPI_DBPORT is not set"
    local dbsock=${NEWSAPI_DBSOCK:-${NEWSAPI_DBDIR:-/nonexistent}/mysqld.sock}
    local mpm=${NEWSAPI_MPM:-event}
    case $mpm in
        event|worker|prefork) ;;
        *) die "NEWSAPI_MPM must be event, worker or prefork, not '$mpm'" ;;
    esac
    if [ -n "$extra" ]; then
        [ -f "$extra" ] || die "no extra conf $extra"
        extra=$(cd "$(dirname "$extra")" && pwd)/$(basename "$extra")
    fi

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    mkdir -p "$dir/run" "$dir/htdocs"
    chmod 755 "$dir" "$dir/run" "$dir/htdocs"

    # '|' cannot occur in the values checked above or in a path we create.
    local v
    for v in "$dir" "$module" "$dbsock"; do
        case $v in *'|'*|*'&'*) die "unsupported character in '$v'";; esac
    done
    sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@MODULE@|$module|g" \
        -e "s|@DBPORT@|$dbport|g" -e "s|@DBSOCK@|$dbsock|g" \
        -e "s|@MPM@|$mpm|g" \
        "$TEMPLATE" > "$dir/httpd.conf.tmp"
    if [ -n "$extra" ]; then
        printf '\n# extra configuration\nInclude "%s"\n' "$extra" \
            >> "$dir/httpd.conf.tmp"
    fi
    mv "$dir/httpd.conf.tmp" "$dir/httpd.conf"
    echo "$port" > "$dir/port"
}

cmd_start() {
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    local dir=$1 port=$2 extra=${3:-}
    local old
    if [ -d "$dir" ]; then
        old=$(pid_of "$dir")
        if alive "$old"; then
            die "an Apache from an earlier run is alive in $dir (pid $old)"
        fi
    fi
    if port_open "$port"; then
        die "port $port is busy"
    fi
    render "$dir" "$port" "$extra"
    dir=$(cd "$dir" && pwd)
    rm -f "$dir/httpd.pid"

    if ! "$APACHE_BIN" -f "$dir/httpd.conf" -k start; then
        log_tail "$dir"
        die "apache2 -k start failed ($dir/httpd.conf)"
    fi
    local deadline=$((SECONDS + START_TIMEOUT)) pid
    while :; do
        pid=$(pid_of "$dir")
        if [ -n "$pid" ] && alive "$pid" && port_open "$port"; then
            break
        fi
        if [ -n "$pid" ] && ! alive "$pid"; then
            log_tail "$dir"
            die "apache2 (pid $pid) died during start-up"
        fi
        if [ $SECONDS -ge $deadline ]; then
            log_tail "$dir"
            die "apache2 did not answer on port $port within ${START_TIMEOUT}s"
        fi
        sleep 0.05
    done
    echo "apache.sh: started pid $pid on 127.0.0.1:$port ($dir)"
}

cmd_graceful() {
    [ $# -eq 1 ] || usage
    local dir=$1 pid port
    pid=$(pid_of "$dir")
    alive "$pid" || die "no live Apache in $dir"
    port=$(cat "$dir/port")
    "$APACHE_BIN" -f "$dir/httpd.conf" -k graceful || {
        log_tail "$dir"; die "graceful failed"; }
    local deadline=$((SECONDS + START_TIMEOUT))
    # the parent keeps its pid and listening socket over a graceful restart
    until alive "$pid" && port_open "$port"; do
        if ! alive "$pid" || [ $SECONDS -ge $deadline ]; then
            log_tail "$dir"
            die "Apache did not come back after graceful"
        fi
        sleep 0.05
    done
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local dir=$1 pid port=
    [ -d "$dir" ] || return 0
    pid=$(pid_of "$dir")
    [ -f "$dir/port" ] && port=$(cat "$dir/port")
    if ! alive "$pid"; then
        rm -f "$dir/httpd.pid"
        return 0
    fi
    # the pid file is ours: signal directly, apache2 -k stop would also
    # parse the whole configuration again
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while alive "$pid" || { [ -n "$port" ] && port_open "$port"; }; do
        if [ $SECONDS -ge $deadline ]; then
            echo "apache.sh: pid $pid still alive after ${STOP_TIMEOUT}s," \
                 "sending SIGKILL to its process group" >&2
            # apache2 -k start makes the parent a session leader: its
            # children share the group id
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            local d2=$((SECONDS + 5))
            while alive "$pid" && [ $SECONDS -lt $d2 ]; do sleep 0.1; done
            break
        fi
        sleep 0.05
    done
    rm -f "$dir/httpd.pid"
}

cmd_render() {
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    render "$@"
}

cmd_configtest() {
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    render "$@"
    local dir
    dir=$(cd "$1" && pwd)
    "$APACHE_BIN" -t -f "$dir/httpd.conf"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case $cmd in
    start)      cmd_start "$@" ;;
    graceful)   cmd_graceful "$@" ;;
    stop)       cmd_stop "$@" ;;
    render)     cmd_render "$@" ;;
    configtest) cmd_configtest "$@" ;;
    *)          usage ;;
esac
