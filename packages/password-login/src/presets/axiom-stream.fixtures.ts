import type { AuthWebSocketEventMap } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { type AxiomStreamAuth, type AxiomStreamAuthOptions, type AxiomWebSocket, createAxiomAuth } from '../stream'

/** Reconnect quickly: the tests wait for events, never for backoff. */
export const FAST = { reconnect: { baseDelayMs: 5, maxDelayMs: 20 } }

/**
 * A streaming Axiom strategy on the emulator (its feed derived from `baseURL`), on the emulator's clock, with the
 * demo account. No background refresh: every renewal in these tests is the stream's own (or the test's).
 */
export function streamAuthFor(emulator: AxiomEmulator, options: AxiomStreamAuthOptions = {}): AxiomStreamAuth {
  const { email, password } = emulator.credentials
  return createAxiomAuth({
    baseURL: emulator.url,
    email,
    password,
    otp: async () => emulator.inbox.latestCode(email) ?? '',
    now: () => emulator.clock.now(),
    backgroundRefresh: false,
    env: false,
    ...options,
  })
}

type Recorded = { [E in keyof AuthWebSocketEventMap]: { type: E; event: AuthWebSocketEventMap[E] } }[keyof AuthWebSocketEventMap]

/** Every event of `ws`, in order. */
export function record(ws: AxiomWebSocket): Recorded[] {
  const events: Recorded[] = []
  ws.on('open', (event) => events.push({ type: 'open', event }))
  ws.on('message', (event) => events.push({ type: 'message', event }))
  ws.on('reconnecting', (event) => events.push({ type: 'reconnecting', event }))
  ws.on('close', (event) => events.push({ type: 'close', event }))
  ws.on('error', (event) => events.push({ type: 'error', event }))
  return events
}

/** The next `event` of `ws` that `accept` takes. */
export function next<E extends keyof AuthWebSocketEventMap>(
  ws: AxiomWebSocket,
  event: E,
  accept: (payload: AuthWebSocketEventMap[E]) => boolean = () => true,
): Promise<AuthWebSocketEventMap[E]> {
  return new Promise((resolve) => {
    const off = ws.on(event, (payload) => {
      if (!accept(payload)) return
      off()
      resolve(payload)
    })
  })
}
