import { decodeJwtExpiry } from '@authmux/core'
import { UsageError } from '../errors'
import { GLOBAL_HELP, type Command } from '../context'
import type { FieldSpec } from '../fields'
import { formatExpiry } from '../format'
import { PROVIDERS } from '../providers'
import { allowInsecureHttp, baseUrlFor, openStores, pickEntry, providerArg } from '../store'
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

const HELP = `Usage: authmux import axiom --email <email> [token options]

Saves tokens copied from a logged-in browser session (the auth-access-token and auth-refresh-token cookies of
axiom.trade) into the store, under the same key as \`authmux login axiom\` — useful when the password login is blocked
(Cloudflare Turnstile). An access token that has already expired is refreshed right away.

Options:
  --email <email>             The account's email (names the stored session; AXIOM_EMAIL)
  --access-token <jwt>        The auth-access-token cookie (AXIOM_ACCESS_TOKEN)
  --refresh-token <jwt>       The auth-refresh-token cookie (AXIOM_REFRESH_TOKEN)
  --access-token-stdin        Read the access token from stdin (one line)
  --refresh-token-stdin       Read the refresh token from stdin (the next line)
  Values given as flags can end up in your shell history; prefer stdin or the prompt.

${GLOBAL_HELP}

Examples:
  authmux import axiom --email me@example.com          # prompts for both tokens (hidden)
  printf '%s\\n%s\\n' "$ACCESS" "$REFRESH" | authmux import axiom --email me@example.com --access-token-stdin --refresh-token-stdin
  authmux import axiom --email me@example.com --access-token "$ACCESS" --refresh-token "$REFRESH"`

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
  },
  async run(ctx) {
    const provider = providerArg(ctx)
    if (provider.name !== 'axiom')
      throw new UsageError(`import supports axiom only — the other providers log in with keys: authmux login ${provider.name}.`, { command: 'import' })
    const stores = openStores(ctx)
    const sources: ValueSources = { io: ctx.io, out: ctx.out, stdin: ctx.stdin, flags: ctx.flags, command: 'import' }
    const values = { email: await resolveValue(PROVIDERS.axiom.identity[0]!, sources) }
    const accessToken = await resolveValue(ACCESS, sources)
    const refreshToken = await optionalValue(REFRESH, sources)
    if (decodeJwtExpiry(accessToken) === undefined) {
      throw new UsageError('the access token is not an Axiom access token (a JWT with an expiry) — copy the value of the auth-access-token cookie.', {
        command: 'import',
      })
    }
    const known = await pickEntry({ ...ctx, flags: { ...ctx.flags, account: values.email } }, stores.index, provider, { required: false })
    const baseURL = baseUrlFor(ctx, provider, known)
    const auth = provider.build(values, { baseURL, store: stores.store, allowInsecureHttp: allowInsecureHttp(ctx) })
    try {
      const storeKey = await auth.storeKey()
      // The file store keeps the newer of two sets; an import replaces whatever was there.
      await stores.store.delete(storeKey)
      await auth.setTokens({ accessToken, ...(refreshToken ? { refreshToken } : {}) })
      await auth.ensureValid()
      const entry = { provider: provider.name, label: values.email, storeKey, keySaved: false, updatedAt: ctx.io.now(), ...(baseURL ? { baseURL } : {}) }
      await stores.index.upsert(entry)
      const expiry = auth.expiresAt === undefined ? 'no known expiry' : `token expires in ${formatExpiry(auth.expiresAt, ctx.io.now())}`
      ctx.out.print(`Imported ${provider.title} tokens for ${values.email} — ${expiry}. Saved in ${stores.store.dir}.`)
      return 0
    } finally {
      auth.dispose()
    }
  },
}

/** The refresh token is optional: skipped when no flag, stdin flag or variable gives it and there is no terminal. */
async function optionalValue(field: FieldSpec, sources: ValueSources): Promise<string | undefined> {
  const given =
    (field.flag && sources.flags[field.flag] !== undefined) || (field.stdinFlag && sources.flags[field.stdinFlag]) || sources.io.env[field.env ?? '']
  if (!given && !isInteractive(sources.io)) return undefined
  return resolveValue(field, sources)
}
