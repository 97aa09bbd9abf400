import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { ConfigError, type TokenSet } from '@authmux/core'
import { openTokenSet } from '@authmux/core/envelope'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { collectErrors, tempStoreDir } from './test-support/helpers'

const ACCOUNT = 'tradeready:canary-account@example.com'
const TOKENS: TokenSet = {
  accessToken: 'canary-access-token-9d1f',
  refreshToken: 'canary-refresh-token-77ab',
  expiresAt: 1_900_000_000_000,
  meta: { issuedAt: 1_800_000_000_000, agentId: 'canary-agent' },
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe('createFileTokenStore', () => {
  it('stores, reads, checks and deletes token sets per credential key', async () => {
    const store = createFileTokenStore({ dir: await tempStoreDir() })
    const errors = collectErrors(store)
    expect(await store.get(ACCOUNT)).toBeUndefined()
    expect(await store.has(ACCOUNT)).toBe(false)
    await store.set(ACCOUNT, TOKENS)
    await store.set('axiom:other', { accessToken: 'other' })
    expect(await store.get(ACCOUNT)).toEqual(TOKENS)
    expect(await store.has(ACCOUNT)).toBe(true)
    expect(await store.get('axiom:other')).toEqual({ accessToken: 'other' })
    await store.delete(ACCOUNT)
    await store.delete(ACCOUNT) // deleting an absent key is fine
    expect(await store.get(ACCOUNT)).toBeUndefined()
    expect(await store.get('axiom:other')).toEqual({ accessToken: 'other' })
    expect(errors).toEqual([])
  })

  it('a second store instance (another process start) on the same directory sees the tokens', async () => {
    const dir = await tempStoreDir()
    await createFileTokenStore({ dir }).set(ACCOUNT, TOKENS)
    expect(await createFileTokenStore({ dir }).get(ACCOUNT)).toEqual(TOKENS)
  })

  it('clear() removes every token file but keeps the key', async () => {
    const dir = await tempStoreDir()
    const store = createFileTokenStore({ dir })
    await store.set('a', { accessToken: 'a' })
    await store.set('b', { accessToken: 'b' })
    await store.clear()
    expect((await readdir(dir)).filter((name) => name.endsWith('.token'))).toEqual([])
    expect(await store.get('a')).toBeUndefined()
    await store.set('a', { accessToken: 'a2' })
    expect(await createFileTokenStore({ dir }).get('a')).toEqual({ accessToken: 'a2' })
  })

  it('never lets an older token set (meta.issuedAt) overwrite a newer one', async () => {
    const store = createFileTokenStore({ dir: await tempStoreDir() })
    const newer = { accessToken: 'newer', meta: { issuedAt: 2000 } }
    await store.set(ACCOUNT, newer)
    await store.set(ACCOUNT, { accessToken: 'older', meta: { issuedAt: 1000 } })
    expect(await store.get(ACCOUNT)).toEqual(newer)
    await store.set(ACCOUNT, { accessToken: 'same-time', meta: { issuedAt: 2000 } })
    expect((await store.get(ACCOUNT))?.accessToken).toBe('same-time')
    await store.set(ACCOUNT, { accessToken: 'newest', meta: { issuedAt: 3000 } })
    expect((await store.get(ACCOUNT))?.accessToken).toBe('newest')
    // Without issuedAt on either side there is nothing to compare: last write wins.
    await store.set(ACCOUNT, { accessToken: 'no-time' })
    expect((await store.get(ACCOUNT))?.accessToken).toBe('no-time')
  })

  it('serialises concurrent writes in one process and keeps the newest', async () => {
    const store = createFileTokenStore({ dir: await tempStoreDir() })
    const writes = Array.from({ length: 20 }, (_, i) => ({ accessToken: `t${i}`, meta: { issuedAt: 1000 + i } }))
    await Promise.all([...writes].reverse().map((tokens) => store.set(ACCOUNT, tokens)))
    expect((await store.get(ACCOUNT))?.accessToken).toBe('t19')
  })

  it('creates the directory 0700, the key file 0600 and token files 0600', async () => {
    const dir = await tempStoreDir()
    const previous = process.umask(0o000) // even a permissive umask must not widen the modes
    try {
      const store = createFileTokenStore({ dir })
      await store.set(ACCOUNT, TOKENS)
    } finally {
      process.umask(previous)
    }
    expect(await modeOf(dir)).toBe(0o700)
    expect(await modeOf(join(dir, 'key'))).toBe(0o600)
    const files = await readdir(dir)
    const tokenFiles = files.filter((name) => name.endsWith('.token'))
    expect(tokenFiles).toHaveLength(1)
    for (const name of files) expect(await modeOf(join(dir, name))).toBe(0o600)
    expect((await readFile(join(dir, 'key'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('keeps account names and tokens out of file names and contents (canary)', async () => {
    const dir = await tempStoreDir()
    const store = createFileTokenStore({ dir })
    await store.set(ACCOUNT, TOKENS)
    await store.withLock(ACCOUNT, async () => {
      for (const name of await readdir(dir)) {
        expect(name).not.toMatch(/canary|tradeready|example/)
        const content = await readFile(join(dir, name), 'utf8')
        expect(content).not.toMatch(/canary|tradeready|example/)
      }
    })
    const [tokenFile] = (await readdir(dir)).filter((name) => name.endsWith('.token'))
    expect(tokenFile).toMatch(/^[0-9a-f]{40}\.token$/)
    expect((await readFile(join(dir, tokenFile!), 'utf8')).trim()).toMatch(/^am1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(`${inspect(store)} ${JSON.stringify(store)}`).not.toMatch(/canary/)
  })

  it('uses the key from the key option or AUTHMUX_STORE_KEY without writing a key file', async () => {
    const dir = await tempStoreDir()
    const key = Buffer.alloc(32, 7).toString('base64')
    await createFileTokenStore({ dir, env: { AUTHMUX_STORE_KEY: key } }).set(ACCOUNT, TOKENS)
    expect(await readdir(dir)).not.toContain('key')
    expect(await createFileTokenStore({ dir, key: new Uint8Array(32).fill(7) }).get(ACCOUNT)).toEqual(TOKENS)
    const [tokenFile] = (await readdir(dir)).filter((name) => name.endsWith('.token'))
    const sealed = await readFile(join(dir, tokenFile!), 'utf8')
    // The envelope is bound to the credential key: opening it without that associated data fails.
    await expect(openTokenSet(key, sealed)).rejects.toMatchObject({ code: 'STORE_DECRYPT' })
  })

  it('reads the directory from AUTHMUX_STORE_DIR', async () => {
    const dir = await tempStoreDir()
    const store = createFileTokenStore({ env: { AUTHMUX_STORE_DIR: dir } })
    expect(store.dir).toBe(dir)
    await store.set(ACCOUNT, TOKENS)
    expect(await createFileTokenStore({ dir }).get(ACCOUNT)).toEqual(TOKENS)
  })

  it('rejects an invalid key eagerly with a ConfigError naming the option or env var, without the value', async () => {
    const dir = await tempStoreDir()
    expect(() => createFileTokenStore({ dir, key: 'canary-short' })).toThrow(ConfigError)
    try {
      createFileTokenStore({ dir, env: { AUTHMUX_STORE_KEY: 'canary-short-key' } })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).field).toBe('AUTHMUX_STORE_KEY')
      expect((error as Error).message).toMatch(/^@authmux\/store-file: AUTHMUX_STORE_KEY .*randomBytes\(32\)/)
      expect((error as Error).message).not.toContain('canary')
    }
    expect(() => createFileTokenStore({ dir, lockTimeoutMs: -1 })).toThrow(/lockTimeoutMs/)
  })
})
