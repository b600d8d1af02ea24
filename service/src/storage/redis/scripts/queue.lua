-- The waiting room of one show (admission/waiting_room.hpp has the model; the in-process store
-- admission/memory_queue_store.cpp does the same arithmetic, and one contract suite checks both).
-- KEYS (one hash tag, the show's): 1 places (sorted set user -> score), 2 state (hash), 3 admission
--   times (hash user -> ms), 4 active shoppers (sorted set user -> end of their shopping window)
-- ARGV: 1 op: arm | join | place | state | pause | resume | held, 2 now (ms, the caller's clock),
--   3 opensAt (ms), 4 admitRate (people/s, or 0), 5 maxActive (or 0), 6 shopping window (ms),
--   7 user ('' when none), 8 the pre-queue score of a joiner (random, in [0, 2^52))
-- Reply: {0} when the room is not armed (its state is gone), else {1, size, cursor, active, held,
--   abandoned, paused, opened, newly admitted, newly abandoned, joined, preQueue, rank, admittedAt}
-- The cursor advances here, lazily, whenever anyone asks: no job runs at the opening second.
-- Replaying a call after a lost reply is safe: a join finds its place, a held finds nobody active.
local op = ARGV[1]
local now = tonumber(ARGV[2])
local opens_at = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local max_active = tonumber(ARGV[5])
local window = tonumber(ARGV[6])
local user = ARGV[7]
local pre_score = tonumber(ARGV[8]) or 0
local BASE = 4503599627370496  -- 2^52: kOpenScoreBase
local MAX_PER_CALL = 5000      -- bounds the time one call holds Redis; the cursor catches up later
if not now or not opens_at or not rate or not max_active or not window then
  return redis.error_reply('ERR queue.lua: bad arguments')
end

if op == 'arm' then
  redis.call('HSETNX', KEYS[2], 'at', ARGV[2])
  redis.call('HSETNX', KEYS[2], 'armed', '1')
  return {1}
end
if redis.call('HEXISTS', KEYS[2], 'armed') == 0 then
  return {0}
end

local st = redis.call('HMGET', KEYS[2], 'seq', 'cursor', 'credit', 'at', 'opened', 'paused', 'held', 'abandoned')
local seq = tonumber(st[1]) or 0
local cursor = tonumber(st[2]) or 0
local credit = tonumber(st[3]) or 0
local at = tonumber(st[4]) or 0
local opened = tonumber(st[5]) or 0
local paused = tonumber(st[6]) or 0
local held = tonumber(st[7]) or 0
local abandoned = tonumber(st[8]) or 0
local new_admitted, new_abandoned = 0, 0
-- Callers read their clocks before the script runs, so a later call may bring an earlier time:
-- time never moves back here, or admissions would be stamped out of queue order and a rate room
-- would earn the same milliseconds of credit twice.
if now < at then now = at end

local function advance()
  if opened == 0 and now >= opens_at then
    opened = 1
  end
  local gone = redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  new_abandoned = new_abandoned + gone
  abandoned = abandoned + gone
  if opened == 0 or paused == 1 then
    return
  end
  local size = redis.call('ZCARD', KEYS[1])
  if rate > 0 then
    local elapsed = now - math.max(at, opens_at)
    if elapsed > 0 then
      credit = math.min(credit + rate * elapsed / 1000, size)
    else
      credit = math.min(credit, size)
    end
  else
    local active = redis.call('ZCARD', KEYS[4])
    credit = math.min(size, cursor + math.max(0, max_active - active))
  end
  at = now
  local target = math.min(math.floor(credit), cursor + MAX_PER_CALL)
  if target > cursor then
    local users = redis.call('ZRANGE', KEYS[1], cursor, target - 1)
    for _, u in ipairs(users) do
      redis.call('HSET', KEYS[3], u, ARGV[2])
      redis.call('ZADD', KEYS[4], now + window, u)
    end
    new_admitted = new_admitted + #users
    cursor = cursor + #users
  end
end

advance()
if op == 'join' and user ~= '' and not redis.call('ZSCORE', KEYS[1], user) then
  local score
  if opened == 1 then
    score = BASE + seq
  else
    score = math.max(0, math.min(pre_score, BASE - 1))
  end
  redis.call('ZADD', KEYS[1], string.format('%.0f', score), user)
  seq = seq + 1
  advance()  -- a joiner may be let in at once (a free slot, unused credit)
elseif op == 'pause' then
  paused = 1
elseif op == 'resume' then
  if paused == 1 then
    at = now  -- no credit for the paused time
  end
  paused = 0
elseif op == 'held' and user ~= '' then
  if redis.call('ZREM', KEYS[4], user) == 1 then
    held = held + 1
    advance()  -- the freed slot goes to the next in line (maxActive)
  end
end

redis.call('HSET', KEYS[2], 'seq', seq, 'cursor', cursor, 'credit', string.format('%.17g', credit), 'at',
  string.format('%.0f', at), 'opened', opened, 'paused', paused, 'held', held, 'abandoned', abandoned)

local joined, pre, rank, admitted_at = 0, 0, 0, 0
if user ~= '' then
  local r = redis.call('ZRANK', KEYS[1], user)
  if r then
    joined = 1
    if opened == 0 then
      pre = 1
    else
      rank = r
    end
    admitted_at = tonumber(redis.call('HGET', KEYS[3], user)) or 0
  end
end
return {1, redis.call('ZCARD', KEYS[1]), cursor, redis.call('ZCARD', KEYS[4]), held, abandoned, paused, opened,
  new_admitted, new_abandoned, joined, pre, rank, admitted_at}
