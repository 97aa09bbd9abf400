import { ConfigError, ProviderError, ResponseShapeError, type Session } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'

/** A ProjectX trading account, as `POST /Account/search` lists it. */
export interface ProjectXAccount {
  /** The `accountId` that order, position and trade calls take. */
  id: number
  /** Its name on the platform (e.g. `PRAC-V2-12345`). */
  name: string
  /** Balance in the account's currency, when listed. */
  balance?: number
  /** Whether the account may trade now, when listed. */
  canTrade?: boolean
  /** Whether it is a practice (simulated) account, when listed. */
  simulated?: boolean
}

interface AccountSearchBody {
  accounts?: unknown
  success?: boolean
  errorCode?: number | null
  errorMessage?: string | null
}

/**
 * The account to trade on, as the ProjectX SDKs pick it: the active account named `accountName` (case-insensitive),
 * else the first active one. One `POST /Account/search { onlyActiveAccounts: true }` through the strategy.
 */
export async function findProjectXAccount(strategy: Session, accountName: string | undefined): Promise<ProjectXAccount> {
  const body = await strategy.fetch<AccountSearchBody>('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
  // These errors reach the caller without passing the engine's redaction, so they quote neither the provider's
  // message (it may echo what was sent) nor the configured name; only account names, which the fix needs.
  if (body?.success === false) {
    const code = typeof body.errorCode === 'number' ? body.errorCode : undefined
    throw new ProviderError(
      `${PACKAGE_NAME}: ProjectX /Account/search answered success: false${code === undefined ? '' : ` (errorCode ${code})`} — the accounts could not be listed; check that the API key may read accounts, then call account() again.`,
      { provider: 'projectx', status: 200, providerCode: code },
    )
  }
  const listed = body?.accounts
  if (!Array.isArray(listed)) {
    throw new ResponseShapeError(
      `${PACKAGE_NAME}: ProjectX /Account/search answered without an "accounts" list — check baseURL (PROJECTX_API_URL), or the provider changed its response.`,
      { provider: 'projectx', field: 'accounts' },
    )
  }
  const accounts = listed.filter((a): a is ProjectXAccount => typeof a?.id === 'number' && Number.isFinite(a.id) && typeof a.name === 'string')
  const wanted = accountName?.toLowerCase()
  const account = accounts.find((a) => wanted === undefined || a.name.toLowerCase() === wanted)
  if (account) return account
  const active = accounts.map((a) => a.name).join(', ') || 'none'
  throw new ConfigError(
    accountName === undefined
      ? `${PACKAGE_NAME}: this ProjectX user has no active account — activate one on the ProjectX platform, or check username (PROJECT_X_USERNAME).`
      : `${PACKAGE_NAME}: accountName names no active ProjectX account (active: ${active}) — set accountName (PROJECT_X_ACCOUNT_NAME) to one of them, or leave it unset to use the first.`,
    { provider: 'projectx', field: 'accountName' },
  )
}
