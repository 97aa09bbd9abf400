import type { FlowContext, FlowRequest, FlowResponse } from '@authmux/core'
import type { LoginFields } from './steps'

/**
 * Sends one auth step through the engine: the provider's `authHeaders` and the strategy's `extraCookies`, then the
 * request's own headers and cookies (later ones win). Method and retry default in the engine (POST, retried).
 */
export function sendStep(ctx: FlowContext, fields: LoginFields, request: FlowRequest): Promise<FlowResponse> {
  // A step's every non-2xx answer is an error (typed by the flow's toError): no accepted statuses.
  const { acceptStatus: _none, ...step } = request
  return ctx.request({
    ...step,
    headers: { ...fields.settings.authHeaders, ...request.headers },
    cookies: { ...fields.extraCookies, ...request.cookies },
  })
}
