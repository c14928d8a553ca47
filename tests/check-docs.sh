#!/bin/bash
# tests/check-docs.sh - every directive and handler the module defines is
# documented in README.md and every error code in newsapi_error.h is in its
# table: an admin must never meet an undocumented name.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=0
check() {
    local kind=$1 name=$2
    if ! grep -qF -- "$name" README.md; then
        echo "check-docs: $kind $name is not in README.md" >&2
        missing=$((missing + 1))
    fi
}

directives=$(grep -oE 'AP_INIT_[A-Z0-9]+\("NewsApi[A-Za-z]+"' \
             mod_newsapi/mod_newsapi.c | sed -E 's/.*\("//; s/"$//')
handlers=$(grep -oE '"newsapi-[a-z-]+"' mod_newsapi/*.c | sed -E 's/.*:"//; s/"$//' \
           | sort -u)
codes=$(grep -oE '#define NEWSAPI_E_[A-Z_]+ +"[a-z_]+"' \
        mod_newsapi/newsapi_error.h | sed -E 's/.*"([a-z_]+)"/\1/')

n=0
for d in $directives; do check directive "\`$d"; n=$((n + 1)); done
for h in $handlers; do check handler "$h"; n=$((n + 1)); done
for c in $codes; do check "error code" "\`$c\`"; n=$((n + 1)); done

[ "$n" -gt 20 ] || { echo "check-docs: found only $n names: parser broken?" >&2; exit 1; }
if [ "$missing" -gt 0 ]; then
    echo "check-docs: $missing of $n names undocumented" >&2
    exit 1
fi
echo "check-docs: all $n directives, handlers and error codes are documented"
