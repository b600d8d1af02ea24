-- Loads the truth from SQL into a show: sold seats and seats of pending orders, with the users'
-- seat sets. A claim wins over a hold; a sold seat is never overwritten. Live holds the claims do
-- not mention are kept. The caller sends large restores in chunks; the last chunk (even an empty
-- one: a show with nothing sold yet) marks the show ready, and holds are refused until then.
-- KEYS: 1 seats hash (with the ready flag, field '#ready'), 2 version counter, 3 dirty rows of the
--       best-available index (a claim may end before the hold it replaces), 4.. user seat sets
--       (referenced by index)
-- ARGV: 1 now (ms), 2 '1' on the last chunk, then per claim 5 values:
--       seat id, expiresAt (ms, 0 when sold), order id, user id, index into KEYS of the user's set
-- Reply: the number of seats written.
local now = tonumber(ARGV[1])
local written = 0
for i = 3, #ARGV, 5 do
  local seat, exp, order, user, keyIndex = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
  -- A closed payment window owns nothing; the sweeper will expire the order in SQL. (The caller
  -- has already added the time SQL needs for that to the window.)
  if exp == '0' or tonumber(exp) > now then
    local owner = redis.call('HGET', KEYS[1], seat)
    if parseOwner(owner) ~= 'S' then
      local kind = exp == '0' and 'S' or 'O'
      redis.call('HSET', KEYS[1], seat, makeOwner(kind, exp, order, user))
      redis.call('SADD', KEYS[keyIndex], seat)
      markRowFreed(KEYS[3], seat)
      if kind == 'S' then redis.call('HINCRBY', KEYS[1], '#sold', 1) end
      written = written + 1
    end
  end
end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], '#ready', '1') end
redis.call('INCR', KEYS[2])
return written
