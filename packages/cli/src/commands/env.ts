import { booleanFlag, GLOBAL_HELP, type Command } from '../context'
import { shellQuote } from '../format'
import { storedState } from '../session-state'
import { openStores, pickEntry, providerArg, savedKeys } from '../store'

const HELP = `Usage: authmux env <provider> [--reveal] [--account <label>]

Prints the environment variables a bot or a shell script can use for a stored session. Without --reveal only the
variable names are printed (and a warning): the values include secrets. With --reveal, \`export NAME='value'\` lines
on stdout, ready for eval — keep them out of logs and shell history.

Variables: AUTHMUX_STORE_DIR; the base URL and account (AXIOM_EMAIL, PROJECT_X_USERNAME) when known; the tokens
(AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN — read by the Axiom preset; TRADEREADY_ACCESS_TOKEN, PROJECTX_ACCESS_TOKEN,
APALA_ACCESS_TOKEN / APALA_REFRESH_TOKEN for scripts); and the provider's key variables (TRADEREADY_API_KEY …) only
when the keys were saved with \`authmux login --save-key\`.

Options:
  --reveal                Print export lines with the values (secrets!)
  --account <label>       Which session, when several are stored for the provider

${GLOBAL_HELP}

Examples:
  authmux env axiom                     # names only
  eval "$(authmux env axiom --reveal)"  # export the tokens into this shell`

export const env: Command = {
  name: 'env',
  summary: 'Print export lines for a stored session (values only with --reveal)',
  help: HELP,
  options: { reveal: { type: 'boolean' }, account: { type: 'string' } },
  async run(ctx) {
    const provider = providerArg(ctx)
    const stores = openStores(ctx)
    const entry = (await pickEntry(ctx, stores.index, provider, { required: true }))!
    const tokens = await stores.store.get(entry.storeKey)
    const saved = await savedKeys(ctx, stores.store, entry)
    ctx.out.secret(tokens?.accessToken)
    ctx.out.secret(tokens?.refreshToken)

    const vars: { name: string; value: string }[] = [{ name: 'AUTHMUX_STORE_DIR', value: stores.store.dir }]
    const names = provider.env
    if (names.baseURL && entry.baseURL) vars.push({ name: names.baseURL, value: entry.baseURL })
    if (names.account) vars.push({ name: names.account.name, value: entry.label })
    for (const [key, name] of Object.entries(names.keys)) {
      const value = saved[key as keyof typeof saved]
      if (name && value) vars.push({ name, value })
    }
    if (names.accessToken && tokens) vars.push({ name: names.accessToken, value: tokens.accessToken })
    if (names.refreshToken && tokens?.refreshToken) vars.push({ name: names.refreshToken, value: tokens.refreshToken })

    const state = storedState(tokens, ctx.io.now())
    if (state === 'missing')
      ctx.out.info(`warning: the store holds no readable tokens for this ${provider.title} session — run authmux login ${provider.name}.`)
    else if (state === 'expired' || state === 'refreshable')
      ctx.out.info(`warning: the stored ${provider.title} access token has expired — run authmux login ${provider.name} to renew it.`)
    if (!entry.keySaved && Object.keys(names.keys).length > 0) {
      ctx.out.info(`note: no ${provider.title} key is saved, so no key variable is printed (authmux login ${provider.name} --save-key keeps it).`)
    }

    if (!booleanFlag(ctx, 'reveal')) {
      ctx.out.info(`Values hidden: they include secrets. Run \`authmux env ${provider.name} --reveal\` to print export lines.`)
      for (const v of vars) ctx.out.print(v.name)
      return 0
    }
    for (const v of vars) ctx.out.reveal(`export ${v.name}=${shellQuote(v.value)}`)
    return 0
  },
}
