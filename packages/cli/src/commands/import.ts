import { decodeJwtExpiry } from '@authmux/core'
import { booleanFlag, GLOBAL_HELP, type Command, type Context } from '../context'
import { UsageError } from '../errors'
import type { FieldSpec } from '../fields'
import { formatExpiry } from '../format'
import { type ProviderSpec, PROVIDERS } from '../providers'
import { allowInsecureHttp, baseUrlFor, openStores, pickEntry, providerArg, type Stores } from '../store'
import { resolveValue, isInteractive, type ValueSources } from '../values'

const ACCESS: FieldSpec = {
  key: 'accessToken',
  label: 'Axiom auth-access-token',
  secret: true,
  flag: 'access-token',
  stdinFlag: 'access-token-stdin',
  env: 'AXIOM_ACCESS_TOKEN',
}
const REFRESH: FieldSpec = {
  key: 'refreshToken',
  label: 'Axiom auth-refresh-token',
  secret: true,
  flag: 'refresh-token',
  stdinFlag: 'refresh-token-stdin',
  env: 'AXIOM_REFRESH_TOKEN',
}

const HELP = `Usage: authmux import axiom --email <email> [token options] [--check]

Saves tokens copied from a logged-in browser session (the auth-access-token and auth-refresh-token cookies of
axiom.trade) into the store, under the same key as \`authmux login axiom\` — useful when the password login is blocked
(Cloudflare Turnstile). An access token that has already expired is refreshed right away.

The CLI can read a token's claimed expiry but not verify its signature: until Axiom has accepted the tokens they are
"not yet checked" (\`authmux status\` shows "unchecked"). --check makes one request with them (GET /user/info) and
saves nothing if Axiom refuses them.

Options:
  --email <email>             The account's email (names the stored session; AXIOM_EMAIL)
  --access-token <jwt>        The auth-access-token cookie (AXIOM_ACCESS_TOKEN)
  --refresh-token <jwt>       The auth-refresh-token cookie (AXIOM_REFRESH_TOKEN)
  --access-token-stdin        Read the access token from stdin (one line)
  --refresh-token-stdin       Read the refresh token from stdin (the next line)
  --check                     Check the tokens with Axiom now (one request); exit 1 and save nothing if refused
  Values given as flags can end up in your shell history; prefer stdin or the prompt.

${GLOBAL_HELP}

Examples:
  authmux import axiom --email me@example.com --check  # prompts for both tokens (hidden), then checks them
  printf '%s\\n%s\\n' "$ACCESS" "$REFRESH" | authmux import axiom --email me@example.com --access-token-stdin --refresh-token-stdin
  authmux import axiom --email me@example.com --access-token "$ACCESS" --refresh-token "$REFRESH"`

/** Longer than any Axiom access token lives (about 16 minutes): a claimed expiry beyond this is suspicious. */
const PLAUSIBLE_EXPIRY_MS = 7 * 24 * 3_600_000

export const importCommand: Command = {
  name: 'import',
  summary: 'Import Axiom tokens copied from a browser session',
  help: HELP,
  options: {
    email: { type: 'string' },
    'access-token': { type: 'string' },
    'refresh-token': { type: 'string' },
    'access-token-stdin': { type: 'boolean' },
    'refresh-token-stdin': { type: 'boolean' },
    check: { type: 'boolean' },
  },
  positional: 'provider',
  async run(ctx) {
    const provider = providerArg(ctx)
    if (provider.name !== 'axiom')
      throw new UsageError(`import supports axiom only — the other providers log in with keys: authmux login ${provider.name}.`, { command: 'import' })
    const stores = openStores(ctx)
    const sources: ValueSources = { io: ctx.io, out: ctx.out, stdin: ctx.stdin, flags: ctx.flags, command: 'import' }
    const values = { email: await resolveValue(PROVIDERS.axiom.identity[0]!, sources) }
    const accessToken = await resolveValue(ACCESS, sources)
    const refreshToken = await optionalValue(REFRESH, sources)
    const claimedExpiry = decodeJwtExpiry(accessToken)
    if (claimedExpiry === undefined) {
      throw new UsageError('the access token is not an Axiom access token (a JWT with an expiry) — copy the value of the auth-access-token cookie.', {
        command: 'import',
      })
    }
    const known = await pickEntry({ ...ctx, flags: { ...ctx.flags, account: values.email } }, stores.index, provider, { required: false })
    const baseURL = baseUrlFor(ctx, provider, known)
    const auth = provider.build(values, { baseURL, store: stores.store, allowInsecureHttp: allowInsecureHttp(ctx), now: ctx.io.now })
    ctx.target = { title: provider.title, baseURL: auth.baseURL }
    let refreshed = false
    auth.on('refresh', () => {
      refreshed = true
    })
    const storeKey = await auth.storeKey()
    try {
      // The file store keeps the newer of two sets; an import replaces whatever was there.
      await stores.store.delete(storeKey)
      await auth.setTokens({ accessToken, ...(refreshToken ? { refreshToken } : {}) })
      const check = booleanFlag(ctx, 'check')
      await undoUnlessAccepted(ctx, provider, stores, storeKey, async () => {
        await auth.ensureValid()
        if (check) await provider.check?.(auth)
      })
      const checked = check || refreshed
      await stores.index.upsert({
        provider: provider.name,
        label: values.email,
        storeKey,
        keySaved: false,
        updatedAt: ctx.io.now(),
        ...(checked ? {} : { checked: false }),
        ...(baseURL ? { baseURL } : {}),
      })
      const expiresAt = checked ? auth.expiresAt : claimedExpiry
      const expiry =
        expiresAt === undefined
          ? 'no known expiry'
          : `token ${checked ? '' : 'claims to '}expire${checked ? 's' : ''} in ${formatExpiry(expiresAt, ctx.io.now())}`
      const how = check ? 'checked with Axiom' : refreshed ? 'the expired access token was refreshed by Axiom' : 'not yet checked with Axiom'
      ctx.out.print(`Imported ${provider.title} tokens for ${values.email} — ${how}; ${expiry}. Saved in ${stores.store.dir}, store key ${storeKey}.`)
      if (!checked) {
        if (claimedExpiry - ctx.io.now() > PLAUSIBLE_EXPIRY_MS) {
          ctx.out.info(
            `warning: the access token claims to expire in ${formatExpiry(claimedExpiry, ctx.io.now())}; Axiom's access tokens last about 16 minutes — is it really the auth-access-token cookie?`,
          )
        }
        ctx.out.info("note: the CLI cannot verify a token's signature; the first request checks it, or run the import again with --check.")
      }
      return 0
    } finally {
      auth.dispose()
    }
  },
}

/** Runs `use` (refresh, check) on the imported tokens; if Axiom refuses them, they are deleted again and the error rethrown. */
async function undoUnlessAccepted(ctx: Context, provider: ProviderSpec, stores: Stores, storeKey: string, use: () => Promise<void>): Promise<void> {
  try {
    await use()
  } catch (error) {
    await stores.store.delete(storeKey)
    ctx.out.info(`${provider.title} did not accept the imported tokens; nothing was saved.`)
    throw error
  }
}

/** The refresh token is optional: skipped when no flag, stdin flag or variable gives it and there is no terminal. */
async function optionalValue(field: FieldSpec, sources: ValueSources): Promise<string | undefined> {
  const given =
    (field.flag && sources.flags[field.flag] !== undefined) || (field.stdinFlag && sources.flags[field.stdinFlag]) || sources.io.env[field.env ?? '']
  if (!given && !isInteractive(sources.io)) return undefined
  return resolveValue(field, sources)
}
