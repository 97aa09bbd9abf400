export { createFileTokenStore } from './store'
export type { FileTokenStore, FileTokenStoreOptions } from './types'
export { StoreError, type StoreErrorCode } from './deps'
