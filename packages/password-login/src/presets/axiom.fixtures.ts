import { startAxiomEmulator } from '@authmux/testkit'
import type { AxiomEmulator } from '@authmux/testkit'
import { createAxiomAuth } from './axiom'
import type { AxiomAuth, AxiomAuthOptions } from './axiom'

/** 2026-01-15T12:00:00Z — the emulator clock starts frozen here; tests move it with `clock.advance()`. */
export const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0)

/** An Axiom emulator with a frozen virtual clock. */
export function startAxiom(options: Parameters<typeof startAxiomEmulator>[0] = {}): Promise<AxiomEmulator> {
  return startAxiomEmulator({ startMs: START_MS, ...options })
}

/**
 * A strategy pointed at the emulator, on the emulator's clock, with the demo account and an `otp` callback that
 * reads the emulator's inbox. Environment variables are ignored.
 */
export function axiomAuthFor(emulator: AxiomEmulator, options: AxiomAuthOptions = {}): AxiomAuth {
  const { email, password } = emulator.credentials
  return createAxiomAuth({
    baseURL: emulator.url,
    email,
    password,
    otp: async () => emulator.inbox.latestCode(email) ?? '',
    now: () => emulator.clock.now(),
    env: false,
    ...options,
  })
}
