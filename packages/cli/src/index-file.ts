import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { PACKAGE_NAME } from './errors'

/** Name of the CLI's index file inside the store directory. */
export const INDEX_FILE_NAME = 'cli-sessions.json'

/**
 * One stored session, as the CLI remembers it. Nothing here is secret: the file store hashes its file names, so
 * this small index is what lets `status`, `logout` and `env` list sessions. Tokens stay in the encrypted store.
 */
export interface IndexEntry {
  provider: string
  /** Account label: email, user name, or `key <fingerprint>`. */
  label: string
  /** The key the tokens are stored under (the preset's default `<provider>:<identity>`). */
  storeKey: string
  /** Base URL the session was created against, when not the preset's default. */
  baseURL?: string
  /** Whether raw keys were saved with `--save-key` (under `credentialsKeyOf(storeKey)`). */
  keySaved: boolean
  /** Epoch ms of the last login/import. */
  updatedAt: number
  /**
   * `false` while the tokens have not been used with the provider yet (imported, not `--check`ed): the CLI can decode
   * a token but not verify its signature. Absent or `true`: they came from (or were accepted by) the provider.
   */
  checked?: boolean
}

interface IndexFile {
  version: 1
  sessions: IndexEntry[]
}

/** Store key under which `--save-key` keeps the raw keys of a session (encrypted like every token). */
export function credentialsKeyOf(storeKey: string): string {
  return `authmux-cli/credentials:${storeKey}`
}

/** Runs a read-modify-write of the index exclusively (across processes when the lock is the file store's). */
export type IndexLock = <T>(fn: () => Promise<T>) => Promise<T>

/** Store key the CLI locks while it rewrites the index (the lock only; nothing is stored under it). */
export const INDEX_LOCK_KEY = 'authmux-cli/index'

/**
 * Reads and writes `<store dir>/cli-sessions.json` (mode 0600, written atomically). Updates run under `lock`, so two
 * CLI runs at once (a login in one shell, an import in another) never lose each other's entry.
 */
export class SessionIndex {
  readonly path: string
  readonly #dir: string
  readonly #lock: IndexLock

  constructor(dir: string, lock: IndexLock = (fn) => fn()) {
    this.#dir = dir
    this.#lock = lock
    this.path = join(dir, INDEX_FILE_NAME)
  }

  async list(): Promise<IndexEntry[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    try {
      const parsed = JSON.parse(text) as Partial<IndexFile>
      return Array.isArray(parsed.sessions) ? parsed.sessions.filter(isEntry) : []
    } catch {
      throw new Error(`${PACKAGE_NAME}: ${this.path} is not valid JSON — delete it and log in again (the tokens themselves are unaffected).`)
    }
  }

  /** Adds or replaces the entry for `entry.provider` + `entry.storeKey`. */
  upsert(entry: IndexEntry): Promise<void> {
    return this.#lock(async () => {
      const sessions = (await this.list()).filter((e) => !(e.provider === entry.provider && e.storeKey === entry.storeKey))
      sessions.push(entry)
      await this.#write(sessions)
    })
  }

  /** Removes the entry for `provider` + `storeKey`, if there is one. */
  remove(provider: string, storeKey: string): Promise<void> {
    return this.#lock(async () => {
      const sessions = await this.list()
      const kept = sessions.filter((e) => !(e.provider === provider && e.storeKey === storeKey))
      if (kept.length !== sessions.length) await this.#write(kept)
    })
  }

  async #write(sessions: IndexEntry[]): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 })
    const sorted = [...sessions].sort((a, b) => a.provider.localeCompare(b.provider) || a.label.localeCompare(b.label))
    const body: IndexFile = { version: 1, sessions: sorted }
    const temp = `${this.path}.${process.pid}.${Date.now()}.tmp`
    try {
      await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
      await rename(temp, this.path)
    } catch (error) {
      await unlink(temp).catch(() => {})
      throw error
    }
  }
}

function isEntry(value: unknown): value is IndexEntry {
  const e = value as IndexEntry
  return typeof e === 'object' && e !== null && typeof e.provider === 'string' && typeof e.label === 'string' && typeof e.storeKey === 'string'
}
