import { SingleFlight } from './single-flight'
import type { TokenSet, TokenStore } from './types'

/**
 * What every session of one store shares in this process, per credential key: the single in-flight obtain (so
 * sessions on the same store and key share one refresh), and the logout generation (bumped by every `logout()`, so
 * an obtain that was in flight when it ran is discarded instead of stored).
 */
interface StoreShared {
  flights: SingleFlight<TokenSet>
  generations: Map<string, number>
}

const sharedByStore = new WeakMap<TokenStore, StoreShared>()

function sharedFor(store: TokenStore): StoreShared {
  let shared = sharedByStore.get(store)
  if (!shared) sharedByStore.set(store, (shared = { flights: new SingleFlight(), generations: new Map() }))
  return shared
}

/** The single-flight registry of a store. */
export function flightsFor(store: TokenStore): SingleFlight<TokenSet> {
  return sharedFor(store).flights
}

/** The logout generation of `key` on `store` (0 until the first logout). */
export function generationOf(store: TokenStore, key: string): number {
  return sharedFor(store).generations.get(key) ?? 0
}

/** Starts a new logout generation for `key`: results of obtains started before it are discarded. */
export function bumpGeneration(store: TokenStore, key: string): void {
  const { generations } = sharedFor(store)
  generations.set(key, (generations.get(key) ?? 0) + 1)
}
