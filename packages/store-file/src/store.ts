import { createKeyedMutex, join, openTokenSet, readdir, readFile, sealTokenSet, StoreError, type TokenSet, unlink } from './deps'
import { fsyncDir, writeFileAtomic } from './atomic-write'
import { errnoOf, fsStep, ioError, storeError, unlessMissing } from './errors'
import { withFileLock } from './file-lock'
import { associatedDataFor, LOCK_SUFFIX, TOKEN_SUFFIX, WRITE_LOCK_SUFFIX } from './names'
import { openStore, type BrokenStore, type OpenStore } from './open-store'
import { PACKAGE_NAME, resolveOptions } from './options'
import type { FileTokenStore, FileTokenStoreOptions } from './types'

/** Older than what is stored? Compares `meta.issuedAt` (epoch ms) when both sets carry one. */
function isOlder(candidate: TokenSet, stored: TokenSet): boolean {
  const a = candidate.meta?.issuedAt
  const b = stored.meta?.issuedAt
  return typeof a === 'number' && typeof b === 'number' && a < b
}

/**
 * Creates an encrypted token store on the local disk. Node only.
 *
 * One file per credential key (`<hmac>.token`, mode 0600) in `dir` (mode 0700), sealed with AES-256-GCM and bound to
 * its credential key; written atomically; a cross-process `withLock`. Unreadable data never throws from `get`: it is
 * reported through `onError` / `on('error')` and treated as empty, so the engine logs in afresh.
 *
 * @throws ConfigError when `key` / `AUTHMUX_STORE_KEY` is not a valid 32-byte key, or an option is invalid.
 */
export function createFileTokenStore(options: FileTokenStoreOptions = {}): FileTokenStore {
  const resolved = resolveOptions(options)
  const { dir } = resolved
  const listeners = new Set<(error: StoreError) => void>()
  if (options.onError) listeners.add(options.onError)
  const report = (error: StoreError) => {
    for (const listener of listeners) {
      try {
        listener(error)
      } catch {
        // a throwing listener must not break the store
      }
    }
  }
  const localLocks = createKeyedMutex()
  let opening: Promise<OpenStore | BrokenStore> | undefined
  const ready = () =>
    (opening ??= openStore(resolved, report).then((state) => {
      if (!state.ok) report(state.error)
      return state
    }))
  const fileOf = (store: OpenStore, key: string, suffix: string) => join(dir, store.names.fileBase(key) + suffix)
  /** Runs `fn` holding the lock file `<hmac><suffix>` of `key`, queued behind this process's other holders first. */
  const locked = <T>(store: OpenStore, key: string, suffix: string, fn: () => Promise<T>) => {
    const path = fileOf(store, key, suffix)
    return localLocks(path, () => withFileLock(path, resolved, fn))
  }

  /** Reads and opens a token file. `quiet` skips reporting (used when the file is about to be replaced). */
  async function read(store: OpenStore, key: string, quiet?: boolean): Promise<TokenSet | undefined> {
    const path = fileOf(store, key, TOKEN_SUFFIX)
    try {
      const text = await unlessMissing(readFile(path, 'utf8'))
      return text === undefined ? undefined : await openTokenSet(store.cryptoKey, text, associatedDataFor(key))
    } catch (error) {
      // `openTokenSet` throws only `StoreError`s (STORE_CORRUPT / STORE_DECRYPT); anything else comes from the file system.
      if (quiet) return
      if (error instanceof StoreError) {
        const why = error.code === 'STORE_DECRYPT' ? 'failed authentication (tampered or copied)' : 'is corrupt'
        report(storeError(error.code, path, `token file ${path} ${why} — ignored; a fresh login follows.`, error))
      } else report(ioError('read', 'token file', path, error))
    }
  }

  async function openOrThrow(): Promise<OpenStore> {
    const state = await ready()
    if (!state.ok) throw state.error
    return state
  }

  const store: FileTokenStore = {
    dir,

    async get(key) {
      const state = await ready()
      return state.ok ? read(state, key) : undefined
    },

    async set(key, tokens) {
      const state = await openOrThrow()
      const sealed = await sealTokenSet(state.cryptoKey, tokens, associatedDataFor(key))
      // The short per-key write lock is separate from `withLock`'s, so `set` inside `withLock` is fine.
      await locked(state, key, WRITE_LOCK_SUFFIX, async () => {
        const stored = await read(state, key, true)
        if (stored && isOlder(tokens, stored)) return
        const path = fileOf(state, key, TOKEN_SUFFIX)
        await fsStep('write', 'token file', path, writeFileAtomic(path, `${sealed}\n`))
      })
    },

    async delete(key) {
      const state = await openOrThrow()
      await locked(state, key, WRITE_LOCK_SUFFIX, async () => {
        const path = fileOf(state, key, TOKEN_SUFFIX)
        await fsStep('delete', 'token file', path, unlessMissing(unlink(path)))
        await fsyncDir(dir)
      })
    },

    async has(key) {
      return (await store.get(key)) !== undefined
    },

    async clear() {
      await openOrThrow()
      const names = await fsStep('list', 'store directory', dir, readdir(dir))
      const paths = names.filter((name) => name.endsWith(TOKEN_SUFFIX)).map((name) => join(dir, name))
      // Every file is tried first; then the first failure (a file already gone is not one) rejects.
      const results = await Promise.allSettled(paths.map((path) => unlink(path)))
      await fsyncDir(dir)
      const failed = results.findIndex((result) => result.status === 'rejected' && errnoOf(result.reason) !== 'ENOENT')
      if (failed >= 0) throw ioError('delete', 'token file', paths[failed]!, (results[failed] as PromiseRejectedResult).reason)
    },

    async withLock(key, fn) {
      const state = await ready()
      // Without a usable key there is nothing shared to protect on disk: exclude within this process only.
      return state.ok ? locked(state, key, LOCK_SUFFIX, fn) : localLocks(`broken:${key}`, fn)
    },

    on(event, listener) {
      if (event !== 'error') throw new TypeError(`${PACKAGE_NAME}: unknown event ${String(event)} — use on('error', …).`)
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
  return store
}
