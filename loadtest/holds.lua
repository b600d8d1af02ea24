-- wrk script: 2-seat holds (adjacent seats, random place) on the demo arena, one of many users per
-- request. Env: SHOW (show id), TOKENS (file with one JWT per line), SEATS (seats in the arena).
-- wrk.format() drops -H headers, so every header is set here.
local show = os.getenv("SHOW")
local seats = tonumber(os.getenv("SEATS") or "20000")
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local sections = math.floor((seats + 999) / 1000)

local function seat_name(section, row, n)
  local share = section / sections
  local prefix = share < 0.1 and "FLOOR" or (share < 0.4 and "L" or "U")
  return prefix .. (section + 1) .. "-" .. string.char(65 + row) .. "-" .. n
end

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

request = function()
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

done = function(summary, latency, requests)
  io.write(string.format("holds: %d requests, p50 %.2f ms, p99 %.2f ms\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
