-- The seat-owner format, defined once: every hold-store script is loaded with this prelude
-- (script_runner.cpp), so none parses or builds an owner by hand. The C++ side reads it in one
-- place too (redis_hold_store.cpp, statusOfOwner).
-- An owner is "KIND|expiresAt|ownerId|userId": KIND H (hold), O (pending order) or S (sold,
-- expiresAt 0). The user id comes last because it is the only free-form part. An H or O owner
-- whose expiresAt has passed is free: expiry costs nothing until someone wants the seat.

local function makeOwner(kind, expiresAt, id, user)
  return kind .. '|' .. expiresAt .. '|' .. id .. '|' .. user
end

-- kind, expiresAt (a number), owner id, user id; nothing for a missing or malformed owner.
local function parseOwner(owner)
  if not owner then return nil end
  local kind, exp, id, who = string.match(owner, '^(%u)|(%d+)|([^|]*)|(.*)$')
  if not kind then return nil end
  return kind, tonumber(exp), id, who
end

-- Whether `owner` keeps its seat at `now`: sold, or not yet expired. An owner that cannot be
-- parsed counts as live: a seat is never handed out on a guess. (The hold path's one check per
-- seat: it reads only the kind and the expiry.)
local function ownerIsLive(owner, now)
  if not owner then return false end
  if string.byte(owner) == 83 then return true end  -- 'S'
  local exp = string.match(owner, '^%u|(%d+)|[^|]*|')
  return not exp or tonumber(exp) > now
end

-- The owner id when `owner` is of `kind` (H, O or S), else nil.
local function ownerIdOf(owner, kind)
  local k, _, id = parseOwner(owner)
  if k == kind then return id end
  return nil
end

-- Seats `user` owns at `now` according to the seats hash (KEYS `seatsKey`), from their set
-- `userKey`. The set may name seats that expired, were released or changed hands since: they are
-- dropped here, so the count is exact. Sold seats keep counting.
local function liveSeatsOfUser(seatsKey, userKey, user, now)
  local have = 0
  local mine = redis.call('SMEMBERS', userKey)
  if #mine > 0 then
    local current = redis.call('HMGET', seatsKey, unpack(mine))
    local stale = {}
    for i, seat in ipairs(mine) do
      local _, _, _, who = parseOwner(current[i])
      if ownerIsLive(current[i], now) and who == user then have = have + 1 else stale[#stale + 1] = seat end
    end
    if #stale > 0 then redis.call('SREM', userKey, unpack(stale)) end
  end
  return have
end

-- Writes a granted hold: its seats, the user's set, the hold record and the version. keys: the
-- seats hash, the hold record, the user's set, the version counter.
local function writeHold(keys, holdId, user, expiresAt, createdAt, recordUntil, seats)
  local owner = makeOwner('H', expiresAt, holdId, user)
  local fields = {}
  for _, seat in ipairs(seats) do
    fields[#fields + 1] = seat
    fields[#fields + 1] = owner
  end
  redis.call('HSET', keys[1], unpack(fields))
  redis.call('SADD', keys[3], unpack(seats))
  redis.call('HSET', keys[2], 'user', user, 'seats', table.concat(seats, ','), 'status', 'HELD',
             'expiresAt', expiresAt, 'createdAt', createdAt)
  redis.call('PEXPIREAT', keys[2], recordUntil)
  redis.call('INCR', keys[4])
end

-- The best-available index (best_available.lua) trusts a row's last scan until the earliest
-- expiry it saw there. A script that frees a seat sooner than that (a release, an order's end, a
-- shorter window) names the seat's row ('SECTION-ROW', the seat id without its number) in the
-- show's dirty set, and the next best-available hold scans that row again.
local function markRowFreed(dirtyKey, seat)
  local row = string.match(seat, '^(.+)%-[^%-]+$')
  if row then redis.call('SADD', dirtyKey, row) end
end
