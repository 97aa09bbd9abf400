import { ConfigError, ProviderError, type Session } from '@authmux/core'
import { PACKAGE_NAME } from '../../options'

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
  const listed = body?.accounts
  if (body?.success === false || !Array.isArray(listed)) {
    throw new ProviderError(`${PACKAGE_NAME}: ProjectX /Account/search failed: ${body?.errorMessage ?? 'no accounts list'}.`, {
      provider: 'projectx',
      providerCode: body?.errorCode ?? undefined,
    })
  }
  const accounts = listed.filter((a): a is ProjectXAccount => typeof a?.id === 'number' && typeof a.name === 'string')
  const wanted = accountName?.toLowerCase()
  const account = accounts.find((a) => wanted === undefined || a.name.toLowerCase() === wanted)
  if (account) return account
  throw new ConfigError(
    `${PACKAGE_NAME}: no active ProjectX account "${accountName ?? ''}" (active: ${accounts.map((a) => a.name).join(', ') || 'none'}); fix accountName.`,
    { provider: 'projectx', field: 'accountName' },
  )
}
