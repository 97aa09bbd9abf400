/**
 * Lua scripts: each runs atomically inside Redis. Comparisons happen there, so two processes can never interleave a
 * read and a write.
 */

/**
 * Compare-and-set of a token set: written unless the stored hash has a newer `iat`; whatever else is under the name is
 * replaced. KEYS[1] token hash · ARGV[1] sealed value · ARGV[2] issuedAt ('' = unconditional) · ARGV[3] channel ·
 * ARGV[4] message. Returns 0 when the stored set is newer.
 */
export const SET_IF_NEWER = `
if ARGV[2] ~= '' and redis.call('TYPE', KEYS[1]).ok == 'hash' then
  local stored = tonumber(redis.call('HGET', KEYS[1], 'iat') or '')
  if stored and stored > tonumber(ARGV[2]) then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'iat', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
`

/**
 * Deletes KEYS[1] and publishes ARGV[3] on channel ARGV[2]: unconditionally when ARGV[1] is '' (a token entry), else
 * only if ARGV[1] still owns it (a lock).
 */
export const DELETE_AND_PUBLISH = `
if ARGV[1] == '' or redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
`

/** Extends a lock only if `ARGV[1]` still owns it. KEYS[1] lock · ARGV[2] TTL in ms. Returns 1 if extended. */
export const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`
