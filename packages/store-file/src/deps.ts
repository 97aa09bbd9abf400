/**
 * Every Node API and `@authmux/core` export the store uses, imported in this one place (the Deno `deps.ts` idea): a
 * bundle then carries one import statement per module instead of one per source file.
 */
export { createHmac, randomBytes } from 'node:crypto'
export { chmod, link, mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises'
export { homedir, hostname } from 'node:os'
export { dirname, join, resolve } from 'node:path'
export { setTimeout as sleep } from 'node:timers/promises'
export { ConfigError, createKeyedMutex, StoreError, type StoreErrorCode, type TokenSet } from '@authmux/core'
export { decodeStoreKey, importStoreKey, openTokenSet, sealTokenSet } from '@authmux/core/envelope'
