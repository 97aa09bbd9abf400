import type { Session } from './session'

/**
 * Adds a preset's extras (helpers like `account()`, read-only values like `accountName`) to a session, typed:
 * `extendSession(session, { account: () => … })` is a `Session & { account(): … }`. The extras are non-enumerable, so
 * they stay out of `JSON.stringify` and spreads, and never shadow an engine member.
 */
export function extendSession<X extends object>(session: Session, extras: X & { [K in keyof X]: K extends keyof Session ? never : X[K] }): Session & X {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(extras))) {
    if (key in session) throw new TypeError(`extendSession: ${key} is already a member of the session`)
    Object.defineProperty(session, key, { ...descriptor, enumerable: false })
  }
  return session as Session & X
}
