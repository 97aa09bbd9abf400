import { GLOBAL_HELP, type Command } from '../context'
import { credentialsKeyOf } from '../index-file'
import { buildRecorded } from '../recorded'
import { entriesOf, openStores, pickEntry, providerArg, savedKeys } from '../store'

const HELP = `Usage: authmux logout <provider> [--account <label>]

Calls the provider's logout where it has one (ProjectX /Auth/logout), then deletes the stored tokens, any key saved
with --save-key, and the session's line in \`authmux status\`. If the provider's logout call fails, the local copy is
deleted anyway and a warning says so. With no stored session for the provider there is nothing to do: it says so
and exits 0; an --account that matches none of several stored sessions is exit 3.

Options:
  --account <label>       Which session, when several are stored for the provider (the ACCOUNT column of status)

${GLOBAL_HELP}

Examples:
  authmux logout projectx
  authmux logout axiom --account me@example.com
  authmux logout tradeready --store-dir ./.authmux`

export const logout: Command = {
  name: 'logout',
  summary: 'Log out (provider logout where it exists) and delete the stored session',
  help: HELP,
  options: { account: { type: 'string' } },
  positional: 'provider',
  async run(ctx) {
    const provider = providerArg(ctx)
    const stores = openStores(ctx)
    if ((await entriesOf(stores.index, provider)).length === 0) {
      ctx.out.info(`Not logged in to ${provider.title}: no stored session in ${stores.store.dir} — nothing to do.`)
      return 0
    }
    const entry = (await pickEntry(ctx, stores.index, provider, { required: true }))!
    const { tokens: stored } = await stores.read(entry.storeKey)
    if (stored) {
      ctx.out.secret(stored.accessToken)
      ctx.out.secret(stored.refreshToken)
      const auth = buildRecorded(ctx, provider, entry, await savedKeys(ctx, stores, entry), stores)
      ctx.target = { title: provider.title, baseURL: auth.baseURL }
      let failure: Error | undefined
      auth.on('error', (event) => {
        if (event.during === 'logout') failure = event.error
      })
      try {
        await auth.setTokens(stored)
        await auth.logout()
      } finally {
        auth.dispose()
      }
      if (failure) ctx.out.info(`warning: the ${provider.title} logout call failed (${failure.message}); the local session is deleted anyway.`)
    }
    await stores.store.delete(entry.storeKey)
    await stores.store.delete(credentialsKeyOf(entry.storeKey))
    await stores.index.remove(entry.provider, entry.storeKey)
    ctx.out.print(`Logged out of ${provider.title} (${entry.label}); the stored session is deleted.`)
    return 0
  },
}
