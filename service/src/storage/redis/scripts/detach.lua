-- Gives a hold back whose order could not be created (SQL failed after attach.lua): the hold is
-- HELD again with its own expiry, and the seats the order still owns go back to it, so a retry of
-- the order can succeed. Safe to run twice.
-- KEYS: 1 seats hash, 2 hold record, 3 version counter,
--       4 dirty rows of the best-available index (the hold may end before the order would have)
-- ARGV: 1 hold id, 2 user id, 3 order id, 4 keep the hold at least until (ms), 5 how long the
--       record outlives the hold (ms)
-- Replies: 'DONE' | 'NOTFOUND' | 'NOTHELD' (not ordered for this order)
local rec = redis.call('HMGET', KEYS[2], 'user', 'status', 'expiresAt', 'seats', 'orderId')
if not rec[1] or rec[1] ~= ARGV[2] then return 'NOTFOUND' end
if rec[2] == 'HELD' then return 'DONE' end
if rec[2] ~= 'ORDERED' or rec[5] ~= ARGV[3] then return 'NOTHELD' end
local expiresAt = math.max(tonumber(rec[3]), tonumber(ARGV[4]))
local mine = makeOwner('H', expiresAt, ARGV[1], ARGV[2])
for seat in string.gmatch(rec[4], '[^,]+') do
  if ownerIdOf(redis.call('HGET', KEYS[1], seat), 'O') == ARGV[3] then
    redis.call('HSET', KEYS[1], seat, mine)
    markRowFreed(KEYS[4], seat)
  end
end
redis.call('HSET', KEYS[2], 'status', 'HELD', 'expiresAt', expiresAt)
redis.call('PEXPIREAT', KEYS[2], expiresAt + tonumber(ARGV[5]))
redis.call('HDEL', KEYS[2], 'orderId')
redis.call('INCR', KEYS[3])
return 'DONE'
