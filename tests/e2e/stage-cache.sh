# tests/e2e/stage-cache.sh - the answer cache, end to end.  Sourced by
# tests/run.sh after the other stages, in its shell (step, e2e, free_port,
# $TMP, $PORT, $DBPORT, $APACHE_SH, $MARIADB_SH are run.sh's).
#
# Starts, one after the other, each with its extra configuration:
#   $TMP/httpdcache            cache-main.conf: four worker processes, the
#                              default shmcb cache, short TTLs per Location
#                              -> test_cache (shared across processes, TTL,
#                              today in NewsApiUTCOffset, graceful restarts,
#                              stampede, stale while MariaDB is stopped)
#   $TMP/httpdtiny             cache-tiny.conf -> test_cache_limits tiny/*
#   $TMP/httpdbound            cache-bound.conf -> test_cache_limits bound/*
#   memcached, $TMP/httpdmc1 and $TMP/httpdmc2 on it (cache-memcache.conf)
#                              -> test_cache_memcache
# and stops each when its tests are done (run.sh's cleanup stops whatever
# a failure left behind: Apaches in $TMP/httpd*, memcached by
# $TMP/pids/memcached.pid).  Takes about half a minute.

cache_stage() {
    local cdir=$TMP/cache now offset pc pt pb pm1 pm2 mcport mcpid i

    if ! bash "$REPO/tests/lib/packages.sh" memcached; then
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("cache: install memcached")
        return 0
    fi
    mkdir -p "$cdir" "$TMP/pids"
    chmod 755 "$cdir"

    # NewsApiUTCOffset whose today is not UTC's while the tests run (so
    # that test_cache proves the offset is used): +14:00 is a day ahead
    # from 10:00 UTC to midnight, -12:00 a day behind until 12:00 UTC.
    # No offset does both sides of midnight: in its last three minutes,
    # wait for it.
    now=$(date -u +%s)
    if [ $(( now % 86400 )) -ge $(( 86400 - 180 )) ]; then
        echo "stage-cache: waiting for midnight UTC to pass"
        sleep $(( 86400 - now % 86400 + 2 ))
        now=$(date -u +%s)
    fi
    if [ $(( now % 86400 )) -ge $(( 11 * 3600 )) ]; then
        offset=+14:00
    else
        offset=-12:00
    fi

    # Starts an Apache as a step (so a failure to start is counted and
    # shown); true when it runs.
    cache_apache() {
        local name=$1 dir=$2 port=$3 conf=$4 f0=$FAILED
        step "cache: $name Apache starts" "$APACHE_SH" start "$dir" "$port" \
            "$conf"
        [ "$FAILED" -eq "$f0" ]
    }

    # ---- shared cache, TTLs, graceful, stampede, stale ---------------
    pc=$(free_port "$DBPORT" "$PORT")
    echo "# the reference query" > "$cdir/requery.conf"
    chmod 644 "$cdir/requery.conf"
    sed -e "s|@DIR@|$TMP/httpdcache|g" -e "s|@STATE@|$cdir|g" \
        -e "s|@OFFSET@|$offset|g" \
        tests/e2e/cache-main.conf > "$cdir/cache-main.conf"
    if cache_apache "four-process cache (NewsApiUTCOffset $offset)" \
            "$TMP/httpdcache" "$pc" "$cdir/cache-main.conf"; then
        URL=http://127.0.0.1:$pc HTTPD_DIR=$TMP/httpdcache \
        NEWSAPI_CACHE_STATE=$cdir NEWSAPI_CACHE_OFFSET=$offset \
            step "e2e cache: shared, TTL, graceful, stampede, stale" \
            e2e test_cache --jobs 1
        "$APACHE_SH" stop "$TMP/httpdcache"
    fi

    # ---- a cache smaller than an answer ----------------------------
    pt=$(free_port "$DBPORT" "$PORT")
    sed -e "s|@DIR@|$TMP/httpdtiny|g" tests/e2e/cache-tiny.conf \
        > "$cdir/cache-tiny.conf"
    if cache_apache "tiny-cache (shmcb 8192 bytes)" "$TMP/httpdtiny" "$pt" \
            "$cdir/cache-tiny.conf"; then
        URL=http://127.0.0.1:$pt HTTPD_DIR=$TMP/httpdtiny \
            step "e2e cache: too small a cache" \
            e2e test_cache_limits --jobs 1 --filter 'tiny/*'
        "$APACHE_SH" stop "$TMP/httpdtiny"
    fi

    # ---- the query bound, no cache -----------------------------------
    pb=$(free_port "$DBPORT" "$PORT")
    if cache_apache "query-bound (1 slot, no wait, no cache)" \
            "$TMP/httpdbound" "$pb" tests/e2e/cache-bound.conf; then
        URL=http://127.0.0.1:$pb HTTPD_DIR=$TMP/httpdbound \
            step "e2e cache: query bound and NewsApiCache none" \
            e2e test_cache_limits --jobs 1 --filter 'bound/*'
        "$APACHE_SH" stop "$TMP/httpdbound"
    fi

    # ---- two Apaches on one memcached --------------------------------
    mcport=$(free_port "$DBPORT" "$PORT")
    memcached -u nobody -l 127.0.0.1 -p "$mcport" -U 0 -m 64 \
        </dev/null >"$cdir/memcached.log" 2>&1 &
    mcpid=$!
    echo "$mcpid" > "$TMP/pids/memcached.pid"
    for i in $(seq 1 100); do
        timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$mcport" 2>/dev/null \
            && break
        sleep 0.1
    done
    sed -e "s|@MCPORT@|$mcport|g" tests/e2e/cache-memcache.conf \
        > "$cdir/cache-memcache.conf"
    pm1=$(free_port "$DBPORT" "$PORT" "$mcport")
    pm2=$(free_port "$DBPORT" "$PORT" "$mcport" "$pm1")
    if cache_apache "first memcache" "$TMP/httpdmc1" "$pm1" \
            "$cdir/cache-memcache.conf" \
       && cache_apache "second memcache" "$TMP/httpdmc2" "$pm2" \
            "$cdir/cache-memcache.conf"; then
        URL=http://127.0.0.1:$pm1 HTTPD_DIR=$TMP/httpdmc1 \
        NEWSAPI_URL2=http://127.0.0.1:$pm2 \
            step "e2e cache: two Apaches on one memcached" \
            e2e test_cache_memcache --jobs 1
    fi
    "$APACHE_SH" stop "$TMP/httpdmc1"
    "$APACHE_SH" stop "$TMP/httpdmc2"
    kill "$mcpid" 2>/dev/null || true
    wait "$mcpid" 2>/dev/null || true
    rm -f "$TMP/pids/memcached.pid"
    unset -f cache_apache
}

cache_stage
unset -f cache_stage
