import { MemoryTokenStore } from '@authmux/core'
import type { AionMarketAuth } from '@authmux/bearer'
import { booleanFlag, type Context } from '../context'
import type { IndexEntry } from '../index-file'
import type { ProviderSpec, ProviderValues } from '../providers'
import type { Stores } from '../store'
import { record } from './login-session'

/**
 * Logs in with a static key (AionMarket): checks it with `GET /agents/me`. The key is itself the credential, so it
 * is stored only with `--save-key` (or when this very key was saved before).
 */
export async function loginWithStaticKey(
  ctx: Context,
  provider: ProviderSpec,
  values: ProviderValues,
  stores: Stores,
  known: { entry: IndexEntry | undefined; saved: ProviderValues },
  baseURL: string | undefined,
  allowInsecureHttp: boolean,
): Promise<number> {
  const save = booleanFlag(ctx, 'save-key') || (known.entry?.keySaved === true && known.saved.apiKey === values.apiKey)
  // The engine persists what it "acquires" — for a static key that is the key itself, so only into the file store on opt-in.
  const store = save ? stores.store : new MemoryTokenStore()
  const auth = provider.build(values, { baseURL, store, allowInsecureHttp, now: ctx.io.now }) as AionMarketAuth
  ctx.target = { title: provider.title, baseURL: auth.baseURL }
  try {
    const profile = await auth.me()
    const agent = profile.name ? `agent "${profile.name}"` : `agent ${profile.agentId}`
    const label = await provider.label(values)
    if (!save) {
      ctx.out.print(
        `${provider.title} API key (${label}) is valid — ${agent}. Not saved: the key itself is the credential; pass --save-key to keep it in the encrypted store.`,
      )
      return 0
    }
    const entry = await record(ctx, provider, values, stores, auth, { baseURL })
    ctx.out.print(`${provider.title} API key (${label}) is valid — ${agent}. Saved (encrypted) in ${stores.store.dir}, store key ${entry.storeKey}.`)
    return 0
  } finally {
    auth.dispose()
  }
}
