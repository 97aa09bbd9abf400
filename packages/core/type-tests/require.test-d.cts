// The CommonJS declarations (dist/*.d.cts) under the same flags: a `require` user sees the same types.
import type { AuthFetch, AuthStrategy } from '@authmux/core'
import type { helperCall } from '@authmux/core/provider'

declare const strategy: AuthStrategy
export const fetch: AuthFetch = strategy.fetch
export type HelperCall = typeof helperCall
