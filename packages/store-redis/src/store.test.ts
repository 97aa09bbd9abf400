import { inspect } from 'node:util'
import { ConfigError, StoreError, type TokenSet } from '@authmux/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisUnavailableError } from './errors'
import { createRedisTokenStore } from './store'
import { dumpRedis, newStoreKey, rawClient, testStore } from './test-support/helpers'
import { startTestRedis, type TestRedis } from './test-support/redis-server'
import type { TokenChange } from './types'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const tokens = (n: number, issuedAt: number): TokenSet => ({
  accessToken: `canary-access-${n}-Zq9`,
  refreshToken: `canary-refresh-${n}-Xw4`,
  expiresAt: 1_900_000_000_000 + n,
  meta: { issuedAt, companyName: 'Demo Lending Co' },
})

describe('get / set / delete', () => {
  it('round-trips a token set, encrypted at rest, and deletes it', async () => {
    const key = newStoreKey()
    const store = testStore({ url: redis.url, key, prefix: 'rt:' })
    expect(await store.get('apala:demo')).toBeUndefined()
    await store.set('apala:demo', tokens(1, 1000))
    expect(await store.get('apala:demo')).toEqual(tokens(1, 1000))

    const raw = rawClient(redis.url)
    const { keys, text } = await dumpRedis(raw)
    expect(keys).toContain('rt:token:{apala:demo}')
    const entry = await raw.hgetall('rt:token:{apala:demo}')
    expect(entry.v).toMatch(/^am1\./)
    expect(entry.iat).toBe('1000')
    expect(text).not.toContain('canary-access')
    expect(text).not.toContain('canary-refresh')
    expect(text).not.toContain('Demo Lending')

    // Another process with the same key and prefix reads the same entry.
    const other = testStore({ url: redis.url, key, prefix: 'rt:' })
    expect(await other.get('apala:demo')).toEqual(tokens(1, 1000))

    await store.delete('apala:demo')
    expect(await other.get('apala:demo')).toBeUndefined()
    expect(await raw.exists('rt:token:{apala:demo}')).toBe(0)
  })

  it('never lets an older token set overwrite a newer one (compare-and-set on meta.issuedAt)', async () => {
    const key = newStoreKey()
    const a = testStore({ url: redis.url, key, prefix: 'cas:' })
    const b = testStore({ url: redis.url, key, prefix: 'cas:' })
    await a.set('k', tokens(2, 2000))
    await b.set('k', tokens(1, 1000)) // older: dropped
    expect((await a.get('k'))?.accessToken).toBe('canary-access-2-Zq9')
    await b.set('k', tokens(3, 3000))
    expect((await a.get('k'))?.accessToken).toBe('canary-access-3-Zq9')

    // Many writers racing with shuffled issuedAt values: the newest always wins.
    const stamps = Array.from({ length: 40 }, (_, i) => 4000 + i).sort(() => Math.random() - 0.5)
    await Promise.all(stamps.map((stamp, i) => (i % 2 ? a : b).set('k', tokens(stamp, stamp))))
    expect((await b.get('k'))?.meta?.issuedAt).toBe(4039)

    // A set without issuedAt is written unconditionally (e.g. tokens written by hand).
    await a.set('k', { accessToken: 'canary-access-manual' })
    expect((await b.get('k'))?.accessToken).toBe('canary-access-manual')
  })

  it('treats an entry it cannot open as empty and reports why (wrong key, copied value, foreign data)', async () => {
    const raw = rawClient(redis.url)
    const writer = testStore({ url: redis.url, key: newStoreKey(), prefix: 'bad:' })
    await writer.set('one', tokens(1, 1))

    const wrongKey = testStore({ url: redis.url, key: newStoreKey(), prefix: 'bad:' })
    expect(await wrongKey.get('one')).toBeUndefined()
    expect(wrongKey.errors.map((e) => e.code)).toEqual(['STORE_DECRYPT'])
    expect(wrongKey.errors[0]!.message).toMatch(/^@authmux\/store-redis: /)

    // The envelope is bound to its credential key: a value copied to another key's slot does not open.
    await raw.copy('bad:token:{one}', 'bad:token:{two}')
    expect(await writer.get('two')).toBeUndefined()
    expect(writer.errors.map((e) => e.code)).toEqual(['STORE_DECRYPT'])

    await raw.set('bad:token:{three}', 'not a hash')
    expect(await writer.get('three')).toBeUndefined()
    await raw.hset('bad:token:{four}', 'v', 'garbage', 'iat', '1')
    expect(await writer.get('four')).toBeUndefined()
    expect(writer.errors.map((e) => e.code)).toEqual(['STORE_DECRYPT', 'STORE_CORRUPT', 'STORE_CORRUPT'])
    // ...and a later set repairs the slot.
    await writer.set('three', tokens(3, 3))
    expect((await writer.get('three'))?.accessToken).toBe('canary-access-3-Zq9')
  })
})

