import { inspect } from 'node:util'
import type { AuthEventName, AuthStrategy } from '@authmux/core'
import { expect } from 'vitest'

/** Records every event a strategy emits. */
export function recordEvents(strategy: AuthStrategy): Array<{ event: AuthEventName; payload: unknown }> {
  const seen: Array<{ event: AuthEventName; payload: unknown }> = []
  for (const event of ['login', 'refresh', 'logout', 'error'] as const) {
    strategy.on(event, (payload) => seen.push({ event, payload }))
  }
  return seen
}

/** Every way a value can leak: JSON, util.inspect, String(), message and stack of errors (and their causes). */
function renderings(value: unknown): string[] {
  const out = [JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: false }), String(value)]
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '')
    const cause = (value as { cause?: unknown }).cause
    if (cause !== undefined) out.push(...renderings(cause))
  }
  return out
}

/** Asserts that none of `secrets` appears in any rendering of any of `values`. */
export function expectNoSecrets(values: unknown[], secrets: string[]): void {
  expect(values.length).toBeGreaterThan(0)
  for (const value of values) {
    for (const text of renderings(value)) {
      for (const secret of secrets) {
        if (secret.length > 0) expect(text, 'a secret leaked').not.toContain(secret)
      }
    }
  }
}

/** Awaits a promise that must reject and returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}
