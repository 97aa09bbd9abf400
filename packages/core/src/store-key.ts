import type { AuthFlow } from './flow'
import type { TokenSet } from './types'

/** PBKDF2 rounds of a credential fingerprint: slow enough that a leaked store key does not reveal a weak password. */
const FINGERPRINT_ITERATIONS = 20_000

/**
 * The default store key of a flow, never a secret:
 * - `<provider>:<identity>` when the flow names its account (an email, a user name, a key fingerprint);
 * - else `<provider>:fp-<fingerprint>`, a salted PBKDF2-SHA-256 fingerprint of the flow's secrets (and of the
 *   `initialTokens` it starts from), so two accounts on one store can never share a slot, and the same credentials
 *   find their tokens again after a restart;
 * - `<provider>:default` only for a flow with neither (tokens imported later with `setTokens()`): pass `storeKey` to
 *   tell several such sessions apart.
 */
export async function defaultStoreKey(flow: Pick<AuthFlow, 'name' | 'identity' | 'secrets'>, initialTokens?: TokenSet): Promise<string> {
  const identity = (await flow.identity)?.trim()
  if (identity) return `${flow.name}:${identity}`
  const material = [...(flow.secrets ?? []), initialTokens?.refreshToken ?? initialTokens?.accessToken]
  const secrets = material.filter((secret): secret is string => typeof secret === 'string' && secret !== '')
  if (secrets.length === 0) return `${flow.name}:default`
  return `${flow.name}:fp-${await credentialFingerprint(flow.name, secrets)}`
}

/** 24 hex characters that identify a credential without revealing it (PBKDF2-SHA-256, salted with the provider). */
export async function credentialFingerprint(provider: string, secrets: readonly string[]): Promise<string> {
  const encoder = new TextEncoder()
  const material = await crypto.subtle.importKey('raw', encoder.encode(secrets.join('\u0000')), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(`authmux store key:${provider}`), iterations: FINGERPRINT_ITERATIONS },
    material,
    96,
  )
  return Array.from(new Uint8Array(bits), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
