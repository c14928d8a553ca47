-- tests/bench/post.lua - wrk script: the same POST again and again.
--   BENCH_BODY   the JSON body (the URL gives the path)
--   BENCH_LIMIT  when set, each wrk thread stops sending after this many
--                answers (the memory phase of run.sh counts requests; it
--                then ends wrk with SIGINT)
-- Prints a RESULT line (see result.lua) that run.sh reads.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"

local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
if limit > 0 then
    -- Only then: a response() callback makes wrk parse every answer.
    local n = 0
    function response(status, headers, body)
        n = n + 1
        if n >= limit then
            wrk.thread:stop()
        end
    end
end

done = dofile(os.getenv("BENCH_DIR") .. "/result.lua")
