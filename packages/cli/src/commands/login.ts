import { type AuthError, ConfigError, MemoryTokenStore, OtpRequiredError, isRejection, type Session } from '@authmux/core'
import type { AionMarketAuth } from '@authmux/bearer'
import { booleanFlag, GLOBAL_HELP, type Command, type Context } from '../context'
import { UsageError } from '../errors'
import { fieldFlags } from '../fields'
import { formatExpiry } from '../format'
import { credentialsKeyOf, type IndexEntry } from '../index-file'
import { ALL_FIELDS, type ProviderSpec, type ProviderValues } from '../providers'
import { allowInsecureHttp, baseUrlFor, openStores, pickEntry, providerArg, savedKeys, type Stores } from '../store'
import { resolveValue, type ValueSources } from '../values'

const HELP = `Usage: authmux login <provider> [options]

Logs in and saves the session (tokens, encrypted) in the store, under the same key the provider's preset uses — a
bot using the same store directory and store key starts without logging in. Prompts on a terminal (hidden input for
secrets); without one, every value comes from a flag, stdin or an environment variable, and a missing value is an
error naming the flag. A second login reuses the stored session while it is valid or renewable (--force to redo it).

Providers and what they need:
  axiom        --email (AXIOM_EMAIL), password via --password-stdin (AXIOM_PASSWORD),
               the emailed code via --otp <code> or --otp-stdin (read only after the code was sent)
  aionmarket   API key via --api-key-stdin (AIONMARKET_API_KEY) — checked with GET /agents/me;
               the key is the credential, so it is stored only with --save-key
  tradeready   API key via --api-key-stdin (TRADEREADY_API_KEY), secret via --api-secret-stdin (TRADEREADY_API_SECRET)
  projectx     --username (PROJECT_X_USERNAME), API key via --api-key-stdin (PROJECT_X_API_KEY)
  apala        API key via --api-key-stdin (APALA_API_KEY); --base-url or APALA_BASE_URL is required

Several -stdin flags read one line each, in the order listed above (e.g. password first, then the code).

Options:
  --email <email>         Axiom account email
  --username <name>       ProjectX user name
  --password-stdin        Read the Axiom password from stdin
  --otp <code>            The Axiom one-time code
  --otp-stdin             Read the Axiom one-time code from stdin, once it has been emailed
  --api-key-stdin         Read the API key from stdin
  --api-secret-stdin      Read the TradeReady API secret from stdin
  --save-key              Also keep the raw API key/secret in the encrypted store (off by default; never the
                          Axiom password). Lets later logins and \`authmux env --reveal\` use them.
  --account <label>       Which stored session to reuse saved keys from, when there are several
  --force                 Log in afresh even when a stored session is still usable

${GLOBAL_HELP}

Examples:
  authmux login axiom                                   # interactive: email, password, emailed code
  printf '%s\\n' "$AXIOM_PASSWORD" | authmux login axiom --email me@example.com --password-stdin --otp-stdin
  AXIOM_PASSWORD=… authmux login axiom --email me@example.com --otp 123456
  printf '%s\\n%s\\n' "$KEY" "$SECRET" | authmux login tradeready --api-key-stdin --api-secret-stdin
  authmux login projectx --username trader1 --api-key-stdin < key.txt
  APALA_API_KEY=… authmux login apala --base-url https://apala.example.com
  authmux login tradeready --base-url http://127.0.0.1:4104/api/v1   # against the testkit emulators`

export const login: Command = {
  name: 'login',
  summary: 'Log in to a provider and save the session in the encrypted store',
  help: HELP,
  options: { ...fieldFlags(ALL_FIELDS), 'save-key': { type: 'boolean' }, force: { type: 'boolean' }, account: { type: 'string' } },
  async run(ctx) {
    const provider = providerArg(ctx)
    checkFlagsApply(ctx, provider)
    const stores = openStores(ctx)
    const known = await pickEntry(ctx, stores.index, provider, { required: false })
    const sources: ValueSources = {
      io: ctx.io,
      out: ctx.out,
      stdin: ctx.stdin,
      flags: ctx.flags,
      saved: await savedKeys(ctx, stores.store, known),
      command: 'login',
    }
    const baseURL = baseUrlFor(ctx, provider, known)
    const values: ProviderValues = {}
    for (const field of provider.identity) values[field.key] = await resolveValue(field, sources)
    const common = { baseURL, store: stores.store, allowInsecureHttp: allowInsecureHttp(ctx) }

    if (provider.staticKey) return loginWithStaticKey(ctx, provider, values, stores, common)

    if (!booleanFlag(ctx, 'force')) {
      const reused = await tryReuse(ctx, provider, values, common)
      if (reused) {
        await record(ctx, provider, values, stores, reused, baseURL)
        ctx.out.print(
          `Already logged in to ${provider.title} as ${await provider.label(values)} — ${describeToken(reused, ctx)}; reused the stored session (--force logs in again).`,
        )
        reused.dispose()
        return 0
      }
    }

    for (const field of provider.login) {
      if (field.key !== 'otp') values[field.key] = await resolveValue(field, sources)
    }
    const otpField = provider.login.find((field) => field.key === 'otp')
    const otp = otpField
      ? async () => {
          if (ctx.io.stdin.isTTY) ctx.out.info(`${provider.title} has emailed you a one-time code.`)
          return resolveValue(otpField, sources)
        }
      : undefined
    const auth = provider.build(values, { ...common, ...(otp ? { otp } : {}) })
    try {
      // A usage error from the code prompt comes back wrapped by the engine; run() reports it as the usage error.
      await auth.login()
      await record(ctx, provider, values, stores, auth, baseURL)
      ctx.out.print(`Logged in to ${provider.title} as ${await provider.label(values)} — ${describeToken(auth, ctx)}. Saved in ${stores.store.dir}.`)
      return 0
    } finally {
      auth.dispose()
    }
  },
}

