import { randomBytes } from 'node:crypto'
import { link, open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Name of a private temp file next to `path`; carries our pid so leftovers of killed processes can be swept. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

/** Matches temp files made by `tempPathFor`; group 1 is the writer's pid. */
export const TEMP_FILE_PATTERN = /\.(\d+)\.[0-9a-f]{12}\.tmp$/

/** Writes `data` to a new temp file (mode `mode`) and flushes it to disk. Returns the temp path. */
async function writeTemp(path: string, data: string, mode: number): Promise<string> {
  const temp = tempPathFor(path)
  const handle = await open(temp, 'wx', mode)
  try {
    await handle.writeFile(data, 'utf8')
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw error
  }
  await handle.close()
  return temp
}

/**
 * Replaces `path` with `data` atomically: temp file + fsync + rename + fsync of the directory. A reader (or a crash
 * at any moment) sees either the old complete file or the new complete file.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const temp = await writeTemp(path, data, mode)
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
  await fsyncDir(dirname(path))
}

/**
 * Creates `path` with `data` only if it does not exist yet (temp file + fsync + hard link). Returns false when the
 * file already existed. The file appears complete or not at all.
 */
export async function createFileExclusive(path: string, data: string, mode = 0o600): Promise<boolean> {
  const temp = await writeTemp(path, data, mode)
  try {
    await link(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await unlink(temp).catch(() => {})
  }
}

/** Flushes a directory entry change (rename, unlink) to disk. Best effort: some platforms can't fsync directories. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // not supported here (e.g. Windows); the rename itself is still atomic
  } finally {
    await handle?.close().catch(() => {})
  }
}
