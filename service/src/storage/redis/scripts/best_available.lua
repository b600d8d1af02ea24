-- Best available: picks and holds `quantity` seats in one step, by the rules of
-- domain/best_available.hpp (the in-process store runs the same rules in C++).
-- KEYS: 1 seats hash, 2 hold record, 3 the user's seat set, 4 version counter,
--       5 layout hash, 6 row bounds (ZSET), 7 row runs (ZSET), 8 dirty rows (SET)
--       (5-8 are written by best_available_layout.lua; 8 also by the scripts that free seats)
-- ARGV: 1 hold id, 2 user id, 3 now (ms), 4 expiresAt (ms), 5 max seats per user,
--       6 when the hold record may go (ms, PEXPIREAT), 7 the seating's signature,
--       8 quantity, 9 adjacent ('1' | '0'), 10 section ('' = any), 11 tier ('' = any)
-- Replies: {'HELD', seat...} | {'NONE'} | {'LIMIT', seatsTheUserHas} | {'NOTREADY'} |
--          {'NOLAYOUT'} (load the seating, then send again) | {'DUPLICATE'}
--
-- Why it stays cheap near sell-out: the script never reads every seat. Each row's last scan is
-- kept as two scores: its bound (the earliest expiry of a hold or order it saw there: before that
-- instant no seat of the row can come free by time; 'inf' when it saw none, e.g. all sold) and
-- its run (the longest stretch of free seats it saw). Seats taken since only make a row fuller,
-- so both stay upper bounds of what the row offers until the bound passes - or until a seat is
-- freed sooner (release, an order's end, a shorter window), which the freeing scripts record in
-- the dirty set (owner.lua, markRowFreed). A row is scanned again only when its bound has passed,
-- it is dirty, or its run says it may fit the request; rows never scanned yet (rank past
-- '#frontier') are scanned in order as the search reaches them. Near sell-out that is the few
-- rows that still have free seats, not the hall.
-- Running it twice is safe: a hold record of this user under this hold id is the first run's.

local holdId, user, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local maxSeats, quantity = tonumber(ARGV[5]), tonumber(ARGV[8])
local adjacent, wantSection, wantTier = ARGV[9] == '1', ARGV[10], ARGV[11]

if not redis.call('HGET', KEYS[1], '#ready') then return {'NOTREADY'} end
local meta = redis.call('HMGET', KEYS[5], '#sig', '#rows', '#frontier')
if meta[1] ~= ARGV[7] then return {'NOLAYOUT'} end
local rowCount, frontier = tonumber(meta[2]), tonumber(meta[3])

local rec = redis.call('HMGET', KEYS[2], 'user', 'seats')
if rec[1] then
  if rec[1] ~= user then return {'DUPLICATE'} end
  local replay = {'HELD'}
  for seat in string.gmatch(rec[2], '[^,]+') do replay[#replay + 1] = seat end
  return replay
end

-- The allowance first: it does not depend on which seats would be picked.
local have = liveSeatsOfUser(KEYS[1], KEYS[3], user, now)
if have + quantity > maxSeats then return {'LIMIT', have} end

-- unpack() has a limit (LUAI_MAXCSTACK): long lists go in slices.
local function hmget(key, fields)
  local out = {}
  for from = 1, #fields, 1000 do
    local part = redis.call('HMGET', key, unpack(fields, from, math.min(#fields, from + 999)))
    for i = 1, #part do out[#out + 1] = part[i] end
  end
  return out
end

-- Dirty rows: scanned again on this or a later call (a bound of 0 has always passed).
local dirty = redis.call('SMEMBERS', KEYS[8])
if #dirty > 0 then
  local names = {}
  for i, row in ipairs(dirty) do names[i] = 'k:' .. row end
  local ranks = hmget(KEYS[5], names)
  local scores = {}
  for _, rank in ipairs(ranks) do
    if rank then
      scores[#scores + 1] = 0
      scores[#scores + 1] = rank
    end
    if #scores >= 2000 then
      redis.call('ZADD', KEYS[6], unpack(scores))
      scores = {}
    end
  end
  if #scores > 0 then redis.call('ZADD', KEYS[6], unpack(scores)) end
  redis.call('DEL', KEYS[8])
end

-- Rows scanned before that may offer something now, in best-first order.
local known, seen = {}, {}
local function addRanks(list)
  for _, r in ipairs(list) do
    local rank = tonumber(r)
    if rank <= frontier and not seen[rank] then
      seen[rank] = true
      known[#known + 1] = rank
    end
  end
end
addRanks(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now))
addRanks(redis.call('ZRANGEBYSCORE', KEYS[7], adjacent and quantity or 1, '+inf'))
table.sort(known)

local function record(row)
  local run, best = 0, 0
  for i = 1, #row.free do
    if row.free[i] then
      run = run + 1
      if run > best then best = run end
    else
      run = 0
    end
  end
  redis.call('ZADD', KEYS[6], row.bound == math.huge and 'inf' or row.bound, row.rank)
  redis.call('ZADD', KEYS[7], best, row.rank)
end

-- Reads a row's seats; records its scan. nil when the row is not one the request may use.
local function visit(rank, alwaysScan)
  local blob = redis.call('HGET', KEYS[5], 'r:' .. rank)
  if not blob then return nil end
  local section, tier, list = string.match(blob, '^([^|]*)|([^|]*)|(.*)$')
  local wanted = (wantSection == '' or section == wantSection) and (wantTier == '' or tier == wantTier)
  if not wanted and not alwaysScan then return nil end
  local row = {rank = rank, seats = {}, free = {}, bound = math.huge}
  for seat in string.gmatch(list, '[^,]+') do row.seats[#row.seats + 1] = seat end
  local owners = hmget(KEYS[1], row.seats)
  for i = 1, #row.seats do
    local owner = owners[i]
    if ownerIsLive(owner, now) then
      row.free[i] = false
      if string.byte(owner) ~= 83 then  -- not 'S': it ends
        local exp = tonumber(string.match(owner, '^%u|(%d+)|'))
        if exp and exp < row.bound then row.bound = exp end
      end
    else
      row.free[i] = true
    end
  end
  record(row)
  if not wanted then return nil end
  return row
end

-- The row's best group (as bestGroupInRow in C++): clean before orphan-leaving, then nearest the
-- centre (twice the distance), then leftmost. Positions are 0-based like the C++.
local function bestGroup(free)
  local n, best = #free, nil
  local i = 1
  while i <= n do
    if not free[i] then
      i = i + 1
    else
      local stop = i
      while stop <= n and free[stop] do stop = stop + 1 end
      local run = stop - i
      for k = 0, run - quantity do
        local start = i - 1 + k
        local orphan = k == 1 or (run - quantity - k) == 1
        local distance = math.abs(2 * start + quantity - n)
        if not best or (orphan == false and best.orphan) or
           (orphan == best.orphan and (distance < best.distance or (distance == best.distance and start < best.start))) then
          best = {start = start, orphan = orphan, distance = distance}
        end
      end
      i = stop
    end
  end
  return best
end

local chosen, fallback = nil, nil
local singles = {}  -- not adjacent, no group anywhere: {row, index} best first
local function offer(row)
  if not row then return false end
  local g = bestGroup(row.free)
  if g and not g.orphan then
    chosen = {row = row, group = g}
    return true
  end
  if g and not fallback then fallback = {row = row, group = g} end
  if not adjacent and not fallback and #singles < quantity then
    local n, positions = #row.free, {}
    for i = 1, n do
      if row.free[i] then positions[#positions + 1] = i end
    end
    -- centre out, left first on a tie (a stable order: the index breaks ties)
    table.sort(positions, function(a, b)
      local da, db = math.abs(2 * (a - 1) + 1 - n), math.abs(2 * (b - 1) + 1 - n)
      if da ~= db then return da < db end
      return a < b
    end)
    for _, i in ipairs(positions) do
      if #singles < quantity then singles[#singles + 1] = {row = row, index = i} end
    end
  end
  return false
end

for _, rank in ipairs(known) do
  if offer(visit(rank, false)) then break end
end
if not chosen then
  local scannedFrom = frontier
  while frontier < rowCount do
    frontier = frontier + 1
    if offer(visit(frontier, true)) then break end
  end
  if frontier ~= scannedFrom then redis.call('HSET', KEYS[5], '#frontier', frontier) end
end

local picks = {}  -- {row, index}
local pick = chosen or fallback
if pick then
  for k = 1, quantity do picks[k] = {row = pick.row, index = pick.group.start + k} end
elseif not adjacent and #singles == quantity then
  picks = singles
else
  return {'NONE'}
end

local seats, touched = {}, {}
for _, p in ipairs(picks) do
  seats[#seats + 1] = p.row.seats[p.index]
  p.row.free[p.index] = false
  if expiresAt < p.row.bound then p.row.bound = expiresAt end
  touched[p.row] = true
end
for row in pairs(touched) do record(row) end

writeHold(KEYS, holdId, user, ARGV[4], ARGV[3], ARGV[6], seats)
local reply = {'HELD'}
for _, seat in ipairs(seats) do reply[#reply + 1] = seat end
return reply