describe('change notifications', () => {
  it('tells every other process at once, without any secret on the channel', async () => {
    const key = newStoreKey()
    const a = testStore({ url: redis.url, key, prefix: 'pub:' })
    const b = testStore({ url: redis.url, key, prefix: 'pub:' })
    const raw = rawClient(redis.url)
    const onChannel: string[] = []
    raw.on('message', (_channel: string, message: string) => onChannel.push(message))
    await raw.subscribe('pub:events')

    const seen: TokenChange[] = []
    const off = b.onChange('axiom:me@example.com', (change) => seen.push(change))
    b.onChange('someone-else', () => seen.push({ key: 'wrong', type: 'delete' }))
    await b.subscribe()

    await a.set('axiom:me@example.com', tokens(1, 1234))
    await a.delete('axiom:me@example.com')
    await expect.poll(() => seen.length).toBe(2)
    expect(seen).toEqual([
      { key: 'axiom:me@example.com', type: 'set', issuedAt: 1234 },
      { key: 'axiom:me@example.com', type: 'delete' },
    ])
    await expect.poll(() => onChannel.length).toBe(2)
    expect(onChannel.join('\n')).not.toContain('canary')

    off()
    await a.set('axiom:me@example.com', tokens(2, 2000))
    await expect.poll(() => onChannel.length).toBe(3)
    expect(seen).toHaveLength(2)
  })
})

describe('options and failures', () => {
  it('validates options eagerly with ConfigErrors that name the option or env variable', () => {
    expect(() => createRedisTokenStore({ env: {} })).toThrow(ConfigError)
    expect(() => createRedisTokenStore({ env: {} })).toThrow(/AUTHMUX_STORE_KEY/)
    expect(() => createRedisTokenStore({ env: { AUTHMUX_STORE_KEY: 'short' } })).toThrow(/AUTHMUX_STORE_KEY/)
    expect(() => createRedisTokenStore({ key: newStoreKey(), url: 'http://localhost:6379', env: {} })).toThrow(/redis:\/\/ or rediss:\/\//)
    expect(() => createRedisTokenStore({ key: newStoreKey(), env: { AUTHMUX_REDIS_URL: 'nope' } })).toThrow(/AUTHMUX_REDIS_URL/)
    expect(() => createRedisTokenStore({ key: newStoreKey(), lockTtlMs: 0, env: {} })).toThrow(/lockTtlMs/)
  })

  it('reads AUTHMUX_REDIS_URL and AUTHMUX_STORE_KEY', async () => {
    const key = newStoreKey()
    const fromEnv = testStore({ env: { AUTHMUX_REDIS_URL: redis.url, AUTHMUX_STORE_KEY: key }, prefix: 'env:' })
    await fromEnv.set('k', tokens(1, 1))
    const explicit = testStore({ url: redis.url, key, prefix: 'env:' })
    expect((await explicit.get('k'))?.accessToken).toBe('canary-access-1-Zq9')
  })

  it('fails fast with a typed error when Redis is down, and never shows the password', async () => {
    const url = 'redis://:pw-canary-Q7@127.0.0.1:1/0' // nothing listens on port 1
    const store = testStore({ url, key: newStoreKey(), commandTimeoutMs: 500, connectTimeoutMs: 500 })
    for (const call of [() => store.get('k'), () => store.set('k', tokens(1, 1)), () => store.delete('k')]) {
      const started = Date.now()
      const error = await call().catch((e: unknown) => e)
      expect(Date.now() - started).toBeLessThan(2_500)
      expect(error).toBeInstanceOf(RedisUnavailableError)
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).code).toBe('STORE_UNAVAILABLE')
      expect((error as Error).message).toMatch(/^@authmux\/store-redis: Redis at redis:\/\/127\.0\.0\.1:1\/0 is unavailable/)
      expect(JSON.stringify(error)).not.toContain('pw-canary')
      expect((error as Error).message).not.toContain('pw-canary')
    }
    expect(inspect(store)).not.toContain('pw-canary')
    expect(JSON.stringify(store)).not.toContain('pw-canary')
    expect(JSON.stringify(store)).toContain('127.0.0.1:1')
  })
})
