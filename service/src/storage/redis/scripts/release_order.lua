-- Frees an order's seats (expired, cancelled, failed, refunded): only those the order still owns,
-- for its payment window or sold to it, so a late second release cannot free a seat someone else
-- holds by now. A sold seat given back (a refund) leaves the '#sold' count too.
-- KEYS: 1 seats hash, 2 the user's seat set, 3 version counter,
--       4 dirty rows of the best-available index (owner.lua, markRowFreed)
-- ARGV: 1 order id, 2 now (ms), 3.. seat ids
-- Reply: the number of seats freed.
local freed = 0
for i = 3, #ARGV do
  local kind, _, id = parseOwner(redis.call('HGET', KEYS[1], ARGV[i]))
  if id == ARGV[1] and (kind == 'O' or kind == 'S') then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('SREM', KEYS[2], ARGV[i])
    markRowFreed(KEYS[4], ARGV[i])
    if kind == 'S' then redis.call('HINCRBY', KEYS[1], '#sold', -1) end
    freed = freed + 1
  end
end
redis.call('INCR', KEYS[3])
return freed
