import { type AuthError, ConfigError, isRejection, OtpRequiredError, type Session, TokenExpiredError } from '@authmux/core'
import { booleanFlag, type Context } from '../context'
import { formatExpiry } from '../format'
import { credentialsKeyOf, type IndexEntry } from '../index-file'
import type { ProviderSpec, ProviderValues } from '../providers'
import type { Stores } from '../store'

/**
 * Uses the stored session `probe` is bound to, when there is one: served as is while valid, renewed when the
 * provider allows it without the login-only values (Axiom refresh token, ProjectX validate, Apala refresh).
 * Undefined (and `probe` disposed) when a fresh login is needed.
 */
export async function tryReuse(ctx: Context, provider: ProviderSpec, probe: Session, stores: Stores): Promise<Session | undefined> {
  try {
    const { tokens } = await stores.read(await probe.storeKey())
    if (!tokens) {
      probe.dispose()
      return undefined
    }
    await probe.ensureValid()
    return probe
  } catch (error) {
    probe.dispose()
    if (isRejection(error) || error instanceof OtpRequiredError || error instanceof ConfigError || error instanceof TokenExpiredError) {
      ctx.out.info(`The stored ${provider.title} session can't be renewed (${(error as AuthError).code}); logging in again.`)
      return undefined
    }
    throw error
  }
}

/** What `record` writes besides the store key. */
export interface RecordOptions {
  /** The account label; default `provider.label(values)`. */
  label?: string
  baseURL: string | undefined
  /** Whether the tokens came from (or were accepted by) the provider; default: what the index said before, else true. */
  checked?: boolean
}

/** Records the session in the index and, with `--save-key`, the raw keys in the encrypted store. */
export async function record(
  ctx: Context,
  provider: ProviderSpec,
  values: ProviderValues,
  stores: Stores,
  auth: Session,
  options: RecordOptions,
): Promise<IndexEntry> {
  const storeKey = await auth.storeKey()
  const previous = (await stores.index.list()).find((e) => e.provider === provider.name && e.storeKey === storeKey)
  const keys: ProviderValues = {}
  for (const key of provider.savableKeys) if (values[key]) keys[key] = values[key]
  // A reused session may have been picked without its key: then there is nothing (new) to save.
  const save = booleanFlag(ctx, 'save-key') && Object.keys(keys).length > 0
  if (save) {
    await stores.store.delete(credentialsKeyOf(storeKey))
    await stores.store.set(credentialsKeyOf(storeKey), { accessToken: JSON.stringify(keys), meta: { kind: 'authmux-cli/credentials', issuedAt: ctx.io.now() } })
  }
  const entry: IndexEntry = {
    provider: provider.name,
    label: options.label ?? (await provider.label(values)),
    storeKey,
    keySaved: save || previous?.keySaved === true,
    updatedAt: ctx.io.now(),
    ...((options.checked ?? previous?.checked) === false ? { checked: false } : {}),
  }
  if (options.baseURL) entry.baseURL = options.baseURL
  await stores.index.upsert(entry)
  return entry
}

/** "token expires in 15m 59s" / "the token has no expiry". */
export function describeToken(auth: Session, ctx: Context): string {
  const expiresAt = auth.expiresAt
  return expiresAt === undefined ? 'the token has no expiry' : `token expires in ${formatExpiry(expiresAt, ctx.io.now())}`
}
