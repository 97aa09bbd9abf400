import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError, type TokenSet } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { collectErrors, tempStoreDir } from './test-support/helpers'

// Every file-system failure of get / set / delete / clear / withLock is a `StoreError` (`STORE_IO`) whose message
// names the file's role and the fix, with the fs error as `cause` — never a raw `EISDIR` / `ENOTDIR` / `ENOENT`.
// (Permission errors can't be provoked reliably here: the tests may run as root.)

const ACCOUNT = 'axiom:canary-user@example.com'
const TOKENS: TokenSet = { accessToken: 'canary-access-5d2f', refreshToken: 'canary-refresh-77b1', meta: { issuedAt: 1000 } }

/** A store holding `TOKENS` under `ACCOUNT`, and the base path (`<dir>/<hmac>`) of that credential's files. */
async function storeWithTokens() {
  const dir = await tempStoreDir()
  const store = createFileTokenStore({ dir })
  await store.set(ACCOUNT, TOKENS)
  const [tokenName] = (await readdir(dir)).filter((name) => name.endsWith('.token'))
  const base = join(dir, tokenName!.slice(0, -'.token'.length))
  return { dir, store, base, tokenFile: `${base}.token` }
}

/** Replaces the file at `path` with a (non-empty) directory. */
async function directoryAt(path: string): Promise<void> {
  await rm(path, { force: true })
  await mkdir(path)
  await writeFile(join(path, 'inside'), 'x')
}

/** Asserts a typed `STORE_IO` error for `path` whose message names `role` and matches `fix`, caused by `errno`. */
function expectStoreIo(error: unknown, { path, role, fix, errno }: { path: string; role: string; fix: RegExp; errno: string }): void {
  expect(error).toBeInstanceOf(StoreError)
  const storeError = error as StoreError
  expect(storeError.code).toBe('STORE_IO')
  expect(storeError.location).toBe(path)
  expect(storeError.message).toMatch(/^@authmux\/store-file: /)
  expect(storeError.message).toContain(role)
  expect(storeError.message).toContain(path)
  expect(storeError.message).toContain(errno)
  expect(storeError.message).toMatch(fix)
  expect((storeError.cause as NodeJS.ErrnoException | undefined)?.code).toBe(errno)
  // Neither the account name (file names are keyed hashes of it) nor a token ever appears.
  const text = `${storeError.message} ${JSON.stringify(storeError)} ${storeError.stack}`
  expect(text).not.toContain('canary')
}

async function rejection(pending: Promise<unknown>): Promise<unknown> {
  try {
    await pending
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('a directory where a file belongs', () => {
  it('set(): STORE_IO naming the token file and the directory to remove, not a raw EISDIR', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await directoryAt(tokenFile)
    const store = createFileTokenStore({ dir })
    const error = await rejection(store.set(ACCOUNT, { ...TOKENS, meta: { issuedAt: 2000 } }))
    expectStoreIo(error, { path: tokenFile, role: 'token file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' })
    // nothing half-written is left behind
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.endsWith('.wlock'))).toEqual([])
  })

  it('delete(): STORE_IO naming the token file, not a raw EISDIR', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await directoryAt(tokenFile)
    const store = createFileTokenStore({ dir })
    const error = await rejection(store.delete(ACCOUNT))
    expectStoreIo(error, { path: tokenFile, role: 'token file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' })
  })

  it('get(): empty, and the STORE_IO error (with the fix) is reported, not thrown', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await directoryAt(tokenFile)
    const store = createFileTokenStore({ dir })
    const errors = collectErrors(store)
    expect(await store.get(ACCOUNT)).toBeUndefined()
    expect(errors).toHaveLength(1)
    expectStoreIo(errors[0], { path: tokenFile, role: 'token file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' })
  })

  it('withLock(): STORE_IO naming the lock file; the callback never runs', async () => {
    const { dir, base } = await storeWithTokens()
    await directoryAt(`${base}.lock`)
    const store = createFileTokenStore({ dir })
    let ran = false
    const error = await rejection(
      store.withLock(ACCOUNT, async () => {
        ran = true
      }),
    )
    expect(ran).toBe(false)
    expectStoreIo(error, { path: `${base}.lock`, role: 'lock file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' })
  })

  it('set() and delete() with a directory where the write lock belongs: STORE_IO naming the lock file', async () => {
    const { dir, base } = await storeWithTokens()
    await directoryAt(`${base}.wlock`)
    const store = createFileTokenStore({ dir, lockTimeoutMs: 200 })
    const role = { path: `${base}.wlock`, role: 'lock file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' }
    expectStoreIo(await rejection(store.set(ACCOUNT, TOKENS)), role)
    expectStoreIo(await rejection(store.delete(ACCOUNT)), role)
  })

  it('clear(): a directory named like a token file is a STORE_IO error, not silently kept', async () => {
    const { dir, store } = await storeWithTokens()
    const stray = join(dir, `${'0'.repeat(40)}.token`)
    await directoryAt(stray)
    const error = await rejection(store.clear())
    expectStoreIo(error, { path: stray, role: 'token file', fix: /a directory is in the way.*remove/, errno: 'EISDIR' })
    // the real token file was still deleted
    expect(await store.get(ACCOUNT)).toBeUndefined()
  })

  it('a valid set() still replaces the stored tokens once the directory is gone', async () => {
    const { dir, tokenFile } = await storeWithTokens()
    await directoryAt(tokenFile)
    const store = createFileTokenStore({ dir })
    await rejection(store.set(ACCOUNT, TOKENS))
    await rm(tokenFile, { recursive: true })
    await store.set(ACCOUNT, TOKENS)
    expect(await store.get(ACCOUNT)).toEqual(TOKENS)
  })
})

describe('the store directory disappears or is replaced under a running store', () => {
  it('replaced by a file: set() / delete() / withLock() reject with STORE_IO (ENOTDIR) naming the store directory', async () => {
    const { dir, store } = await storeWithTokens()
    await rm(dir, { recursive: true })
    await writeFile(dir, 'not a directory')
    for (const call of [() => store.set(ACCOUNT, TOKENS), () => store.delete(ACCOUNT), () => store.withLock(ACCOUNT, async () => {})]) {
      const error = await rejection(call())
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).code).toBe('STORE_IO')
      expect((error as StoreError).message).toMatch(/a file is in the way.*store directory/)
      expect(((error as StoreError).cause as NodeJS.ErrnoException).code).toBe('ENOTDIR')
    }
  })

  it('removed: clear() rejects with STORE_IO (ENOENT) naming the store directory, not a raw ENOENT', async () => {
    const { dir, store } = await storeWithTokens()
    await rm(dir, { recursive: true })
    const error = await rejection(store.clear())
    expectStoreIo(error, { path: dir, role: 'store directory', fix: /was removed/, errno: 'ENOENT' })
  })
})
