-- Holds every seat in ARGV[7..] for one hold, or none of them.
-- KEYS: 1 seats hash, 2 hold record, 3 the user's seat set, 4 version counter
-- ARGV: 1 hold id, 2 user id, 3 now (ms), 4 expiresAt (ms), 5 max seats per user,
--       6 when the hold record may go (ms, PEXPIREAT), 7.. seat ids (distinct, validated by the caller)
-- Seat owners: owner.lua (the prelude this script is loaded with).
-- The seats hash also holds the show's ready flag, field '#ready' (a seat id always has a '-'), so
-- one HMGET answers both: most holds in a sale are conflicts, and this is their only call.
-- Running it twice is safe (the script runner resends a batch after a dead connection): a hold
-- that finds every seat already owned by itself was granted by the first run and says HELD again.
-- Replies: {'HELD'} | {'TAKEN', seat...} | {'LIMIT', seatsTheUserHas} | {'NOTREADY'} | {'DUPLICATE'}

local holdId, user, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local maxSeats = tonumber(ARGV[5])

local owners = redis.call('HMGET', KEYS[1], '#ready', unpack(ARGV, 7))
-- After a flush the sold seats are gone too (and the flag with them): holding now could sell a
-- seat twice.
if not owners[1] then return {'NOTREADY'} end
local taken = {'TAKEN'}
for i = 7, #ARGV do
  if ownerIsLive(owners[i - 5], now) then taken[#taken + 1] = ARGV[i] end  -- ARGV[7] is owners[2]
end
if #taken > 1 then
  if #taken == #ARGV - 5 then
    local mine = makeOwner('H', expiresAt, holdId, user)
    local replay = true
    for i = 7, #ARGV do replay = replay and owners[i - 5] == mine end
    if replay then return {'HELD'} end
  end
  return taken
end
-- Only a hold that is about to be written can clash with an existing record; checked after the
-- seats so the common answer in a sale (TAKEN) costs one call fewer.
if redis.call('EXISTS', KEYS[2]) == 1 then return {'DUPLICATE'} end

local seats = {}
for i = 7, #ARGV do seats[#seats + 1] = ARGV[i] end

local have = liveSeatsOfUser(KEYS[1], KEYS[3], user, now)
if have + #seats > maxSeats then return {'LIMIT', have} end
writeHold(KEYS, holdId, user, expiresAt, ARGV[3], ARGV[6], seats)
return {'HELD'}
