import type { Session } from '@authmux/core'
import type { Context } from './context'
import type { IndexEntry } from './index-file'
import type { ProviderSpec, ProviderValues } from './providers'
import { allowInsecureHttp, baseUrlFor, type Stores } from './store'

/**
 * Builds the strategy of a recorded session, bound to its exact store key — session-only mode: the stored tokens
 * are used (and renewed where the provider allows it without the key); keys saved with `--save-key` are used when
 * there are some. No environment variable is read for credentials.
 */
export function buildRecorded(ctx: Context, provider: ProviderSpec, entry: IndexEntry, saved: ProviderValues, stores: Stores): Session {
  const values: ProviderValues = { ...saved }
  for (const field of provider.identity) {
    if (!values[field.key] && !field.secret) values[field.key] = entry.label
  }
  return provider.build(values, {
    baseURL: baseUrlFor(ctx, provider, entry),
    store: stores.store,
    storeKey: entry.storeKey,
    allowInsecureHttp: allowInsecureHttp(ctx),
    now: ctx.io.now,
  })
}
