import { randomBytes } from 'node:crypto'
import { readFile, stat, unlink, utimes } from 'node:fs/promises'
import { hostname } from 'node:os'
import { StoreError } from '@authmux/core'
import { createFileExclusive } from './atomic-write'
import { isProcessAlive } from './process-alive'

/** How a lock file is waited for and when an abandoned one is taken over. */
export interface FileLockOptions {
  /** Longest wait in ms before `StoreError` `STORE_LOCK_TIMEOUT`. */
  timeoutMs: number
  /** A lock file not refreshed for this many ms is abandoned. The holder refreshes it every `staleMs / 3`. */
  staleMs: number
}

/** A held lock. `release()` removes the lock file if it is still ours. */
export interface HeldLock {
  release(): Promise<void>
}

interface LockOwner {
  pid: number
  host: string
  token: string
  /** The holder's staleness threshold: it refreshes the file every third of it. */
  staleMs?: number
}

const HOST = hostname()
/** A takeover (`.break`) is held for microseconds; one older than this was left by a killed process. */
const BREAK_STALE_MS = 2000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value as LockOwner
  } catch {
    // unreadable content: judged by age only
  }
  return undefined
}

/** Reads a lock file; undefined when it does not exist. */
async function inspect(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    return { text, mtimeMs: info.mtimeMs }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Abandoned: its holder is a dead process on this host, or it has not been refreshed for `staleMs`. The holder's own
 * threshold wins when it declares one (it knows how often it refreshes), so processes configured differently never
 * take over each other's live locks.
 */
function isAbandoned(lock: { text: string; mtimeMs: number }, staleMs: number): boolean {
  const owner = parseOwner(lock.text)
  if (owner !== undefined && owner.host === HOST && !isProcessAlive(owner.pid)) return true
  const threshold = typeof owner?.staleMs === 'number' && owner.staleMs > 0 ? owner.staleMs : staleMs
  return Date.now() - lock.mtimeMs > threshold
}

/**
 * Removes an abandoned lock file (returns false when another waiter is already doing so), but only if it is still the very file that was judged abandoned (same content,
 * which includes a random token). Takeovers are serialised by a short-lived `<path>.break` file, so two waiters can
 * never both remove a lock and then both create one.
 */
async function takeOver(path: string, judged: string): Promise<boolean> {
  const breakPath = `${path}.break`
  const me = JSON.stringify({ pid: process.pid, host: HOST, token: randomBytes(8).toString('hex') })
  if (!(await createFileExclusive(breakPath, me))) {
    const other = await inspect(breakPath)
    if (other === undefined) return true
    if (isAbandoned(other, BREAK_STALE_MS)) {
      await unlink(breakPath).catch(() => {})
      return true
    }
    return false // another waiter is taking over right now: back off
  }
  try {
    const current = await inspect(path)
    if (current !== undefined && current.text === judged) await unlink(path).catch(() => {})
    return true
  } finally {
    await unlink(breakPath).catch(() => {})
  }
}

/** The `code` of a Node fs error (`ENOENT`, `EACCES` …), or 'unknown'. */
export const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'unknown'

/** Runs `fn` while holding the lock file at `path`, and releases it afterwards. */
export async function withFileLock<T>(path: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireFileLock(path, options)
  try {
    return await fn()
  } finally {
    await lock.release()
  }
}

/**
 * Acquires an exclusive lock file at `path` (created complete with pid, host and a random token via link, so it is
 * never seen half-written). Waits with a bounded backoff; takes over abandoned locks; refreshes its mtime while held.
 */
export async function acquireFileLock(path: string, options: FileLockOptions): Promise<HeldLock> {
  const content = JSON.stringify({
    pid: process.pid,
    host: HOST,
    token: randomBytes(12).toString('hex'),
    staleMs: options.staleMs,
    since: Date.now(),
  })
  const deadline = Date.now() + options.timeoutMs
  let delayMs = 2
  for (;;) {
    try {
      if (await createFileExclusive(path, content)) return hold(path, content, options.staleMs)
      const current = await inspect(path)
      if (current === undefined) continue
      if (isAbandoned(current, options.staleMs) && (await takeOver(path, current.text))) continue
    } catch (error) {
      if (error instanceof StoreError) throw error
      const code = errnoOf(error)
      throw new StoreError(`@authmux/store-file: cannot create lock file ${path} (${code}) — check that the store directory is writable.`, {
        code: 'STORE_IO',
        location: path,
        cause: error,
      })
    }
    const remainingMs = deadline - Date.now()
    if (remainingMs <= 0) {
      throw new StoreError(
        `@authmux/store-file: timed out after ${options.timeoutMs} ms waiting for lock ${path} held by another process — raise lockTimeoutMs, or delete the file if no authmux process is running.`,
        { code: 'STORE_LOCK_TIMEOUT', location: path },
      )
    }
    await sleep(Math.min(remainingMs, delayMs + Math.random() * delayMs))
    delayMs = Math.min(delayMs * 2, 50)
  }
}

function hold(path: string, content: string, staleMs: number): HeldLock {
  const refresh = setInterval(
    () => {
      const now = new Date()
      utimes(path, now, now).catch(() => {})
    },
    Math.max(10, Math.floor(staleMs / 3)),
  )
  refresh.unref()
  let released = false
  return {
    async release() {
      if (released) return
      released = true
      clearInterval(refresh)
      const current = await inspect(path).catch(() => undefined)
      if (current?.text === content) await unlink(path).catch(() => {})
    },
  }
}
