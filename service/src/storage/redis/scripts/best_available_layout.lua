-- Loads a show's seating for best_available.lua, replacing whatever index the show had: the rows
-- in best-first order (sections in layout order, rows front to back), each with its seats in the
-- row's physical order. Sent once per show (and again after a flush or a changed layout), so a
-- best-available hold never carries the layout itself.
-- KEYS: 1 layout hash, 2 row bounds (ZSET), 3 row runs (ZSET), 4 dirty rows (SET)
-- ARGV: 1 the seating's signature, 2.. one row each: 'SECTION-ROW|section|tier|seat,seat,...'
-- Layout hash fields: '#sig', '#rows' (count), '#frontier' (rows 1..frontier were scanned at least
-- once), 'r:<rank>' -> 'section|tier|seat,...', 'k:<SECTION-ROW>' -> rank.
-- Reply: the number of rows.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local fields = {'#sig', ARGV[1], '#rows', #ARGV - 1, '#frontier', 0}
local function flush()
  if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
  fields = {}
end
for i = 2, #ARGV do
  local rowKey, rest = string.match(ARGV[i], '^([^|]+)|(.*)$')
  if not rowKey then return redis.error_reply('ERR best_available_layout: malformed row ' .. (i - 1)) end
  fields[#fields + 1] = 'r:' .. (i - 1)
  fields[#fields + 1] = rest
  fields[#fields + 1] = 'k:' .. rowKey
  fields[#fields + 1] = i - 1
  if #fields >= 4000 then flush() end
end
flush()
return #ARGV - 1
