import type { Session } from '@authmux/core'
import { booleanFlag, GLOBAL_HELP, type Command, type Context, type OptionSpecs } from '../context'
import { UsageError } from '../errors'
import { fieldFlags } from '../fields'
import type { IndexEntry } from '../index-file'
import { openOtpSource, OTP_SOURCES, otpSourceOptions, type OtpReader } from '../otp-sources'
import { ALL_FIELDS, type ProviderSpec, type ProviderValues } from '../providers'
import { buildRecorded } from '../recorded'
import { allowInsecureHttp, baseUrlFor, openStores, pickEntry, providerArg, savedKeys, type Stores } from '../store'
import { givenValue, resolveValue, type ValueSources } from '../values'
import { describeToken, record, tryReuse } from './login-session'
import { loginWithStaticKey } from './login-static-key'

const help = () => `Usage: authmux login <provider> [options]

Logs in and saves the session (tokens, encrypted) in the store, under the same key the provider's preset uses — a
bot using the same store directory and store key starts without logging in. Prompts on a terminal (hidden input for
secrets); without one, every value comes from a flag, stdin or an environment variable, and a missing value is an
error naming the flag. A second login reuses the stored session while it is valid or renewable — with one session
stored for the provider, no key is needed for that (--force logs in afresh).

Providers and what they need:
  axiom        --email (AXIOM_EMAIL), password via --password-stdin (AXIOM_PASSWORD),
               the emailed code via --otp <code> or --otp-stdin (read only after the code was sent),
               or read from the mailbox unattended with --otp-imap-* (below)
  aionmarket   API key via --api-key-stdin (AIONMARKET_API_KEY) — checked with GET /agents/me;
               the key is the credential, so it is stored only with --save-key
  tradeready   API key via --api-key-stdin (TRADEREADY_API_KEY), secret via --api-secret-stdin (TRADEREADY_API_SECRET)
  projectx     --username (PROJECT_X_USERNAME), API key via --api-key-stdin (PROJECT_X_API_KEY)
  apala        API key via --api-key-stdin (APALA_API_KEY); --base-url or APALA_BASE_URL is required

Several -stdin flags read one line each, in the order listed above (e.g. password first, then the code).
Secrets are never taken as flag values (--api-key abc would land in your shell history): use the -stdin flags.

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
  --account <label>       Which stored session to reuse, when several are stored for the provider
  --force                 Log in afresh even when a stored session is still usable
${OTP_SOURCES.map((source) => `\n${source.help.replace(/\n+$/, '')}\n`).join('')}
${GLOBAL_HELP}

Examples:
  authmux login axiom                                   # interactive: email, password, emailed code
  printf '%s\\n' "$AXIOM_PASSWORD" | authmux login axiom --email me@example.com --password-stdin --otp-stdin
  AXIOM_PASSWORD=… authmux login axiom --email me@example.com --otp 123456
  printf '%s\\n%s\\n' "$AXIOM_PASSWORD" "$MAIL_APP_PASSWORD" | authmux login axiom --email me@gmail.com --password-stdin \\
    --otp-imap-host imap.gmail.com --otp-imap-user me@gmail.com --otp-imap-password-stdin   # unattended: code read over IMAP
  printf '%s\\n%s\\n' "$KEY" "$SECRET" | authmux login tradeready --api-key-stdin --api-secret-stdin
  authmux login tradeready                              # again: reuses the stored session, no key needed
  authmux login projectx --username trader1 --api-key-stdin < key.txt
  APALA_API_KEY=… authmux login apala --base-url https://apala.example.com
  authmux login tradeready --base-url http://127.0.0.1:4104/api/v1   # against the testkit emulators`

