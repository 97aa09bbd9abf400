import { booleanFlag, GLOBAL_HELP, type Command } from '../context'
import { UsageError } from '../errors'
import { formatExpiry, formatTable } from '../format'
import { storedState, type StoredState } from '../session-state'
import { checkProviderName, openStores } from '../store'

const HELP = `Usage: authmux status [provider] [--json]

Lists the stored sessions: provider, account, state, time to expiry and the store key a bot passes as
{ storeKey } to use the session without its key (session-only mode). Never prints a token or a key; no network call.

States: valid, expiring (within 2 minutes), refreshable (expired, a refresh token is kept), expired,
missing (no token file under that store key), corrupt (the file is damaged or was tampered with), unreadable (the
store key — AUTHMUX_STORE_KEY or the key file — is not the one that wrote it). "unchecked": imported tokens not yet
used with the provider (the CLI can't verify a token's signature; \`authmux import axiom --check\` can).

Options:
  --json                  One JSON array of sessions (an empty store prints [])

${GLOBAL_HELP}

Examples:
  authmux status
  authmux status axiom
  authmux status --json --store-dir ./.authmux | jq '.[].storeKey'`

/** One session as `status --json` prints it. */
interface StatusRow {
  provider: string
  account: string
  state: StoredState
  /** False for imported tokens the provider has not seen yet. */
  checked: boolean
  expiresAt: number | null
  expiresIn: string
  storeKey: string
  keySaved: boolean
  baseURL: string
}

export const status: Command = {
  name: 'status',
  summary: 'Show the stored sessions and their store keys (never a secret)',
  help: HELP,
  options: { json: { type: 'boolean' } },
  positional: 'provider',
  async run(ctx) {
    const filter = ctx.positionals[0] === undefined ? undefined : checkProviderName(ctx, ctx.positionals[0])
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}".`, { command: 'status' })
    const stores = openStores(ctx)
    const entries = (await stores.index.list()).filter((e) => filter === undefined || e.provider === filter)
    const now = ctx.io.now()
    const rows: StatusRow[] = []
    for (const entry of entries) {
      const { tokens, failure } = await stores.read(entry.storeKey)
      rows.push({
        provider: entry.provider,
        account: entry.label,
        state: storedState(tokens, now, failure),
        checked: entry.checked !== false,
        expiresAt: tokens?.expiresAt ?? null,
        expiresIn: tokens ? formatExpiry(tokens.expiresAt, now) : '-',
        storeKey: entry.storeKey,
        keySaved: entry.keySaved,
        baseURL: entry.baseURL ?? 'default',
      })
    }
    if (booleanFlag(ctx, 'json')) {
      ctx.out.print(JSON.stringify(rows, null, 2))
      return 0
    }
    if (rows.length === 0) {
      const what = filter ? `${filter} sessions` : 'sessions'
      ctx.out.print(`No stored ${what} in ${stores.store.dir}. Log in with: authmux login ${filter ?? '<provider>'}`)
      return 0
    }
    ctx.out.print(
      formatTable(
        ['PROVIDER', 'ACCOUNT', 'STATE', 'EXPIRES IN', 'STORE KEY', 'KEY SAVED', 'BASE URL'],
        rows.map((r) => [r.provider, r.account, r.checked ? r.state : `${r.state} (unchecked)`, r.expiresIn, r.storeKey, r.keySaved ? 'yes' : 'no', r.baseURL]),
      ),
    )
    return 0
  },
}
