import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterEach } from 'vitest'
import type { StoreError } from '@authmux/core'
import { createRedisTokenStore } from '../store'
import type { RedisTokenStore, RedisTokenStoreOptions } from '../types'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Runs `fn` after the current test. */
export function defer(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn)
}

/** A fresh random store key (base64url). */
export function newStoreKey(): string {
  return randomBytes(32).toString('base64url')
}

/** A store closed after the test; `errors` collects what it reports. */
export function testStore(options: RedisTokenStoreOptions): RedisTokenStore & { errors: StoreError[] } {
  const store = createRedisTokenStore({ env: {}, ...options })
  const errors: StoreError[] = []
  store.on('error', (error) => errors.push(error))
  defer(() => store.close())
  return Object.assign(store, { errors })
}

/** A raw client for inspecting what is in Redis, closed after the test. */
export function rawClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  defer(() => client.quit().catch(() => client.disconnect()))
  return client
}

/** Every key and every value in Redis, as one string (strings and hashes). */
export async function dumpRedis(client: Redis): Promise<{ keys: string[]; text: string }> {
  const keys = await client.keys('*')
  let text = keys.join('\n')
  for (const key of keys) {
    const type = await client.type(key)
    if (type === 'string') text += `\n${await client.get(key)}`
    else if (type === 'hash') text += `\n${JSON.stringify(await client.hgetall(key))}`
    else text += `\n<${type}>`
  }
  return { keys, text }
}
