# tests/e2e/stage-openapi.sh - docs/openapi.yaml held against the real
# server, and the Prometheus form of the status figures.  Sourced by
# tests/run.sh in its shell (set -euo pipefail; step, free_port, $TMP,
# $PORT, $DBPORT, $APACHE_SH, $REPO are run.sh's).  Nothing here may fail
# outside a step.
#
# 1. every code of newsapi_error.h is in the document; lint with the
#    engine of `npx -y @redocly/cli lint` and redocly.yaml
#    (tests/openapi/lint.mjs; 1.x runs on Debian's node 18 too);
# 2. two Apaches on the suite's MariaDB with tests/openapi/openapi.conf
#    (every endpoint, the status page, /metrics): $TMP/httpd-openapi, and
#    $TMP/httpd-openapi-nodb whose database port is closed (503);
# 3. tests/openapi/record.sh sends tests/openapi/requests.tsv (200s of
#    every endpoint, every error that can be provoked) and keeps the
#    answers; tests/openapi/validate.mjs validates each against the
#    document (Ajv on the document's own schemas: see there why not
#    Prism), and tests/openapi/mutate.mjs proves that broken copies of the
#    document fail on the same answers;
# 4. tests/openapi/metrics.sh: promtool check metrics, and the Prometheus
#    figures equal the ?auto and ?json ones at the same moment.
# npm ci fetches @redocly/openapi-core, Ajv and yaml (22 packages, 19 MB,
# pinned by tests/openapi/package-lock.json): about 4 s with an empty npm
# cache.

openapi_stage() {
    local odir=$TMP/openapi oapi=$REPO/tests/openapi t0 po pn closed
    local pending= nreq nbusy nstale f0

    mkdir -p "$odir/node"
    chmod 755 "$odir"
    if ! command -v npx >/dev/null 2>&1; then
        step "openapi: install nodejs and npm" \
            bash "$REPO/tests/lib/packages.sh" nodejs npm
    fi
    if ! command -v promtool >/dev/null 2>&1; then
        step "openapi: install prometheus (promtool)" \
            bash "$REPO/tests/lib/packages.sh" prometheus
    fi

    openapi_codes() {
        local c n=0 missing=0
        for c in $(sed -n 's/^#define NEWSAPI_E_[A-Z_]* *"\([a-z_]*\)".*/\1/p' \
                   mod_newsapi/newsapi_error.h); do
            n=$((n + 1))
            if ! grep -q "^ *- $c\$" docs/openapi.yaml; then
                echo "openapi: error code $c is not in ErrorCode"
                missing=1
            fi
        done
        [ "$n" -gt 10 ] || { echo "openapi: only $n codes found"; return 1; }
        echo "openapi: $n error codes, each in docs/openapi.yaml"
        return "$missing"
    }
    step "openapi: every error code of newsapi_error.h is documented" \
        openapi_codes

    t0=$SECONDS
    cp "$oapi/package.json" "$oapi/package-lock.json" "$oapi"/*.mjs \
        "$odir/node/"
    step "openapi: npm ci (@redocly/openapi-core, ajv, yaml)" \
        npm ci --prefix "$odir/node" --no-audit --no-fund --loglevel=error
    echo "openapi: npm ci took $((SECONDS - t0)) s"
    step "openapi: redocly lint docs/openapi.yaml (redocly.yaml)" \
        node "$odir/node/lint.mjs" docs/openapi.yaml redocly.yaml

    # The portal list exists once the module has its handler; until then
    # /api/donvi is Apache's 404 and validate.mjs says so.
    if ! grep -q 'newsapi-portals' \
            "${NEWSAPI_MODULE:-$REPO/mod_newsapi/.libs/mod_newsapi.so}"; then
        pending=--portals-pending
        echo "openapi: the module has no newsapi-portals handler:" \
             "/api/donvi requests are expected to be 404 (PENDING)"
    fi

    po=$(free_port "$DBPORT" "$PORT")
    closed=$(free_port "$DBPORT" "$PORT" "$po")
    pn=$(free_port "$DBPORT" "$PORT" "$po" "$closed")
    f0=$FAILED
    step "openapi: Apache starts" \
        "$APACHE_SH" start "$TMP/httpd-openapi" "$po" "$oapi/openapi.conf"
    step "openapi: Apache on a closed database port starts" \
        env NEWSAPI_DBPORT="$closed" "$APACHE_SH" start \
        "$TMP/httpd-openapi-nodb" "$pn" "$oapi/openapi.conf"
    if [ "$FAILED" -eq "$f0" ]; then
        step "openapi: requests sent (tests/openapi/requests.tsv)" \
            bash "$oapi/record.sh" "$oapi/requests.tsv" \
            "http://127.0.0.1:$po" "http://127.0.0.1:$pn" "$odir/answers"
        step "openapi: every answer valid against docs/openapi.yaml" \
            node "$odir/node/validate.mjs" docs/openapi.yaml \
            "$oapi/requests.tsv" "$odir/answers" $pending
        step "openapi: broken copies of the document fail on the answers" \
            node "$odir/node/mutate.mjs" docs/openapi.yaml \
            "$oapi/requests.tsv" "$odir/answers" $pending

        # The API requests that reached the first Apache's module.
        nreq=$(awk -F'\t' -v p="$pending" '!/^#/ && NF > 1 && $2 != "nodb" &&
                   $4 !~ /^\/(newsapi-status|metrics)/ &&
                   !(p != "" && $4 ~ /^\/api\/donvi/)' \
               "$oapi/requests.tsv" | wc -l)
        nbusy=$(grep -c $'^503/server_busy\t' "$oapi/requests.tsv" || true)
        nstale=$(grep -c $'^200/STALE\t' "$oapi/requests.tsv" || true)
        step "metrics: promtool, Prometheus = ?auto = ?json, counts" \
            bash "$oapi/metrics.sh" "http://127.0.0.1:$po" "$nreq" \
            "$nbusy" "$nstale"
    fi
    "$APACHE_SH" stop "$TMP/httpd-openapi"
    "$APACHE_SH" stop "$TMP/httpd-openapi-nodb"
    unset -f openapi_codes
}

openapi_stage
unset -f openapi_stage
