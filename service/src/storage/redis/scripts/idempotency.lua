-- Idempotency-Key records of holds, kept where the holds are (a hold never waits on SQL).
-- KEYS: 1 the key's record (HASH hash, owner, lease, expires, status, body)
-- ARGV: 1 operation: 'claim' | 'complete' | 'abandon', 2 owner of the claim, then
--   claim:    3 request hash, 4 now (ms), 5 lease until (ms), 6 forget at (ms, PEXPIREAT)
--   complete: 3 status, 4 body
-- Replies: claim {'CLAIMED'} | {'MISMATCH'} | {'INPROGRESS'} | {'REPLAY', status, body};
--          complete and abandon 1 when they changed the record, else 0.
-- Safe to run twice: the owner of an open claim claiming again is told CLAIMED again.
local op, owner = ARGV[1], ARGV[2]
local rec = redis.call('HMGET', KEYS[1], 'hash', 'owner', 'lease', 'status', 'body', 'expires')
if op == 'claim' then
  -- Redis forgets the record at its retention (PEXPIREAT); the check against the caller's clock
  -- makes a record past it count as gone even before then (clocks of replicas differ).
  local fresh = not rec[1] or tonumber(rec[6]) <= tonumber(ARGV[4])
  if fresh then
    redis.call('DEL', KEYS[1])
  else
    if rec[1] ~= ARGV[3] then return {'MISMATCH'} end
    if rec[4] then return {'REPLAY', rec[4], rec[5] or ''} end
    -- An open claim whose lease passed is dead (its process crashed): this request takes it over.
    if rec[2] ~= owner and tonumber(rec[3]) > tonumber(ARGV[4]) then return {'INPROGRESS'} end
  end
  redis.call('HSET', KEYS[1], 'hash', ARGV[3], 'owner', owner, 'lease', ARGV[5], 'expires', ARGV[6])
  redis.call('PEXPIREAT', KEYS[1], ARGV[6])
  return {'CLAIMED'}
end
-- Only the owner of the open claim may answer it or give it up; a stored answer stays.
if not rec[1] or rec[2] ~= owner or rec[4] then return 0 end
if op == 'complete' then
  redis.call('HSET', KEYS[1], 'status', ARGV[3], 'body', ARGV[4])
  return 1
end
if op == 'abandon' then
  redis.call('DEL', KEYS[1])
  return 1
end
return redis.error_reply('ERR idempotency.lua: unknown operation ' .. tostring(op))
