import { AuthError, ProviderError, type AuthStrategy } from '@authmux/core'
import { providerMessage, unwrapEnvelope } from './envelope'

const packageName = '@authmux/bearer'
const provider = 'aionmarket'

/**
 * Calls a management endpoint through the strategy's authenticated fetch and returns the unwrapped payload.
 * Non-2xx answers the engine did not already type become `ProviderError`s carrying the provider's message and code.
 */
export async function callAionMarket(
  fetch: AuthStrategy['fetch'],
  path: string,
  init: { method: 'GET' | 'POST'; body?: Record<string, unknown> },
): Promise<unknown> {
  let body: unknown
  try {
    body = await fetch(path, init)
  } catch (error) {
    if (error instanceof AuthError) throw error
    const status = (error as { response?: Response })?.response?.status
    if (status === undefined) throw error
    const data = (error as { data?: unknown }).data
    const detail = providerMessage(data)
    const code = data && typeof data === 'object' ? (data as { code?: unknown }).code : undefined
    throw new ProviderError(`${packageName}: AionMarket answered HTTP ${status} to ${init.method} ${path}${detail ? `: ${detail}` : ''}.`, {
      provider,
      status,
      ...(typeof code === 'string' || typeof code === 'number' ? { providerCode: code } : {}),
    })
  }
  return unwrapEnvelope(body)
}
