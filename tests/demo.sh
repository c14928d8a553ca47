#!/bin/bash
# tests/demo.sh - mod_newsapi running on this machine in one command.
#
#   sudo bash tests/demo.sh          install what is missing, build, start
#                                    MariaDB (sample data of Thanh Hóa) and
#                                    Apache with the module on 127.0.0.1:8080,
#                                    print curl commands that work
#   sudo bash tests/demo.sh stop     stop both
#
# Everything lives in /tmp/newsapi-demo; MariaDB listens on 127.0.0.1:3399.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEMO=/tmp/newsapi-demo
PORT=${NEWSAPI_DEMO_PORT:-8080}
DBPORT=${NEWSAPI_DEMO_DBPORT:-3399}
ARTICLES=${NEWSAPI_DEMO_ARTICLES:-50000}

if [ "${1:-start}" = stop ]; then
    bash "$REPO/tests/lib/apache.sh" stop "$DEMO/apache" || true
    bash "$REPO/tests/lib/mariadb.sh" stop "$DEMO/db" || true
    exit 0
fi

bash "$REPO/tests/lib/packages.sh"
mkdir -p "$DEMO"
"$REPO/apxs-build.sh" >"$DEMO.build.log" 2>&1 \
    || { cat "$DEMO.build.log"; exit 1; }

mkdir -p "$DEMO/apache/htdocs"
chmod 755 "$DEMO" "$DEMO/apache" "$DEMO/apache/htdocs"
printf '<!doctype html><meta charset="utf-8"><title>Cổng thông tin</title>' \
    > "$DEMO/apache/htdocs/index.html"
chmod 644 "$DEMO/apache/htdocs/index.html"

bash "$REPO/tests/lib/mariadb.sh" start "$DEMO/db" "$DBPORT"
echo "loading the sample data ($ARTICLES articles)..."
bash "$REPO/tests/lib/mariadb.sh" load "$DEMO/db" "$ARTICLES"

export NEWSAPI_DBPORT=$DBPORT NEWSAPI_DEMO_HTDOCS="$DEMO/apache/htdocs"
bash "$REPO/tests/lib/apache.sh" start "$DEMO/apache" "$PORT" \
    "$REPO/tests/demo/demo.conf"

B="http://127.0.0.1:$PORT"
J="-H 'Content-Type: application/json'"
cat <<MSG

mod_newsapi is running on $B (logs: $DEMO/apache/error.log).

  curl -s -X POST $J -d '{"TuNgay":"2022-01-01","DenNgay":"2022-12-31"}' $B/api/tintuc/huyen
  curl -s -X POST $J -d '{"Huyen_Id":407,"TuNgay":"2022-01-01","DenNgay":"2022-12-31"}' $B/api/tintuc/xa
  curl -s -X POST $J -d '{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' $B/api/truycap/huyen
  curl -s -X POST $J -d '{"Huyen_Id":407,"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' $B/api/truycap/xa
  curl -s -X POST $J -d '{"Huyen_Id":401}' $B/api/donvi      # the portal list
  curl -s -X POST $J -d '{"TuNgay":"2023-02-29","DenNgay":"2023-03-01"}' $B/api/tintuc/huyen
  curl -s $B/index.html >/dev/null     # a page view of site 1
  curl -s "$B/newsapi-status?auto"

Stop it with: sudo bash tests/demo.sh stop
MSG
