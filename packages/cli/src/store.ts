import type { StoreError } from '@authmux/core'
import { createFileTokenStore, type FileTokenStore } from '@authmux/store-file'
import { booleanFlag, stringFlag, type Context } from './context'
import { UsageError } from './errors'
import { credentialsKeyOf, INDEX_LOCK_KEY, SessionIndex, type IndexEntry } from './index-file'
import { isProviderName, PROVIDERS, type ProviderName, type ProviderSpec, type ProviderValues } from './providers'

/** The encrypted store and the CLI's index next to it. */
export interface Stores {
  store: FileTokenStore
  index: SessionIndex
}

/** Opens the file store (`--store-dir`, else AUTHMUX_STORE_DIR, else ~/.authmux; key from AUTHMUX_STORE_KEY or the key file). */
export function openStores(ctx: Context): Stores {
  const dir = stringFlag(ctx, 'store-dir')
  const store = createFileTokenStore({
    ...(dir ? { dir } : {}),
    env: ctx.io.env,
    onError: (error: StoreError) => ctx.out.info(`warning: ${error.message}`),
  })
  return { store, index: new SessionIndex(store.dir, (fn) => store.withLock(INDEX_LOCK_KEY, fn)) }
}

/** The provider named by the first positional argument. */
export function providerArg(ctx: Context): ProviderSpec {
  const name = ctx.positionals[0]
  if (!name) throw new UsageError(`which provider? Name one of: ${Object.keys(PROVIDERS).join(', ')}.`, { command: ctx.command })
  if (!isProviderName(name)) {
    throw new UsageError(`unknown provider "${name}" — use one of: ${Object.keys(PROVIDERS).join(', ')}.`, { command: ctx.command })
  }
  if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}".`, { command: ctx.command })
  return PROVIDERS[name as ProviderName]
}

/** The recorded session of `provider` picked by `--account` (or the only one). */
export async function pickEntry(ctx: Context, index: SessionIndex, provider: ProviderSpec, options: { required: boolean }): Promise<IndexEntry | undefined> {
  const account = stringFlag(ctx, 'account')
  const entries = (await index.list()).filter((e) => e.provider === provider.name)
  if (account) {
    const match = entries.find((e) => e.label === account || e.storeKey === account)
    if (!match && options.required)
      throw new UsageError(`no stored ${provider.title} session for account "${account}" — see \`authmux status\`.`, { command: ctx.command })
    return match
  }
  if (entries.length === 1) return entries[0]
  if (entries.length === 0) {
    if (options.required) throw new Error(`no stored ${provider.title} session — log in first: authmux login ${provider.name}`)
    return undefined
  }
  if (options.required) {
    throw new UsageError(
      `${entries.length} stored ${provider.title} sessions — pick one with --account <label> (${entries.map((e) => `"${e.label}"`).join(', ')}).`,
      {
        command: ctx.command,
      },
    )
  }
  return undefined
}

/** Keys saved with `--save-key` for a session, registered as secrets so they are never printed by accident. */
export async function savedKeys(ctx: Context, store: FileTokenStore, entry: IndexEntry | undefined): Promise<ProviderValues> {
  if (!entry?.keySaved) return {}
  const saved = await store.get(credentialsKeyOf(entry.storeKey))
  if (!saved) return {}
  try {
    const values = JSON.parse(saved.accessToken) as ProviderValues
    for (const value of Object.values(values)) ctx.out.secret(value)
    return values
  } catch {
    return {}
  }
}

/** The base URL to use: `--base-url`, else the one the session was created with, else the preset's own default. */
export function baseUrlFor(ctx: Context, provider: ProviderSpec, entry: IndexEntry | undefined): string | undefined {
  const fromFlag = stringFlag(ctx, 'base-url')
  if (fromFlag) {
    try {
      new URL(fromFlag)
    } catch {
      throw new UsageError(`--base-url "${fromFlag}" is not an absolute URL (e.g. https://api.example.com).`, { command: ctx.command })
    }
    return fromFlag.replace(/\/+$/, '')
  }
  const fromEnv = provider.baseUrlEnv ? ctx.io.env[provider.baseUrlEnv]?.trim() : undefined
  const chosen = entry?.baseURL ?? (fromEnv || undefined)
  if (!chosen && provider.baseUrlRequired) {
    throw new UsageError(`${provider.title} has no public default URL — pass --base-url <url> or set ${provider.baseUrlEnv}.`, { command: ctx.command })
  }
  return chosen
}

export function allowInsecureHttp(ctx: Context): boolean {
  return booleanFlag(ctx, 'allow-insecure-http')
}
