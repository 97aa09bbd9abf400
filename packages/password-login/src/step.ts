import type { FlowContext, FlowRequest, FlowResponse } from '@authmux/core'
import type { LoginSteps } from './steps'

/**
 * Sends one auth step through the engine: the flow's `authHeaders` and `extraCookies`, then the request's own
 * headers and cookies (later ones win). Method and retry default in the engine (POST, retried).
 */
export function sendStep(ctx: FlowContext, steps: LoginSteps, request: FlowRequest): Promise<FlowResponse> {
  return ctx.request({
    ...request,
    headers: { ...steps.authHeaders, ...request.headers },
    cookies: { ...steps.extraCookies, ...request.cookies },
  })
}
