import { copyFile, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError, type TokenSet } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { collectErrors, tempStoreDir } from './test-support/helpers'

const ACCOUNT = 'axiom:canary-user@example.com'
const TOKENS: TokenSet = { accessToken: 'canary-access-3c1e', refreshToken: 'canary-refresh-aa90', meta: { issuedAt: 1000 } }

async function storeWithTokens() {
  const dir = await tempStoreDir()
  const store = createFileTokenStore({ dir })
  await store.set(ACCOUNT, TOKENS)
  const tokenFiles = (await readdir(dir)).filter((name) => name.endsWith('.token'))
  return { dir, tokenFile: join(dir, tokenFiles[0]!) }
}

/** Opens a fresh store on `dir` (a new process start) and checks `get` is empty with exactly one reported error. */
async function expectReportedAndEmpty(dir: string, code: string, options: { key?: string } = {}): Promise<StoreError> {
  const onError: StoreError[] = []
  const store = createFileTokenStore({ dir, ...options, onError: (error) => onError.push(error) })
  const viaOn = collectErrors(store)
  expect(await store.get(ACCOUNT)).toBeUndefined()
  expect(await store.has(ACCOUNT)).toBe(false)
  expect(onError.length).toBeGreaterThanOrEqual(1)
  expect(viaOn).toEqual(onError)
  const [error] = onError as [StoreError]
  expect(error).toBeInstanceOf(StoreError)
  expect(error.code).toBe(code)
  expect(error.message).toMatch(/^@authmux\/store-file: /)
  const text = `${error.message} ${JSON.stringify(error)}`
  expect(text).not.toMatch(/canary|am1\./)
  return error
}

describe('unreadable data is a typed, reported error and an empty entry — never a crash', () => {
  it('tampered ciphertext', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    const sealed = (await readFile(tokenFile, 'utf8')).trim()
    const last = sealed.at(-5) === 'A' ? 'B' : 'A'
    await writeFile(tokenFile, `${sealed.slice(0, -5)}${last}${sealed.slice(-4)}\n`)
    const error = await expectReportedAndEmpty(dir, 'STORE_DECRYPT')
    expect(error.location).toBe(tokenFile)
    expect(error.message).toContain('tampered')
  })

  it('truncated file', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    const size = (await readFile(tokenFile)).length
    await truncate(tokenFile, Math.floor(size / 2))
    await expectReportedAndEmpty(dir, 'STORE_DECRYPT')
    await truncate(tokenFile, 10)
    await expectReportedAndEmpty(dir, 'STORE_CORRUPT')
    await truncate(tokenFile, 0)
    await expectReportedAndEmpty(dir, 'STORE_CORRUPT')
  })

  it('garbage that is not an envelope', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await writeFile(tokenFile, '{"accessToken":"plain"}')
    await expectReportedAndEmpty(dir, 'STORE_CORRUPT')
  })

  it('a token file copied over another credential’s file', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    const store = createFileTokenStore({ dir })
    await store.set('axiom:someone-else', { accessToken: 'other' })
    const other = (await readdir(dir)).map((name) => join(dir, name)).find((path) => path.endsWith('.token') && path !== tokenFile)!
    await copyFile(other, tokenFile)
    await expectReportedAndEmpty(dir, 'STORE_DECRYPT')
  })

  it('a corrupt entry is replaced by the next set (fresh login)', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await writeFile(tokenFile, 'garbage')
    const store = createFileTokenStore({ dir })
    const errors = collectErrors(store)
    expect(await store.get(ACCOUNT)).toBeUndefined()
    await store.set(ACCOUNT, { accessToken: 'fresh', meta: { issuedAt: 1 } })
    expect(await store.get(ACCOUNT)).toEqual({ accessToken: 'fresh', meta: { issuedAt: 1 } })
    expect(errors.map((e) => e.code)).toEqual(['STORE_CORRUPT'])
  })

  it('wrong key (AUTHMUX_STORE_KEY not the key that wrote the store): reported, reads empty, writes refused', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    const before = await readFile(tokenFile, 'utf8')
    const wrongKey = Buffer.alloc(32, 1).toString('base64url')
    const error = await expectReportedAndEmpty(dir, 'STORE_KEY', { key: wrongKey })
    expect(error.message).toContain('not the key that wrote')
    const store = createFileTokenStore({ dir, key: wrongKey })
    await expect(store.set(ACCOUNT, { accessToken: 'x' })).rejects.toMatchObject({ code: 'STORE_KEY' })
    // withLock still excludes within the process, so the engine keeps working from memory.
    expect(await store.withLock(ACCOUNT, async () => 42)).toBe(42)
    expect(await readFile(tokenFile, 'utf8')).toBe(before)
    expect(await createFileTokenStore({ dir }).get(ACCOUNT)).toEqual(TOKENS)
  })

  it('a key file that is not a valid key: reported, nothing overwritten', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await writeFile(join(dir, 'key'), 'canary-garbage\n')
    const error = await expectReportedAndEmpty(dir, 'STORE_KEY')
    expect(error.location).toBe(join(dir, 'key'))
    expect(await readFile(join(dir, 'key'), 'utf8')).toBe('canary-garbage\n')
    expect(await readdir(dir)).toContain(tokenFile.split('/').at(-1))
  })

  it('missing key file with token files present: reported, tokens moved aside (not deleted), new key, fresh start', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    const oldKey = await readFile(join(dir, 'key'), 'utf8')
    await rm(join(dir, 'key'))
    const error = await expectReportedAndEmpty(dir, 'STORE_KEY')
    expect(error.message).toMatch(/key file .* is missing but 1 token file/)
    const aside = (await readdir(dir)).find((name) => name.startsWith('orphaned-'))!
    expect(error.message).toContain(aside)
    expect(await readdir(join(dir, aside))).toEqual(expect.arrayContaining([tokenFile.split('/').at(-1), 'key-id']))
    const newKey = await readFile(join(dir, 'key'), 'utf8')
    expect(newKey).not.toBe(oldKey)
    // The new key works for new logins, and the old tokens are recoverable with the old key.
    const store = createFileTokenStore({ dir })
    const errors = collectErrors(store)
    await store.set(ACCOUNT, { accessToken: 'fresh' })
    expect(await store.get(ACCOUNT)).toEqual({ accessToken: 'fresh' })
    expect(errors).toEqual([])
    expect(await createFileTokenStore({ dir: join(dir, aside), key: oldKey }).get(ACCOUNT)).toEqual(TOKENS)
  })

  it('a listener that throws does not break the store', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await writeFile(tokenFile, 'garbage')
    const store = createFileTokenStore({
      dir,
      onError: () => {
        throw new Error('listener bug')
      },
    })
    const unsubscribe = store.on('error', () => {
      throw new Error('listener bug')
    })
    expect(await store.get(ACCOUNT)).toBeUndefined()
    unsubscribe()
  })

  it('an unwritable directory is a STORE_IO error, reported once; get stays empty', async () => {
    const root = await tempStoreDir()
    await writeFile(root, 'a file where the directory should be')
    const store = createFileTokenStore({ dir: join(root, 'sub') })
    const errors = collectErrors(store)
    expect(await store.get(ACCOUNT)).toBeUndefined()
    expect(await store.get(ACCOUNT)).toBeUndefined()
    await expect(store.set(ACCOUNT, TOKENS)).rejects.toMatchObject({ code: 'STORE_IO' })
    expect(errors.map((e) => e.code)).toEqual(['STORE_IO'])
  })
})
