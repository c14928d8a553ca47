#!/bin/bash
# tests/lib/packages.sh - installs the Debian packages mod_newsapi's build,
# demo, tests and benchmarks need, when one is missing (apt-get, as root
# or through sudo).  Extra package names may be given as arguments.
set -euo pipefail

PKGS=(apache2 apache2-dev libaprutil1-dbd-mysql libjansson-dev
      libcriterion-dev mariadb-server mariadb-client libcurl4-openssl-dev
      gcc make libc6-dev pkg-config curl "$@")
missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "packages.sh: installing ${missing[*]}" >&2
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q "${missing[@]}"
fi
