import type { AuthEventMap, AuthEventName } from './types'

type Listener<E extends AuthEventName> = (event: AuthEventMap[E]) => void

/** A tiny typed event emitter; a throwing listener never breaks the session. */
export class AuthEvents {
  #listeners: Map<AuthEventName, Set<Listener<never>>> | undefined

  on<E extends AuthEventName>(event: E, listener: Listener<E>): () => void {
    this.#listeners ??= new Map()
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => {
      set.delete(listener as Listener<never>)
    }
  }

  emit<E extends AuthEventName>(event: E, payload: AuthEventMap[E]): void {
    const set = this.#listeners?.get(event)
    if (!set) return
    for (const listener of set) {
      try {
        ;(listener as Listener<E>)(payload)
      } catch {
        // listeners must not break the lifecycle
      }
    }
  }
}
