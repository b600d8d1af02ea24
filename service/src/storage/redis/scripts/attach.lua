-- Turns a HELD, unexpired hold of its own user into ORDERED: its seats now belong to the order
-- until the order's window closes (or it is sold or released).
-- KEYS: 1 seats hash, 2 hold record, 3 the user's seat set, 4 version counter,
--       5 dirty rows of the best-available index (an order's window may end before the hold would have)
-- ARGV: 1 hold id, 2 user id, 3 order id, 4 order expiresAt (ms), 5 now (ms),
--       6 how long the hold record outlives the later of the hold's and the order's end (ms)
-- Safe to run twice, and the way an order whose creation was cut short is made again: a hold
-- already ORDERED for this very order answers DONE while the order still owns every seat, and
-- gives them the new window (the retry's order row will carry it); NOTHELD once it lost any.
-- An order's seats stay its own until ARGV[4]; the caller adds to the payment window the time
-- SQL needs to expire the order, so the store never frees them before SQL does.
-- Replies: 'DONE' | 'NOTFOUND' | 'NOTHELD'
local rec = redis.call('HMGET', KEYS[2], 'user', 'status', 'expiresAt', 'seats', 'orderId')
if not rec[1] or rec[1] ~= ARGV[2] then return 'NOTFOUND' end
local owner = makeOwner('O', ARGV[4], ARGV[3], ARGV[2])
if rec[2] == 'ORDERED' and rec[5] == ARGV[3] then
  local seats = {}
  for seat in string.gmatch(rec[4], '[^,]+') do
    local kind, exp, id = parseOwner(redis.call('HGET', KEYS[1], seat))
    if kind ~= 'O' or id ~= ARGV[3] or exp <= tonumber(ARGV[5]) then return 'NOTHELD' end
    seats[#seats + 1] = seat
  end
  for _, seat in ipairs(seats) do
    redis.call('HSET', KEYS[1], seat, owner)
    markRowFreed(KEYS[5], seat)
  end
  redis.call('PEXPIREAT', KEYS[2], math.max(tonumber(rec[3]), tonumber(ARGV[4])) + tonumber(ARGV[6]))
  redis.call('INCR', KEYS[4])
  return 'DONE'
end
if rec[2] ~= 'HELD' or tonumber(rec[3]) <= tonumber(ARGV[5]) then return 'NOTHELD' end

-- Only a restored claim or a sale can have taken a seat of a live hold; the hold is then no
-- longer whole, and SQL would refuse the order anyway.
local seats = {}
local want = makeOwner('H', rec[3], ARGV[1], ARGV[2])
for seat in string.gmatch(rec[4], '[^,]+') do
  if redis.call('HGET', KEYS[1], seat) ~= want then return 'NOTHELD' end
  seats[#seats + 1] = seat
end

for _, seat in ipairs(seats) do
  redis.call('HSET', KEYS[1], seat, owner)
  markRowFreed(KEYS[5], seat)
end
-- Already in the user's set since the hold; added again so the set never depends on that.
redis.call('SADD', KEYS[3], unpack(seats))
redis.call('HSET', KEYS[2], 'status', 'ORDERED', 'orderId', ARGV[3])
redis.call('PEXPIREAT', KEYS[2], math.max(tonumber(rec[3]), tonumber(ARGV[4])) + tonumber(ARGV[6]))
redis.call('INCR', KEYS[4])
return 'DONE'