export const login: Command = {
  name: 'login',
  summary: 'Log in to a provider and save the session in the encrypted store',
  get help() {
    return help()
  },
  get options(): OptionSpecs {
    return { ...fieldFlags(ALL_FIELDS), ...otpSourceOptions(), 'save-key': { type: 'boolean' }, force: { type: 'boolean' }, account: { type: 'string' } }
  },
  positional: 'provider',
  async run(ctx) {
    const provider = providerArg(ctx)
    checkFlagsApply(ctx, provider)
    const stores = openStores(ctx)
    const entry = await pickEntry(ctx, stores.index, provider, { required: false })
    const saved = await savedKeys(ctx, stores, entry)
    const sources: ValueSources = { io: ctx.io, out: ctx.out, stdin: ctx.stdin, flags: ctx.flags, saved, command: 'login' }
    const baseURL = baseUrlFor(ctx, provider, entry)
    const insecure = allowInsecureHttp(ctx)
    const values: ProviderValues = {}
    for (const field of provider.identity) {
      const value = await givenValue(field, sources)
      if (value !== undefined) values[field.key] = value
    }
    const identified = provider.identity.every((field) => values[field.key] !== undefined)

    if (!booleanFlag(ctx, 'force') && !provider.staticKey) {
      // The identity names the session; without the key, the stored session of that account (or the only one) is
      // used as it is, in session-only mode.
      const recorded = identified ? undefined : await storedFor(stores, provider, values, entry)
      const probe = identified
        ? provider.build(values, { baseURL, store: stores.store, allowInsecureHttp: insecure, now: ctx.io.now })
        : recorded && buildRecorded(ctx, provider, recorded, saved, stores)
      if (probe) {
        ctx.target = { title: provider.title, baseURL: probe.baseURL }
        const reused = await tryReuse(ctx, provider, probe, stores)
        if (reused)
          return reportReuse(ctx, provider, values, stores, reused, { entry: recorded, baseURL: recorded ? baseUrlFor(ctx, provider, recorded) : baseURL })
      }
    }

    for (const field of provider.identity) values[field.key] ??= await resolveValue(field, sources)
    if (provider.staticKey) return loginWithStaticKey(ctx, provider, values, stores, { entry, saved }, baseURL, insecure)
    for (const field of provider.login) {
      if (field.key !== 'otp') values[field.key] = await resolveValue(field, sources)
    }
    const reader = provider.name === 'axiom' ? await openOtpSource(ctx) : undefined
    try {
      const auth = provider.build(values, {
        baseURL,
        store: stores.store,
        allowInsecureHttp: insecure,
        now: ctx.io.now,
        ...otpOption(ctx, provider, values, sources, reader),
      })
      ctx.target = { title: provider.title, baseURL: auth.baseURL }
      try {
        // A usage error from the code prompt comes back wrapped by the engine; run() reports it as the usage error.
        await auth.login()
        const recorded = await record(ctx, provider, values, stores, auth, { baseURL, checked: true })
        ctx.out.print(
          `Logged in to ${provider.title} as ${recorded.label} — ${describeToken(auth, ctx)}. Saved in ${stores.store.dir}, store key ${recorded.storeKey}.`,
        )
        return 0
      } finally {
        auth.dispose()
      }
    } finally {
      await reader?.close?.()
    }
  },
}

/** Where the Axiom login gets its one-time code: a registered source (a mailbox), else --otp / --otp-stdin / the terminal. */
function otpOption(ctx: Context, provider: ProviderSpec, values: ProviderValues, sources: ValueSources, reader: OtpReader | undefined) {
  const field = provider.login.find((f) => f.key === 'otp')
  if (!field) return {}
  if (reader) {
    if (ctx.flags.otp !== undefined || ctx.flags['otp-stdin'] !== undefined) {
      throw new UsageError('--otp / --otp-stdin and a one-time-code source were both given — use one.', { command: 'login' })
    }
    const request = { email: values.email ?? '', sentAfter: ctx.io.now() }
    return { otp: async () => reader.code(request) }
  }
  return {
    otp: async () => {
      if (ctx.io.stdin.isTTY) ctx.out.info(`${provider.title} has emailed you a one-time code.`)
      return resolveValue(field, sources)
    },
  }
}

/**
 * The recorded session to reuse when the key was not given: the one whose account matches a given email / user
 * name, else the one `pickEntry` chose (`--account`, or the only one).
 */
async function storedFor(stores: Stores, provider: ProviderSpec, values: ProviderValues, picked: IndexEntry | undefined): Promise<IndexEntry | undefined> {
  const named = provider.identity.filter((field) => !field.secret && values[field.key] !== undefined).map((field) => values[field.key]!.toLowerCase())
  if (named.length === 0) return picked
  const entries = (await stores.index.list()).filter((e) => e.provider === provider.name)
  return entries.find((e) => named.includes(e.label.toLowerCase()))
}

async function reportReuse(
  ctx: Context,
  provider: ProviderSpec,
  values: ProviderValues,
  stores: Stores,
  reused: Session,
  known: { entry: IndexEntry | undefined; baseURL: string | undefined },
): Promise<number> {
  try {
    const label = known.entry?.label
    const entry = await record(ctx, provider, values, stores, reused, { baseURL: known.baseURL, ...(label ? { label } : {}) })
    ctx.out.print(
      `Already logged in to ${provider.title} as ${entry.label} — ${describeToken(reused, ctx)}; reused the stored session (store key ${entry.storeKey}; --force logs in again).`,
    )
    return 0
  } finally {
    reused.dispose()
  }
}

/** A flag for another provider's value is a usage error (catches `login tradeready --email …`). */
function checkFlagsApply(ctx: Context, provider: ProviderSpec): void {
  const own = new Set<string>()
  for (const field of [...provider.identity, ...provider.login]) {
    if (field.flag) own.add(field.flag)
    if (field.stdinFlag) own.add(field.stdinFlag)
  }
  if (provider.name === 'axiom') for (const flag of Object.keys(otpSourceOptions())) own.add(flag)
  const foreign = [...ALL_FIELDS.flatMap((field) => [field.flag, field.stdinFlag]), ...Object.keys(otpSourceOptions())]
  for (const flag of foreign) {
    if (flag && ctx.flags[flag] !== undefined && !own.has(flag)) {
      throw new UsageError(`--${flag} does not apply to ${provider.name}.`, { command: 'login' })
    }
  }
  if (booleanFlag(ctx, 'save-key') && provider.savableKeys.length === 0) {
    throw new UsageError(`--save-key does not apply to ${provider.name}: its password is never stored, only its tokens.`, { command: 'login' })
  }
}
