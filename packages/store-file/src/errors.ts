import { StoreError, type StoreErrorCode } from './deps'
import { PACKAGE_NAME } from './options'

/** A `StoreError` whose message is `text` prefixed with the package name. */
export function storeError(code: StoreErrorCode, location: string, text: string, cause?: unknown): StoreError {
  return new StoreError(`${PACKAGE_NAME}: ${text}`, { code, location, cause })
}

/** The `code` of a Node fs error (`ENOENT`, `EACCES` …), or 'unknown'. */
export const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'unknown'

/** A `STORE_IO` error for a failed file-system call on `path`, naming the errno and the fix. */
export function ioError(what: string, path: string, error: unknown): StoreError {
  return storeError('STORE_IO', path, `cannot ${what} ${path} (${errnoOf(error)}) — check the path and its permissions.`, error)
}

/** Awaits `pending`, resolving `undefined` instead of failing when the file does not exist (`ENOENT`). */
export async function unlessMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error
  }
}
