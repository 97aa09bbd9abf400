import { dirname, link, open, randomBytes, rename, unlink } from './deps'
import { errnoOf } from './errors'

/** Matches the temp files `place` makes; group 1 is the writer's pid, so leftovers of killed processes can be swept. */
export const TEMP_FILE_PATTERN = /\.(\d+)\.[0-9a-f]{12}\.tmp$/

/**
 * Writes `data` to a new private temp file next to `path` (mode 0600), flushes it to disk, then puts it at `path`
 * with `move` (`rename` replaces, `link` fails with `EEXIST` when `path` exists). The temp name is gone afterwards,
 * whatever failed (after a rename, its unlink is a no-op).
 */
async function place(path: string, data: string, move: (temp: string, path: string) => Promise<void>): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temp, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await move(temp, path)
  } finally {
    await unlink(temp).catch(() => {})
  }
}

/**
 * Replaces `path` with `data` (mode 0600) atomically: temp file + fsync + rename + fsync of the directory. A reader (or a crash
 * at any moment) sees either the old complete file or the new complete file.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await place(path, data, rename)
  await fsyncDir(dirname(path))
}

/**
 * Creates `path` with `data` (mode 0600) only if it does not exist yet (temp file + fsync + hard link). Returns false when the
 * file already existed. The file appears complete or not at all.
 */
export async function createFileExclusive(path: string, data: string): Promise<boolean> {
  try {
    await place(path, data, link)
    return true
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false
    throw error
  }
}

/** Flushes a directory entry change (rename, unlink) to disk. Best effort: some platforms can't fsync directories. */
export const fsyncDir = (dir: string): Promise<void> =>
  open(dir, 'r')
    .then((handle) => handle.sync().finally(() => handle.close()))
    // not supported here (e.g. Windows); the rename itself is still atomic
    .catch(() => {})
