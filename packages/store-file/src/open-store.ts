import { chmod, decodeStoreKey, importStoreKey, join, mkdir, randomBytes, readdir, readFile, rename, stat, StoreError, unlink } from './deps'
import { createFileExclusive, fsyncDir, TEMP_FILE_PATTERN, writeFileAtomic } from './atomic-write'
import { errnoOf, ioError, storeError, unlessMissing } from './errors'
import { withFileLock } from './file-lock'
import { deriveNames, KEY_ID_FILE, STORE_LOCK_FILE, TOKEN_SUFFIX, type StoreNames } from './names'
import type { ResolvedOptions } from './options'
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

const readText = (path: string) => unlessMissing(readFile(path, 'utf8'))

/** Removes group/other permission bits from `path` (`mode`: what to keep) when any is set and we own it. */
async function tighten(path: string, mode: number): Promise<void> {
  const info = await stat(path)
  if (info.mode & 0o077 && info.uid === process.getuid?.()) await chmod(path, mode)
}

/** Creates the directory with mode 0700, and tightens an existing one we own. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await tighten(dir, 0o700)
  } catch (error) {
    throw ioError('create', 'store directory', dir, error)
  }
}

/** Removes temp files left behind by killed writers on this host. Best effort. */
async function sweepTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [])
  await Promise.all(
    names.map(async (name) => {
      const match = TEMP_FILE_PATTERN.exec(name)
      if (match && !isProcessAlive(Number(match[1]))) await unlink(join(dir, name)).catch(() => {})
    }),
  )
}

const keyFileError = (keyFile: string, text: string) => storeError('STORE_KEY', keyFile, `key file ${keyFile} ${text}`)

/** Decodes the key file's content; a bad one is `STORE_KEY` (never a `ConfigError`: the user did not pass it). */
function decodeKeyFile(keyFile: string, text = ''): Uint8Array {
  try {
    return decodeStoreKey(text)
  } catch {
    throw keyFileError(keyFile, 'is not a valid 32-byte key — restore the original, or delete it to start over with a new key.')
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
  const { dir, keyFile } = options
  return withFileLock(join(dir, STORE_LOCK_FILE), options, async () => {
    const existing = await readText(keyFile)
    if (existing !== undefined) return decodeKeyFile(keyFile, existing)
    const orphans = (await readdir(dir)).filter((name) => name.endsWith(TOKEN_SUFFIX) || name === KEY_ID_FILE)
    if (orphans.length > 0) {
      const aside = join(dir, `orphaned-${new Date().toISOString().replace(/[:.]/g, '-')}`)
      await mkdir(aside, { mode: 0o700 })
      for (const name of orphans) await rename(join(dir, name), join(aside, name))
      await fsyncDir(dir)
      const tokenCount = orphans.filter((name) => name.endsWith(TOKEN_SUFFIX)).length
      if (tokenCount > 0)
        report(
          keyFileError(
            keyFile,
            `is missing but ${tokenCount} token file(s) need it — moved them to ${aside} and created a new key; restore the old key file and move them back to recover them.`,
          ),
        )
    }
    const raw = randomBytes(32)
    if (!(await createFileExclusive(keyFile, `${raw.toString('base64url')}\n`))) return decodeKeyFile(keyFile, await readText(keyFile))
    await fsyncDir(dir)
    return new Uint8Array(raw)
  })
}

async function loadKey(options: ResolvedOptions, report: (error: StoreError) => void): Promise<Uint8Array> {
  const { key, keyFile } = options
  if (key !== undefined) return key
  let text: string | undefined
  try {
    text = await readText(keyFile)
  } catch (error) {
    throw keyFileError(keyFile, `cannot be read (${errnoOf(error)}) — check its permissions.`)
  }
  if (text === undefined) return createKeyFile(options, report)
  // best effort: a key file we can read but not chmod still works
  await tighten(keyFile, 0o600).catch(() => {})
  return decodeKeyFile(keyFile, text)
}

/** Records the key fingerprint on first use; afterwards a different key is refused (`STORE_KEY`). */
async function checkKeyId({ dir, key, keyFile }: ResolvedOptions, names: StoreNames): Promise<void> {
  const path = join(dir, KEY_ID_FILE)
  const stored = (await readText(path))?.trim()
  if (!stored) return writeFileAtomic(path, `${names.keyId}\n`)
  if (stored !== names.keyId) {
    throw storeError(
      'STORE_KEY',
      path,
      `${key ? 'the configured key' : `key file ${keyFile}`} is not the key that wrote the tokens in ${dir} — use the original key, another dir, or delete its token files and ${KEY_ID_FILE}.`,
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
    return { ok: true, cryptoKey: await importStoreKey(raw), names }
  } catch (error) {
    return { ok: false, error: error instanceof StoreError ? error : ioError('open', 'store directory', options.dir, error) }
  }
}
