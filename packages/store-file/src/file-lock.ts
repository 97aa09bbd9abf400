import { hostname, randomBytes, readFile, sleep, stat, unlink, utimes } from './deps'
import { createFileExclusive } from './atomic-write'
import { ioError, storeError, unlessMissing } from './errors'
import type { ResolvedOptions } from './options'
import { isProcessAlive } from './process-alive'

/**
 * How a lock file is waited for (`lockTimeoutMs`, then `STORE_LOCK_TIMEOUT`) and when an abandoned one is taken over
 * (not refreshed for `lockStaleMs`; the holder refreshes it every `lockStaleMs / 3`). See `FileTokenStoreOptions`.
 */
export type FileLockOptions = Pick<ResolvedOptions, 'lockTimeoutMs' | 'lockStaleMs'>

/** What a lock file holds. */
interface LockOwner {
  pid: number
  host: string
  /** Random: makes every lock file's content unique, so a holder only ever removes its own file. */
  token: string
  /** The holder's staleness threshold: it refreshes the file every third of it. */
  staleMs: number
  /** Epoch ms the lock was taken (for people inspecting the directory). */
  since: number
}

interface LockFile {
  text: string
  mtimeMs: number
}

const HOST = hostname()
/** A takeover (`.break`) is held for microseconds; one older than this was left by a killed process. */
const BREAK_STALE_MS = 2000

/** The content of a new lock file of this process. */
const ownerRecord = (staleMs: number): string =>
  JSON.stringify({ pid: process.pid, host: HOST, token: randomBytes(12).toString('hex'), staleMs, since: Date.now() } satisfies LockOwner)

/** Reads a lock file; undefined when it does not exist. */
const inspect = (path: string): Promise<LockFile | undefined> =>
  unlessMissing(Promise.all([readFile(path, 'utf8'), stat(path)]).then(([text, info]) => ({ text, mtimeMs: info.mtimeMs })))

/**
 * Abandoned: its holder is a dead process on this host, or it has not been refreshed for `staleMs`. The holder's own
 * threshold wins when it declares one (it knows how often it refreshes), so processes configured differently never
 * take over each other's live locks. Unreadable content is judged by age only.
 */
function isAbandoned(lock: LockFile, staleMs: number): boolean {
  let owner: Partial<LockOwner> | undefined
  try {
    owner = JSON.parse(lock.text)
  } catch {}
  if (owner?.host === HOST && typeof owner.pid === 'number' && !isProcessAlive(owner.pid)) return true
  const declared = owner?.staleMs
  return Date.now() - lock.mtimeMs > (typeof declared === 'number' && declared > 0 ? declared : staleMs)
}

/**
 * Removes an abandoned lock file, but only if it is still the very file that was judged abandoned (same content,
 * which includes a random token). Takeovers are serialised by a short-lived `<path>.break` file, so two waiters can
 * never both remove a lock and then both create one. Returns false when another waiter is taking over right now.
 */
async function takeOver(path: string, judged: string): Promise<boolean> {
  const breakPath = `${path}.break`
  if (await createFileExclusive(breakPath, ownerRecord(BREAK_STALE_MS))) {
    try {
      if ((await inspect(path))?.text === judged) await unlink(path).catch(() => {})
    } finally {
      await unlink(breakPath).catch(() => {})
    }
    return true
  }
  const other = await inspect(breakPath)
  if (other === undefined) return true
  if (!isAbandoned(other, BREAK_STALE_MS)) return false // another waiter is taking over right now: back off
  await unlink(breakPath).catch(() => {})
  return true
}

/**
 * Runs `fn` while holding an exclusive lock file at `path`, and releases it afterwards. The file is created complete
 * (pid, host, random token) via link, so it is never seen half-written. Waits with a bounded backoff; takes over
 * abandoned locks; refreshes its mtime every `staleMs / 3` while held; on release removes it only if it is still ours.
 */
export async function withFileLock<T>(path: string, { lockTimeoutMs: timeoutMs, lockStaleMs: staleMs }: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const content = ownerRecord(staleMs)
  const deadline = Date.now() + timeoutMs
  let delayMs = 2
  for (;;) {
    try {
      if (await createFileExclusive(path, content)) break
      const current = await inspect(path)
      if (current === undefined || (isAbandoned(current, staleMs) && (await takeOver(path, current.text)))) continue
    } catch (error) {
      throw ioError('create', 'lock file', path, error)
    }
    const remainingMs = deadline - Date.now()
    if (remainingMs <= 0) {
      throw storeError(
        'STORE_LOCK_TIMEOUT',
        path,
        `timed out after ${timeoutMs} ms waiting for lock ${path} — raise lockTimeoutMs, or delete it if no authmux process runs.`,
      )
    }
    await sleep(Math.min(remainingMs, delayMs + Math.random() * delayMs))
    delayMs = Math.min(delayMs * 2, 50)
  }
  const refresh = setInterval(
    () => {
      const now = new Date()
      utimes(path, now, now).catch(() => {})
    },
    Math.max(10, Math.floor(staleMs / 3)),
  )
  refresh.unref()
  try {
    return await fn()
  } finally {
    clearInterval(refresh)
    if ((await inspect(path).catch(() => undefined))?.text === content) await unlink(path).catch(() => {})
  }
}
