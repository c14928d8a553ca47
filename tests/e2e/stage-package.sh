# tests/e2e/stage-package.sh - the Debian package, built, checked,
# installed into the machine's Apache, used and purged.  Sourced by
# tests/run.sh after the other stages, in its shell (step, free_port, $TMP,
# $PORT, $DBPORT, $APACHE_SH, $REPO are run.sh's).
#
#   1. a clean copy of the tree in $TMP/package/src: what is committed plus
#      uncommitted changes of tracked files (git stash create), never
#      untracked files or build products, as CI's fresh clone sees it;
#   2. dpkg-buildpackage -us -uc -b there; the copy must stay clean
#      (git status: every build product is removed or ignored);
#   3. lintian on the .deb: no error;
#   4. one step, in its own process, that changes the machine (under a
#      lock, so two runs never share /etc/apache2): apt-get install ./deb,
#      a2enmod newsapi, the conffile pointed at the suite's MariaDB,
#      apachectl configtest, the system apache2 with Debian's envvars and
#      /etc/apache2 on a free port ($TMP/httpdpkg, so run.sh's cleanup stops
#      it too), one request per endpoint, stop, apt-get purge: no file of
#      the package left, and /etc/apache2 and /var/lib/apache2 (a2enmod's
#      records) exactly as they were.  Whatever fails or interrupts it,
#      its trap stops that Apache, purges the package and puts both trees
#      back from a snapshot.
#
# Each endpoint of conf/newsapi.conf is one line of PKG_ENDPOINTS below.
# Not run inside tests/sanitize.sh's nested suite (the outer one runs it).

# handler | request body (POST; empty: GET ?json) | keys every answer
# object has.  The path is the handler's <Location> in newsapi.conf.
PKG_R='"TuNgay":"2022-05-01","DenNgay":"2022-05-31"'
PKG_D="Huyen_Id Ten_Huyen Id Name"
PKG_V="SoLuotTruyCap TongLuotTruyCap DangTruyCap"
PKG_ENDPOINTS=(
    "newsapi-district|{$PKG_R}|$PKG_D SoLuong"
    "newsapi-commune|{\"Huyen_Id\":407,$PKG_R}|Id Name SoLuong"
    "newsapi-visits-district|{$PKG_R}|$PKG_D $PKG_V"
    "newsapi-visits-commune|{\"Huyen_Id\":407,$PKG_R}|Id Name $PKG_V"
    "newsapi-portals|{\"Huyen_Id\":401}|Huyen_Id Ten_Don_Vi Cap Id Dia_Chi Ghi_Chu"
    "newsapi-status||Requests DBQueries CacheEnabled"
)
PKG_NAME=libapache2-mod-newsapi
PKG_LOCK=/tmp/newsapi-package-stage.lock
PKG_CONF=/etc/apache2/mods-available/newsapi.conf
PKG_POLICY=/usr/sbin/policy-rc.d
PKG_POLICY_OURS=0

# ---- 1-3: copy, build, lintian (nothing outside $TMP) ------------------

pkg_copy() {
    local src=$1 rev untracked
    local git=(git -C "$REPO" -c safe.directory="$REPO"
               -c user.name=stage-package -c user.email=stage@newsapi.invalid)
    if ! "${git[@]}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        echo "$REPO is not a git work tree: the package is built from what"
        echo "git tracks there (as in CI's clone); run it in a clone"
        return 1
    fi
    rev=$("${git[@]}" stash create) || return 1
    [ -n "$rev" ] || rev=HEAD
    echo "packaging $("${git[@]}" rev-parse --short HEAD)" \
         "$([ "$rev" = HEAD ] || echo '+ uncommitted changes of tracked files')"
    untracked=$("${git[@]}" ls-files --others --exclude-standard)
    if [ -n "$untracked" ]; then
        echo "not packaged (untracked, not in a clone either):"
        sed 's/^/    /' <<< "$untracked"
    fi
    rm -rf "$src" && mkdir -p "$src" || return 1
    "${git[@]}" archive "$rev" | tar -x -C "$src" || return 1
    # A repository of its own, to see what the build leaves behind.
    git -C "$src" init -q && git -C "$src" add -A &&
        git -C "$src" -c user.name=stage-package \
            -c user.email=stage@newsapi.invalid commit -q -m copy
}

