import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeStoreKey, importStoreKey, StoreError } from '@authmux/core'
import { createFileExclusive, fsyncDir, TEMP_FILE_PATTERN, writeFileAtomic } from './atomic-write'
import { errnoOf, withFileLock } from './file-lock'
import { deriveNames, KEY_ID_FILE, STORE_LOCK_FILE, TOKEN_SUFFIX, type StoreNames } from './names'
import { PACKAGE_NAME, type ResolvedOptions } from './options'
import { isProcessAlive } from './process-alive'

/** A store that can read and write. */
export interface OpenStore {
  ok: true
  cryptoKey: CryptoKey
  names: StoreNames
}

/** A store that cannot be used (no usable key, directory not writable …): reads are empty, writes fail. */
export interface BrokenStore {
  ok: false
  error: StoreError
}

function ioError(what: string, path: string, error: unknown): StoreError {
  return new StoreError(`${PACKAGE_NAME}: cannot ${what} ${path} (${errnoOf(error)}) — check the path and its permissions.`, {
    code: 'STORE_IO',
    location: path,
    cause: error,
  })
}

/** Creates the directory with mode 0700, and tightens an existing one we own. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const info = await stat(dir)
    if ((info.mode & 0o077) !== 0 && typeof process.getuid === 'function' && info.uid === process.getuid()) await chmod(dir, 0o700)
  } catch (error) {
    throw ioError('create the store directory', dir, error)
  }
}

/** Removes temp files left behind by killed writers on this host. Best effort. */
async function sweepTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  await Promise.all(
    names.map(async (name) => {
      const match = TEMP_FILE_PATTERN.exec(name)
      if (match && !isProcessAlive(Number(match[1]))) await unlink(join(dir, name)).catch(() => {})
    }),
  )
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined
    throw error
  }
}

function keyFileError(keyFile: string, problem: string): StoreError {
  return new StoreError(
    `${PACKAGE_NAME}: key file ${keyFile} ${problem} — token files cannot be read or written until it is fixed. Restore the original key file, or delete it to start over with a new key (stored tokens are then moved aside and a fresh login follows).`,
    { code: 'STORE_KEY', location: keyFile },
  )
}

function decodeKeyFile(keyFile: string, text: string): Uint8Array {
  try {
    return decodeStoreKey(text, { field: 'key file', packageName: PACKAGE_NAME })
  } catch {
    throw keyFileError(keyFile, 'does not hold a valid 32-byte key')
  }
}

/**
 * The key file is missing. Under the store-wide lock: if another process created it meanwhile, use that. If token
 * files exist they were written with a key that is gone — they can never be decrypted, so they (and `key-id`) are
 * moved to `orphaned-<time>/` (nothing is deleted: restoring the old key file and moving them back recovers them),
 * the problem is reported, and a new key is created. Creating the key is exclusive (link), so two processes can never
 * end up with different keys.
 */
async function createKeyFile(options: ResolvedOptions, report: (error: StoreError) => void): Promise<Uint8Array> {
  return withFileLock(join(options.dir, STORE_LOCK_FILE), { timeoutMs: options.lockTimeoutMs, staleMs: options.lockStaleMs }, async () => {
    const existing = await readText(options.keyFile)
    if (existing !== undefined) return decodeKeyFile(options.keyFile, existing)
    const orphans = (await readdir(options.dir)).filter((name) => name.endsWith(TOKEN_SUFFIX) || name === KEY_ID_FILE)
    if (orphans.length > 0) {
      const aside = join(options.dir, `orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`)
      await mkdir(aside, { mode: 0o700 })
      for (const name of orphans) await rename(join(options.dir, name), join(aside, name))
      await fsyncDir(options.dir)
      const tokenCount = orphans.filter((name) => name.endsWith(TOKEN_SUFFIX)).length
      if (tokenCount > 0)
        report(
          new StoreError(
            `${PACKAGE_NAME}: key file ${options.keyFile} is missing but ${tokenCount} token file(s) written with it exist — they cannot be decrypted. They were moved to ${aside} and a new key was created; a fresh login follows. To recover them, restore the old key file and move them back.`,
            { code: 'STORE_KEY', location: options.keyFile },
          ),
        )
    }
    const raw = randomBytes(32)
    if (!(await createFileExclusive(options.keyFile, `${raw.toString('base64url')}\n`, 0o600))) {
      return decodeKeyFile(options.keyFile, (await readText(options.keyFile)) ?? '')
    }
    await fsyncDir(options.dir)
    return new Uint8Array(raw)
  })
}

async function loadKey(options: ResolvedOptions, report: (error: StoreError) => void): Promise<Uint8Array> {
  if (options.key !== undefined) return options.key
  let text: string | undefined
  try {
    text = await readText(options.keyFile)
  } catch (error) {
    throw keyFileError(options.keyFile, `cannot be read (${errnoOf(error)})`)
  }
  if (text === undefined) return createKeyFile(options, report)
  try {
    const info = await stat(options.keyFile)
    if ((info.mode & 0o077) !== 0) await chmod(options.keyFile, 0o600)
  } catch {
    // best effort: a key file we can read but not chmod still works
  }
  return decodeKeyFile(options.keyFile, text)
}

/** Records the key fingerprint on first use; afterwards a different key is refused (`STORE_KEY`). */
async function checkKeyId(options: ResolvedOptions, names: StoreNames): Promise<void> {
  const path = join(options.dir, KEY_ID_FILE)
  const stored = (await readText(path))?.trim()
  if (stored === undefined || stored === '') {
    await writeFileAtomic(path, `${names.keyId}\n`, 0o600)
    return
  }
  if (stored !== names.keyId) {
    const source = options.key !== undefined ? 'the configured key (option key / AUTHMUX_STORE_KEY)' : `key file ${options.keyFile}`
    throw new StoreError(
      `${PACKAGE_NAME}: ${source} is not the key that wrote the tokens in ${options.dir} — they are ignored and nothing is written. Use the original key, point dir / AUTHMUX_STORE_DIR at another directory, or delete the token files and ${KEY_ID_FILE} in ${options.dir} to start over.`,
      { code: 'STORE_KEY', location: path },
    )
  }
}

/** Prepares the directory and the key. Never throws: failures become a `BrokenStore` carrying the error. */
export async function openStore(options: ResolvedOptions, report: (error: StoreError) => void): Promise<OpenStore | BrokenStore> {
  try {
    await ensureDir(options.dir)
    await sweepTempFiles(options.dir)
    const raw = await loadKey(options, report)
    const names = deriveNames(raw)
    await checkKeyId(options, names)
    const cryptoKey = await importStoreKey(raw)
    return { ok: true, cryptoKey, names }
  } catch (error) {
    const storeError = error instanceof StoreError ? error : ioError('open the store in', options.dir, error)
    return { ok: false, error: storeError }
  }
}
