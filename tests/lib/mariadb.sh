#!/usr/bin/env bash
# Private MariaDB server for the tests and the benchmarks (run as root).
#
#   mariadb.sh start DIR PORT      install (if DIR/data is absent) and start a
#                                  server on 127.0.0.1:PORT, socket DIR/mysqld.sock;
#                                  create database `newsapi` and user `newsapi`
#                                  (password newsapi-test-pw, localhost + 127.0.0.1)
#   mariadb.sh stop DIR            stop it (shutdown, then kill), wait until gone
#   mariadb.sh sql DIR [ARGS...]   mariadb client as root on database newsapi
#                                  (utf8mb4); stdin passes through
#   mariadb.sh load DIR N          load sql/schema.sql + sql/sample-data.sql and
#                                  CALL newsapi_sample(N)
#   mariadb.sh status DIR          exit 0 if the server answers a ping
#
# Environment: NEWSAPI_MARIADB_OPTS  extra mariadbd options (word-split), e.g.
#              "--innodb-buffer-pool-size=1G" for loads far above 2M articles.
#
# Nothing here depends on the current directory: paths are taken from the
# script's own location, and DIR is made absolute.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
SQL_DIR="$REPO_DIR/sql"

DB_NAME=newsapi
DB_USER=newsapi
DB_PASS=newsapi-test-pw

die() { echo "mariadb.sh: $*" >&2; exit 1; }
say() { echo "mariadb.sh: $*" >&2; }

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

abs_dir() {
    # DIR may not exist yet: create it, then resolve it.
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# A pid counts as alive unless it is gone or a zombie (daemons started from a
# script are reaped late; see PLATFORM.md).
pid_alive() {
    local pid=$1 state
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/stat ]] || return 1
    # Field 3 of /proc/PID/stat; the command name (field 2) may hold spaces,
    # so cut after its closing parenthesis.
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

read_pid() {
    local f=$1/mysqld.pid
    if [[ -s "$f" ]]; then
        tr -dc '0-9' <"$f" || true
    fi
}

port_listening() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q .
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}

admin() {
    local dir=$1; shift
    mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot "$@"
}

client() {
    local dir=$1; shift
    mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot \
        --default-character-set=utf8mb4 "$@"
}

log_tail() {
    local dir=$1
    if [[ -f "$dir/mysqld.err" ]]; then
        say "last lines of $dir/mysqld.err:"
        tail -n 30 "$dir/mysqld.err" >&2
    fi
}

