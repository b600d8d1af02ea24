-- Releases a HELD, unexpired hold of its own user; frees the seats it still owns.
-- KEYS: 1 seats hash, 2 hold record, 3 the user's seat set, 4 version counter,
--       5 dirty rows of the best-available index (owner.lua, markRowFreed)
-- ARGV: 1 hold id, 2 user id, 3 now (ms)
-- Replies: 'DONE' | 'NOTFOUND' (unknown, or another user's: indistinguishable) | 'NOTHELD'
local rec = redis.call('HMGET', KEYS[2], 'user', 'status', 'expiresAt', 'seats')
if not rec[1] or rec[1] ~= ARGV[2] then return 'NOTFOUND' end
if rec[2] ~= 'HELD' or tonumber(rec[3]) <= tonumber(ARGV[3]) then return 'NOTHELD' end

redis.call('HSET', KEYS[2], 'status', 'RELEASED')
-- A restored claim or a sale may have taken a seat since: only seats still naming this hold go.
for seat in string.gmatch(rec[4], '[^,]+') do
  if ownerIdOf(redis.call('HGET', KEYS[1], seat), 'H') == ARGV[1] then
    redis.call('HDEL', KEYS[1], seat)
    redis.call('SREM', KEYS[3], seat)
    markRowFreed(KEYS[5], seat)
  end
end
redis.call('INCR', KEYS[4])
return 'DONE'
