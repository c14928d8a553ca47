#!/bin/sh
# Builds mod_newsapi with apxs, the way Apache modules are built.
#   ./apxs-build.sh            build mod_newsapi/.libs/mod_newsapi.so
#   ./apxs-build.sh install    build, install into Apache's module directory
#                              and enable it (a2enmod newsapi on Debian)
#   ./apxs-build.sh clean      remove build products
# APXS=/path/to/apxs and CFLAGS_EXTRA="..." override the defaults.
set -eu
cd "$(dirname "$0")/mod_newsapi"
APXS=${APXS:-$(command -v apxs || command -v apxs2 || echo /usr/bin/apxs)}
if [ ! -x "$APXS" ]; then
    echo "apxs-build.sh: apxs not found; install apache2-dev" >&2
    exit 1
fi

# Two builds at once in one tree would mix each other's objects.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/mod_newsapi-build.$(id -u).lock"
    flock 9
fi

SOURCES="mod_newsapi.c newsapi_config.c newsapi_endpoint.c newsapi_http.c
         newsapi_source.c newsapi_store.c
         newsapi_request.c newsapi_date.c newsapi_render.c newsapi_sql.c
         newsapi_error.c newsapi_cache.c newsapi_shm.c newsapi_status.c
         newsapi_visits.c newsapi_portals.c newsapi_hosts.c
         newsapi_admit.c newsapi_dbstate.c newsapi_limits.c
         newsapi_days.c newsapi_index.c newsapi_index_load.c
         newsapi_index_answer.c newsapi_index_rows.c"
WARN="-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers"

case "${1:-build}" in
clean)
    rm -rf .libs ./*.la ./*.lo ./*.slo ./*.o
    ;;
build|install)
    # shellcheck disable=SC2086
    "$APXS" -c -o mod_newsapi.la -Wc,"-std=gnu99 $WARN ${CFLAGS_EXTRA:-}" \
        $SOURCES -ljansson
    if [ "${1:-build}" = install ]; then
        "$APXS" -i -n newsapi mod_newsapi.la
        LIBEXEC=$("$APXS" -q LIBEXECDIR)
        CONFDIR=$("$APXS" -q SYSCONFDIR)
        if [ -d "$CONFDIR/mods-available" ]; then
            # Debian layout: a .load file for a2enmod, and the example
            # configuration as the module's .conf.
            echo "LoadModule newsapi_module $LIBEXEC/mod_newsapi.so" \
                > "$CONFDIR/mods-available/newsapi.load"
            if [ ! -e "$CONFDIR/mods-available/newsapi.conf" ]; then
                cp ../conf/newsapi.conf "$CONFDIR/mods-available/newsapi.conf"
            fi
            a2enmod -q dbd socache_shmcb reqtimeout newsapi
        else
            "$APXS" -a -n newsapi -i mod_newsapi.la
        fi
    fi
    ;;
*)
    echo "usage: $0 [build|install|clean]" >&2
    exit 2
    ;;
esac
