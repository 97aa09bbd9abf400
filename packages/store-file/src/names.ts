import { createHmac } from './deps'

/** File-name suffixes inside the store directory. */
export const TOKEN_SUFFIX = '.token'
export const LOCK_SUFFIX = '.lock'
export const WRITE_LOCK_SUFFIX = '.wlock'
export const KEY_ID_FILE = 'key-id'
export const STORE_LOCK_FILE = 'store.lock'

/**
 * Names derived from the store key. File names are a keyed hash (HMAC-SHA-256) of the credential key, so they reveal
 * nothing — not even to someone who guesses an account name — without the store key.
 */
export interface StoreNames {
  /** 40 hex digits naming the files of one credential key. */
  fileBase(credentialKey: string): string
  /** A non-secret fingerprint of the store key, kept in the `key-id` file to detect a wrong key. */
  readonly keyId: string
}

/** Version tag of the derivations below and of the associated data; changing it renames every file. */
const V1 = 'authmux/store-file/v1'

const hmac = (key: Uint8Array, data: string) => createHmac('sha256', key).update(data, 'utf8')

export function deriveNames(rawKey: Uint8Array): StoreNames {
  const nameKey = hmac(rawKey, `${V1}/file-names`).digest()
  return {
    fileBase: (credentialKey) => hmac(nameKey, credentialKey).digest('hex').slice(0, 40),
    keyId: hmac(rawKey, `${V1}/key-id`).digest('hex').slice(0, 24),
  }
}

/** Associated data binding a token file to its credential key: a file copied to another key's name fails to open. */
export function associatedDataFor(credentialKey: string): string {
  return `${V1}\0${credentialKey}`
}
