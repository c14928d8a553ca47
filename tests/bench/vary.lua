-- tests/bench/vary.lua - wrk script: a different range on every request,
-- so that none can come from a cache.  Request i asks TuNgay =
-- 2019-01-01 + (i mod 1461) days and DenNgay = TuNgay + 364 days (one
-- year), as sqltime.c's query i does.
--   BENCH_DISTRICT  when set, a commune request for that Huyen_Id
-- Run it with one thread (-t1) so that i counts every request.
local district = os.getenv("BENCH_DISTRICT")
local base = os.time({ year = 2019, month = 1, day = 1, hour = 12 })
local headers = { ["Content-Type"] = "application/json" }
local i = 0

function request()
    local k = i % 1461
    local from = os.date("!%Y-%m-%d", base + k * 86400)
    local to = os.date("!%Y-%m-%d", base + (k + 364) * 86400)
    local body
    i = i + 1
    if district then
        body = string.format('{"Huyen_Id":%s,"TuNgay":"%s","DenNgay":"%s"}',
                             district, from, to)
    else
        body = string.format('{"TuNgay":"%s","DenNgay":"%s"}', from, to)
    end
    return wrk.format("POST", nil, headers, body)
end

done = dofile(os.getenv("BENCH_DIR") .. "/result.lua")
