-- wrk script: 2-seat holds (adjacent seats, random place) on the demo arena, one of many users per
-- request. Env: SHOW (show id), TOKENS (file with one JWT per line), SEATS (seats in the arena),
-- POOL (requests pre-built per wrk thread, default 50000).
-- wrk runs on the same cores as the service, so every instruction spent here is taken from the
-- server: the requests are formatted once in init() and request() only picks one at random. The
-- pool is far larger than the 19,600 adjacent pairs of a 20,000-seat arena, so the seats asked
-- for stay uniformly random, as with a request built on the fly.
-- wrk.format() drops -H headers, so every header is set here.
local show = os.getenv("SHOW")
local seats = tonumber(os.getenv("SEATS") or "20000")
local poolSize = tonumber(os.getenv("POOL") or "50000")
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local sections = math.floor((seats + 999) / 1000)
local pool = {}

local function seat_name(section, row, n)
  local share = section / sections
  local prefix = share < 0.1 and "FLOOR" or (share < 0.4 and "L" or "U")
  return prefix .. (section + 1) .. "-" .. string.char(65 + row) .. "-" .. n
end

local function build()
  local section = math.random(0, sections - 1)
  local row = math.random(0, 19)
  local n = math.random(1, 49)
  local body = '{"showId":"' .. show .. '","seatIds":["' .. seat_name(section, row, n) .. '","' ..
               seat_name(section, row, n + 1) .. '"]}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(1, #tokens)],
    ["Connection"] = "keep-alive",
  }
  return wrk.format("POST", "/v1/holds", headers, body)
end

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  for i = 1, poolSize do pool[i] = build() end
end

request = function()
  return pool[math.random(1, poolSize)]
end

done = function(summary, latency, requests)
  io.write(string.format("holds: %d requests, p50 %.2f ms, p99 %.2f ms\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
