import { StoreError, type StoreErrorCode } from './deps'
import { PACKAGE_NAME } from './options'

/** A `StoreError` whose message is `text` prefixed with the package name. */
export function storeError(code: StoreErrorCode, location: string, text: string, cause?: unknown): StoreError {
  return new StoreError(`${PACKAGE_NAME}: ${text}`, { code, location, cause })
}

/** The `code` of a Node fs error (`ENOENT`, `EACCES` …), or 'unknown'. */
export const errnoOf = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code
  return typeof code === 'string' ? code : 'unknown'
}

const ELSEWHERE = 'or point dir / AUTHMUX_STORE_DIR elsewhere'

/** What the user can do about a failed file-system call, by its errno. */
function fixFor(errno: string): string {
  switch (errno) {
    case 'EISDIR':
      return 'a directory is in the way: remove or rename it (the store only ever puts a file there)'
    case 'ENOTDIR':
      return `a file is in the way of the store directory (or one of its parents): move it, ${ELSEWHERE}`
    case 'ENOENT':
      return 'the store directory was removed while in use: create it again (mode 0700) or restart the process'
    case 'EACCES':
    case 'EPERM':
      return `no permission: fix its owner or mode (directory 0700, files 0600), ${ELSEWHERE}`
    case 'EROFS':
      return `the file system is read-only: ${ELSEWHERE}`
    case 'ENOSPC':
      return 'the disk is full: free some space'
    default:
      return 'check the path and its permissions'
  }
}

/**
 * A `STORE_IO` error for a failed file-system call: `cannot <action> the <role> <path> (<errno>) — <fix>.` The fs
 * error is the `cause`. `role` says what the path is to the store ('token file', 'lock file', 'store directory' …);
 * paths hold hashed names only, never a credential key. A `StoreError` passes through unchanged.
 */
export function ioError(action: string, role: string, path: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error
  const errno = errnoOf(error)
  return storeError('STORE_IO', path, `cannot ${action} the ${role} ${path} (${errno}) — ${fixFor(errno)}.`, error)
}

/** Awaits `pending`; any failure becomes `ioError(action, role, path, …)`. */
export async function fsStep<T>(action: string, role: string, path: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending
  } catch (error) {
    throw ioError(action, role, path, error)
  }
}

/** Awaits `pending`, resolving `undefined` instead of failing when the file does not exist (`ENOENT`). */
export async function unlessMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error
  }
}
