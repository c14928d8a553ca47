-- tests/bench/random.lua - wrk script: never-seen ranges, as a dashboard
-- asks them.  Request i asks a range starting 2019-01-01 + (i * 7919 mod
-- 2557) days and lasting 1 + (i * 104729 mod 2555) days (1 day to 7
-- years); every other request is a commune request for one of
-- BENCH_DISTRICTS (comma separated Huyen_Ids).  The pair repeats only
-- after 6.5 million requests.  Run it with one thread (-t1).
local districts = {}
for id in string.gmatch(os.getenv("BENCH_DISTRICTS") or "", "[^,]+") do
    districts[#districts + 1] = id
end
local commune_path = os.getenv("BENCH_COMMUNE_PATH")
local base = os.time({ year = 2019, month = 1, day = 1, hour = 12 })
local headers = { ["Content-Type"] = "application/json" }
local i = 0

function request()
    local from = os.date("!%Y-%m-%d", base + ((i * 7919) % 2557) * 86400)
    local to = os.date("!%Y-%m-%d", base + ((i * 7919) % 2557
                                            + (i * 104729) % 2555) * 86400)
    local body, path
    i = i + 1
    if i % 2 == 0 and #districts > 0 then
        local d = districts[1 + math.floor(i / 2) % #districts]
        body = string.format('{"Huyen_Id":%s,"TuNgay":"%s","DenNgay":"%s"}',
                             d, from, to)
        path = commune_path
    else
        body = string.format('{"TuNgay":"%s","DenNgay":"%s"}', from, to)
    end
    return wrk.format("POST", path, headers, body)
end

done = dofile(os.getenv("BENCH_DIR") .. "/result.lua")
