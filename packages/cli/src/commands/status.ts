import { booleanFlag, GLOBAL_HELP, type Command } from '../context'
import { UsageError } from '../errors'
import { formatExpiry, formatTable } from '../format'
import { isProviderName } from '../providers'
import { storedState } from '../session-state'
import { openStores } from '../store'

const HELP = `Usage: authmux status [provider] [--json]

Lists the stored sessions: provider, account, state and time to expiry. Never prints a token or a key.
States: valid, expiring (within 2 minutes), refreshable (expired, a refresh token is kept), expired, missing (the
store no longer holds readable tokens — e.g. another store key). No network call is made.

Options:
  --json                  One JSON object per session instead of the table

${GLOBAL_HELP}

Examples:
  authmux status
  authmux status axiom
  authmux status --json --store-dir ./.authmux`

export const status: Command = {
  name: 'status',
  summary: 'Show the stored sessions (never a secret)',
  help: HELP,
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const filter = ctx.positionals[0]
    if (filter !== undefined && !isProviderName(filter)) throw new UsageError(`unknown provider "${filter}".`, { command: 'status' })
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}".`, { command: 'status' })
    const { store, index } = openStores(ctx)
    const entries = (await index.list()).filter((e) => filter === undefined || e.provider === filter)
    const now = ctx.io.now()
    const rows = []
    for (const entry of entries) {
      const tokens = await store.get(entry.storeKey)
      rows.push({
        provider: entry.provider,
        account: entry.label,
        state: storedState(tokens, now),
        expiresAt: tokens?.expiresAt ?? null,
        expiresIn: tokens ? formatExpiry(tokens.expiresAt, now) : '-',
        keySaved: entry.keySaved,
        baseURL: entry.baseURL ?? 'default',
      })
    }
    if (booleanFlag(ctx, 'json')) {
      for (const row of rows) ctx.out.print(JSON.stringify(row))
      return 0
    }
    if (rows.length === 0) {
      ctx.out.print(`No stored sessions in ${store.dir}. Log in with: authmux login <provider>`)
      return 0
    }
    ctx.out.print(
      formatTable(
        ['PROVIDER', 'ACCOUNT', 'STATE', 'EXPIRES IN', 'KEY SAVED', 'BASE URL'],
        rows.map((r) => [r.provider, r.account, r.state, r.expiresIn, r.keySaved ? 'yes' : 'no', r.baseURL]),
      ),
    )
    return 0
  },
}
