/**
 * Every `@authmux/core` export the store uses, imported in this one place (the Deno `deps.ts` idea): a bundle then
 * carries one import statement for core instead of one per source file.
 */
export {
  ConfigError,
  decodeStoreKey,
  importStoreKey,
  openTokenSet,
  sealTokenSet,
  StoreError,
  type StoreErrorCode,
  type StoreErrorOptions,
  type StoreKeyInput,
  type TokenSet,
} from '@authmux/core'
