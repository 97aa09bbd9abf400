/** At most one promise in flight per key; every caller of the same key shares it. */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>()

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key)
    if (existing) return existing
    const promise = fn().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key)
    })
    this.#inFlight.set(key, promise)
    return promise
  }

  has(key: string): boolean {
    return this.#inFlight.has(key)
  }
}
