import type { StoreError, TokenSet } from '@authmux/core'
import { createFileTokenStore, type FileTokenStore } from '@authmux/store-file'
import { booleanFlag, stringFlag, type Context } from './context'
import { NoSessionError, UsageError } from './errors'
import { credentialsKeyOf, INDEX_LOCK_KEY, SessionIndex, type IndexEntry } from './index-file'
import { isProviderName, PROVIDER_NAMES, PROVIDERS, type ProviderSpec, type ProviderValues } from './providers'
import type { ReadFailure } from './session-state'
import { didYouMean } from './suggest'

/** One read of the store: the tokens, or why there are none when the store reported a reason. */
export interface StoredRead {
  tokens: TokenSet | undefined
  failure?: ReadFailure
}

/** The encrypted store, the CLI's index next to it, and reads that say why they came back empty. */
export interface Stores {
  store: FileTokenStore
  index: SessionIndex
  read(key: string): Promise<StoredRead>
}

/**
 * Opens the file store (`--store-dir`, else AUTHMUX_STORE_DIR, else ~/.authmux; key from AUTHMUX_STORE_KEY or the key
 * file). Each problem the store reports (corrupt file, wrong key …) is printed once as a warning, however often
 * the command reads the same file.
 */
export function openStores(ctx: Context): Stores {
  const dir = stringFlag(ctx, 'store-dir')
  const reported: StoreError[] = []
  const warned = new Set<string>()
  let broken = false
  const store = createFileTokenStore({
    ...(dir ? { dir } : {}),
    env: ctx.io.env,
    onError: (error: StoreError) => {
      reported.push(error)
      // A token file's own problem names the file; anything else (the key, the directory) breaks every read.
      if (!error.location?.endsWith('.token')) broken = true
      if (!warned.has(error.message)) {
        warned.add(error.message)
        ctx.out.info(`warning: ${error.message}`)
      }
    },
  })
  return {
    store,
    index: new SessionIndex(store.dir, (fn) => store.withLock(INDEX_LOCK_KEY, fn)),
    async read(key) {
      const before = reported.length
      const tokens = await store.get(key)
      if (tokens) return { tokens }
      if (broken) return { tokens, failure: 'unreadable' }
      return reported.length > before ? { tokens, failure: 'corrupt' } : { tokens }
    },
  }
}

/** The provider named by the first positional argument. */
export function providerArg(ctx: Context): ProviderSpec {
  const name = ctx.positionals[0]
  if (!name) throw new UsageError(`which provider? Name one of: ${PROVIDER_NAMES.join(', ')}.`, { command: ctx.command })
  if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}".`, { command: ctx.command })
  return PROVIDERS[checkProviderName(ctx, name)]
}

/** `name` when it is a provider, else a usage error suggesting the closest one (`axion` → `axiom`). */
export function checkProviderName(ctx: Context, name: string): ProviderSpec['name'] {
  if (isProviderName(name)) return name
  throw new UsageError(`unknown provider "${name}"${didYouMean(name, PROVIDER_NAMES) || '.'} Providers: ${PROVIDER_NAMES.join(', ')}.`, {
    command: ctx.command,
  })
}

/** The sessions recorded for `provider`. */
export async function entriesOf(index: SessionIndex, provider: ProviderSpec): Promise<IndexEntry[]> {
  return (await index.list()).filter((e) => e.provider === provider.name)
}

/**
 * The recorded session of `provider` picked by `--account` (or the only one). With `required`, none at all is a
 * `NoSessionError` (exit 3) and an unknown `--account` or several candidates a usage error; without, `undefined`.
 */
export async function pickEntry(ctx: Context, index: SessionIndex, provider: ProviderSpec, options: { required: boolean }): Promise<IndexEntry | undefined> {
  const account = stringFlag(ctx, 'account')
  const entries = await entriesOf(index, provider)
  if (account) {
    const match = entries.find((e) => e.label === account || e.storeKey === account)
    if (!match && options.required) {
      const labels = entries.map((e) => e.label)
      const known = labels.length ? ` Stored: ${labels.map((l) => `"${l}"`).join(', ')}.` : ''
      throw new NoSessionError(`no stored ${provider.title} session for account "${account}"${didYouMean(account, labels) || '.'}${known}`)
    }
    return match
  }
  if (entries.length === 1) return entries[0]
  if (entries.length === 0) {
    if (options.required) throw new NoSessionError(noSessionMessage(provider))
    return undefined
  }
  if (options.required) {
    throw new UsageError(
      `${entries.length} stored ${provider.title} sessions — pick one with --account <label> (${entries.map((e) => `"${e.label}"`).join(', ')}).`,
      { command: ctx.command },
    )
  }
  return undefined
}

/** "no stored X session — log in first …", with the static-key explanation for AionMarket. */
export function noSessionMessage(provider: ProviderSpec): string {
  const base = `no stored ${provider.title} session — log in first: authmux login ${provider.name}`
  return provider.staticKey
    ? `${base} --save-key. (Without --save-key, \`authmux login ${provider.name}\` only checks the key: the key is the credential, so nothing is stored.)`
    : `${base}.`
}

/** Keys saved with `--save-key` for a session, registered as secrets so they are never printed by accident. */
export async function savedKeys(ctx: Context, stores: Stores, entry: IndexEntry | undefined): Promise<ProviderValues> {
  if (!entry?.keySaved) return {}
  const { tokens } = await stores.read(credentialsKeyOf(entry.storeKey))
  if (!tokens) return {}
  try {
    const values = JSON.parse(tokens.accessToken) as ProviderValues
    for (const value of Object.values(values)) ctx.out.secret(value)
    return values
  } catch {
    return {}
  }
}

/** The base URL to use: `--base-url`, else the one the session was created with, else the provider's variable. */
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
