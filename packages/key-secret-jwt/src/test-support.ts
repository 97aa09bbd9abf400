import { inspect } from 'node:util'
import type { AuthEventName, AuthStrategy } from '@authmux/core'
import { expect, vi } from 'vitest'

/** The real `setTimeout`, kept before a test fakes timers: waits for real I/O while virtual time stands still. */
const realSetTimeout = globalThis.setTimeout
const ioTurn = () => new Promise<void>((resolve) => realSetTimeout(resolve, 1))

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

/** Runs `fn`, which must throw, and returns the error. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a throw')
}

/** A `fetch` that counts the requests in flight, so a test on virtual time can wait for the real I/O. */
export function countingFetch(): { fetch: typeof globalThis.fetch; inFlight: () => number } {
  let inFlight = 0
  const counted: typeof globalThis.fetch = async (input, init) => {
    inFlight++
    try {
      return await fetch(input, init)
    } finally {
      inFlight--
    }
  }
  return { fetch: counted, inFlight: () => inFlight }
}

/** Lets `ms` of virtual time pass (fake timers) one second at a time, waiting after each until no request is in flight. */
export async function letTimePass(ms: number, inFlight: () => number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 1_000) {
    await vi.advanceTimersByTimeAsync(1_000)
    while (inFlight() > 0) await ioTurn()
  }
}

/** Waits (in real time) until `condition` holds, e.g. for a timer to be scheduled while timers are fake. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await ioTurn()
}
