import { booleanFlag, GLOBAL_HELP, type Command } from '../context'
import { UnreadableSessionError } from '../errors'
import { shellQuote } from '../format'
import { isUnusable, storedState, type StoredState } from '../session-state'
import { openStores, pickEntry, providerArg, savedKeys } from '../store'

const HELP = `Usage: authmux env <provider> [--reveal] [--account <label>]

Prints the environment variables a bot reads for a stored session — only variables the provider's preset reads
itself. Without --reveal only the names are printed (and a warning): the values include secrets. With --reveal,
\`export NAME='value'\` lines on stdout, ready for eval — keep them out of logs and shell history.

Variables: AUTHMUX_STORE_DIR; the base URL (AIONMARKET_BASE_URL, TRADEREADY_API_URL, PROJECTX_API_URL,
APALA_BASE_URL) and account (AXIOM_EMAIL, PROJECT_X_USERNAME) when known; Axiom's tokens (AXIOM_ACCESS_TOKEN,
AXIOM_REFRESH_TOKEN); and the provider's key variables (TRADEREADY_API_KEY …) only when the keys were saved with
\`authmux login --save-key\`. The other providers' tokens stay in the store: a bot finds them under the store key
that \`authmux status\` shows (session-only mode: { storeKey, store }).

Fails (nothing on stdout) when there is no stored session (exit 3) or it cannot be read — a wrong store key
(AUTHMUX_STORE_KEY, the key file) or a damaged file (exit 4) — so \`eval "$(authmux env … --reveal)"\` never goes
on without the values.

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
  positional: 'provider',
  async run(ctx) {
    const provider = providerArg(ctx)
    const stores = openStores(ctx)
    const entry = (await pickEntry(ctx, stores.index, provider, { required: true }))!
    const { tokens, failure } = await stores.read(entry.storeKey)
    const state = storedState(tokens, ctx.io.now(), failure)
    if (isUnusable(state)) {
      throw new UnreadableSessionError(`the stored ${provider.title} session (${entry.label}) is ${explain(state, provider.name)}. Nothing printed.`)
    }
    ctx.out.secret(tokens?.accessToken)
    ctx.out.secret(tokens?.refreshToken)
    const saved = await savedKeys(ctx, stores, entry)
    if (entry.keySaved && Object.keys(saved).length === 0) {
      throw new UnreadableSessionError(
        `the ${provider.title} key saved with --save-key (${entry.label}) can't be read — the store key or the file changed; run authmux login ${provider.name} --save-key again. Nothing printed.`,
      )
    }

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

    if (state === 'expired' || state === 'refreshable')
      ctx.out.info(`warning: the stored ${provider.title} access token has expired — run authmux login ${provider.name} to renew it.`)
    if (!entry.keySaved && Object.keys(names.keys).length > 0) {
      ctx.out.info(
        `note: no ${provider.title} key is saved, so no key variable is printed; a bot uses the stored session with { storeKey: '${entry.storeKey}' } (or run authmux login ${provider.name} --save-key).`,
      )
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

/** Why an unusable session can't be printed, and the fix. */
function explain(state: StoredState, provider: string): string {
  if (state === 'unreadable') return 'unreadable: the store key (AUTHMUX_STORE_KEY or the key file) is not the one that wrote it — use the original key'
  if (state === 'corrupt') return `corrupt (damaged or tampered with) — run authmux login ${provider} again`
  return `missing from the store (no token file under its store key) — run authmux login ${provider} again`
}
