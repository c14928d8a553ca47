# tests/lib/ports.sh - sourced by the test, stress and benchmark scripts.
#
# free_port [TAKEN...]: prints a port nobody listens on (and none of
# TAKEN), outside the kernel's ephemeral range: an outgoing connection
# (Apache to MariaDB, curl to Apache) could otherwise hold the port by the
# time a server binds it, or when MariaDB restarts on its port.
free_port() {
    local p i lo=32768 hi=60999 base span
    if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
        read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range
    fi
    if [ "$lo" -gt 12000 ]; then
        base=10000; span=$((lo - 10000))
    else
        base=$((hi + 1)); span=$((65000 - hi))
    fi
    for i in $(seq 1 100); do
        p=$((base + RANDOM % span))
        case " $* " in *" $p "*) continue ;; esac
        if ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}
