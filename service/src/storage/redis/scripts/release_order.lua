-- Frees an order's seats (expired, cancelled, failed): only those the order still owns, so a late
-- second release cannot free a seat someone else holds by now.
-- KEYS: 1 seats hash, 2 the user's seat set, 3 version counter,
--       4 dirty rows of the best-available index (owner.lua, markRowFreed)
-- ARGV: 1 order id, 2 now (ms), 3.. seat ids
-- Reply: the number of seats freed.
local freed = 0
for i = 3, #ARGV do
  if ownerIdOf(redis.call('HGET', KEYS[1], ARGV[i]), 'O') == ARGV[1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('SREM', KEYS[2], ARGV[i])
    markRowFreed(KEYS[4], ARGV[i])
    freed = freed + 1
  end
end
redis.call('INCR', KEYS[3])
return freed
