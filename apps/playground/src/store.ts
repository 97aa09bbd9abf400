import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createFileTokenStore, type FileTokenStore } from '@authmux/store-file'

/** Where the bot's encrypted token files live, and how to open the store again (a "restart"). */
export interface StoreLocation {
  dir: string
  /** A new store instance on the same directory and key file, as a new process would open it. */
  open(): FileTokenStore
  /** Removes the directory when it was a temporary one. */
  cleanup(): Promise<void>
}

/**
 * The encrypted file store: `dir` when given, else a fresh temporary directory. The key is generated on first use
 * (32 random bytes in `<dir>/key`, mode 0600); environment overrides (AUTHMUX_STORE_*) are ignored in the demo.
 */
export async function openStoreLocation(dir: string | undefined, options: { useEnv?: boolean } = {}): Promise<StoreLocation> {
  const temporary = dir === undefined
  const path = dir === undefined ? await mkdtemp(join(tmpdir(), 'authmux-playground-')) : resolve(dir)
  return {
    dir: path,
    open: () => createFileTokenStore({ dir: path, ...(options.useEnv ? {} : { env: {} }) }),
    cleanup: async () => {
      if (temporary) await rm(path, { recursive: true, force: true })
    },
  }
}
