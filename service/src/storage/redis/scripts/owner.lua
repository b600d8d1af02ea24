-- The seat-owner format, defined once: every hold-store script is loaded with this prelude
-- (script_runner.cpp), so none parses or builds an owner by hand. The C++ side reads it in one
-- place too (redis_hold_store.cpp, statusOfOwner).
-- An owner is "KIND|expiresAt|ownerId|userId": KIND H (hold), O (pending order) or S (sold,
-- expiresAt 0). The user id comes last because it is the only free-form part. An H or O owner
-- whose expiresAt has passed is free: expiry costs nothing until someone wants the seat.

local function makeOwner(kind, expiresAt, id, user)
  return kind .. '|' .. expiresAt .. '|' .. id .. '|' .. user
end

-- kind, expiresAt (a number), owner id, user id; nothing for a missing or malformed owner.
local function parseOwner(owner)
  if not owner then return nil end
  local kind, exp, id, who = string.match(owner, '^(%u)|(%d+)|([^|]*)|(.*)$')
  if not kind then return nil end
  return kind, tonumber(exp), id, who
end

-- Whether `owner` keeps its seat at `now`: sold, or not yet expired. An owner that cannot be
-- parsed counts as live: a seat is never handed out on a guess. (The hold path's one check per
-- seat: it reads only the kind and the expiry.)
local function ownerIsLive(owner, now)
  if not owner then return false end
  if string.byte(owner) == 83 then return true end  -- 'S'
  local exp = string.match(owner, '^%u|(%d+)|[^|]*|')
  return not exp or tonumber(exp) > now
end

-- The owner id when `owner` is of `kind` (H, O or S), else nil.
local function ownerIdOf(owner, kind)
  local k, _, id = parseOwner(owner)
  if k == kind then return id end
  return nil
end