cmd_start() {
    [[ $# -eq 2 ]] || usage
    local dir port pid
    dir=$(abs_dir "$1")
    port=$2
    if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
        die "bad port '$port'"
    fi
    [[ $(id -u) -eq 0 ]] || die "start must run as root (mariadbd --user=root)"
    command -v mariadbd >/dev/null || die "mariadbd not found (apt-get install mariadb-server)"

    pid=$(read_pid "$dir")
    if [[ -n "$pid" ]] && pid_alive "$pid"; then
        die "a server is already running for $dir (pid $pid); run: $0 stop $dir"
    fi
    if port_listening "$port"; then
        die "port $port is already in use on this machine; pick another or stop its owner"
    fi
    # The socket of a server that died without cleaning up would make the
    # ping below talk to nothing; a stale pid file would fool `stop`.
    rm -f "$dir/mysqld.sock" "$dir/mysqld.sock.lock" "$dir/mysqld.pid"
    mkdir -p "$dir/tmp"

    if [[ ! -d "$dir/data" ]]; then
        say "initialising $dir/data"
        if ! mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
                --auth-root-authentication-method=normal --skip-test-db \
                --tmpdir="$dir/tmp" >"$dir/install.log" 2>&1; then
            tail -n 30 "$dir/install.log" >&2
            rm -rf "$dir/data"
            die "mariadb-install-db failed (log: $dir/install.log)"
        fi
    fi

    # Own tmpdir: a starting mariadbd deletes every #sql* file in its tmpdir.
    # shellcheck disable=SC2086
    mariadbd --no-defaults --user=root --datadir="$dir/data" \
        --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 \
        --pid-file="$dir/mysqld.pid" --log-error="$dir/mysqld.err" \
        --tmpdir="$dir/tmp" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --skip-log-bin ${NEWSAPI_MARIADB_OPTS:-} \
        </dev/null >>"$dir/mysqld.out" 2>&1 &
    local mpid=$! waited=0
    echo "$mpid" >"$dir/mysqld.launch.pid"

    # 60 s in steps of 0.1 s; give up at once if the server died.
    until admin "$dir" --connect-timeout=2 ping >/dev/null 2>&1; do
        if ! pid_alive "$mpid"; then
            log_tail "$dir"
            die "mariadbd exited during start-up"
        fi
        if (( waited >= 600 )); then
            log_tail "$dir"
            kill "$mpid" 2>/dev/null || true
            die "mariadbd did not answer a ping within 60 s"
        fi
        sleep 0.1
        waited=$((waited + 1))
    done

    client "$dir" <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`
    CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
GRANT ALL ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
SQL
    say "running: pid $mpid, 127.0.0.1:$port, socket $dir/mysqld.sock"
}

cmd_stop() {
    [[ $# -eq 1 ]] || usage
    local dir=$1 pid i
    [[ -d "$dir" ]] || { say "$dir does not exist: nothing to stop"; return 0; }
    dir=$(cd "$dir" && pwd)
    pid=$(read_pid "$dir")
    [[ -n "$pid" ]] || pid=$(tr -dc '0-9' 2>/dev/null <"$dir/mysqld.launch.pid" || true)
    if [[ -z "$pid" ]] || ! pid_alive "$pid"; then
        say "no server running for $dir"
        rm -f "$dir/mysqld.launch.pid"
        return 0
    fi

    # Polite shutdown first (bounded: mariadb-admin waits for the server).
    timeout 20 mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot \
        --connect-timeout=3 --shutdown-timeout=15 shutdown >/dev/null 2>&1 || true
    for ((i = 0; i < 100; i++)); do          # up to 10 s more
        pid_alive "$pid" || break
        sleep 0.1
    done
    if pid_alive "$pid"; then
        say "shutdown did not finish; sending SIGTERM to $pid"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            pid_alive "$pid" || break
            sleep 0.1
        done
    fi
    if pid_alive "$pid"; then
        say "sending SIGKILL to $pid"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 20; i++)); do
            pid_alive "$pid" || break
            sleep 0.1
        done
    fi
    pid_alive "$pid" && die "server $pid is still alive"
    rm -f "$dir/mysqld.launch.pid"
    say "stopped (pid $pid)"
}

cmd_sql() {
    [[ $# -ge 1 ]] || usage
    local dir=$1; shift
    client "$dir" "$DB_NAME" "$@"
}

cmd_load() {
    [[ $# -eq 2 ]] || usage
    local dir=$1 n=$2
    [[ "$n" =~ ^[0-9]+$ ]] || die "N_ARTICLES must be a non-negative integer"
    [[ -f "$SQL_DIR/schema.sql" && -f "$SQL_DIR/sample-data.sql" ]] \
        || die "missing $SQL_DIR/schema.sql or sample-data.sql"
    client "$dir" "$DB_NAME" <"$SQL_DIR/schema.sql"
    client "$dir" "$DB_NAME" <"$SQL_DIR/sample-data.sql"
    client "$dir" "$DB_NAME" -e "CALL newsapi_sample($n)"
}

cmd_status() {
    [[ $# -eq 1 ]] || usage
    admin "$1" --connect-timeout=2 ping >/dev/null 2>&1
}

[[ $# -ge 1 ]] || usage
sub=$1; shift
case "$sub" in
    start)  cmd_start "$@" ;;
    stop)   cmd_stop "$@" ;;
    sql)    cmd_sql "$@" ;;
    load)   cmd_load "$@" ;;
    status) cmd_status "$@" ;;
    -h|--help|help) usage ;;
    *) say "unknown subcommand '$sub'"; usage ;;
esac
