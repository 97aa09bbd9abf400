/**
 * Every `@authmux/core` (and `@authmux/core/envelope`) export the store uses, imported in this one place (the Deno `deps.ts` idea): a bundle then
 * carries one import statement for core instead of one per source file.
 */
export { ConfigError, StoreError, type StoreErrorCode, type StoreErrorOptions, type TokenSet } from '@authmux/core'
export { decodeStoreKey, importStoreKey, openTokenSet, sealTokenSet, type StoreKeyInput } from '@authmux/core/envelope'