/** A flag for another provider's value is a usage error (catches `login tradeready --email …`). */
function checkFlagsApply(ctx: Context, provider: ProviderSpec): void {
  const own = new Set<string>()
  for (const field of [...provider.identity, ...provider.login]) {
    if (field.flag) own.add(field.flag)
    if (field.stdinFlag) own.add(field.stdinFlag)
  }
  for (const field of ALL_FIELDS) {
    for (const flag of [field.flag, field.stdinFlag]) {
      if (flag && ctx.flags[flag] !== undefined && !own.has(flag)) {
        throw new UsageError(`--${flag} does not apply to ${provider.name}.`, { command: 'login' })
      }
    }
  }
  if (booleanFlag(ctx, 'save-key') && provider.savableKeys.length === 0) {
    throw new UsageError(`--save-key does not apply to ${provider.name}: its password is never stored, only its tokens.`, { command: 'login' })
  }
}

/**
 * Uses the stored session when there is one: served as is while valid, renewed when the provider allows it without
 * the login-only values (Axiom refresh token, ProjectX validate, Apala refresh). Undefined when a fresh login is needed.
 */
async function tryReuse(
  ctx: Context,
  provider: ProviderSpec,
  values: ProviderValues,
  common: { baseURL: string | undefined; store: Stores['store']; allowInsecureHttp: boolean },
): Promise<Session | undefined> {
  const probe = provider.build(values, common)
  try {
    if (!(await common.store.has(await probe.storeKey()))) {
      probe.dispose()
      return undefined
    }
    await probe.ensureValid()
    return probe
  } catch (error) {
    probe.dispose()
    if (isRejection(error) || error instanceof OtpRequiredError || error instanceof ConfigError) {
      ctx.out.info(`The stored ${provider.title} session can't be renewed (${(error as AuthError).code}); logging in again.`)
      return undefined
    }
    throw error
  }
}

async function loginWithStaticKey(
  ctx: Context,
  provider: ProviderSpec,
  values: ProviderValues,
  stores: Stores,
  common: { baseURL: string | undefined; allowInsecureHttp: boolean },
): Promise<number> {
  const save = booleanFlag(ctx, 'save-key')
  // The engine persists what it "acquires" — for a static key that is the key itself, so only into the file store on opt-in.
  const auth = provider.build(values, { ...common, store: save ? stores.store : new MemoryTokenStore() }) as AionMarketAuth
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
    await record(ctx, provider, values, stores, auth, common.baseURL)
    ctx.out.print(`${provider.title} API key (${label}) is valid — ${agent}. Saved (encrypted) in ${stores.store.dir}.`)
    return 0
  } finally {
    auth.dispose()
  }
}

/** Records the session in the index and, with `--save-key`, the raw keys in the encrypted store. */
async function record(ctx: Context, provider: ProviderSpec, values: ProviderValues, stores: Stores, auth: Session, baseURL: string | undefined): Promise<void> {
  const storeKey = await auth.storeKey()
  const previous = (await stores.index.list()).find((e) => e.provider === provider.name && e.storeKey === storeKey)
  const save = booleanFlag(ctx, 'save-key')
  if (save) {
    const keys: ProviderValues = {}
    for (const key of provider.savableKeys) if (values[key]) keys[key] = values[key]
    await stores.store.delete(credentialsKeyOf(storeKey))
    await stores.store.set(credentialsKeyOf(storeKey), { accessToken: JSON.stringify(keys), meta: { kind: 'authmux-cli/credentials', issuedAt: ctx.io.now() } })
  }
  const entry: IndexEntry = {
    provider: provider.name,
    label: await provider.label(values),
    storeKey,
    keySaved: save || previous?.keySaved === true,
    updatedAt: ctx.io.now(),
  }
  if (baseURL) entry.baseURL = baseURL
  await stores.index.upsert(entry)
}

function describeToken(auth: Session, ctx: Context): string {
  const expiresAt = auth.expiresAt
  return expiresAt === undefined ? 'the token has no expiry' : `token expires in ${formatExpiry(expiresAt, ctx.io.now())}`
}