pkg_build() {
    local src=$1 log=$1/../build.log left
    if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$log" 2>&1; then
        tail -n 40 "$log"
        echo "dpkg-buildpackage failed (log above)"
        return 1
    fi
    grep -E '^dpkg-deb: building' "$log"
    left=$(git -C "$src" status --porcelain --untracked-files=all)
    if [ -n "$left" ]; then
        echo "the build leaves files that are neither removed nor ignored:"
        echo "$left"
        return 1
    fi
    echo "the tree is clean after the build (git status)"
}

pkg_lintian() {
    local out rc=0
    # exit 1: a tag at the --fail-on level; 2: lintian itself failed
    out=$(lintian --fail-on error --info --display-info --pedantic "$@" \
        2>&1) || rc=$?
    printf '%s\n' "$out"
    echo "lintian: $(printf '%s\n' "$out" | grep -c '^[EWIPX]: ') tags," \
         "$(printf '%s\n' "$out" | grep -c '^E: ') errors (exit $rc)"
    [ "$rc" -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^E: '
}

# ---- 4: the machine's Apache -------------------------------------------

PKG_T=0
PKG_F=0

# pkg_check DESCRIPTION COMMAND...: one counted check.
pkg_check() {
    local what=$1; shift
    PKG_T=$((PKG_T + 1))
    if "$@"; then
        echo "ok   $what"
        return 0
    fi
    PKG_F=$((PKG_F + 1))
    echo "FAIL $what"
    return 1
}

pkg_known() {
    dpkg-query -W -f='${Status}' "$PKG_NAME" 2>/dev/null \
        | grep -qv 'not-installed'
}

# pkg_apt ARGS...: apt-get -y without questions (no terminal in CI).
pkg_apt() {
    DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends \
        -o Dpkg::Use-Pty=0 "$@" </dev/null
}

pkg_conffiles() {
    local c
    c=$(dpkg-query -W -f='${Conffiles}\n' "$PKG_NAME")
    printf '%s\n' "$c"
    grep -q " $PKG_CONF " <<< "$c" &&
        grep -q " ${PKG_CONF%.conf}.load " <<< "$c"
}

pkg_a2enmod() {
    local m
    a2enmod newsapi || return 1
    for m in newsapi.load newsapi.conf dbd.load socache_shmcb.load; do
        [ -L "/etc/apache2/mods-enabled/$m" ] || return 1
    done
}

# What an admin does: the DBDParams line of the conffile edited in place.
pkg_point_db() {
    local params=$1
    sed -i "s|^\([[:space:]]*DBDParams\) .*|\1 \"$params\"|" "$PKG_CONF" &&
        grep -F "DBDParams \"$params\"" "$PKG_CONF"
}

# pkg_none_left "dpkg -L output": none of those files, nor a directory of
# the package's own, exists (directories shared with others stay).
pkg_none_left() {
    local f left=0
    while IFS= read -r f; do
        [ -e "$f" ] || continue
        if [ ! -d "$f" ] || [[ $f == *newsapi* ]]; then
            echo "    left: $f"
            left=1
        fi
    done <<< "$1"
    [ "$left" -eq 0 ]
}

# Removing an enabled module makes its prerm restart apache2 through
# invoke-rc.d, which would start the machine's Apache on port 80 where
# nothing forbids it.  Without a policy-rc.d of the machine's own, one
# that denies apache2 actions stands for the length of the step.
pkg_policy_on() {
    [ -e "$PKG_POLICY" ] && return 0
    printf '%s\n' '#!/bin/sh' \
        '# tests/e2e/stage-package.sh (mod_newsapi): removed when it ends' \
        'case "$1" in apache2|apache-htcacheclean) exit 101 ;; esac' \
        'exit 0' > "$PKG_POLICY" && chmod 755 "$PKG_POLICY" &&
        PKG_POLICY_OURS=1
}

pkg_policy_off() {
    [ "$PKG_POLICY_OURS" -eq 1 ] && rm -f "$PKG_POLICY"
    PKG_POLICY_OURS=0
}

# The machine's own Apache: running (Debian's pid file) or not, port 80.
pkg_system_apache() {
    local pid
    pid=$(cat /var/run/apache2/apache2.pid 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "running (pid $pid)"
    else
        echo "not running"
    fi
    if timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null; then
        echo "port 80 open"
    else
        echo "port 80 closed"
    fi
}

# Every entry of the trees (type, mode, owner, link target, content),
# sorted: equal listings mean equal trees.
pkg_manifest() {
    local d
    for d in /etc/apache2 /var/lib/apache2; do
        [ -e "$d" ] || continue
        find "$d" -printf '%y %m %u:%g %p -> %l\n'
        find "$d" -type f -exec md5sum {} +
    done | LC_ALL=C sort
}

# Puts /etc/apache2 and /var/lib/apache2 back as the snapshot has them:
# extracted over the tree, then whatever the snapshot lacks removed.
pkg_put_back() {
    local snap=$1 p
    tar -C / -xpf "$snap" || return 1
    LC_ALL=C comm -13 <(tar -tf "$snap" | sed 's|/$||' | LC_ALL=C sort) \
        <(find etc/apache2 var/lib/apache2 2>/dev/null | LC_ALL=C sort) \
        | LC_ALL=C sort -r | while IFS= read -r p; do
            rm -rf "/${p:?}"
        done
}

# The trap of the machine step: stop our Apache, purge, put back.
pkg_restore() {
    trap '' INT TERM PIPE
    set +e
    "$APACHE_SH" stop "$PKG_DIR" >/dev/null 2>&1
    pkg_known && pkg_apt purge "$PKG_NAME" >/dev/null 2>&1
    pkg_policy_off
    if [ -f "$PKG_SNAP" ] && ! pkg_manifest | cmp -s - "$PKG_BEFORE"; then
        echo "putting /etc/apache2 and /var/lib/apache2 back"
        (cd / && pkg_put_back "$PKG_SNAP")
        pkg_manifest | cmp -s - "$PKG_BEFORE" \
            || echo "WARNING: /etc/apache2 differs from before the stage"
    fi
}

# The Location path of HANDLER in the installed newsapi.conf.
pkg_path_of() {
    awk -v h="$1" '
        /^[ \t]*#/ { next }
        /<Location/ { p = $2; gsub(/[">]/, "", p) }
        $1 == "SetHandler" && $2 == h { print p; exit }
    ' /etc/apache2/mods-available/newsapi.conf
}

# pkg_request HANDLER BODY KEYS: 200, a JSON content type, a non-empty
# JSON answer whose objects all carry KEYS.
pkg_request() {
    local handler=$1 body=$2 keys=$3 path url out code ctype
    path=$(pkg_path_of "$handler")
    if [ -z "$path" ]; then
        echo "    no <Location> with SetHandler $handler in newsapi.conf"
        return 1
    fi
    url=http://127.0.0.1:$PKG_PORT$path
    [ -n "$body" ] || url="$url?json"
    out=$PKG_DIR/answer.json
    if [ -n "$body" ]; then
        read -r code ctype < <(curl -s -o "$out" \
            -w '%{http_code} %{content_type}\n' -X POST \
            -H 'Content-Type: application/json' -d "$body" "$url")
    else
        read -r code ctype < <(curl -s -o "$out" \
            -w '%{http_code} %{content_type}\n' "$url")
    fi
    echo "    $handler: $url -> $code $ctype, $(wc -c < "$out") bytes"
    [ "$code" = 200 ] || { head -c 300 "$out"; echo; return 1; }
    case $ctype in application/json*) ;; *) return 1 ;; esac
    # shellcheck disable=SC2086  # one argument per key
    perl -MJSON::PP -e '
        my ($file, @keys) = @ARGV;
        local $/; open my $fh, "<", $file or die "$file: $!\n";
        my $v = JSON::PP->new->decode(<$fh>);
        my @objs = ref $v eq "ARRAY" ? @$v : ($v);
        die "empty answer\n" unless @objs;
        for my $o (@objs) {
            ref $o eq "HASH" or die "not an object: $o\n";
            exists $o->{$_} or die "no key $_\n" for @keys;
        }
        print "    ", scalar(@objs), " object(s) with @keys\n";
    ' "$out" $keys
}

pkg_apache_start() {
    # fd 8 (the stage's lock) must not live on in the daemon
    (exec 8>&- && . "$PKG_DIR/envvars" &&
        exec /usr/sbin/apache2 -d /etc/apache2 -f "$PKG_DIR/httpd.conf" \
            -k start) || return 1
    local _
    for _ in $(seq 1 300); do
        timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PKG_PORT" \
            2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The machine step (runs in step's pipeline: a process of its own).
pkg_machine() {
    local deb=$1
    local line handler body keys files before_mods after_mods extra m
    local system_before trees
    local dbparams="host=127.0.0.1 port=$DBPORT user=newsapi"
    dbparams+=" pass=newsapi-test-pw dbname=newsapi reconnect=0"
    PKG_DIR=$TMP/httpdpkg
    PKG_SNAP=$TMP/package/apache2-trees.tar
    PKG_BEFORE=$TMP/package/apache2-trees.before
    PKG_T=0 PKG_F=0

    exec 8>"$PKG_LOCK"
    if ! flock -w 900 8; then
        echo "another run holds $PKG_LOCK"
        return 1
    fi
    if pkg_known; then
        echo "$PKG_NAME is installed on this machine already: not touched"
        return 1
    fi
    if [ -e /etc/apache2/mods-available/newsapi.load ] ||
       [ -e "$PKG_CONF" ]; then
        echo "/etc/apache2/mods-available/newsapi.* exist (apxs-build.sh" \
             "install?): the package would meet them; remove them first"
        return 1
    fi
    # a2enmod's dependencies stay enabled after a purge (as in Debian):
    # the stage disables those it enabled itself.
    before_mods=$(ls /etc/apache2/mods-enabled)
    pkg_manifest > "$PKG_BEFORE"
    trees=(etc/apache2)
    [ -d /var/lib/apache2 ] && trees+=(var/lib/apache2)
    (cd / && tar -cpf "$PKG_SNAP" "${trees[@]}") || return 1
    system_before=$(pkg_system_apache)
    trap 'pkg_restore' EXIT
    trap 'pkg_restore; exit 130' INT TERM
    pkg_policy_on || return 1

    # ---- install, enable, configure ------------------------------------
    pkg_check "apt-get install $deb" pkg_apt install "$deb" || return 1
    pkg_check "newsapi.conf and newsapi.load are conffiles" pkg_conffiles
    pkg_check "not enabled by the install" \
        test ! -e /etc/apache2/mods-enabled/newsapi.load
    pkg_check "a2enmod newsapi (and its Depends: dbd socache_shmcb)" \
        pkg_a2enmod || return 1
    pkg_check "DBDParams of newsapi.conf pointed at the test MariaDB" \
        pkg_point_db "$dbparams" || return 1
    pkg_check "the edited conffile survives a reinstall" eval \
        'pkg_apt install --reinstall "$deb" &&
         grep -qF "$dbparams" "$PKG_CONF"'

    # ---- the machine's Apache, on a free port, Debian's environment ------
    PKG_PORT=$(free_port "$DBPORT" "$PORT") || return 1
    mkdir -p "$PKG_DIR/run" "$PKG_DIR/lock" &&
        chmod 755 "$PKG_DIR" "$PKG_DIR/run" &&
        chown www-data "$PKG_DIR/lock" || return 1
    echo "$PKG_PORT" > "$PKG_DIR/port"
    cat > "$PKG_DIR/envvars" <<EOF
APACHE_CONFDIR=\${APACHE_CONFDIR:-/etc/apache2}
. /etc/apache2/envvars
export APACHE_PID_FILE=$PKG_DIR/httpd.pid
export APACHE_RUN_DIR=$PKG_DIR/run
export APACHE_LOCK_DIR=$PKG_DIR/lock
export APACHE_LOG_DIR=$PKG_DIR
EOF
    # /etc/apache2/apache2.conf with its ports.conf (port 80) replaced
    sed "s|^Include ports.conf\$|Listen 127.0.0.1:$PKG_PORT|" \
        /etc/apache2/apache2.conf > "$PKG_DIR/httpd.conf"
    pkg_check "apache2.conf listens on $PKG_PORT instead of ports.conf" \
        grep -q "^Listen 127.0.0.1:$PKG_PORT\$" "$PKG_DIR/httpd.conf"
    pkg_check "apachectl configtest" env APACHE_ENVVARS="$PKG_DIR/envvars" \
        apachectl configtest || return 1
    pkg_check "system apache2 starts on 127.0.0.1:$PKG_PORT" \
        pkg_apache_start || return 1
    for line in "${PKG_ENDPOINTS[@]}"; do
        IFS='|' read -r handler body keys <<< "$line"
        pkg_check "$handler answers 200 with JSON" \
            pkg_request "$handler" "$body" "$keys"
    done
    pkg_check "system apache2 stops" "$APACHE_SH" stop "$PKG_DIR"

    # ---- purge ------------------------------------------------------------
    files=$(dpkg -L "$PKG_NAME")
    pkg_check "apt-get purge $PKG_NAME" pkg_apt purge "$PKG_NAME" \
        || return 1
    pkg_check "no file of the package is left" pkg_none_left "$files"
    pkg_check "dpkg forgot the package" eval '! pkg_known'
    pkg_check "mods-enabled/newsapi.* are gone" eval \
        '! ls /etc/apache2/mods-enabled/newsapi.* 2>/dev/null'
    after_mods=$(ls /etc/apache2/mods-enabled)
    extra=$(comm -13 <(echo "$before_mods") <(echo "$after_mods"))
    echo "    left enabled by a2enmod's Depends: $(echo "$extra" | tr '\n' ' ')"
    for m in $extra; do
        case $m in *.load) a2dismod -q "${m%.load}" ;; esac
    done
    # a2enmod/a2dismod keep records in /var/lib/apache2: those come back
    # from the snapshot; /etc/apache2 must be as found without help.
    pkg_check "/etc/apache2 is as it was before the stage" eval \
        'diff <(grep " /etc/apache2" "$PKG_BEFORE") \
              <(pkg_manifest | grep " /etc/apache2")'
    (cd / && pkg_put_back "$PKG_SNAP")
    pkg_check "/var/lib/apache2 is back as it was" eval \
        'pkg_manifest | cmp -s - "$PKG_BEFORE"'
    pkg_policy_off
    pkg_check "the machine's own Apache as before: $(echo "$system_before" | tr '\n' ' ')" \
        eval '[ "$(pkg_system_apache)" = "$system_before" ]'
}

pkg_machine_step() {
    local rc=0
    pkg_machine "$@" || rc=1
    [ "$PKG_F" -eq 0 ] || rc=1
    if [ "$rc" -ne 0 ] && [ "$PKG_F" -eq 0 ]; then
        PKG_T=$((PKG_T + 1)) PKG_F=1        # stopped before any check failed
    fi
    echo "package checks: Tested: $PKG_T | Passing: $((PKG_T - PKG_F))" \
         "| Failing: $PKG_F | Crashing: 0"
    return "$rc"
}

package_stage() {
    local pdir=$TMP/package deb f0=$FAILED

    step "package: build tools (debhelper, lintian, git)" \
        bash "$REPO/tests/lib/packages.sh" debhelper dpkg-dev lintian git perl
    [ "$FAILED" -eq "$f0" ] || return 0
    mkdir -p "$pdir" && chmod 755 "$pdir"
    step "package: clean copy of the tree" pkg_copy "$pdir/src"
    [ "$FAILED" -eq "$f0" ] || return 0
    step "package: dpkg-buildpackage -us -uc -b" pkg_build "$pdir/src"
    deb=$(ls "$pdir/${PKG_NAME}"_*_*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
        FAILED=$((FAILED + 1))
        FAILED_STEPS+=("package: no .deb built")
        return 0
    fi
    chmod 644 "$deb"                    # apt's _apt user reads it
    # the .changes: both .debs (the module, its -dbgsym) and the buildinfo
    step "package: lintian $(basename "${deb%.deb}").changes" \
        pkg_lintian "${deb%.deb}.changes"
    step "package: install, a2enmod, configtest, serve, purge" \
        pkg_machine_step "$deb"
}

# The package holds its own build of the module, not the sanitized one
# tests/sanitize.sh runs the suite with: once, in the outer suite, is all.
if [ -n "${NEWSAPI_HARDENING_NESTED:-}" ]; then
    say "package: not run again inside tests/sanitize.sh"
else
    package_stage
fi
unset -f package_stage pkg_machine_step pkg_machine pkg_apache_start \
    pkg_request pkg_path_of pkg_restore pkg_put_back pkg_manifest \
    pkg_system_apache pkg_policy_on pkg_policy_off pkg_known pkg_apt \
    pkg_conffiles pkg_a2enmod pkg_point_db pkg_none_left pkg_check \
    pkg_lintian pkg_build pkg_copy
unset PKG_R PKG_D PKG_V PKG_ENDPOINTS PKG_NAME PKG_LOCK PKG_CONF PKG_POLICY \
    PKG_POLICY_OURS PKG_T PKG_F
