import type { FlowContext, FlowResponse } from '@authmux/core'
import type { LoginConfig } from './login'

/** The request fields every auth step config shares (login, one-time code, refresh, logout). */
interface StepLike {
  url: string
  method?: string
  headers?: Record<string, string>
  retry?: boolean
}

/**
 * Sends one auth step through the engine: the config's `authHeaders` and `extraCookies`, then the step's own headers,
 * then `headers`/`cookies` given here (later ones win). Method and retry default in the engine (POST, retried).
 */
export function sendStep(
  ctx: FlowContext,
  config: LoginConfig,
  step: StepLike,
  json: unknown,
  headers?: Record<string, string> | false | '',
  cookies?: Record<string, string | undefined> | false | '',
): Promise<FlowResponse> {
  return ctx.request({
    url: step.url,
    method: step.method,
    json,
    headers: { ...config.authHeaders, ...step.headers, ...headers },
    cookies: { ...config.extraCookies, ...cookies },
    retry: step.retry,
  })
}
