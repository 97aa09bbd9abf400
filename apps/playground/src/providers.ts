/** The five providers the bot talks to, in display order. */
export const PROVIDER_NAMES = ['axiom', 'aionmarket', 'projectx', 'tradeready', 'apala'] as const

export type ProviderName = (typeof PROVIDER_NAMES)[number]

/**
 * Providers whose credential is a static key: taking it into use sends nothing, so it is "set", not "logged in",
 * until a first request with it succeeds (a bogus key is never reported as a login).
 */
export const STATIC_KEY_PROVIDERS: readonly ProviderName[] = ['aionmarket']

/** One protected call the bot makes to a provider: its "work". Read-only on every real service. */
export interface ProbeRequest {
  method: 'GET' | 'POST'
  /** Path appended to the provider's base URL (for Apala: to its origin). */
  path: string
  body?: Record<string, unknown>
}

/** What the bot calls on each provider, through the composed fetch. */
export const PROBES: Record<ProviderName, ProbeRequest> = {
  // Axiom: the account behind the cookie session.
  axiom: { method: 'GET', path: '/user/info' },
  // AionMarket: the agent behind the API key.
  aionmarket: { method: 'GET', path: '/agents/me' },
  // ProjectX: the trading accounts (read-only search).
  projectx: { method: 'POST', path: '/Account/search', body: { onlyActiveAccounts: true } },
  // TradeReady: the account's agents — a JWT route (X-API-Key routes would not exercise the token).
  tradeready: { method: 'GET', path: '/agents' },
  // Apala: one message optimisation.
  apala: { method: 'POST', path: '/api/message_optimizer', body: { message: 'Your payment is due on Friday.', channel: 'SMS' } },
}

/** Absolute URL of a provider's probe under `baseURL`. */
export function probeURL(baseURL: string, probe: ProbeRequest): string {
  return `${baseURL.replace(/\/+$/, '')}${probe.path}`
}
