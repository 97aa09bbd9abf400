import { Listeners } from './listeners'
import type { AuthEventMap, AuthEventName } from './types'

type ListenersByEvent = { [E in AuthEventName]?: Listeners<AuthEventMap[E]> }

/** A session's typed events; a throwing listener never breaks the session. */
export class AuthEvents {
  #byEvent: ListenersByEvent | undefined

  on<E extends AuthEventName>(event: E, listener: (event: AuthEventMap[E]) => void): () => void {
    const byEvent: ListenersByEvent = (this.#byEvent ??= {})
    const listeners = (byEvent[event] ??= new Listeners<AuthEventMap[E]>() as ListenersByEvent[E]) as Listeners<AuthEventMap[E]>
    return listeners.add(listener)
  }

  emit<E extends AuthEventName>(event: E, payload: AuthEventMap[E]): void {
    ;(this.#byEvent?.[event] as Listeners<AuthEventMap[E]> | undefined)?.emit(payload)
  }
}
