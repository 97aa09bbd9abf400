/**
 * Lua scripts: each runs atomically inside Redis. Comparisons happen there, so two processes can never interleave a
 * read and a write.
 */

/**
 * Compare-and-set of a token set.
 * KEYS[1] token hash · ARGV[1] sealed value · ARGV[2] issuedAt ('' = unconditional) · ARGV[3] channel · ARGV[4] message.
 * Returns 1 when written, 0 when the stored set is newer.
 */
export const SET_IF_NEWER = `
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'hash' and ARGV[2] ~= '' then
  local stored = tonumber(redis.call('HGET', KEYS[1], 'iat') or '')
  if stored and stored > tonumber(ARGV[2]) then return 0 end
end
if kind ~= 'none' then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'iat', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

/** KEYS[1] token hash · ARGV[1] channel · ARGV[2] message. */
export const DELETE_AND_PUBLISH = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`

/** Releases a lock only if `ARGV[1]` still owns it. KEYS[1] lock · ARGV[2] channel · ARGV[3] message. Returns 1 if released. */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`

/** Extends a lock only if `ARGV[1]` still owns it. KEYS[1] lock · ARGV[2] TTL in ms. Returns 1 if extended. */
export const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`
