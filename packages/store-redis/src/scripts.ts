/**
 * Lua scripts: each runs atomically inside Redis. Comparisons happen there, so two processes can never interleave a
 * read and a write. Every key a script touches, and the channel it publishes on in a cluster, shares one hash tag.
 */

/**
 * Compare-and-set of a token set: written unless the stored hash has a newer `iat`; whatever else is under the name is
 * replaced. KEYS[1] token hash · ARGV[1] sealed value · ARGV[2] issuedAt ('' = unconditional) · ARGV[3] channel ·
 * ARGV[4] message · ARGV[5] PUBLISH or SPUBLISH. Returns 1 when written, 0 when the stored set is newer.
 */
export const SET_IF_NEWER = `
if ARGV[2] ~= '' and redis.call('TYPE', KEYS[1]).ok == 'hash' then
  local stored = tonumber(redis.call('HGET', KEYS[1], 'iat') or '')
  if stored and stored > tonumber(ARGV[2]) then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'iat', ARGV[2])
redis.call(ARGV[5], ARGV[3], ARGV[4])
return 1
`

/**
 * Deletes KEYS[1] and publishes ARGV[3] on channel ARGV[2] with command ARGV[4]: unconditionally when ARGV[1] is ''
 * (a token entry), else only if ARGV[1] still owns it (a lock).
 */
export const DELETE_AND_PUBLISH = `
if ARGV[1] == '' or redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call(ARGV[4], ARGV[2], ARGV[3])
end
`

/** Extends a lock only if `ARGV[1]` still owns it. KEYS[1] lock · ARGV[2] TTL in ms. Returns 1 if extended. */
export const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`

/**
 * A shared quota as a sorted set of slots scored by when each frees (Redis' own clock, so every process agrees): a
 * slot frees `perMs` after its attempt ended, or `leaseMs + perMs` after it was taken if it never ends.
 * KEYS[1] quota set · ARGV[1] slot id · ARGV[2] perMs · ARGV[3] limit, or '' to end the slot · ARGV[4] leaseMs ·
 * ARGV[5] '1' when the ended attempt reached the provider ('' gives the slot back).
 * Taking: returns 0 when taken, else ms until the first slot frees. Ending: returns 0.
 */
export const QUOTA_SLOT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local perMs = tonumber(ARGV[2])
if ARGV[3] == '' then
  if ARGV[5] ~= '1' then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
  if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + perMs, ARGV[1]) == 1 and redis.call('PTTL', KEYS[1]) < perMs then redis.call('PEXPIRE', KEYS[1], perMs) end
  return 0
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  local ttl = perMs + tonumber(ARGV[4])
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
  return 0
end
return tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) - now
`
