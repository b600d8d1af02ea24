-- Marks an order's seats sold for good. Idempotent.
-- KEYS: 1 seats hash, 2 the user's seat set, 3 version counter
-- ARGV: 1 order id, 2 user id, 3 now (ms), 4.. seat ids
-- Reply: {seat, previous owner, ...} for every seat whose live owner was not this order, for the
-- caller's log. SQL has committed the sale, and SQL is the truth: the sale overrides a hold or an
-- order the store still believed in (e.g. a hold taken as the order's window seemed to close on a
-- skewed clock), so the seat cannot look free and be sold again. Another sale is never
-- overwritten: two sales of one seat are SQL's contradiction to settle, not ours to hide.
-- A show that is not ready is written too: a restore may have read this order from SQL while it
-- was still pending, and restore never overwrites a sold seat, so the sale survives either order.
-- Holds stay refused until the restore marks the show ready.
-- Field '#sold' of the seats hash counts the seats marked S (here and by restore.lua): the
-- reconciler compares it with SQL's count of sold seats to find sales the store missed.
local now = tonumber(ARGV[3])
local sold = makeOwner('S', 0, ARGV[1], ARGV[2])
local conflicts = {}
for i = 4, #ARGV do
  local seat = ARGV[i]
  local owner = redis.call('HGET', KEYS[1], seat)
  if owner ~= sold then
    local kind, _, id = parseOwner(owner)
    local live = ownerIsLive(owner, now)
    if live and not (kind == 'O' and id == ARGV[1]) then
      conflicts[#conflicts + 1] = seat
      conflicts[#conflicts + 1] = owner
    end
    if kind ~= 'S' then
      redis.call('HSET', KEYS[1], seat, sold)
      redis.call('SADD', KEYS[2], seat)
      redis.call('HINCRBY', KEYS[1], '#sold', 1)
    end
  end
end
redis.call('INCR', KEYS[3])
return conflicts
