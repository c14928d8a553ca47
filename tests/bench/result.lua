-- tests/bench/result.lua - wrk's done() for post.lua and vary.lua: one
-- line run.sh parses (times in milliseconds; errors = answers other than
-- 2xx/3xx, and socket errors).
return function(summary, latency, requests)
    local s = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d seconds=%.2f rps=%.1f mean_ms=%.3f p50_ms=%.3f "
        .. "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f status_errors=%d "
        .. "socket_errors=%d\n",
        summary.requests, s, summary.requests / s, latency.mean / 1000,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000, e.status,
        e.connect + e.read + e.write + e.timeout))
end
