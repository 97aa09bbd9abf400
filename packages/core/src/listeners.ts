/**
 * A set of listeners called in order; a listener that throws never stops the others or the caller. The one fan-out
 * every event source in authmux uses (session events, store change feeds).
 */
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>()

  /** Adds a listener; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit(value: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(value)
      } catch {
        // a listener must not break the emitter
      }
    }
  }

  get size(): number {
    return this.#listeners.size
  }
}
