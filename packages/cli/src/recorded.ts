import type { Session } from '@authmux/core'
import type { Context } from './context'
import type { IndexEntry } from './index-file'
import type { ProviderSpec, ProviderValues } from './providers'
import { allowInsecureHttp, baseUrlFor, type Stores } from './store'

/**
 * Stand-in for a key the preset insists on at construction but that the step at hand never sends (logout of a
 * recorded session: the store key is given explicitly and only the stored token goes out).
 */
const UNUSED_KEY = 'authmux-cli-unused-key-placeholder'

/**
 * Builds the strategy of a recorded session, bound to its exact store key, from what the index and the saved keys
 * know — for steps that use only the stored tokens (logout). No environment variable is read for credentials.
 */
export function buildRecorded(ctx: Context, provider: ProviderSpec, entry: IndexEntry, saved: ProviderValues, stores: Stores): Session {
  const values: ProviderValues = { ...saved }
  for (const field of provider.identity) {
    if (values[field.key]) continue
    if (field.key === 'email' || field.key === 'username') values[field.key] = entry.label
    else if (field.key === 'apiKey') values.apiKey = UNUSED_KEY
  }
  return provider.build(values, {
    baseURL: baseUrlFor(ctx, provider, entry),
    store: stores.store,
    storeKey: entry.storeKey,
    allowInsecureHttp: allowInsecureHttp(ctx),
  })
}
