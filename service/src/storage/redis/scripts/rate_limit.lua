-- One GCRA step (admission/gcra.hpp, the same arithmetic) for one key of the rate limiter.
-- KEYS: 1 the key's theoretical arrival time (a string of microseconds, Redis TIME's clock); the
--   caller puts the whole key under one hash tag, so the script is valid on a clustered Redis.
-- ARGV: 1 emission interval T (us), 2 tolerance tau = burst x T (us)
-- Reply: {allowed 1|0, remaining, retry after (us), reset after (us)}
-- Time is Redis TIME, never the caller's: every replica of the service then agrees on one clock
-- (effects replication, the default since Redis 5, makes TIME safe before a write). A resend of
-- this script by the runner after a lost reply counts that request twice: one cell, at worst.
local t = tonumber(ARGV[1])
local tau = tonumber(ARGV[2])
if not t or not tau or t < 1 or tau < t then
  return redis.error_reply('ERR rate_limit.lua: bad interval or tolerance')
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local stored = redis.call('GET', KEYS[1])
local tat = stored and tonumber(stored) or 0
local base = math.max(tat, now)
local next = base + t
local allow_at = next - tau
if now < allow_at then
  return {0, 0, allow_at - now, base - now}
end
-- The key is worth keeping only until its TAT passes: then it means the same as no key at all.
local ttl_ms = math.ceil((next - now) / 1000)
-- %.0f: tostring() would write 16-digit numbers in exponent form and lose microseconds.
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', ttl_ms)
return {1, math.floor((now - allow_at) / t), 0, next - now}
